"""The project's one input error: every unusable input is reported through it."""

from __future__ import annotations


class InputError(ValueError):
    """An input that cannot be used, with where and why.

    Parameters
    ----------
    path : str
        The file the problem is in.
    reason : str
        What is wrong, in words a researcher can act on.
    location : str, optional
        Where in the file: ``"row 12"``, ``"offset 3051"``, ``"sheet 'Data'"``.

    Examples
    --------
    >>> str(InputError("a.csv", "unterminated quote", "row 3"))
    'a.csv: row 3: unterminated quote'
    """

    def __init__(self, path: str, reason: str, location: str | None = None):
        self.path = str(path)
        self.reason = reason
        self.location = location
        where = f"{self.path}: {location}" if location else self.path
        super().__init__(f"{where}: {reason}")
