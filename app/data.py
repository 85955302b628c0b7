"""THE query layer: every number the dashboard shows comes from a function here.

A :class:`Dataset` is an in-memory DuckDB database whose view ``events`` scans Parquet (one file or a
year-partitioned directory); a pandas frame is first written to a private Parquet file, so frames and files share
one SQL code path.  Nothing is loaded up front: DuckDB reads only the columns and row groups a query needs.

Filters become a parameterized ``WHERE`` (user text is never formatted into SQL).  Costly filters (lists, text,
the territory fold) are evaluated once per filter state into a *selection* of the rows' aggregate columns, which
the page's charts then share; aggregates run in DuckDB (``UNNEST`` for the list columns) and only small frames
come back.  From :data:`HOT_MIN_ROWS` rows, the first costly filter also starts building integer-coded in-memory
copies of the filter and chart columns in the background (:mod:`app.hot`); once they are there, selections are
cut from them (a numpy mask and an Arrow ``take``) instead of from Parquet, with the same SQL on top.
Results are kept in one bounded LRU cache keyed by ``(function, dataset, filters, arguments)``; a
dataset's identity is its content ``version``.

Streamlit serves each session on its own thread and a DuckDB connection must not be used by two threads at once,
so each query runs on its own cursor (a cursor is a connection to the same in-memory database).
"""

from __future__ import annotations

import functools
import gc
import hashlib
import itertools
import json
import shutil
import tempfile
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from app import hot, regions
from app.filters import FOLD_INTO, FOLDED_TERRITORIES, Filters
from etl.schema import COLUMN_NAMES, EVENT_COLUMNS, arrow_schema, conform, vocabularies

CACHE_SIZE = 256
FREQS = ("week", "month", "quarter", "year")
STACKS = ("sector", "event_type", "region")
MEASURES = ("events", "participants")
HOME_REGION = "China/home"
UNKNOWN_REGION = regions.UNKNOWN
LOW_CONFIDENCE = 0.5
TOP_SECTORS = 3
MAX_ORGANIZATION_OPTIONS = 5_000
_SQL_TYPES = {"string": "VARCHAR", "date": "DATE", "Int64": "BIGINT", "float64": "DOUBLE", "list": "VARCHAR[]"}


# ====================================================================== datasets

# Columns the aggregates read: a selection (below) keeps only these.  Not the long text columns, and not
# ``sectors`` or ``groups``, which only filters use (and decoding list columns is most of a selection's cost).
AGGREGATE_COLUMNS = ("start_date", "end_date", "date_precision", "event_type", "sector", "host_iso3", "host_city",
                     "lat", "lon", "home_iso3", "countries", "participants", "organizations", "source", "confidence")
SELECTIONS_PER_DATASET = 8
SELECTION_MAX_ROWS = 1_000_000          # up to this many rows a selection is an Arrow table
SELECTION_TABLE_MAX_ROWS = 5_000_000    # up to this many a (compressed) DuckDB table; beyond, scan in place
SELECTION_TABLE_BYTES_PER_ROW = 60      # DuckDB's compressed size of a selection row, for the memory budget
SELECTION_BUDGET_BYTES = 768 * 1024**2
SCAN_BATCH_ROWS = 122_880               # DuckDB's row-group size: the unit of work of one scan thread
# Datasets from this many rows get in-memory coded columns (app.hot) once a costly filter is first set: below it
# DuckDB over Parquet is already fast, above the memory cap the app stays on Parquet alone.
HOT_MIN_ROWS = 200_000
HOT_BYTES_PER_ROW = 100                 # measured 98 at 1M and 10M synthetic rows (codes, index, numbers)
HOT_MAX_BYTES = 3 * 1024**3 // 2        # 16M rows; the build peaks at about twice this


class _Selection:
    """The filtered rows' :data:`AGGREGATE_COLUMNS`, kept for the aggregates that follow: a small result as an
    Arrow table (registered on each query's cursor), a large one as a DuckDB table (compressed).

    ``pins`` counts queries using it right now: an evicted table is dropped only when the last one is done.
    """

    __slots__ = ("arrow", "table", "nbytes", "pins", "evicted")

    def __init__(self, arrow: pa.Table | None = None, table: str | None = None, nbytes: int = 0) -> None:
        self.arrow, self.table, self.nbytes = arrow, table, nbytes
        self.pins, self.evicted = 0, False


