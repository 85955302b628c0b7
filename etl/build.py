"""The build: inputs -> adapters -> one validated event table, written atomically.

Every file goes through :func:`process_file`, a pure function of the file and
the options, so the same code runs in this process or on Dask workers
(``--engine dask``).  What an adapter cannot use becomes a reject with a
reason; a file that cannot be read at all becomes a file-level reject and is
reported, and the rest of the build goes on.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl import dedupe
from etl.arrays import Background, distinct_objects, first_positions, gc_paused, span_ids
from etl.errors import InputError
from etl.io import atomic_dir, atomic_path
from etl.schema import COLUMN_NAMES, EVENT_COLUMNS, LIST_COLUMNS, arrow_schema, conform, empty_events
from etl.sources import gdelt, profiles, table, text
from etl.sources.base import EventRows, Options, Result, empty_rejects, reject_rows
from etl.validate import validate

FORMATS = ("auto", "text", "table", "gdelt", "profile")
_ADAPTERS = {"text": text, "table": table, "gdelt": gdelt, "profile": profiles}
_KIND = {"text": "text", "table": "table", "gdelt": "gdelt", "profile": "profile"}


@dataclass
class FileReport:
    """What one input gave: counts for the summary, or the reason it was unusable."""

    path: str
    adapter: str | None
    events: int = 0
    rejects: int = 0
    rows_read: int | None = None
    error: str | None = None
    duplicate: bool = False  # a copy of an earlier input: skipped, not unusable


@dataclass
class Build:
    events: pd.DataFrame
    rejects: pd.DataFrame
    organizations: pd.DataFrame
    aggregates: pd.DataFrame
    files: list[FileReport] = field(default_factory=list)
    merged: int = 0

    @property
    def unusable(self) -> list[FileReport]:
        return [f for f in self.files if f.error and not f.duplicate]


def discover(inputs: list[str | Path]) -> list[Path]:
    """Files named, and every file under directories named, in a stable order; hidden files skipped."""
    found = []
    for item in map(Path, inputs):
        if item.is_dir():
            found += sorted(p for p in item.rglob("*") if p.is_file() and not _hidden(p, item))
        else:
            found.append(item)
    return list(dict.fromkeys(found))


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def choose_adapter(path: Path, fmt: str = "auto") -> str:
    """The adapter name for a file: forced by ``fmt``, else sniffed from its name and first bytes."""
    if fmt != "auto":
        return fmt
    name = path.name.lower().removesuffix(".gz")
    head = _head(path)
    if gdelt.sniff(path, head):
        return "gdelt"
    if name.endswith(tuple(table.SUFFIXES)):
        return "table"
    if name.endswith(text.EXTENSIONS):
        return "profile" if profiles.sniff(path, head) else "text"
    raise InputError(path, f"unsupported file type '{path.suffix or path.name}' (use --format to force one)")


def _head(path: Path, size: int = 65536) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise InputError(path, f"cannot open ({exc.strerror})") from None


@gc_paused
def process_file(path: str, fmt: str, options: Options) -> tuple[Result | None, FileReport]:
    """Run one file through its adapter; an unusable file gives ``(None, report with error)``."""
    p = Path(path)
    try:
        name = choose_adapter(p, fmt)
        result = _ADAPTERS[name].read(p, options)
    except InputError as exc:
        return None, FileReport(path, None, error=str(exc))
    events = _identify(result.events, p, name)
    result = Result(events, result.rejects, result.rows_read, result.organizations, result.aggregates)
    return result, FileReport(path, name, _accepted(result), len(result.rejects), result.rows_read)


def _accepted(result: Result) -> int:
    """Rows kept: events, plus the rows that went to a side table (links, country-year counts)."""
    side = result.aggregates
    kept = side["source_row"].nunique() if side is not None and "source_row" in side else 0
    return len(result.events) + kept


def _identify(events: pd.DataFrame | EventRows, path: Path, adapter: str) -> pd.DataFrame | EventRows:
    """Give rows their stable ``event_id`` and the defaults every adapter shares."""
    if isinstance(events, EventRows):
        return _identify_rows(events, path, adapter)
    if events is None or events.empty:
        return empty_events()
    n, source = len(events), str(path)
    # The file's content, not its path, keys the id: moving a corpus keeps its ids.
    ids = span_ids(_file_digest(path), events["source_start"].to_numpy(dtype="int64"),
                   events["source_end"].to_numpy(dtype="int64"))
    shared = {"event_id": ids, "source": [source] * n, "sources": [[source]] * n}
    if "source_kind" not in events:
        shared["source_kind"] = [_KIND[adapter]] * n
    return conform(events, overrides=shared)


def _identify_rows(events: EventRows, path: Path, adapter: str) -> EventRows:
    """:func:`_identify` for plain rows: the same ids and defaults, typed later with other files' rows."""
    rows, source = events.rows, str(path)
    ids = span_ids(_file_digest(path), [r["source_start"] for r in rows], [r["source_end"] for r in rows])
    defaults = {"source_kind": _KIND[adapter]}
    return EventRows([{**defaults, **row, "event_id": event_id, "source": source, "sources": [source]}
                      for row, event_id in zip(rows, ids, strict=True)], EVENT_COLUMNS)


