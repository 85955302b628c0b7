"""The event table, declared once.

Every other part of the project reads this module: validation, the Parquet
and CSV writers, the codebook page and the download help.  Change a column
here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import chain
from operator import itemgetter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import yaml

CODEBOOK_PATH = Path(__file__).with_name("codebook.yaml")

DATE_PRECISIONS = ("day", "month", "year")
QUALIFIERS = ("exact", "more_than", "nearly", "about", "up_to")
SOURCE_KINDS = ("text", "table", "gdelt", "profile", "synthetic")


@dataclass(frozen=True)
class Column:
    """One column of a table: name, storage type, meaning and allowed codes.

    ``dtype`` is one of ``string``, ``date``, ``Int64``, ``float64``,
    ``list``; ``codes`` names a vocabulary (a key of :func:`vocabularies`).
    """

    name: str
    dtype: str
    description: str
    nullable: bool = True
    codes: str | None = None


EVENT_COLUMNS: tuple[Column, ...] = (
    Column("event_id", "string", "Stable hash of the source and the span it came from; unique in the table.", False),
    Column("title", "string", "Short title written by the extractor, e.g. 'Environment federation delegation visits South Africa'.", False),
    Column("start_date", "date", "First day of the event (the 1st of the month or year when precision is coarser).", False),
    Column("end_date", "date", "Last day of the event (the month's or year's last day when precision is coarser).", False),
    Column("date_precision", "string", "How precisely the source dates the event.", False, "date_precision"),
    Column("event_type", "string", "What kind of activity it was; one code.", False, "event_types"),
    Column("sector", "string", "The primary sector.", False, "sectors"),
    Column("sectors", "list", "Every sector that applies, primary first.", False, "sectors"),
    Column("host_iso3", "string", "ISO 3166-1 alpha-3 code of the country where it took place (XKX for Kosovo). A "
           "narrative item that names no place, only where its guests come from, is placed on the reporting side "
           "(home_iso3), with a lower confidence; one that names a place no index knows is left empty."),
    Column("host_city", "string", "City, or Chinese province/city, where it took place."),
    Column("lat", "float64", "Latitude of the host city, else of the host country's centroid."),
    Column("lon", "float64", "Longitude of the host city, else of the host country's centroid."),
    Column("home_iso3", "string", "The reporting side, CHN unless the source was built with --home.", False),
    Column("countries", "list", "Counterpart countries as ISO3: home excluded, host included when foreign. ';'-joined in CSV.", False),
    Column("groups", "list", "Multilateral groups named (ASEAN, SCO, BRICS, EU, AU, Africa...), never expanded into members.", False, "groups"),
    Column("participants", "Int64", "Headline head-count of people, as a lower bound; empty when the source gives none."),
    Column("participants_qualifier", "string", "How the source qualifies the head-count.", True, "participants_qualifier"),
    Column("organizations", "list", "Organizations named, each under its one canonical name.", False),
    Column("source", "string", "File the event came from (path as given to the build).", False),
    Column("sources", "list", "Every source that reported the event, when duplicates were merged.", False),
    Column("source_start", "Int64", "Character offset where the event's text starts in the decoded source; the row number for tables.", False),
    Column("source_end", "Int64", "Character offset where it ends (exclusive); the row number for tables.", False),
    Column("snippet", "string", "The source text of the event (shortened with '…' past 600 characters), or the row as text.", False),
    Column("source_kind", "string", "The adapter that read the source.", False, "source_kind"),
    Column("confidence", "float64", "0–1: how sure the extractor is of the row's main fields.", False),
    Column("method", "string", "How the row was extracted, e.g. 'text:bulletin-item' or 'gdelt:cameo'.", False),
)

REJECT_COLUMNS: tuple[Column, ...] = (
    Column("source", "string", "File the rejected item came from.", False),
    Column("location", "string", "Row number, character offset or sheet where it was found.", False),
    Column("reason", "string", "Why it could not be normalized; a short, stable phrase to group by.", False),
    Column("detail", "string", "The offending value or text, shortened."),
)

ORGANIZATION_COLUMNS: tuple[Column, ...] = (
    Column("org_id", "string", "Stable hash of the organization's canonical name.", False),
    Column("name", "string", "Canonical name: the full English name, or 'Unnamed ...' for a page that never names its own organization.", False),
    Column("acronym", "string", "Acronym, from the page ('... (CPAFFC)') or the alias table."),
    Column("aliases", "list", "Other names and spellings the page uses for it.", False),
    Column("country_iso3", "string", "Where it is based, as ISO3: from its name, a 'based in' phrase or, for an unnamed page, the countries it pairs."),
    Column("founded_year", "Int64", "Year founded or established, when stated."),
    Column("sectors", "list", "Fields of work stated on the page, as codebook sector codes, strongest first.", False, "sectors"),
    Column("partners", "list", "Canonical names of organizations the page says it works with.", False),
    Column("description", "string", "A short description written by the extractor, never copied from the page."),
    Column("role", "string", "'subject' for the page's own organization, 'partner' or 'mentioned' for others.", False),
    Column("source", "string", "File the profile came from.", False),
    Column("source_start", "Int64", "Character offset where the row's evidence starts in the decoded source.", False),
    Column("source_end", "Int64", "Character offset where it ends (exclusive).", False),
)

LIST_COLUMNS = tuple(c.name for c in EVENT_COLUMNS if c.dtype == "list")
DATE_COLUMNS = tuple(c.name for c in EVENT_COLUMNS if c.dtype == "date")
COLUMN_NAMES = tuple(c.name for c in EVENT_COLUMNS)


@cache
def codebook() -> dict:
    """The parsed ``codebook.yaml``: ``{"sectors": {...}, "event_types": {...}}``."""
    with CODEBOOK_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@cache
def vocabularies() -> dict[str, tuple[str, ...]]:
    """Every controlled vocabulary the schema refers to, by name."""
    from etl.normalize.groups import GROUP_NAMES

    book = codebook()
    return {
        "sectors": tuple(book["sectors"]),
        "event_types": tuple(book["event_types"]),
        "date_precision": DATE_PRECISIONS,
        "participants_qualifier": QUALIFIERS,
        "source_kind": SOURCE_KINDS,
        "groups": GROUP_NAMES,
    }


_ARROW_TYPES = {
    "string": pa.string(),
    "date": pa.date32(),
    "Int64": pa.int64(),
    "float64": pa.float64(),
    "list": pa.list_(pa.string()),
}


def arrow_schema(columns: tuple[Column, ...] = EVENT_COLUMNS) -> pa.Schema:
    """The Parquet schema of a table, in column order."""
    return pa.schema([pa.field(c.name, _ARROW_TYPES[c.dtype], nullable=c.nullable) for c in columns])


def empty_events() -> pd.DataFrame:
    """A zero-row event table with every column and dtype in place."""
    return conform(pd.DataFrame({c.name: [] for c in EVENT_COLUMNS}))


def conform(df: pd.DataFrame, columns: tuple[Column, ...] = EVENT_COLUMNS,
            overrides: Mapping[str, Sequence] | None = None) -> pd.DataFrame:
    """Order the columns and give each its declared pandas dtype.

    Missing nullable columns are added empty; list cells become lists of
    strings so that Parquet, DuckDB and CSV see one shape.  A column that
    already has its dtype (lists: every cell a list of str) is kept as it is,
    so conforming twice costs little; list cells may then be shared between
    rows, so replace a cell's list rather than change it in place.

    ``overrides`` gives columns to use instead of ``df``'s (plain values, see :func:`typed_frame`): adding them
    here spares a copy of ``df`` and one insertion each.
    """
    overrides = overrides or {}
    data = {}
    for col in columns:
        if col.name in overrides:
            data[col.name] = _typed(list(overrides[col.name]), col.dtype)
            continue
        values = df[col.name] if col.name in df else pd.Series([None] * len(df), index=df.index, dtype=object)
        data[col.name] = _as_dtype(values, col.dtype).array
    # One construction from arrays: inserting columns one by one costs pandas ~0.5 ms each, which a bulletin's
    # 40-row frame would pay 26 times.
    return pd.DataFrame(data, copy=False)


def typed_frame(rows: Sequence[Mapping], columns: tuple[Column, ...]) -> pd.DataFrame:
    """Rows of plain values -> a frame with exactly the dtypes :func:`conform` gives, inferring nothing.

    Each cell must already be its column's Python type or None: ``str``, ``datetime.date``, ``int``,
    ``float`` or a list of str.  A cell of another type raises (from pyarrow or numpy), so a wrong type is
    a bug to fix, not data to coerce.  Building a small frame this way costs a fifth of letting pandas
    infer each column and then converting it.
    """
    names = [c.name for c in columns]
    cells = dict(zip(names, _transposed(rows, names), strict=True))
    strings = [c.name for c in columns if c.dtype == "string"]
    data = dict(zip(strings, _strings([cells[name] for name in strings]), strict=True))
    return pd.DataFrame(
        {c.name: data[c.name] if c.dtype == "string" else _typed(cells[c.name], c.dtype) for c in columns}, copy=False
    )


def _transposed(rows: Sequence[Mapping], names: list[str]) -> list[Sequence]:
    """The cells of ``rows`` column by column (one tuple per name): one C-level pass instead of one per column."""
    if not rows or len(names) < 2:
        return [[row[name] for row in rows] for name in names]
    return list(zip(*map(itemgetter(*names), rows), strict=True))


def _strings(columns: list[list]) -> list[pd.arrays.ArrowStringArray]:
    """Several string columns of one length, converted by one pyarrow call.

    Each ``pa.array`` call costs some 10 us before the first value; a bulletin's frame has a dozen string
    columns of a few dozen cells, so converting them together and slicing (slices share the buffer) halves
    the cost.
    """
    flat = pa.array(list(chain.from_iterable(columns)), pa.large_string())
    n = len(columns[0]) if columns else 0
    return [pd.arrays.ArrowStringArray(flat.slice(i * n, n)) for i in range(len(columns))]


def _typed(values: Sequence, dtype: str):
    """One column of plain values (see :func:`typed_frame`) as the array its declared dtype stores."""
    if dtype == "string":
        return _strings([values])[0]
    if dtype == "date":
        return _dates(values)
    if dtype == "Int64":
        if None not in values:  # the usual case (offsets): numpy reads the ints whole
            return pd.arrays.IntegerArray(np.array(values, dtype=np.int64), np.zeros(len(values), dtype=bool))
        mask = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
        ints = np.fromiter((0 if v is None else v for v in values), dtype=np.int64, count=len(values))
        return pd.arrays.IntegerArray(ints, mask)
    if dtype == "float64":
        return np.array(values, dtype=np.float64)  # None becomes NaN, as in to_numeric
    return np.fromiter(values, dtype=object, count=len(values))  # lists stay whole cells


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min  # NaT's bit pattern in datetime64


def _dates(values: Sequence) -> np.ndarray:
    """``datetime.date`` cells (or None) as ``datetime64[s]`` midnights.

    Day ordinals do in plain integers what a round trip through Arrow's date32 and timestamp types does at
    three times the cost.  ``date.toordinal`` called unbound raises TypeError on anything but a date, as
    Arrow did; ordinal 0 is free to mark None because ``date.min`` has ordinal 1.
    """
    if None not in values:  # the usual case: no generator, no mask
        ordinals = np.fromiter(map(date.toordinal, values), dtype=np.int64, count=len(values))
        return ((ordinals - _EPOCH_ORDINAL) * 86_400).view("datetime64[s]")
    ordinals = np.fromiter((0 if v is None else date.toordinal(v) for v in values), dtype=np.int64, count=len(values))
    seconds = (ordinals - _EPOCH_ORDINAL) * 86_400
    seconds[ordinals == 0] = _NAT
    return seconds.view("datetime64[s]")


def _as_dtype(values: pd.Series, dtype: str) -> pd.Series:
    # A column that has its dtype already is what the conversion would give back: keep it (cheap re-conforming).
    target = {"string": pd.StringDtype(), "date": "datetime64[s]", "Int64": "Int64", "float64": "float64"}.get(dtype)
    if target is not None and values.dtype == target:
        return values
    if dtype == "string":
        return values.astype("string")
    if dtype == "date":
        return pd.to_datetime(values, errors="coerce").astype("datetime64[s]")
    if dtype == "Int64":
        return pd.to_numeric(values, errors="coerce").astype("Int64")
    if dtype == "float64":
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if values.dtype == object and len(values):
        from etl.arrays import distinct_objects

        # Every cell a list (exactly) of str (exactly): nothing to convert.  Cells often share a list, so
        # each object is looked at once, with type sets over C iterators: tens of milliseconds for a
        # million cells, where _as_list takes seconds.
        cells = values.to_numpy()
        # Factorizing by identity has a fixed cost of some 0.1 ms: a bulletin's few dozen rows are cheaper whole.
        distinct = cells if len(cells) <= _FEW_CELLS else distinct_objects(cells)[1]
        if set(map(type, distinct)) == {list} and set(map(type, chain.from_iterable(distinct))) <= {str}:
            return values
    return values.map(_as_list).astype(object)


_FEW_CELLS = 2048


def _as_list(value) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    if isinstance(value, str):
        return [v for v in value.split(";") if v]
    return [str(v) for v in value]


def describe(columns: tuple[Column, ...] = EVENT_COLUMNS) -> pd.DataFrame:
    """The schema as a table for the codebook page and the download help."""
    vocab = vocabularies()
    return pd.DataFrame(
        {
            "column": c.name,
            "type": c.dtype,
            "required": not c.nullable,
            "description": c.description,
            "allowed": ", ".join(vocab[c.codes]) if c.codes else "",
        }
        for c in columns
    )