class _Engine:
    """The DuckDB database behind one dataset: a view ``events`` over Parquet, tables ``regions`` and
    ``country_names``, the fold macros, and a small LRU of filtered selections.

    A selection holds the filtered rows once, so the half-dozen aggregates of a page scan those rows instead of
    re-evaluating list and text predicates over the whole table.  Queries pin the selection they read, so that
    another session's eviction never drops a table under a running query.
    """

    def __init__(self, scan_sql: str, tmpdir: Path | None = None) -> None:
        self._con = duckdb.connect(":memory:")
        self._lock = threading.Lock()
        self._selections: OrderedDict[Filters, _Selection | None] = OrderedDict()
        self._names = itertools.count()
        self.rows = 0  # set once the dataset is counted
        self._hot: hot.HotColumns | None = None
        self._hot_thread: threading.Thread | None = None
        self.hot_error: str | None = None
        if tmpdir is not None:
            # The Parquet copy of an in-memory frame lives as long as the dataset does.
            weakref.finalize(self, shutil.rmtree, tmpdir, True)
        # Files are replaced, never rewritten in place (etl.io writes atomically), and DuckDB revalidates cached
        # footers by modification time: every query then skips re-reading the Parquet footers.
        self._con.execute("SET parquet_metadata_cache = true")
        self._con.execute(f"CREATE VIEW events AS {scan_sql}")

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._con.cursor()

    def _relation(self, cur, sql: str, params: list | None, selection: pa.Table | None):
        if selection is not None:
            cur.register("sel", selection)
        return cur.sql(sql, params=params or None)

    def run(self, sql: str, params: list | None = None) -> None:
        # On a cursor of its own: a long statement must not hold the lock every other query needs.
        cur = self._cursor()
        try:
            cur.execute(sql, params or [])
        finally:
            cur.close()

    def frame(self, sql: str, params: list | None = None, selection: pa.Table | None = None) -> pd.DataFrame:
        cur = self._cursor()
        try:
            return self._relation(cur, sql, params, selection).df()
        finally:
            cur.close()

    def arrow(self, sql: str, params: list | None = None, selection: pa.Table | None = None) -> pa.Table:
        cur = self._cursor()
        try:
            return self._relation(cur, sql, params, selection).to_arrow_table()
        finally:
            cur.close()

    def register_table(self, name: str, table: pa.Table) -> None:
        """Copy a small Arrow table into a DuckDB table visible to every cursor."""
        with self._lock:
            self._con.register("_incoming", table)
            try:
                self._con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _incoming")
            finally:
                self._con.unregister("_incoming")

    def start_hot(self) -> bool:
        """Build the in-memory coded columns in the background, once, when the dataset is big enough to need them
        and small enough to afford them; returns whether they are (being) built."""
        if not HOT_MIN_ROWS <= self.rows <= HOT_MAX_BYTES // HOT_BYTES_PER_ROW:
            return False
        with self._lock:
            if self._hot_thread is None:
                self._hot_thread = threading.Thread(target=self._build_hot, name="exchange-atlas-hot", daemon=True)
                self._hot_thread.start()
        return True

    def wait_hot(self, timeout: float | None = None) -> hot.HotColumns | None:
        """Wait for the coded columns (started if need be); None when the dataset does not get them."""
        if self.start_hot():
            self._hot_thread.join(timeout)
        return self._hot

    def _build_hot(self) -> None:
        cur = self._cursor()
        try:
            def read(names):
                return cur.sql(f"SELECT {', '.join(names)} FROM events").to_arrow_reader(hot.BATCH_ROWS)

            self._hot = hot.build(read, AGGREGATE_COLUMNS)
        except Exception as exc:  # noqa: BLE001 - without the coded columns every query still runs on Parquet
            self.hot_error = f"{type(exc).__name__}: {exc}"
        finally:
            cur.close()

    def acquire(self, f: Filters) -> _Selection | None:
        """``f``'s selection, built on first use and pinned until :meth:`release`; None means "scan in place"."""
        self.start_hot()
        with self._lock:
            if f in self._selections:
                self._selections.move_to_end(f)
                return self._pin(self._selections[f])
        selection = self._build_selection(f)
        with self._lock:
            if f in self._selections:  # built meanwhile by another session: keep one of the two
                self._evict(self._selections.pop(f))
            self._selections[f] = selection
            while len(self._selections) > SELECTIONS_PER_DATASET or (
                    len(self._selections) > 1 and self._selection_bytes() > SELECTION_BUDGET_BYTES):
                self._evict(self._selections.popitem(last=False)[1])
            return self._pin(selection)

    def release(self, selection: _Selection | None) -> None:
        if selection is None:
            return
        with self._lock:
            selection.pins -= 1
            if selection.evicted and selection.pins == 0:
                self._drop(selection)

    @staticmethod
    def _pin(selection: _Selection | None) -> _Selection | None:
        if selection is not None:
            selection.pins += 1
        return selection

    def _evict(self, selection: _Selection | None) -> None:
        if selection is None:
            return
        selection.evicted = True
        if selection.pins == 0:
            self._drop(selection)

    def _drop(self, selection: _Selection) -> None:
        if selection.table:
            self._con.execute(f"DROP TABLE IF EXISTS {selection.table}")
        selection.arrow = None

    def _selection_bytes(self) -> int:
        return sum(s.nbytes for s in self._selections.values() if s is not None)

    def _build_selection(self, f: Filters) -> _Selection | None:
        coded = self._hot
        if coded is not None and coded.answers(f):
            keep = coded.mask(f)
            if keep.sum() <= SELECTION_MAX_ROWS:
                return self._coded_selection(coded.select(keep), f)
        condition, params = where(f)
        sql = f"SELECT {', '.join(AGGREGATE_COLUMNS)} FROM {_source(f)} WHERE {condition}"
        if self.rows <= SELECTION_MAX_ROWS:
            table = self._fetch_arrow(sql, params)
            if table is not None:
                return _Selection(arrow=table, nbytes=table.nbytes)
        if f.is_empty():
            return None  # the whole table, only folded: copying it would cost more than folding on the fly
        # A big table: build the selection inside DuckDB (compressed, and no second pass to find its size).
        return self._materialize(sql, params)

    def _coded_selection(self, table: pa.Table, f: Filters) -> _Selection:
        # DuckDB scans an Arrow table one batch per thread: a single million-row chunk would use one core.
        table = pa.Table.from_batches(table.to_batches(max_chunksize=SCAN_BATCH_ROWS), table.schema)
        if f.territory == "fold":
            table = self.arrow(f"SELECT {', '.join(AGGREGATE_COLUMNS)} FROM {_source(f, 'sel')}", selection=table)
        return _Selection(arrow=table, nbytes=table.nbytes)

    def _fetch_arrow(self, sql: str, params: list) -> pa.Table | None:
        cur = self._cursor()
        try:
            reader = cur.sql(sql, params=params or None).to_arrow_reader(256_000)
            batches, n = [], 0
            for batch in reader:
                n += batch.num_rows
                if n > SELECTION_MAX_ROWS:
                    return None
                batches.append(batch)
            return pa.Table.from_batches(batches, reader.schema)
        finally:
            cur.close()

    def _materialize(self, sql: str, params: list) -> _Selection | None:
        name = f"selection_{next(self._names)}"
        # The LIMIT bounds the work and memory spent before finding out that a selection is too big to keep.
        self.run(f"CREATE TABLE {name} AS {sql} LIMIT {SELECTION_TABLE_MAX_ROWS + 1}", params)
        n = int(self.arrow(f"SELECT count(*) AS n FROM {name}")["n"][0].as_py())
        if n > SELECTION_TABLE_MAX_ROWS:
            self.run(f"DROP TABLE {name}")
            return None
        return _Selection(table=name, nbytes=n * SELECTION_TABLE_BYTES_PER_ROW)