def _file_digest(path: Path) -> str:
    # The build hashes each input twice (to skip copies, then for ids): remember the last few by file
    # identity and modification, so that a 300 MB table is hashed once.
    st = os.stat(path)
    key = (os.fspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    if key in _DIGESTS:
        return _DIGESTS[key]
    h = hashlib.sha1()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    if len(_DIGESTS) > 256:
        _DIGESTS.clear()
    _DIGESTS[key] = h.hexdigest()
    return _DIGESTS[key]


_DIGESTS: dict[tuple, str] = {}


def build(inputs: list[str | Path], options: Options = Options(), fmt: str = "auto", engine: str = "local",
          scheduler: str | None = None, progress: bool = True, workers: int | None = None) -> Build:
    """Build the event table from every input; see the module docstring."""
    paths, copies = _distinct_contents(discover(inputs))
    if engine == "dask":
        from etl.engine import run_dask

        outcomes = run_dask(paths, fmt, options, scheduler, workers)
    else:
        outcomes = _run_local(paths, fmt, options, progress)
    return _combine(outcomes + copies)


def _distinct_contents(paths: list[Path]) -> tuple[list[str], list]:
    """Files to read, and a report for each later file whose bytes repeat an earlier one.

    Event ids are keyed by content, so a second copy would only repeat every event.
    """
    first_of: dict[str, str] = {}
    keep, copies = [], []
    for path in paths:
        try:
            digest = _file_digest(path)
        except OSError:
            keep.append(str(path))  # the adapter will report why it cannot be read
            continue
        if digest in first_of:
            copies.append((None, FileReport(str(path), None, error=f"{path}: same content as {first_of[digest]}",
                                            duplicate=True)))
        else:
            first_of[digest] = str(path)
            keep.append(str(path))
    return keep, copies


def _run_local(paths: list[str], fmt: str, options: Options, progress: bool):
    from tqdm import tqdm

    # delay: a progress bar only for runs that last long enough to need one.
    bar = tqdm(paths, desc="files", unit="file", disable=not progress, delay=1.0, leave=False)
    return [process_file(p, fmt, options) for p in bar]


@gc_paused
def _combine(outcomes) -> Build:
    results = [r for r, _ in outcomes if r is not None]
    reports = [rep for _, rep in outcomes]
    file_rejects = reject_rows([(f.path, "file", "duplicate file" if f.duplicate else "unusable file", f.error)
                                for f in reports if f.error])
    events = _concat(_event_frames(results), empty_events())
    # Safety net: rows sharing an event_id (identical bytes under two paths) become one row listing both.
    events, identical = dedupe.merge_identical(events)
    events, merged = dedupe.merge_duplicates(events)
    merged += identical
    if not _in_order(events, _ORDER):  # a single table comes in order already: sorting a million rows is not free
        events = events.sort_values(list(_ORDER), kind="stable")
    # process_file conformed every frame, and concatenating and merging keep the dtypes: conforming again
    # would only check a million list cells once more.
    if _conformed(events):  # then every list cell is a list of str: conform made them, the merges keep them so
        events = validate(events.reset_index(drop=True), lists_known=True)
    else:
        events = validate(conform(events))
    rejects = _concat([file_rejects] + [r.rejects for r in results], empty_rejects())
    organizations = _concat([r.organizations for r in results if r.organizations is not None], pd.DataFrame())
    aggregates = _concat([r.aggregates for r in results if r.aggregates is not None], pd.DataFrame())
    return Build(events, rejects.reset_index(drop=True), organizations, aggregates, reports, merged)


_ORDER = ("source", "source_start", "source_end", "event_id")


def _event_frames(results: list[Result]) -> list[pd.DataFrame]:
    """Each result's events as a frame, in order, except that the rows of consecutive :class:`EventRows` results
    (a directory of bulletins) make one frame: typed and conformed once, not once per file."""
    frames, rows = [], []
    for result in [*results, None]:  # None: the end, where the last run of rows is typed too
        if result is not None and isinstance(result.events, EventRows):
            rows += result.events.rows
            continue
        if rows:
            frames.append(conform(EventRows(rows, EVENT_COLUMNS).frame()))
            rows = []
        if result is not None:
            frames.append(result.events)
    return frames


def _conformed(events: pd.DataFrame) -> bool:
    """Whether ``events`` has the schema's columns, in order, with the dtypes :func:`conform` gives."""
    return list(events.columns) == list(COLUMN_NAMES) and all(
        events[c.name].dtype == conform_dtype for c, conform_dtype in zip(EVENT_COLUMNS, _conform_dtypes(), strict=True))


@cache
def _conform_dtypes() -> tuple:
    return tuple(empty_events().dtypes)


def _in_order(events: pd.DataFrame, keys: tuple[str, ...]) -> bool:
    """Whether a stable sort by ``keys`` would leave ``events`` as they are (False when unsure: then sort)."""
    n = len(events)
    if n < 2:
        return True
    tied = np.ones(n - 1, dtype=bool)  # adjacent pairs equal on every key so far
    for key in keys:
        column = events[key]
        if column.isna().any():
            return False  # missing values sort last: leave them to sort_values
        if isinstance(column.dtype, pd.StringDtype):
            values = pa.array(column.array)
            first, second = values.slice(0, n - 1), values.slice(1)
            less, greater = pc.less(first, second), pc.greater(first, second)
            less, greater = (np.asarray(x.to_numpy(zero_copy_only=False), dtype=bool) for x in (less, greater))
        elif column.dtype == "Int64" or pd.api.types.is_numeric_dtype(column.dtype):
            values = column.to_numpy(dtype="float64" if column.dtype.kind == "f" else "int64")
            less, greater = values[:-1] < values[1:], values[:-1] > values[1:]
        else:
            return False
        if (greater & tied).any():
            return False
        tied &= ~less
        if not tied.any():
            return True
    return True


def _concat(frames: list[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else empty


# ---------------------------------------------------------------- writing


def write_events(df: pd.DataFrame, out: Path) -> None:
    """Write the event table atomically: Parquet (Arrow lists), CSV (';'-joined lists), or, for a path without a
    suffix, a year-partitioned Parquet dataset (see :func:`events_path`)."""
    out = Path(out)
    if is_dataset(out):
        _write_years(df, events_path(out))
        return
    with atomic_path(out) as tmp:
        if out.suffix.lower() == ".csv":
            to_csv_frame(df).to_csv(tmp, index=False)
        else:
            pq.write_table(_arrow(df), tmp, compression="zstd")


def is_dataset(out: Path) -> bool:
    """``--out DIR`` (no file suffix) asks for a year-partitioned dataset."""
    return not Path(out).suffix


def events_path(out: Path) -> Path:
    """Where the events go: ``out`` itself, or for a dataset ``out/events`` (``year=YYYY/part-0.parquet`` inside,
    the layout ``etl.synth`` writes and the dashboard opens), with the side files beside it."""
    return Path(out) / "events" if is_dataset(out) else Path(out)


def _arrow(df: pd.DataFrame) -> pa.Table:
    schema = arrow_schema()
    lists = {c for c in LIST_COLUMNS if len(df) > _FEW_LIST_CELLS}
    rest = pa.schema([f for f in schema if f.name not in lists])
    table_ = pa.Table.from_pandas(df[rest.names], schema=rest, preserve_index=False)
    columns = {**{name: _list_array(df[name], schema.field(name).type) for name in lists},
               **dict(zip(table_.column_names, table_.columns, strict=True))}
    return pa.Table.from_arrays([columns[name] for name in schema.names], schema=schema)


# Below this many cells, converting every cell costs less than finding the distinct ones first.
_FEW_LIST_CELLS = 4096


def _list_array(cells: pd.Series, type_: pa.DataType) -> pa.Array:
    """A column of list cells as Arrow: each distinct list object converted once, then taken per row.

    A million-row table's list cells share a few thousand objects (see ``etl.arrays``): converting those and
    taking by code costs a tenth of converting a million Python lists.
    """
    codes, distinct = distinct_objects(cells.to_numpy(dtype=object))
    return pa.array(distinct, type=type_).take(pa.array(codes))


def _write_years(df: pd.DataFrame, target: Path) -> None:
    # One file per year of start_date, rows in table order: a query on a date range reads only its years, and
    # the same table gives the same bytes.  Undated rows (none pass validation today) would go to year=0000.
    years = pd.to_datetime(df["start_date"]).dt.year.fillna(0).astype("int64").to_numpy()
    table_ = _arrow(df)
    with atomic_dir(target) as tmp:
        for year in np.unique(years).tolist():
            part = tmp / f"year={year:04d}"
            part.mkdir()
            pq.write_table(table_.filter(pa.array(years == year)), part / "part-0.parquet", compression="zstd")


def to_csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The event table with list cells joined by ';' and dates as ISO strings."""
    out = df.copy()
    for col in LIST_COLUMNS:
        out[col] = _joined(out[col])
    for col in ("start_date", "end_date"):
        out[col] = _iso_dates(out[col])
    return out


def _joined(cells: pd.Series) -> pd.Series:
    """``cells.map(lambda v: ";".join(v))`` without a Python call per cell through ``map``."""
    if not len(cells):
        return cells.map(lambda v: ";".join(v))
    return pd.Series([";".join(v) for v in cells.to_numpy(dtype=object)], index=cells.index, name=cells.name)


def _iso_dates(dates: pd.Series) -> pd.Series:
    """``dates.dt.strftime("%Y-%m-%d")``, formatting each distinct date once (a table has few)."""
    codes, uniques = pd.factorize(dates, sort=False)
    if not len(dates) or (codes < 0).any():
        return dates.dt.strftime("%Y-%m-%d")
    text = pd.Series(uniques).dt.strftime("%Y-%m-%d")
    return pd.Series(text.array.take(codes), index=dates.index, name=dates.name)


def write_frame(df: pd.DataFrame, out: Path) -> None:
    """Write a side table (rejects, organizations, aggregates) atomically in ``out``'s format."""
    with atomic_path(out) as tmp:
        if Path(out).suffix.lower() == ".csv":
            df.map(lambda v: ";".join(map(str, v)) if isinstance(v, list) else v).to_csv(tmp, index=False)
        else:
            pq.write_table(pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None), tmp)


def side_path(out: Path, name: str) -> Path:
    """``events.parquet`` -> ``events.rejects.parquet``; for a dataset ``DIR`` -> ``DIR/events.rejects.parquet``."""
    out = Path(out) / "events.parquet" if is_dataset(out) else Path(out)
    return out.with_name(f"{out.stem}.{name}{out.suffix}")


def data_version(df: pd.DataFrame) -> str:
    """A content hash of the event table: same rows, same version.

    It hashes the rows as :func:`to_csv_frame` writes them.  List and date cells go in as categoricals of
    those same strings, which hash cell by cell exactly as the strings do: each distinct list (cells often
    share one) is joined, and each distinct date formatted, once.
    """
    frame = df.copy()
    for col in LIST_COLUMNS:
        frame[col] = _categorical(frame[col], lambda cells: [";".join(v) for v in cells], by_identity=True)
    for col in ("start_date", "end_date"):
        frame[col] = _categorical(frame[col], lambda dates: pd.Series(dates).dt.strftime("%Y-%m-%d").tolist())
    for col in frame.columns:
        # Strings hash as they would under categorize=True (missing ones included) when categorical; the
        # (nearly) unique ones, when none is missing, hash the same and faster without the detour.
        if isinstance(frame[col].dtype, pd.StringDtype) and (
                col not in ("event_id", "snippet") or frame[col].hasnans):
            codes, uniques = pd.factorize(frame[col], sort=False)
            frame[col] = pd.Categorical.from_codes(codes, categories=uniques)
    # categorize only matters for object columns (a conformed table has none left here).
    categorize = any(pd.api.types.is_object_dtype(dtype) for dtype in frame.dtypes)
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(frame, index=False, categorize=categorize).values.tobytes())
    return h.hexdigest()[:16]


def _categorical(values: pd.Series, render, by_identity: bool = False) -> pd.Series:
    """``values`` rendered as strings (``render`` maps a list of distinct values to their strings), as a categorical.

    ``by_identity``: group cells by object (lists are unhashable; equal lists under two objects are
    merely rendered twice).  Missing values keep what ``render`` gives them, as in :func:`to_csv_frame`.
    """
    if by_identity:
        codes, distinct = distinct_objects(values.to_numpy(dtype=object))
    else:
        codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=False)
        distinct = values.to_numpy()[first_positions(codes)]
    text = pd.Series(render(distinct), dtype=object)
    # Two objects or dates may give one string: categories must be distinct.
    text_codes, categories = pd.factorize(text, sort=False, use_na_sentinel=True)
    return pd.Series(pd.Categorical.from_codes(text_codes[codes], categories=categories), index=values.index)


@gc_paused
def write_all(result: Build, out: Path, rejects: Path | None = None, territory_policy: str = "separate") -> dict:
    """Write events, rejects, side tables and the manifest; return the manifest."""
    out = Path(out)
    # Parquet encoding and compression run in C++ without the GIL: the table is written in a thread
    # while this one hashes it for the manifest.
    writer = Background(write_events, result.events, out)
    try:
        version = data_version(result.events)
    finally:
        writer.join()
    writer.result()
    write_frame(result.rejects, rejects or side_path(out, "rejects"))
    if not result.organizations.empty:
        write_frame(result.organizations, side_path(out, "organizations"))
    if not result.aggregates.empty:
        write_frame(result.aggregates, side_path(out, "aggregates"))
    manifest = {
        "data_version": version,
        "events": len(result.events),
        "rejects": len(result.rejects),
        "organizations": len(result.organizations),
        "aggregates": len(result.aggregates),
        "merged_duplicates": result.merged,
        "territory_policy": territory_policy,
        "layout": "year-partitioned" if is_dataset(out) else "file",
        "reject_reasons": dict(Counter(result.rejects["reason"].astype(str)).most_common()),
    }
    with atomic_path(side_path(out, "manifest").with_suffix(".json")) as tmp:
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest
