"""What every source adapter takes and gives back."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from etl.schema import REJECT_COLUMNS, Column, typed_frame


@dataclass(frozen=True)
class Options:
    """Build settings an adapter may need.

    home : the reporting side's ISO3 (``--home``), excluded from counterparts.
    mapping : header name -> schema field, from ``--mapping`` (tables only).
    gdelt_roots : CAMEO root codes kept from GDELT exports.
    gdelt_codes : extra full CAMEO codes kept whatever their root.
    """

    home: str = "CHN"
    mapping: dict[str, str] | None = None
    gdelt_roots: tuple[str, ...] = ("03", "04", "05", "06")
    gdelt_codes: tuple[str, ...] = ("042", "043")


@dataclass
class EventRows:
    """Events as plain rows, one dict per event with a value for every one of ``columns`` (the build adds
    ``event_id`` and ``sources``), each value its column's Python type or None (see
    :func:`etl.schema.typed_frame`).

    An adapter that finds a few dozen events per file gives them this way: the build types the rows of all
    such files in one frame, where a frame per file (built, identified and conformed on its own) costs some
    milliseconds each, a quarter of what reading a bulletin costs.
    """

    rows: list[dict]
    columns: tuple[Column, ...]  # those the rows hold, in order

    def __len__(self) -> int:
        return len(self.rows)

    def frame(self) -> pd.DataFrame:
        """The rows as a frame with their columns' dtypes."""
        return typed_frame(self.rows, self.columns)


@dataclass
class Result:
    """An adapter's output.

    events : rows in the event schema's column names (a subset is fine: the
        build fills ``event_id``, ``sources``, ``home_iso3`` and defaults), as a
        frame or as :class:`EventRows`.
    rejects : rows of ``source, location, reason, detail``.
    rows_read : for tables, data rows read (read = accepted + rejected).
    organizations : profile adapters only, the organizations table.
    aggregates : country-year count tables, kept apart from events.
    """

    events: pd.DataFrame | EventRows
    rejects: pd.DataFrame = field(default_factory=lambda: empty_rejects())
    rows_read: int | None = None
    organizations: pd.DataFrame | None = None
    aggregates: pd.DataFrame | None = None


def empty_rejects() -> pd.DataFrame:
    # Every file gets one; building four empty string columns costs milliseconds, copying a template does not.
    return _EMPTY_REJECTS.copy()


_EMPTY_REJECTS = pd.DataFrame({c.name: pd.Series(dtype="string") for c in REJECT_COLUMNS})


def reject_rows(rows: list[tuple[str, str, str, str | None]]) -> pd.DataFrame:
    """Rejects from ``(source, location, reason, detail)`` tuples."""
    if not rows:
        return empty_rejects()
    return pd.DataFrame(rows, columns=[c.name for c in REJECT_COLUMNS]).astype("string")