@dataclass(frozen=True)
class Dataset:
    """An event table the dashboard can query.

    Attributes
    ----------
    label : str
        Shown to the user: "Bundled sample", "Upload: foo.csv", "Synthetic 1M".
    version : str
        Content hash (the manifest's ``data_version`` or a hash of the rows); keys the result cache.
    sample : bool
        The bundled sample: the app marks it "SAMPLE".
    synthetic : bool
        Generated rows: the app marks it "SYNTHETIC — not real events".
    events : int
        Number of rows.
    """

    label: str
    version: str
    sample: bool = False
    synthetic: bool = False
    events: int = 0
    _engine: _Engine | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def engine(self) -> _Engine:
        if self._engine is None:
            raise ValueError("this Dataset has no data: build it with open_parquet() or from_frame()")
        return self._engine


def open_parquet(path: str | Path, label: str | None = None, sample: bool = False,
                 synthetic: bool | None = None) -> Dataset:
    """Open an event table written as Parquet: one file, or a directory of files (hive ``year=YYYY/`` parts).

    Nothing is loaded: DuckDB scans the files for each query, reading only the columns and row groups it needs.

    Parameters
    ----------
    path : str or Path
        A ``.parquet`` file, a directory of them, or a directory holding ``events.parquet`` or ``events/``
        (what ``python -m etl.synth`` writes).
    label : str, optional
        Shown in the app; defaults to the file name (or "Synthetic N" for synthetic data).
    sample : bool
        Whether this is the bundled sample.
    synthetic : bool, optional
        Defaults to the manifest's ``synthetic`` flag.

    Returns
    -------
    Dataset
    """
    source = _resolve_parquet(Path(path))
    manifest = _manifest(source)
    engine = _Engine(_parquet_select(source))
    n = int(engine.arrow("SELECT count(*) AS n FROM events")["n"][0].as_py())
    synthetic = bool(manifest.get("synthetic", False)) if synthetic is None else synthetic
    version = str(manifest.get("data_version") or _files_fingerprint(source))
    label = label or (f"Synthetic {_short_count(n)}" if synthetic else source.name)
    return _finish(engine, label, version, sample, synthetic, n)


def from_frame(df: pd.DataFrame, label: str, sample: bool = False, synthetic: bool = False) -> Dataset:
    """A dataset over an event frame (an upload, a merge, a test fixture).

    The frame is written once to a private Parquet file and opened like any other, so frames and files share
    one query path (and one set of answers).

    Parameters
    ----------
    df : pandas.DataFrame
        Rows in the event schema (missing nullable columns are added empty, extra columns dropped).
    label : str
        Shown in the app.
    sample, synthetic : bool
        Flags shown in the app.

    Returns
    -------
    Dataset
    """
    table = frame_to_arrow(df)
    tmpdir = Path(tempfile.mkdtemp(prefix="exchange-atlas-"))
    path = tmpdir / "events.parquet"
    pq.write_table(table, path, compression="zstd", row_group_size=131_072)
    engine = _Engine(_parquet_select(path), tmpdir)
    return _finish(engine, label, _table_hash(table), sample, synthetic, table.num_rows)


def frame_to_arrow(df: pd.DataFrame) -> pa.Table:
    """An event frame -> an Arrow table in the Parquet schema (conforming it first when its dtypes differ)."""
    try:
        return pa.Table.from_pandas(df[list(COLUMN_NAMES)], schema=arrow_schema(), preserve_index=False)
    except (KeyError, TypeError, ValueError, pa.ArrowException):
        return pa.Table.from_pandas(conform(df), schema=arrow_schema(), preserve_index=False)


def _finish(engine: _Engine, label: str, version: str, sample: bool, synthetic: bool, n: int) -> Dataset:
    engine.rows = n
    table = regions.region_table()
    names = pd.DataFrame(list(regions.country_names().items()), columns=["iso3", "name"])
    engine.register_table("regions", pa.Table.from_pandas(table, preserve_index=False))
    engine.register_table("country_names", pa.Table.from_pandas(names, preserve_index=False))
    folded = ", ".join(f"'{code}'" for code in FOLDED_TERRITORIES)
    engine.run(f"CREATE MACRO fold_iso(x) AS CASE WHEN x IN ({folded}) THEN '{FOLD_INTO}' ELSE x END")
    # Folding can make two codes equal (HKG and CHN): keep the first of each, in order, since order carries meaning
    # (the first counterpart decides an event's region when it has no host).
    engine.run("CREATE MACRO fold_list(l) AS list_filter(list_transform(l, lambda x: fold_iso(x)), "
               "lambda x, i: list_position(list_transform(l, lambda y: fold_iso(y)), x) = i)")
    return Dataset(label, version, sample, synthetic, n, engine)


def _resolve_parquet(path: Path) -> Path:
    if not path.exists():
        raise FileNotFoundError(f"no such Parquet file or directory: {path}")
    if path.is_dir():
        for inner in (path / "events.parquet", path / "events"):
            if inner.exists():
                return inner
    return path


def _manifest(source: Path) -> dict:
    candidates = [source.with_name(f"{source.stem if source.is_file() else source.name}.manifest.json")]
    if source.is_dir():
        candidates.append(source / "manifest.json")
    for candidate in candidates:
        if candidate.is_file():
            try:
                return json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return {}
    return {}


def _parquet_files(source: Path) -> list[Path]:
    return [source] if source.is_file() else sorted(source.rglob("*.parquet"))


def _files_fingerprint(source: Path) -> str:
    h = hashlib.sha256()
    for p in _parquet_files(source):
        stat = p.stat()
        h.update(f"{p.relative_to(source.parent)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


def _sql_literal(text: str) -> str:
    # DDL cannot take parameters; the path comes from the app's configuration, and quoting makes it a literal.
    return "'" + text.replace("'", "''") + "'"


def _parquet_select(source: Path) -> str:
    """``SELECT`` of the schema's columns from the Parquet source, cast where a file's type differs; missing
    nullable columns come back empty, a missing required column is an error."""
    if source.is_dir():
        if not _parquet_files(source):
            raise FileNotFoundError(f"no .parquet files under {source}")
        glob = _sql_literal(str(source / "**" / "*.parquet"))
        scan = f"read_parquet({glob}, hive_partitioning=true, union_by_name=true)"
    else:
        scan = f"read_parquet({_sql_literal(str(source))})"
    with duckdb.connect(":memory:") as con:
        described = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
    present = {name: str(sql_type) for name, sql_type, *_ in described}
    missing = [c.name for c in EVENT_COLUMNS if c.name not in present and not c.nullable and c.dtype != "list"]
    if missing:
        raise ValueError(f"{source}: not an event table, missing columns {', '.join(missing)}")
    return f"SELECT {', '.join(_column_expr(c, present) for c in EVENT_COLUMNS)} FROM {scan}"


def _column_expr(col, present: dict[str, str]) -> str:
    sql_type = _SQL_TYPES[col.dtype]
    if col.name not in present:
        empty = "[]" if col.dtype == "list" else "NULL"
        return f'CAST({empty} AS {sql_type}) AS "{col.name}"'
    if present[col.name] == sql_type:
        return f'"{col.name}"'
    return f'CAST("{col.name}" AS {sql_type}) AS "{col.name}"'


def _table_hash(table: pa.Table) -> str:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table.combine_chunks())
    return hashlib.sha256(sink.getvalue()).hexdigest()[:16]


def _short_count(n: int) -> str:
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if n >= size and n % size == 0:
            return f"{n // size}{suffix}"
    return f"{n:,}"


# ====================================================================== filters -> SQL


def _source(f: Filters, table: str = "events") -> str:
    """The event table (or another with its columns) as the filters' territory policy shows it."""
    if f.territory == "fold":
        # The lambda-based fold_list is only worth running on the few lists that hold a territory at all.
        touched = " OR ".join(f"list_contains(countries, '{code}')" for code in FOLDED_TERRITORIES)
        return (f"(SELECT * REPLACE (fold_iso(host_iso3) AS host_iso3, "
                f"CASE WHEN {touched} THEN fold_list(countries) ELSE countries END AS countries) FROM {table})")
    return "events"


def where(f: Filters) -> tuple[str, list]:
    """The filters as a SQL condition with ``?`` placeholders and its parameters (in placeholder order).

    Every value is a bound parameter: nothing the user typed is ever part of the SQL text.
    """
    clauses: list[str] = []
    params: list = []

    def add(clause: str, values: list) -> None:
        clauses.append(clause)
        params.extend(values)

    if f.start is not None:
        add("end_date >= ?", [f.start])
    if f.end is not None:
        add("start_date <= ?", [f.end])
    if f.regions:
        codes, groups = regions.expand(f.regions)
        add(*_either(_list_any("countries", codes), _value_in("host_iso3", codes), _list_any("groups", groups)))
    if f.countries:
        add(*_either(_list_any("countries", f.countries), _value_in("host_iso3", f.countries)))
    if f.sectors:
        add(*_list_any("sectors", f.sectors))
    if f.organizations:
        add(*_list_any("organizations", f.organizations))
    if f.types:
        add(*_value_in("event_type", f.types))
    if f.text:
        pattern = "%" + like_escape(f.text) + "%"
        add(r"(title ILIKE ? ESCAPE '\' OR snippet ILIKE ? ESCAPE '\')", [pattern, pattern])
    return (" AND ".join(clauses) or "TRUE"), params


# Up to this many values, "list contains a OR list contains b" beats a per-element lookup in the value list
# (DuckDB's list_has_any builds a hash set per row and is several times slower than both).
_FEW_VALUES = 6


def _list_any(column: str, values) -> tuple[str, list]:
    """``column`` (a list) holds any of ``values``."""
    values = list(values)
    if not values:
        return "FALSE", []
    if len(values) <= _FEW_VALUES:
        return "(" + " OR ".join(f"list_contains({column}, ?)" for _ in values) + ")", values
    return f"coalesce(list_bool_or(list_transform({column}, lambda x: list_contains(?::VARCHAR[], x))), FALSE)", [
        values]


def _value_in(column: str, values) -> tuple[str, list]:
    values = list(values)
    return ("FALSE", []) if not values else (f"list_contains(?::VARCHAR[], {column})", [values])


def _either(*parts: tuple[str, list]) -> tuple[str, list]:
    return "(" + " OR ".join(sql for sql, _ in parts) + ")", [p for _, values in parts for p in values]


def like_escape(text: str) -> str:
    r"""Make ``%``, ``_`` and ``\`` match themselves in a ``LIKE ... ESCAPE '\'`` pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _needs_selection(f: Filters) -> bool:
    # Date and type conditions are cheap (and dates prune row groups); list, text and fold conditions are worth
    # evaluating once per filter state rather than once per chart.
    return f.territory == "fold" or bool(f.regions or f.countries or f.sectors or f.organizations or f.text)


@dataclass(frozen=True)
class _Scope:
    """Where a query reads the filtered events from: a pinned selection when the filters are costly, else the
    table itself; either way the SQL starts ``WITH ev AS (...)``."""

    ds: Dataset
    f: Filters

    def frame(self, sql: str, extra: list | None = None) -> pd.DataFrame:
        return self._run("frame", sql, extra)

    def arrow(self, sql: str, extra: list | None = None) -> pa.Table:
        return self._run("arrow", sql, extra)

    def _run(self, kind: str, sql: str, extra: list | None):
        engine = self.ds.engine
        selection = engine.acquire(self.f) if _needs_selection(self.f) else None
        try:
            if selection is not None and selection.arrow is not None:
                head, params, table = "WITH ev AS (SELECT * FROM sel)", [], selection.arrow
            elif selection is not None:
                head, params, table = f"WITH ev AS (SELECT * FROM {selection.table})", [], None
            else:
                condition, params = where(self.f)
                head, table = f"WITH ev AS (SELECT * FROM {_source(self.f)} WHERE {condition})", None
            return getattr(engine, kind)(f"{head} {sql}", [*params, *(extra or [])], table)
        finally:
            engine.release(selection)


def _scope(ds: Dataset, f: Filters) -> _Scope:
    return _Scope(ds, f)


# SQL for an event's region: the home side, else the host's continent, else the first counterpart's.
_REGION_JOIN = (
    "LEFT JOIN regions rh ON rh.iso3 = ev.host_iso3 "
    "LEFT JOIN regions rc ON rc.iso3 = ev.countries[1]"
)
_REGION_EXPR = (
    f"CASE WHEN ev.host_iso3 = ev.home_iso3 THEN '{HOME_REGION}' "
    f"ELSE coalesce(rh.continent, rc.continent, '{UNKNOWN_REGION}') END"
)


# ====================================================================== the cache


_QUERIES: dict = {}


def _query(fn):
    """Register ``fn(ds, f, *args)`` as a cached query; callers get a copy, so no session can alter the cache."""
    _QUERIES[fn.__name__] = fn
    return fn


@functools.lru_cache(maxsize=CACHE_SIZE)
def _cached(name: str, ds: Dataset, f: Filters, args: tuple):
    return _QUERIES[name](ds, f, *args)


def _call(name: str, ds: Dataset, f: Filters | None, *args):
    result = _cached(name, ds, f if f is not None else Filters(), args)
    if isinstance(result, pd.DataFrame):
        return result.copy()
    if isinstance(result, tuple):
        return tuple(r.copy() for r in result)
    return dict(result)


def clear_cache() -> None:
    """Forget every cached result (tests; a dataset replaced in place)."""
    _cached.cache_clear()


def cache_info():
    """Hits, misses and size of the result cache."""
    return _cached.cache_info()


def _check(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {allowed}, not {value!r}")
    return value


def _period(freq: str) -> str:
    return f"CAST(date_trunc('{_check(freq, FREQS, 'freq')}', start_date) AS DATE)"


def _dates(df: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for col in columns:
        df[col] = pd.to_datetime(df[col]).astype("datetime64[s]")
    return df


def _ints(df: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for col in columns:
        df[col] = df[col].fillna(0).astype("int64")
    return df


def _strings(df: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for col in columns:
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


# ====================================================================== queries
# Every aggregate starts from ``WITH ev AS (...)`` (see _scope); an event counts once for each value of a list
# column it names (the schema's lists hold distinct values; folding keeps them distinct).


# The heavy part of several charts is the same UNNEST: these three small "fact" tables are computed once per
# (dataset, filters) and shared through the cache by the headline, the map, the organization chart and the network.


@_query
def _totals(ds: Dataset, f: Filters) -> dict:
    sql = """
        SELECT count(*) AS events, min(start_date) AS first, max(end_date) AS last, sum(participants) AS participants
        FROM ev"""
    return _scope(ds, f).arrow(sql).to_pylist()[0]


@_query
def _country_facts(ds: Dataset, f: Filters) -> pd.DataFrame:
    """``iso3, sector, events, participants`` per counterpart country and primary sector."""
    sql = """
        SELECT iso3, sector, count(*) AS events, coalesce(sum(participants), 0) AS participants
        FROM (SELECT unnest(countries) AS iso3, sector, participants FROM ev) GROUP BY iso3, sector"""
    return _strings(_ints(_scope(ds, f).frame(sql), "events", "participants"), "iso3", "sector")


@_query
def _org_facts(ds: Dataset, f: Filters) -> pd.DataFrame:
    """``organization, sector, events`` per organization and primary sector."""
    sql = """
        SELECT organization, sector, count(*) AS events
        FROM (SELECT unnest(organizations) AS organization, sector FROM ev) GROUP BY organization, sector"""
    return _strings(_ints(_scope(ds, f).frame(sql), "events"), "organization", "sector")


def _ranked_totals(facts: pd.DataFrame, key: str, value: str = "events") -> pd.Series:
    """Totals per ``key``, largest first and ties by name (the order every "top" list uses)."""
    totals = facts.groupby(key, sort=False)[value].sum()
    # Sorting (total, name) pairs in Python: a key function looking totals up by label costs a pandas lookup each.
    order = sorted(zip((-t for t in totals.tolist()), totals.index.tolist(), strict=True))
    return pd.Series([-t for t, _ in order], index=pd.Index([k for _, k in order], dtype=object, name=key),
                     name=value, dtype="int64")


def headline(ds: Dataset, f: Filters | None = None) -> dict:
    """The headline numbers.

    Returns
    -------
    dict
        ``events`` (rows), ``countries`` (distinct counterpart countries), ``organizations`` (distinct names),
        ``first`` (earliest start date), ``last`` (latest end date; both ``datetime.date`` or None) and
        ``participants`` (sum of the head-counts given; a lower bound, 0 when none is given).
    """
    return _call("_headline", ds, f)


@_query
def _headline(ds: Dataset, f: Filters) -> dict:
    totals = _cached("_totals", ds, f, ())
    return {
        "events": int(totals["events"]),
        "countries": int(_cached("_country_facts", ds, f, ())["iso3"].nunique()),
        "organizations": int(_cached("_org_facts", ds, f, ())["organization"].nunique()),
        "first": totals["first"],
        "last": totals["last"],
        "participants": int(totals["participants"] or 0),
    }


def by_country(ds: Dataset, f: Filters | None = None, measure: str = "events") -> pd.DataFrame:
    """Events (or participants) per counterpart country.

    Parameters
    ----------
    measure : {"events", "participants"}
        Count events, or sum their head-counts (an event's head-count counts for each of its countries).

    Returns
    -------
    pandas.DataFrame
        ``iso3, name, value, top_sectors``: one row per country with events, largest first; ``top_sectors`` names
        the country's three most frequent primary sectors, most frequent first (``"health, education"``).
    """
    return _call("_by_country", ds, f, _check(measure, MEASURES, "measure"))


@_query
def _by_country(ds: Dataset, f: Filters, measure: str) -> pd.DataFrame:
    facts = _cached("_country_facts", ds, f, ())
    columns = ["iso3", "name", "value", "top_sectors"]
    if facts.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "value" else object) for c in columns})
    values = facts.groupby("iso3")[measure].sum().astype("int64")
    top = facts.sort_values(["iso3", "events", "sector"], ascending=[True, False, True])
    top = top.groupby("iso3").head(TOP_SECTORS).groupby("iso3", sort=False)["sector"].agg(", ".join)
    names = regions.country_names()
    out = pd.DataFrame({"iso3": values.index.astype(object), "value": values.to_numpy()})
    out["name"] = [names.get(code, code) for code in out["iso3"]]
    out["top_sectors"] = out["iso3"].map(top).astype(object)
    return out.sort_values(["value", "iso3"], ascending=[False, True], ignore_index=True)[columns]


def by_city(ds: Dataset, f: Filters | None = None) -> pd.DataFrame:
    """Events per host city (events without a city or coordinates are left out).

    Returns
    -------
    pandas.DataFrame
        ``host_city, host_iso3, lat, lon, events``, most events first; ``lat, lon`` average the events' points (to 6 decimals, so the answer does not depend on summation order).
    """
    return _call("_by_city", ds, f)


@_query
def _by_city(ds: Dataset, f: Filters) -> pd.DataFrame:
    sql = """
        SELECT host_city, host_iso3, round(avg(lat), 6) AS lat, round(avg(lon), 6) AS lon, count(*) AS events FROM ev
        WHERE host_city IS NOT NULL AND lat IS NOT NULL AND lon IS NOT NULL
        GROUP BY host_city, host_iso3 ORDER BY events DESC, host_city, host_iso3"""
    return _strings(_ints(_scope(ds, f).frame(sql), "events"), "host_city", "host_iso3")


def flows(ds: Dataset, f: Filters | None = None) -> pd.DataFrame:
    """Events from the reporting side to each counterpart (a country folded into the home side is not a flow).

    Returns
    -------
    pandas.DataFrame
        ``home_iso3, iso3, events``, most events first.
    """
    return _call("_flows", ds, f)


@_query
def _flows(ds: Dataset, f: Filters) -> pd.DataFrame:
    sql = """,
        pairs AS (SELECT home_iso3, unnest(countries) AS iso3 FROM ev)
        SELECT home_iso3, iso3, count(*) AS events FROM pairs WHERE iso3 <> home_iso3
        GROUP BY home_iso3, iso3 ORDER BY events DESC, home_iso3, iso3"""
    return _strings(_ints(_scope(ds, f).frame(sql), "events"), "home_iso3", "iso3")


def timeline(ds: Dataset, f: Filters | None = None, freq: str = "month", stack: str = "sector") -> pd.DataFrame:
    """Events per period (by start date), split by a key.

    Parameters
    ----------
    freq : {"week", "month", "quarter", "year"}
        Period length; weeks start on Monday.
    stack : {"sector", "event_type", "region"}
        The key: primary sector, event type, or region (``"China/home"`` when held on the home side, else the
        continent of the host, else of the first counterpart, else ``"Unknown"``).

    Returns
    -------
    pandas.DataFrame
        ``period`` (datetime64, the period's first day), ``key``, ``events``; sorted by period and key, only
        non-zero cells.
    """
    return _call("_timeline", ds, f, _check(freq, FREQS, "freq"), _check(stack, STACKS, "stack"))


@_query
def _timeline(ds: Dataset, f: Filters, freq: str, stack: str) -> pd.DataFrame:
    key = _REGION_EXPR if stack == "region" else f"ev.{stack}"
    join = _REGION_JOIN if stack == "region" else ""
    sql = f"""
        SELECT {_period(freq)} AS period, {key} AS key, count(*) AS events FROM ev {join}
        GROUP BY period, key ORDER BY period, key"""
    return _strings(_dates(_ints(_scope(ds, f).frame(sql), "events"), "period"), "key")


def precision_mix(ds: Dataset, f: Filters | None = None) -> pd.DataFrame:
    """How precisely events are dated: ``date_precision, events`` in the order day, month, year."""
    return _call("_precision_mix", ds, f)


@_query
def _precision_mix(ds: Dataset, f: Filters) -> pd.DataFrame:
    sql = """
        SELECT date_precision, count(*) AS events FROM ev GROUP BY date_precision
        ORDER BY CASE date_precision WHEN 'day' THEN 0 WHEN 'month' THEN 1 WHEN 'year' THEN 2 ELSE 3 END,
                 date_precision"""
    return _strings(_ints(_scope(ds, f).frame(sql), "events"), "date_precision")


def country_periods(ds: Dataset, f: Filters | None = None, freq: str = "year") -> pd.DataFrame:
    """Events per counterpart country and period, for the animated map: ``period, iso3, events``."""
    return _call("_country_periods", ds, f, _check(freq, FREQS, "freq"))


@_query
def _country_periods(ds: Dataset, f: Filters, freq: str) -> pd.DataFrame:
    sql = f""",
        pairs AS (SELECT {_period(freq)} AS period, unnest(countries) AS iso3 FROM ev)
        SELECT period, iso3, count(*) AS events FROM pairs GROUP BY period, iso3 ORDER BY period, iso3"""
    return _strings(_dates(_ints(_scope(ds, f).frame(sql), "events"), "period"), "iso3")


def sector_type(ds: Dataset, f: Filters | None = None) -> pd.DataFrame:
    """Events per primary sector and event type: ``sector, event_type, events``, largest first."""
    return _call("_sector_type", ds, f)


@_query
def _sector_type(ds: Dataset, f: Filters) -> pd.DataFrame:
    sql = """
        SELECT sector, event_type, count(*) AS events FROM ev GROUP BY sector, event_type
        ORDER BY events DESC, sector, event_type"""
    return _strings(_ints(_scope(ds, f).frame(sql), "events"), "sector", "event_type")


def sector_region(ds: Dataset, f: Filters | None = None) -> pd.DataFrame:
    """Events per primary sector and region (as in :func:`timeline`'s region stack): ``sector, region, events``."""
    return _call("_sector_region", ds, f)


@_query
def _sector_region(ds: Dataset, f: Filters) -> pd.DataFrame:
    sql = f"""
        SELECT ev.sector, {_REGION_EXPR} AS region, count(*) AS events FROM ev {_REGION_JOIN}
        GROUP BY ev.sector, region ORDER BY events DESC, ev.sector, region"""
    return _strings(_ints(_scope(ds, f).frame(sql), "events"), "sector", "region")


def top_organizations(ds: Dataset, f: Filters | None = None, n: int = 10) -> pd.DataFrame:
    """The ``n`` organizations named in most events, each split by the events' primary sector.

    Returns
    -------
    pandas.DataFrame
        ``sector, organization, events``; an organization's rows sum to its event count.  Sorted by the
        organization's total (largest first, ties by name), then by events and sector.
    """
    return _call("_top_organizations", ds, f, _positive(n, "n"))


@_query
def _top_organizations(ds: Dataset, f: Filters, n: int) -> pd.DataFrame:
    facts = _cached("_org_facts", ds, f, ())
    rank = {org: i for i, org in enumerate(_ranked_totals(facts, "organization").index[:n])}
    out = facts[facts["organization"].isin(rank)].assign(_rank=lambda d: d["organization"].map(rank))
    out = out.sort_values(["_rank", "events", "sector"], ascending=[True, False, True], ignore_index=True)
    return out[["sector", "organization", "events"]]


def network(ds: Dataset, f: Filters | None = None, max_nodes: int = 60) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Organizations and the counterpart countries they share events with.

    The nodes are the ``ceil(max_nodes / 2)`` organizations and ``floor(max_nodes / 2)`` countries named in most
    events (ties by name); an edge joins an organization and a country with the number of events naming both.

    Returns
    -------
    (nodes, edges)
        ``nodes``: ``id, kind ("organization" | "country"), events, name`` (``id`` is the name or the ISO3 code),
        organizations first, most events first; ``edges``: ``source`` (organization), ``target`` (ISO3),
        ``weight``, heaviest first.
    """
    return _call("_network", ds, f, _positive(max_nodes, "max_nodes"))


@_query
def _network(ds: Dataset, f: Filters, max_nodes: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    orgs = _ranked_totals(_cached("_org_facts", ds, f, ()), "organization").iloc[: (max_nodes + 1) // 2]
    countries = _ranked_totals(_cached("_country_facts", ds, f, ()), "iso3").iloc[: max_nodes // 2]
    names = regions.country_names()
    nodes = pd.DataFrame({
        "id": [*orgs.index, *countries.index],
        "kind": ["organization"] * len(orgs) + ["country"] * len(countries),
        "events": [*orgs.tolist(), *countries.tolist()],
        "name": [*orgs.index, *(names.get(c, c) for c in countries.index)],
    }).astype({"id": object, "kind": object, "events": "int64", "name": object})
    # Countries are unnested only for the chosen organizations, so the pairs never multiply out over the whole
    # table; semi-joins against the node lists beat per-element lambdas (list_filter) by a third.
    sql = """,
        o AS (SELECT unnest(organizations) AS source, countries FROM ev),
        pairs AS (SELECT source, unnest(countries) AS target FROM o WHERE source IN (SELECT unnest(?::VARCHAR[])))
        SELECT source, target, count(*) AS weight FROM pairs WHERE target IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY source, target ORDER BY weight DESC, source, target"""
    edges = _scope(ds, f).frame(sql, [list(orgs.index), list(countries.index)])
    return nodes, _strings(_ints(edges, "weight"), "source", "target")


def source_quality(ds: Dataset, f: Filters | None = None) -> pd.DataFrame:
    """Per source file: events, how many are dated to the day, month or year, and how many have
    ``confidence`` below :data:`LOW_CONFIDENCE`: ``source, events, day, month, year, low_confidence``."""
    return _call("_source_quality", ds, f)


@_query
def _source_quality(ds: Dataset, f: Filters) -> pd.DataFrame:
    sql = f"""
        SELECT source, count(*) AS events,
               count(*) FILTER (WHERE date_precision = 'day') AS day,
               count(*) FILTER (WHERE date_precision = 'month') AS month,
               count(*) FILTER (WHERE date_precision = 'year') AS year,
               count(*) FILTER (WHERE confidence < {LOW_CONFIDENCE}) AS low_confidence
        FROM ev GROUP BY source ORDER BY events DESC, source"""
    df = _scope(ds, f).frame(sql)
    return _strings(_ints(df, "events", "day", "month", "year", "low_confidence"), "source")


ROW_ORDERS = {
    "oldest": "start_date, event_id",
    "newest": "start_date DESC, event_id DESC",
    "least_confident": "confidence, event_id",
}


def rows(ds: Dataset, f: Filters | None = None, limit: int | None = None, order: str = "oldest",
         low_confidence: bool = False) -> pd.DataFrame:
    """The filtered events themselves, in schema column order and dtypes.

    Parameters
    ----------
    limit : int, optional
        At most this many rows (for display); None for all of them (downloads).  Only limited results are
        cached: an unlimited one can be the whole table.
    order : {"oldest", "newest", "least_confident"}
        By start date then ``event_id`` (the default), the reverse, or by confidence.  Sorting and limiting run
        in DuckDB, so "the 10 latest" never pulls the whole filtered table into pandas.
    low_confidence : bool
        Keep only rows with ``confidence`` below :data:`LOW_CONFIDENCE`.

    Returns
    -------
    pandas.DataFrame
        Conformed event rows (list cells are lists); under the fold policy HKG, MAC and TWN read CHN.
    """
    f = f if f is not None else Filters()
    args = (_check(order, tuple(ROW_ORDERS), "order"), bool(low_confidence))
    if limit is None:
        return _rows(ds, f, None, *args)
    return _call("_rows", ds, f, _positive(limit, "limit", allow_zero=True), *args)


@_query
def _rows(ds: Dataset, f: Filters, limit: int | None, order: str = "oldest", low_confidence: bool = False
          ) -> pd.DataFrame:
    columns = ", ".join(f'"{c}"' for c in COLUMN_NAMES)
    condition, params = where(f)
    if low_confidence:
        condition += f" AND confidence < {LOW_CONFIDENCE}"
    bound, bound_params = _row_bound(ds, f, limit, order, low_confidence)
    sql = f"SELECT {columns} FROM {_source(f)} WHERE {condition}{bound} ORDER BY {ROW_ORDERS[order]}"
    sql += f" LIMIT {limit}" if limit is not None else ""
    return arrow_to_frame(ds.engine.arrow(sql, [*params, *bound_params]))


# The sort key of each row order, and the side of the limit-th key that every row of the answer is on.
_ROW_BOUNDS = {"oldest": ("start_date", "<="), "newest": ("start_date", ">="), "least_confident": ("confidence", "<=")}


def _row_bound(ds: Dataset, f: Filters, limit: int | None, order: str, low_confidence: bool) -> tuple[str, list]:
    """An extra condition that lets DuckDB skip most files and row groups when fetching the first ``limit`` rows.

    When the page's charts already hold the filtered rows' dates and confidences (an in-memory selection), the
    ``limit``-th smallest (or largest) sort key among them bounds the answer; rows tied with it stay in, so the
    result is exactly the unbounded query's.
    """
    if limit is None or not _needs_selection(f):
        return "", []
    engine = ds.engine
    selection = engine.acquire(f)
    try:
        if selection is None or selection.arrow is None:
            return "", []
        column, op = _ROW_BOUNDS[order]
        table = selection.arrow
        if low_confidence:
            table = table.filter(pc.less(table["confidence"], LOW_CONFIDENCE))
        if limit == 0 or table.num_rows == 0:
            return " AND FALSE", []
        values = table[column].combine_chunks()
        return f" AND {column} {op} ?", [_kth(values, min(limit, len(values)), descending=op == ">=")]
    finally:
        engine.release(selection)


def _kth(values: pa.Array, k: int, descending: bool):
    """The ``k``-th smallest (or largest) of ``values``, as a Python value of their type."""
    first = pc.take(values, pc.select_k_unstable(values, k, [("values", "descending" if descending else "ascending")]))
    return (pc.min(first) if descending else pc.max(first)).as_py()


def count(ds: Dataset, f: Filters | None = None) -> int:
    """Number of events the filters keep (cheaper than :func:`headline` when that is all a page needs)."""
    return int(_call("_totals", ds, f)["events"])


def arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow event rows -> the frame :func:`etl.schema.conform` would give (list cells as lists of str, dates as
    ``datetime64[s]``), built column-wise: conforming cell by cell takes a minute on a million rows."""
    lists = [c.name for c in EVENT_COLUMNS if c.dtype == "list"]
    mapper = {pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype()}.get
    df = table.drop_columns(lists).to_pandas(types_mapper=mapper, date_as_object=False)
    for col in lists:
        df[col] = pd.Series(_python_lists(table[col]), index=df.index, dtype=object)
    for col in (c.name for c in EVENT_COLUMNS if c.dtype == "date"):
        df[col] = df[col].astype("datetime64[s]")
    return df[list(COLUMN_NAMES)]


def _python_lists(column: pa.ChunkedArray) -> list[list[str]]:
    # Slicing one flat list of values by the offsets is far faster than converting cell by cell; the cyclic
    # garbage collector is paused meanwhile because a million new lists would trigger it hundreds of times.
    out: list[list[str]] = []
    enabled = gc.isenabled()
    gc.disable()
    try:
        for chunk in column.chunks:
            offsets = chunk.offsets.to_numpy().tolist()
            values = chunk.values.to_pylist()
            out += [values[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    finally:
        if enabled:
            gc.enable()
    return out


def options(ds: Dataset) -> dict:
    """Distinct values for the sidebar pickers, from the whole dataset (not the filtered rows).

    Returns
    -------
    dict
        ``countries`` (ISO3 codes of hosts and counterparts, sorted), ``sectors`` and ``types`` (codebook order,
        then any others), ``organizations`` (the :data:`MAX_ORGANIZATION_OPTIONS` most named, sorted by name),
        ``groups``, ``regions`` (every region option), ``start`` and ``end`` (``datetime.date`` span, or None)
        and ``events``.
    """
    return _call("_options", ds, Filters())


@_query
def _options(ds: Dataset, f: Filters) -> dict:
    run = ds.engine.frame
    span = ds.engine.arrow("SELECT min(start_date) AS lo, max(end_date) AS hi, count(*) AS n FROM events").to_pylist()[0]
    vocab = vocabularies()
    return {
        "countries": run("SELECT DISTINCT x FROM (SELECT unnest(countries) AS x FROM events UNION ALL "
                         "SELECT host_iso3 FROM events) WHERE x IS NOT NULL ORDER BY x")["x"].tolist(),
        "sectors": _vocab_order(run("SELECT DISTINCT unnest(sectors) AS x FROM events")["x"], vocab["sectors"]),
        "types": _vocab_order(run("SELECT DISTINCT event_type AS x FROM events")["x"], vocab["event_types"]),
        "organizations": run(f"""SELECT x FROM (SELECT x, count(*) AS n FROM (SELECT unnest(organizations) AS x
                                 FROM events) GROUP BY x ORDER BY n DESC, x LIMIT {MAX_ORGANIZATION_OPTIONS})
                                 ORDER BY x""")["x"].tolist(),
        "groups": sorted(run("SELECT DISTINCT unnest(groups) AS x FROM events")["x"].dropna().tolist()),
        "regions": regions.region_options(),
        "start": span["lo"],
        "end": span["hi"],
        "events": int(span["n"]),
    }


def _vocab_order(values: pd.Series, vocab: tuple[str, ...]) -> list[str]:
    present = set(values.dropna().tolist())
    return [v for v in vocab if v in present] + sorted(present - set(vocab))


def _positive(value, what: str, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if allow_zero else 1):
        raise ValueError(f"{what} must be a {'non-negative' if allow_zero else 'positive'} integer, not {value!r}")
    return int(value)


def describe(ds: Dataset) -> str:
    """A one-line description of the dataset for captions and citations."""
    flags = [flag for flag, on in (("SAMPLE", ds.sample), ("SYNTHETIC, not real events", ds.synthetic)) if on]
    extra = f" ({'; '.join(flags)})" if flags else ""
    return f"{ds.label}: {ds.events:,} events, data version {ds.version}{extra}"
