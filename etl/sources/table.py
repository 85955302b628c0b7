"""Researchers' own tables (CSV, TSV, XLSX, JSON, JSONL) -> events, links or country-year aggregates.

Columns are recognised by their header (case, spaces, dots, dashes and
underscores ignored, see :data:`SYNONYMS`) or by ``Options.mapping``
(header -> schema field, e.g. ``{"Datum": "start_date"}``); the header row
is the one among the first 30 with the most recognised names, so title rows
above it are skipped.  Several columns naming one field ("country" and
"partner") are joined for countries and organizations and coalesced
otherwise; a repeated header is renamed ``name.1`` and ignored.  Every data row
read ends up either as an output row or as a reject, so
``rows_read == accepted + rejected`` always holds; blank lines and rows of
empty cells (",,,,") are not rows.
``source_start``/``source_end`` and reject locations ("row N") count data
records from 1, below the header row (in a workbook: the non-empty rows below
the header row of the sheet(s) read, numbered on across sheets that share one
header; in JSONL: non-empty lines).  Empty
lines are not counted; whitespace-only or bare-delimiter records keep their
number but are skipped.

A table is one of three kinds (:func:`table_kind`):

events
    One row per activity, with a date column (or a bare year column next to
    descriptive columns such as a title or type).
links
    Dyadic pairs without dates, such as sister-city lists
    (``city1, country1, lat1, lng1, city2, country2, lat2, lng2``).  No date
    is ever invented: the pairs go to ``Result.aggregates`` with
    ``table_type == "links"`` and ISO3 codes for both sides.
country_year
    One row per country and year with count columns (visits, conferences...).
    Loaded in long form (``iso3, year, measure, value``) into
    ``Result.aggregates`` with ``table_type == "country_year"``; events are
    never invented from counts.

Rejects and kept rows
---------------------
* A row is rejected when its date is missing or unusable (``missing date``,
  ``unparseable date``, ``ambiguous date``, ``impossible date``,
  ``date out of range``, ``end before start``), when the table has a country
  column but the row yields no country, host or group at all
  (``missing country`` / ``unknown country``), for an unusable head-count
  (``negative participants``, ``implausible participants``,
  ``unparseable participants``; "N/A", "-99" and empty cells are simply
  unknown), for ``ragged row`` (a field count other than the header's; extra
  fields that are all empty are tolerated) and ``invalid JSON``.  Country-year
  rows are rejected for an unknown country or year and for ``no counts``.
* An unterminated quote, a workbook without a data sheet, a JSON document
  that does not parse and a table without any date column are
  :class:`InputError` (the whole file is unusable); a header-only file gives
  0 rows and no error.
* A row naming some countries that resolve and some that do not is *kept*:
  valid data is never lost.  The unresolved parts are listed in ``method``
  (``unresolved=...``) and the row's confidence drops.
* Day/month order: ``03/04/2018`` is ambiguous unless another value of the
  same column has a first part above 12 (day first) or a second part above 12
  (month first).
* Sector and type cells map to codebook codes by code, by synonym and by the
  codebook's keywords ("education & youth" -> education + youth; "seminar"
  -> conference; "MoU" -> agreement).  An empty or unknown sector cell falls
  back to :func:`etl.normalize.sectors.classify` on the title and
  description (whose own default is ``civil_society``); an unknown type falls
  back to the classifier too, and to ``other``.  Guessed codes lower the
  confidence and are named in ``method``.
* ``host_iso3`` comes from a host-country column; without one, from the city
  column when the city resolves to one of the row's countries (or to any
  country when the table has no country column).  A lone counterpart country
  is *not* taken as the host.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from etl.arrays import Background, distinct_objects, first_positions
from etl.errors import InputError
from etl.io import decode, read_bytes
from etl.normalize import countries
from etl.normalize import groups as group_names
from etl.normalize import sectors as classifier
from etl.schema import REJECT_COLUMNS, codebook
from etl.sources import gdelt
from etl.sources.base import Options, Result, empty_rejects

log = logging.getLogger(__name__)

SUFFIXES = {".csv": "delimited", ".tsv": "delimited", ".tab": "delimited", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
CONFIDENCE = 0.9
SNIPPET_MAX = 600
CLASSIFY_CHARS = 2000
HEADER_SCAN_ROWS = 30

# Internal field -> header spellings, compared after _key() (lower case, letters and digits only).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "start": ("date", "start", "startdate", "eventdate", "begin", "begindate", "from", "fromdate", "datestart",
              "dates", "datefrom"),
    "end": ("end", "enddate", "to", "todate", "until", "dateend", "dateto", "finish"),
    "year": ("year", "yr", "fiscalyear"),
    "countries": ("country", "countries", "partner", "partners", "partnercountry", "partnercountries",
                  "counterpart", "counterparts", "counterpartcountry", "countryname", "nation", "iso3",
                  "countrycode", "countryiso3"),
    "host_country": ("hostcountry", "locationcountry", "venuecountry", "hostiso3", "countryofevent"),
    "city": ("city", "hostcity", "location", "venue", "place", "venuecity"),
    "sector": ("sector", "sectors", "field", "fields", "area", "domain", "theme"),
    "event_type": ("type", "eventtype", "activity", "activitytype", "category", "kind", "format"),
    "organizations": ("organizer", "organiser", "organizers", "organisers", "organization", "organisation",
                      "organizations", "organisations", "org", "orgs", "hostorg", "hostorganization",
                      "hostorganisation", "institution", "institutions"),
    "participants": ("participants", "attendees", "people", "headcount", "nparticipants", "numparticipants",
                     "participantcount", "numberofparticipants", "persons", "size"),
    "title": ("title", "name", "event", "eventname", "headline", "eventtitle"),
    "description": ("description", "summary", "details", "notes", "text", "desc", "note", "comment", "comments"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "city1": ("city1",), "country1": ("country1",), "lat1": ("lat1", "latitude1"),
    "lon1": ("lng1", "lon1", "long1", "longitude1"),
    "city2": ("city2",), "country2": ("country2",), "lat2": ("lat2", "latitude2"),
    "lon2": ("lng2", "lon2", "long2", "longitude2"),
}
# Schema field names accepted as targets in a mapping file, besides the internal names above.
SCHEMA_FIELDS = {"start_date": "start", "end_date": "end", "host_iso3": "host_country", "host_city": "city",
                 "sectors": "sector", "snippet": "description", "organization": "organizations"}
_LOOKUP = {syn: name for name, syns in SYNONYMS.items() for syn in syns}
# Columns that describe single activities: their presence makes a country + year table an event table.
_DESCRIPTIVE = ("title", "event_type", "sector", "organizations", "city", "description")
# Columns that are never counts in a country-year table.
_NOT_MEASURES = ("countries", "host_country", "year", "lat", "lon")


@dataclass
class Raw:
    """A parsed table before normalisation: stripped string cells ('' when empty) and data row numbers."""

    frame: pd.DataFrame
    rows: np.ndarray
    rejects: list[tuple[int, str, str]] = field(default_factory=list)  # (row, reason, detail)

    def __post_init__(self):
        # One string dtype (Arrow-backed) for every loader: the vectorised steps rely on it.
        if len(self.frame.columns):
            self.frame = self.frame.astype("str").fillna("").apply(_strip)

    @property
    def read(self) -> int:
        return len(self.frame) + len(self.rejects)


# Bytes a whitespace character that .str.strip() removes (Arrow's utf8_trim_whitespace) may begin or end with.
_MAYBE_SPACE = np.zeros(256, dtype=bool)
_MAYBE_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_MAYBE_SPACE[0x80:] = True  # any non-ASCII character: left to the real thing


def _strip(cells: pd.Series) -> pd.Series:
    """``cells.str.strip()``, without copying a column none of whose cells begins or ends with whitespace."""
    array = pa.array(cells.array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not len(array) or array.null_count or array.offset or not pa.types.is_large_string(array.type):
        return cells.str.strip()
    _, offsets, data = array.buffers()
    ends = np.frombuffer(offsets, dtype=np.int64, count=len(array) + 1)
    filled = ends[1:] > ends[:-1]
    if data is None or not filled.any():
        return cells
    raw = np.frombuffer(data, dtype=np.uint8)
    if _MAYBE_SPACE[raw[ends[:-1][filled]]].any() or _MAYBE_SPACE[raw[ends[1:][filled] - 1]].any():
        return cells.str.strip()
    return cells


# ---------------------------------------------------------------- sniffing and dispatch


def sniff(path: Path, head: bytes) -> bool:
    """True for a table suffix whose first bytes fit the format (a GDELT export is not a table)."""
    kind = _kind_of(path)
    if kind is None:
        return False
    if kind == "xlsx":
        return head.startswith(b"PK")
    if kind in ("json", "jsonl"):
        return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")
    return not gdelt.sniff(path, head)


def read(path: Path, options: Options) -> Result:
    """Read one table file; see the module docstring for what comes out."""
    path = Path(path)
    kind = _kind_of(path)
    if kind is None:
        raise InputError(path, f"not a table file (expected one of {', '.join(sorted(SUFFIXES))})")
    if kind == "delimited":
        raw = load_delimited(path, options.mapping)
    elif kind == "xlsx":
        raw = load_xlsx(path, options.mapping)
    else:
        raw = {"json": load_json, "jsonl": load_jsonl}[kind](path)
    return normalize(raw, path, options)


def _kind_of(path: Path) -> str | None:
    return SUFFIXES.get(_suffix(path))


def _suffix(path: Path) -> str:
    """The last suffix that names a format: 'events.csv.gz' -> '.csv'."""
    suffixes = [s.lower() for s in Path(path).suffixes if s.lower() != ".gz"]
    return suffixes[-1] if suffixes else ""


# ---------------------------------------------------------------- delimited text


def load_delimited(path: Path, mapping: dict[str, str] | None = None) -> Raw:
    """CSV/TSV via pyarrow: fast, and ragged rows are reported one by one instead of failing the file."""
    data = read_bytes(path)
    plain = _plain_utf8(data)
    # Plain UTF-8 (the usual case) decodes to itself: only the lines the header search reads need decoding,
    # and the body goes to the parser as the file's own bytes.
    text = _first_lines(data[: _head_end(data)].decode("utf-8"), HEADER_SCAN_ROWS + 20) if plain else decode(data, path)
    delimiter = sniff_delimiter(text, prefer_tab=_suffix(path) in (".tsv", ".tab"))
    header, body_start = _delimited_header(text, delimiter, mapping)
    if plain and not header:  # no header in the head: the whole text is needed for what follows
        plain, text = False, decode(data, path)
        header, body_start = _delimited_header(text, delimiter, mapping)
    names = dedupe(header, path)
    first_line = text.count("\n", 0, body_start) + 1
    if plain:
        offset = len(text[:body_start].encode("utf-8"))
        body_bytes = pa.py_buffer(data).slice(offset)
        if data.count(b'"', offset) % 2:  # a '"' byte in UTF-8 is always the character '"'
            _check_quotes(data[offset:].decode("utf-8"), delimiter, path, first_line)
        # Printable ASCII other than the space is never whitespace: most bodies need no decoding to tell.
        empty = not re.search(rb"[!-~]", data[offset : offset + 65536]) and not data[offset:].decode("utf-8").strip()
    else:
        body = text[body_start:]
        _check_quotes(body, delimiter, path, first_line)
        empty = not body.strip()
    if empty:
        log.info("%s: header only, 0 data rows", path)
        return Raw(pd.DataFrame(columns=names, dtype=object), np.zeros(0, dtype=np.int64))
    frame, bad = _arrow_parse(body_bytes if plain else body.encode("utf-8"), len(names), delimiter, path)
    frame.columns = names
    raw = _with_ragged(frame, bad, names, delimiter)
    # Spreadsheet exports end in rows of bare delimiters (",,,,"): empty rows, not rows missing a date.
    filled = raw.frame.ne("").any(axis=1).to_numpy()
    if not filled.all():
        raw.frame, raw.rows = raw.frame[filled].reset_index(drop=True), raw.rows[filled]
    return raw


def _plain_utf8(data: bytes) -> bool:
    """Whether ``decode(data)`` is ``data.decode("utf-8")``: valid UTF-8, no BOM, no CR and no NUL to normalize."""
    if data[:1] in (b"\xef", b"\xfe", b"\xff", b"\x00") or b"\r" in data or b"\x00" in data:
        return False
    offsets = pa.array([0, len(data)], pa.int64()).buffers()[1]
    blob = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        blob.cast(pa.large_string())  # validates as strictly as Python's decoder, without building a str
    except pa.ArrowInvalid:
        return False
    return True


def _head_end(data: bytes) -> int:
    """Where the line after the first HEADER_SCAN_ROWS + 20 lines starts (the header search reads no further)."""
    end = -1
    for _ in range(HEADER_SCAN_ROWS + 21):
        end = data.find(b"\n", end + 1)
        if end < 0:
            return len(data)
    return end + 1


def sniff_delimiter(text: str, prefer_tab: bool = False) -> str:
    """The delimiter among , ; TAB | that splits the first lines into the most consistent number of fields."""
    sample = _first_lines(text, 50)
    best, best_score = ",", (False, 0.0, 0)
    for delimiter in ("\t", ",", ";", "|") if prefer_tab else (",", ";", "\t", "|"):
        counts = [len(r) for r in _csv_rows(sample, delimiter) if any(c.strip() for c in r)]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = (mode > 1, counts.count(mode) / len(counts), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _first_lines(text: str, n: int) -> str:
    end = -1
    for _ in range(n):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[: end + 1]


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    # A 10 MB cell is legal; the csv module's default cap is 128 KB.
    old = csv.field_size_limit(1 << 30)
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    finally:
        csv.field_size_limit(old)


def _delimited_header(text: str, delimiter: str, mapping: dict[str, str] | None) -> tuple[list[str], int]:
    """The header row (possibly below title lines) and the offset where data starts."""
    sample = _first_lines(text, HEADER_SCAN_ROWS + 20)
    old = csv.field_size_limit(1 << 30)
    try:
        reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
        rows, ends = [], []
        for row in reader:
            rows.append(row)
            ends.append(reader.line_num)
            if len(rows) >= HEADER_SCAN_ROWS:
                break
    finally:
        csv.field_size_limit(old)
    index = find_header(rows, mapping)
    if index is None:
        return [], len(text)
    return [c.strip() for c in rows[index]], _offset_after_line(text, ends[index])


def _offset_after_line(text: str, line: int) -> int:
    pos = -1
    for _ in range(line):
        pos = text.find("\n", pos + 1)
        if pos < 0:
            return len(text)
    return pos + 1


def _check_quotes(body: str, delimiter: str, path: Path, first_line: int) -> None:
    """A quoted field that never closes would swallow the rest of the file: name the line where it opens."""
    if body.count('"') % 2 == 0:
        return
    opened = unclosed_quote(body, delimiter)
    if opened is not None:
        line = first_line + body.count("\n", 0, opened)
        raise InputError(path, "unterminated quote: a quoted field never closes", f"line {line}")


def unclosed_quote(body: str, delimiter: str) -> int | None:
    """Offset of a quote that opens a field and never closes, or None (a stray inch mark is not one)."""
    quotes = [m.start() for m in re.finditer('"', body)]
    in_quote, opened, i = False, None, 0
    while i < len(quotes):
        at = quotes[i]
        if not in_quote:
            # Only a quote at the start of a field opens one; 5" mid-field is text.
            if at == 0 or body[at - 1] in (delimiter, "\n"):
                in_quote, opened = True, at
        elif i + 1 < len(quotes) and quotes[i + 1] == at + 1:
            i += 1  # "" inside a quoted field is an escaped quote
        else:
            in_quote = False
        i += 1
    return opened if in_quote else None


def _arrow_parse(data: bytes | pa.Buffer, width: int, delimiter: str, path: Path) -> tuple[pd.DataFrame, list]:
    names = [f"c{i}" for i in range(width)]
    bad: list[tuple[int, str]] = []

    def on_bad_row(row) -> str:
        bad.append((row.number, row.text))
        return "skip"

    try:
        size = data.size if isinstance(data, pa.Buffer) else len(data)
        table = pacsv.read_csv(
            pa.BufferReader(data),
            # One block: a 10 MB line must not straddle blocks, and row numbers need a single thread.
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False,
                                           block_size=max(1 << 20, min(size + 1, 1 << 30))),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             invalid_row_handler=on_bad_row),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid as exc:
        raise InputError(path, f"cannot parse as delimited text ({exc})") from None
    return table.to_pandas(), bad


def _with_ragged(frame: pd.DataFrame, bad: list, names: list[str], delimiter: str) -> Raw:
    """Number the good rows around the bad ones; a row whose extra fields are all empty is kept."""
    total = len(frame) + len(bad)
    bad_numbers = np.array([b[0] for b in bad], dtype=np.int64)
    good = np.setdiff1d(np.arange(1, total + 1), bad_numbers, assume_unique=True)
    rejects, rescued, rescued_rows = [], [], []
    for number, text in bad:
        fields = next(iter(_csv_rows(text, delimiter)), [])
        if not any(f.strip() for f in fields):
            continue  # a line of blanks is no row
        if len(fields) > len(names) and not any(f.strip() for f in fields[len(names):]):
            rescued.append(fields[: len(names)])
            rescued_rows.append(number)
        else:
            rejects.append((number, "ragged row", f"{len(fields)} fields, header has {len(names)}: {text[:200]}"))
    if rescued:
        extra = pd.DataFrame(rescued, columns=names, dtype=object)
        frame = pd.concat([frame, extra], ignore_index=True)
        good = np.concatenate([good[: len(frame) - len(extra)], rescued_rows])
        order = np.argsort(good, kind="stable")
        frame, good = frame.iloc[order].reset_index(drop=True), good[order]
    return Raw(frame, good.astype(np.int64), rejects)


# ---------------------------------------------------------------- workbooks


def load_xlsx(path: Path, mapping: dict[str, str] | None = None) -> Raw:
    """The workbook's data sheet: best-matching header, then most rows; merged cells filled; cached formula values.

    Every sheet with that same header row (one sheet per year, say) is read, in workbook order, its rows
    numbered on from the previous sheet's.

    Title rows above the header are skipped.  A workbook where no sheet has a
    recognisable header (only a cover sheet and an empty data sheet, say) is
    an :class:`InputError`; a data sheet with a header and no rows gives 0 rows.
    """
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(read_bytes(path)), data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged archive
        raise InputError(path, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    candidates, seen = [], []
    for sheet in book.worksheets:
        grid = _sheet_grid(sheet)
        index = find_header(grid, mapping)
        score = header_score(grid[index], mapping) if index is not None else 0
        seen.append(f"{sheet.title!r} ({'empty' if not grid else f'{len(grid)} rows, no known headers'})")
        if score:
            data_rows = sum(1 for r in grid[index + 1:] if r and any(c.strip() for c in r))
            candidates.append(((score, data_rows), sheet.title, grid, index))
    if not candidates:
        raise InputError(path, "no data sheet: no sheet has column headers such as date, country or title "
                               f"(sheets: {', '.join(seen)}); name them or map them with --mapping")
    _, title, grid, index = max(candidates, key=lambda c: c[0])
    # Sheets under the very same header (one sheet per year, say) are parts of one table: read them all,
    # in workbook order, rather than silently dropping every sheet but one.
    parts = [(t, g, i) for _, t, g, i in candidates if _header_cells(g[i]) == _header_cells(grid[index])]
    log.info("%s: reading sheet(s) %s", path, ", ".join(f"{t!r} (header on row {i + 1})" for t, _, i in parts))
    return _grid_to_raw([(g, i) for _, g, i in parts], path)


def _header_cells(row: list[str]) -> list[str]:
    cells = [c.strip().lower() for c in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


DENSE_CELLS = 5_000_000  # a sheet whose used rectangle is larger is read row by row, as ragged rows


def _sheet_grid(sheet) -> list[list[str]]:
    """Cell texts by sheet row ('' when empty), merged ranges filled with their top-left value.

    Built from the cells that hold a value, not from the sheet's whole rectangle: one stray value in
    XFD1048576 would otherwise make seventeen billion empty cells (a 5 KB file that never finishes).
    """
    values = {key: cell.value for key, cell in sheet._cells.items() if cell.value is not None}
    if not values:
        return []
    last_row, last_col = max(r for r, _ in values), max(c for _, c in values)
    filled_rows = {r for r, _ in values}
    for rng in sheet.merged_cells.ranges:
        top_left = values.get((rng.min_row, rng.min_col))
        if top_left is None:
            continue
        for row in sorted(filled_rows.intersection(range(rng.min_row, min(rng.max_row, last_row) + 1))):
            for col in range(rng.min_col, min(rng.max_col, last_col) + 1):
                values[(row, col)] = top_left
    dense = last_row * last_col <= DENSE_CELLS
    by_row: dict[int, dict[int, object]] = {}
    for (r, c), value in values.items():
        by_row.setdefault(r, {})[c] = value
    grid, blank = [], [""] * last_col if dense else []  # rows are only read: empty ones share one list
    for r in range(1, last_row + 1):
        cells = by_row.get(r)
        if cells is None:
            grid.append(blank)
            continue
        width = last_col if dense else max(cells)
        grid.append([_cell_text(cells.get(c)) for c in range(1, width + 1)])
    while grid and not any(c.strip() for c in grid[-1]):
        grid.pop()
    return grid


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _grid_to_raw(parts: list[tuple[list[list[str]], int]], path: Path) -> Raw:
    """Data rows below the header of each (grid, header index) part, numbered on across the parts."""
    first, index = parts[0]
    names = dedupe(first[index], path)
    width = len(names)
    rows, numbers = [], []
    for grid, index in parts:
        for row in grid[index + 1:]:
            if not row or not any(c.strip() for c in row):
                continue
            numbers.append(len(numbers) + 1)
            rows.append((row + [""] * width)[:width])
    return Raw(pd.DataFrame(rows, columns=names, dtype=object), np.array(numbers, dtype=np.int64))


# ---------------------------------------------------------------- JSON


def load_json(path: Path) -> Raw:
    """A list of objects, or an object holding one under events/data/records/rows/items."""
    text = decode(read_bytes(path), path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"invalid JSON ({exc.msg})", f"line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise InputError(path, "invalid JSON (nested too deeply to be a table)") from None
    if isinstance(doc, dict):
        key = next((k for k in ("events", "data", "records", "rows", "items") if isinstance(doc.get(k), list)), None)
        if key is None:
            raise InputError(path, "JSON object without an events/data list")
        doc = doc[key]
    if not isinstance(doc, list):
        raise InputError(path, "JSON must be a list of objects")
    return _records_to_raw(list(enumerate(doc, start=1)), [])


def load_jsonl(path: Path) -> Raw:
    """One object per line; a line that is not a JSON object is rejected, the others kept."""
    text = decode(read_bytes(path), path)
    records, rejects = [], []
    lines = [line for line in text.split("\n") if line.strip()]
    for number, line in enumerate(lines, start=1):
        try:
            records.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            rejects.append((number, "invalid JSON", f"{exc.msg}: {line[:200]}"))
        except RecursionError:
            rejects.append((number, "invalid JSON", f"nested too deeply: {line[:200]}"))
    return _records_to_raw(records, rejects)


def _records_to_raw(records: list[tuple[int, object]], rejects: list) -> Raw:
    good = []
    for number, record in records:
        if isinstance(record, dict):
            good.append((number, {str(k): _json_text(v) for k, v in record.items()}))
        else:
            rejects.append((number, "invalid JSON", f"not an object: {str(record)[:200]}"))
    names = list(dict.fromkeys(k for _, rec in good for k in rec))
    frame = pd.DataFrame([rec for _, rec in good], columns=names, dtype=object).fillna("")
    return Raw(frame, np.array([n for n, _ in good], dtype=np.int64), rejects)


def _json_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(_json_text(v) for v in value if v is not None)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---------------------------------------------------------------- headers


def _key(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", str(header).lower())


def header_field(header: str, mapping: dict[str, str] | None = None) -> str | None:
    """The internal field a header names, through the mapping first, or None."""
    if mapping:
        target = mapping.get(header) or {_key(k): v for k, v in mapping.items()}.get(_key(header))
        if target:
            target = SCHEMA_FIELDS.get(target, target)
            return target if target in SYNONYMS else None
    return _LOOKUP.get(_key(header))


def header_score(row: list[str], mapping: dict[str, str] | None = None) -> int:
    return sum(1 for c in row if c.strip() and header_field(c, mapping) is not None)


def find_header(rows: list[list[str]], mapping: dict[str, str] | None = None) -> int | None:
    """Index of the header row among the first rows: most recognised names, else the first row of 2+ cells."""
    scored = [(header_score(r, mapping), -i) for i, r in enumerate(rows[:HEADER_SCAN_ROWS])]
    if scored and max(scored)[0] > 0:
        return -max(scored)[1]
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if sum(1 for c in row if c.strip()) >= 2:
            return i
    return next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)


def dedupe(header: list[str], path: Path | str = "") -> list[str]:
    """Unique column names: blanks become column_N, repeats name.1, name.2 (with a warning)."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(header, start=1):
        name = str(name).strip() or f"column_{i}"
        if name in seen:
            seen[name] += 1
            new = f"{name}.{seen[name]}"
            log.warning("%s: duplicate column %r renamed %r (only the first is used as a field)", path, name, new)
            out.append(new)
        else:
            seen[name] = 0
            out.append(name)
    return out


def field_columns(columns: list[str], mapping: dict[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    """Internal field -> the columns that name it, in table order.

    Several columns may name one field ("country" and "partner"; JSON records
    spelling a key two ways): country and organization columns are joined,
    others coalesced, first column first.  Renamed duplicates (name.1) never
    name a field.
    """
    found: dict[str, tuple[str, ...]] = {}
    for col in columns:
        if re.search(r"\.\d+$", col) and col.rsplit(".", 1)[0] in columns:
            continue
        name = header_field(col, mapping)
        if name:
            found[name] = found.get(name, ()) + (col,)
    return found


def table_kind(fields: dict[str, str], frame: pd.DataFrame) -> str:
    """``events``, ``links`` or ``country_year`` from the recognised fields (see the module docstring)."""
    if "start" not in fields and {"country1", "country2"} <= set(fields):
        return "links"
    country = fields.get("countries") or fields.get("host_country")
    if ("start" not in fields and country and "year" in fields
            and not any(f in fields for f in _DESCRIPTIVE) and _measure_columns(frame, fields)):
        return "country_year"
    return "events"


# ---------------------------------------------------------------- normalisation


def normalize(raw: Raw, path: Path, options: Options) -> Result:
    fields = field_columns(list(raw.frame.columns), options.mapping)
    kind = table_kind(fields, raw.frame)
    if kind == "links":
        return _links(raw, fields, str(path))
    if kind == "country_year":
        return _country_year(raw, fields, str(path))
    return _events(raw, fields, path, options)


def _cells(frame: pd.DataFrame, column: str | tuple[str, ...] | None, join: bool = False) -> pd.Series:
    """One column's cells, or several columns' cells joined with '|' (``join``) or coalesced."""
    if not column:
        return pd.Series("", index=frame.index, dtype="str")
    if isinstance(column, str):
        return frame[column]
    out = frame[column[0]]
    for col in column[1:]:
        other = frame[col]
        if join:
            out = (out + "|" + other).where(out.ne("") & other.ne(""), out + other)
        else:
            out = out.where(out.ne(""), other)
    return out


def _reject_frame(source: str, rows, reasons, details) -> pd.DataFrame:
    rows = np.asarray(rows)
    if not len(rows):
        return empty_rejects()
    return pd.DataFrame({
        "source": source,
        "location": ["row " + str(int(r)) for r in rows],
        "reason": list(reasons) if not isinstance(reasons, str) else reasons,
        "detail": [str(d)[:200] if d is not None else None for d in details],
    }, columns=[c.name for c in REJECT_COLUMNS]).astype("string")


def raw_rejects(raw: Raw, source: str) -> pd.DataFrame:
    if not raw.rejects:
        return empty_rejects()
    rows, reasons, details = zip(*raw.rejects, strict=True)
    return _reject_frame(source, rows, reasons, details)


def concat_rejects(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_rejects()
    out = pd.concat(frames, ignore_index=True)
    order = out["location"].str.slice(4).astype(int).argsort(kind="stable")
    return out.iloc[order].reset_index(drop=True)


def resolve_cells(cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Country cells -> (ISO3 lists, unresolved-part lists), one look-up per distinct part.

    Cells are split on | and ; here (no country name holds them) so that a
    lenient whole-cell match cannot swallow an unknown part ("Kenya|Atlantis");
    commas are left to the countries module, which knows "Korea, Republic of".
    """
    codes, uniques = pd.factorize(cells.fillna(""), sort=False)
    split = [[p.strip() for p in _STRONG_SEPARATOR.split(u) if p.strip()] for u in uniques]
    parts = pd.Series(list(dict.fromkeys(p for ps in split for p in ps)), dtype=object)
    iso, bad = countries.resolve_cell_lists(parts)
    found = dict(zip(parts, zip(iso, bad, strict=True), strict=True))
    cell_iso = [list(dict.fromkeys(c for p in ps for c in found[p][0])) for ps in split]
    cell_bad = [[b for p in ps for b in found[p][1]] for ps in split]
    return _take(cell_iso, codes), _take(cell_bad, codes)


_STRONG_SEPARATOR = re.compile(r"[|;]")


def _take(values: list, codes: np.ndarray) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array[codes]


# ---------------------------------------------------------------- links (dyadic, undated)


def _links(raw: Raw, fields: dict[str, str], source: str) -> Result:
    frame = raw.frame
    sides = [_link_side(frame, fields, str(n)) for n in (1, 2)]
    reason = np.full(len(frame), None, dtype=object)
    detail = np.full(len(frame), None, dtype=object)
    for iso, cell, _ in sides:
        _first_reason(reason, detail, cell.eq("").to_numpy(), "missing country", cell)
        _first_reason(reason, detail, pd.isna(iso), "unknown country", cell)
    ok = reason == None  # noqa: E711
    links = pd.DataFrame({
        "table_type": "links",
        "iso3": sides[0][0][ok], "partner_iso3": sides[1][0][ok],
        "city": _cells(frame, fields.get("city1")).to_numpy()[ok],
        "partner_city": _cells(frame, fields.get("city2")).to_numpy()[ok],
        "lat": sides[0][2][0][ok], "lon": sides[0][2][1][ok],
        "partner_lat": sides[1][2][0][ok], "partner_lon": sides[1][2][1][ok],
        "source": source, "source_row": raw.rows[ok],
    })
    rejects = concat_rejects([raw_rejects(raw, source), _reject_frame(source, raw.rows[~ok], reason[~ok], detail[~ok])])
    return Result(events=pd.DataFrame(), rejects=rejects, rows_read=raw.read, aggregates=links)


def _link_side(frame: pd.DataFrame, fields: dict[str, str], n: str):
    cell = _cells(frame, fields.get(f"country{n}"))
    codes, uniques = pd.factorize(cell, sort=False)
    iso = _take([_one_country(u) for u in uniques], codes)
    lat = pd.to_numeric(_cells(frame, fields.get(f"lat{n}")), errors="coerce").to_numpy(dtype="float64")
    lon = pd.to_numeric(_cells(frame, fields.get(f"lon{n}")), errors="coerce").to_numpy(dtype="float64")
    return iso, cell, (lat, lon)


def _one_country(cell: str) -> str | None:
    """One side of a pair names one country; 'Scotland, United Kingdom' and 'Réunion, France' give the first."""
    if not cell:
        return None
    whole = countries.resolve(cell)
    if whole:
        return whole
    iso, _ = resolve_cells(pd.Series([cell]))
    return iso[0][0] if iso[0] else None


# ---------------------------------------------------------------- country-year aggregates


def _measure_columns(frame: pd.DataFrame, fields: dict) -> list[str]:
    """Columns whose filled cells are (nearly all) numbers: the counts of a country-year table."""
    used = {col for name in _NOT_MEASURES for col in fields.get(name, ())}
    out = []
    for col in frame.columns:
        if col in used:
            continue
        cells = _cells(frame, col)
        cells = cells[cells != ""]
        if len(cells) and pd.to_numeric(cells.str.replace(",", "", regex=False), errors="coerce").notna().mean() >= 0.9:
            out.append(col)
    return out


def _country_year(raw: Raw, fields: dict[str, str], source: str) -> Result:
    frame = raw.frame
    cell = _cells(frame, fields.get("countries") or fields.get("host_country"), join=True)
    codes, uniques = pd.factorize(cell, sort=False)
    iso = _take([_one_country(u) for u in uniques], codes)
    year = pd.to_numeric(_cells(frame, fields["year"]), errors="coerce")
    latest = date.today().year + 1
    reason = np.full(len(frame), None, dtype=object)
    detail = np.full(len(frame), None, dtype=object)
    measures = _measure_columns(frame, fields)
    numbers = frame[measures].apply(lambda s: pd.to_numeric(s.str.replace(",", "", regex=False), errors="coerce"))
    checks = [(cell.eq("").to_numpy(), "missing country", cell), (pd.isna(iso), "unknown country", cell),
              (year.isna().to_numpy(), "unparseable date", _cells(frame, fields["year"])),
              (~year.between(1900, latest).to_numpy(), "date out of range", _cells(frame, fields["year"])),
              # Every row must end up somewhere: a row without a single count would vanish in the long form.
              (numbers.isna().all(axis=1).to_numpy(), "no counts", cell + " " + _cells(frame, fields["year"]))]
    for mask, why, values in checks:
        _first_reason(reason, detail, mask, why, values)
    ok = reason == None  # noqa: E711
    wide = numbers[ok].copy()
    wide.insert(0, "source_row", raw.rows[ok])
    wide.insert(0, "year", year[ok].astype("int64").to_numpy())
    wide.insert(0, "iso3", iso[ok])
    long = wide.melt(id_vars=["iso3", "year", "source_row"], var_name="measure", value_name="value").dropna(
        subset=["value"])
    long.insert(0, "table_type", "country_year")
    long["source"] = source
    rejects = concat_rejects([raw_rejects(raw, source), _reject_frame(source, raw.rows[~ok], reason[~ok], detail[~ok])])
    return Result(events=pd.DataFrame(), rejects=rejects, rows_read=raw.read,
                  aggregates=long[["table_type", "iso3", "year", "measure", "value", "source", "source_row"]]
                  .reset_index(drop=True))


# ---------------------------------------------------------------- events


def _events(raw: Raw, fields: dict[str, str], path: Path, options: Options) -> Result:
    frame, source = raw.frame, str(path)
    if "start" not in fields and "year" not in fields:
        raise InputError(path, f"no date column recognised among {list(frame.columns)[:20]}: "
                               "name one 'date' or 'start_date', or map it with --mapping")
    reason = np.full(len(frame), None, dtype=object)
    detail = np.full(len(frame), None, dtype=object)
    when = _dates(frame, fields)
    place = _places(frame, fields, (options.home or "").upper())
    count = _participants(frame, fields)
    for mask, why, values in when["rejects"] + place["rejects"] + count["rejects"]:
        _first_reason(reason, detail, np.asarray(mask, dtype=bool), why, values)
    ok = reason == None  # noqa: E711
    rejects = concat_rejects([raw_rejects(raw, source),
                              _reject_frame(source, raw.rows[~ok], reason[~ok], detail[~ok])])
    if not ok.any():
        return Result(events=pd.DataFrame(), rejects=rejects, rows_read=raw.read)
    if ok.all():  # nothing to leave out: spare copying every column
        kept, keep = frame.reset_index(drop=True), lambda parts: parts
    else:
        kept, keep = frame[ok].reset_index(drop=True), lambda parts: _subset(parts, ok)
    events = _event_frame(kept, fields, keep(when), keep(place), keep(count), source, (options.home or "").upper())
    events["source_start"] = events["source_end"] = raw.rows[ok]
    return Result(events=events, rejects=rejects, rows_read=raw.read)


def _first_reason(reason: np.ndarray, detail: np.ndarray, mask: np.ndarray, why, values) -> None:
    """Record ``why`` for rows not rejected yet; a row keeps the first reason found (date, place, count)."""
    hit = np.flatnonzero(mask & (reason == None))  # noqa: E711 - elementwise on an object array
    if not len(hit):
        return
    reason[hit] = np.asarray(why, dtype=object)[hit] if isinstance(why, np.ndarray) else why
    detail[hit] = np.asarray(pd.Series(values).iloc[hit], dtype=object)


def _subset(parts: dict, ok: np.ndarray) -> dict:
    return {k: (v[ok] if k != "rejects" else v) for k, v in parts.items()}


def _event_frame(frame: pd.DataFrame, fields: dict, when: dict, place: dict, count: dict, source: str,
                 home: str) -> pd.DataFrame:
    # The snippets are Arrow kernels, which let go of the GIL: render them meanwhile.
    snippets = Background(render_rows, frame)
    title_cells, text_cells = _cells(frame, fields.get("title")), _cells(frame, fields.get("description"))
    codes = _codes(frame, fields, title_cells, text_cells)
    title = _titles(title_cells, text_cells, codes["event_type"], place["where"])
    groups = _text_groups(title_cells, text_cells, place["groups"])
    # "table:row[;sector=classified][;type=classified][;unresolved=...]", made once per distinct combination.
    bad_codes, bad_parts = pd.factorize(place["unresolved"], sort=False)
    has_bad = np.asarray([b != "" for b in bad_parts], dtype=bool)[bad_codes] if len(bad_parts) else \
        np.zeros(len(frame), dtype=bool)
    combo = (codes["sector_guessed"].astype(np.int64) * 2 + codes["type_guessed"]) * max(len(bad_parts), 1) + bad_codes
    combo_codes, combo_uniques = pd.factorize(combo, sort=False)
    notes = []
    for key in combo_uniques.tolist():
        guessed, bad = divmod(key, max(len(bad_parts), 1))
        notes.append("table:row" + (";sector=classified" if guessed >= 2 else "")
                     + (";type=classified" if guessed % 2 else "")
                     + (f";unresolved={bad_parts[bad]}" if bad_parts[bad] else ""))
    method = _take(notes, combo_codes)
    confidence = (CONFIDENCE - 0.1 * codes["sector_guessed"] - 0.1 * codes["type_guessed"] - 0.2 * has_bad)
    return pd.DataFrame({
        "title": _text(title),
        "start_date": when["start"], "end_date": when["end"], "date_precision": _text(when["precision"]),
        "event_type": _text(codes["event_type"]), "sector": _text(codes["sector"]), "sectors": codes["sectors"],
        "host_iso3": _text(place["host"]), "host_city": _text(place["city"]), "lat": place["lat"],
        "lon": place["lon"], "home_iso3": home, "countries": place["countries"], "groups": groups,
        "participants": count["values"], "participants_qualifier": _text(count["qualifier"]),
        "organizations": _organizations(_cells(frame, fields.get("organizations"), join=True)),
        "source": source, "snippet": snippets.result(), "source_kind": "table",
        "confidence": np.clip(confidence, 0.3, 1.0), "method": _text(method),
    })


def _text(cells):
    """An object array of str (and None) as the "str" array pandas would make of it, built with Arrow from
    its distinct objects (these columns repeat a few strings): pandas converts a million objects one by one."""
    if not isinstance(cells, np.ndarray) or cells.dtype != object or len(cells) < 1000:
        return cells
    codes, distinct = distinct_objects(cells)
    kinds = set(map(type, distinct))
    if len(distinct) > len(cells) // 2 or str not in kinds or not kinds <= {str, type(None)}:
        return cells  # all missing (pandas keeps objects), or other objects: as pandas would have it
    return pd.array(pa.array(list(distinct), pa.large_string()).take(pa.array(codes)), dtype="str")


# -- dates


def _dates(frame: pd.DataFrame, fields: dict[str, str]) -> dict:
    from etl.normalize import dates

    start_cells = _cells(frame, fields.get("start") or fields.get("year"))
    start, end, precision, error = dates.parse_series(start_cells)
    rejects = [_date_reject(error, start_cells), ((start.isna() & error.isna()).to_numpy(), "missing date",
                                                  start_cells)]
    if "end" in fields:
        end_cells = _cells(frame, fields["end"])
        _, end2, precision2, error2 = dates.parse_series(end_cells)
        rejects.append(_date_reject(error2, end_cells))
        has_end = end2.notna()
        end = end.where(~has_end, end2)
        finer = has_end & precision.eq("day") & precision2.ne("day")
        precision = precision.where(~finer.fillna(False), precision2)
        backwards = (has_end & start.notna() & (end2 < start)).to_numpy()
        rejects.append((backwards, "end before start", start_cells + " > " + end_cells))
    return {"start": start.to_numpy(), "end": end.to_numpy(), "precision": precision.to_numpy(dtype=object),
            "rejects": rejects}


def _date_reject(error: pd.Series, cells: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    text = error.fillna("").str.lower()
    why = np.select(
        [text.str.startswith("ambiguous"), text.str.startswith("impossible"), text.str.contains("out of range")],
        ["ambiguous date", "impossible date", "date out of range"], "unparseable date").astype(object)
    return error.notna().to_numpy(), why, cells


# -- participants


def _participants(frame: pd.DataFrame, fields: dict[str, str]) -> dict:
    n = len(frame)
    if "participants" not in fields:
        return {"values": pd.array([pd.NA] * n, dtype="Int64"), "qualifier": np.full(n, None, dtype=object),
                "rejects": []}
    from etl.normalize import participants

    cells = _cells(frame, fields["participants"])
    values, qualifier, error = participants.parse_count_series(cells)
    bad = error.notna().to_numpy()
    why = np.full(len(cells), None, dtype=object)
    why[bad] = _map_unique(error[bad].astype(str), _count_reason)
    return {"values": pd.array(values, dtype="Int64"), "qualifier": pd.Series(qualifier).to_numpy(dtype=object),
            "rejects": [(error.notna().to_numpy(), why, cells)]}


def _count_reason(error: str) -> str:
    # The parser explains; the reject reason must stay a short phrase to group by.
    text = error.lower()
    if "negative" in text:
        return "negative participants"
    if "implausibl" in text:
        return "implausible participants"
    return "unparseable participants"


# -- countries, host and place


def _places(frame: pd.DataFrame, fields: dict[str, str], home: str) -> dict:
    country_cells = _cells(frame, fields.get("countries"), join=True)
    host_cells = _cells(frame, fields.get("host_country"))
    city_cells = _cells(frame, fields.get("city"))
    has_country_column = "countries" in fields or "host_country" in fields
    keys = [pd.factorize(c, sort=False) for c in (country_cells, host_cells, city_cells)]
    # Plain lists: indexing the uniques (Arrow-backed indexes) once per combination costs microseconds each.
    country_names, host_names, city_names = (k[1].tolist() for k in keys)
    # _place sees a cell only through its resolution and whether it is empty: cells alike in both
    # ("U.S.A.; FRA" and "USA|France") are one case, so that the combinations stay few.
    country_case, country_res = _resolved_cases(country_names)
    host_case, host_res = _resolved_cases(host_names)
    cities = [_city(c) for c in city_names]
    n_host, n_city = max(len(host_res), 1), max(len(city_names), 1)
    combo = (country_case[keys[0][0]] * n_host + host_case[keys[1][0]]) * n_city + keys[2][0]
    combo_codes, combo_uniques = pd.factorize(combo, sort=False)
    has_host = bool(fields.get("host_country"))
    rows = []
    if len(combo_uniques):
        c_of, rest = np.divmod(np.asarray(combo_uniques, dtype=np.int64), n_host * n_city)
        h_of, t_of = np.divmod(rest, n_city)
        rows = [_place(country_res[c], host_res[h] if has_host else None,
                       cities[t] if cities else None, city_names[t] if city_names else "", has_country_column, home)
                for c, h, t in zip(c_of.tolist(), h_of.tolist(), t_of.tolist(), strict=True)]
    out = {name: _take([r[i] for r in rows], combo_codes) for i, name in enumerate(_PLACE_PARTS)}
    out["lat"], out["lon"] = out["lat"].astype("float64"), out["lon"].astype("float64")
    if "lat" in fields and "lon" in fields:
        lat, lon = _explicit_coords(frame, fields)
        out["lat"] = np.where(np.isnan(lat), out["lat"], lat)
        out["lon"] = np.where(np.isnan(lon), out["lon"], lon)
    rejected = out["reject"] != None  # noqa: E711
    # The detail of a reject: only rejected rows need it (a million concatenations otherwise).
    cells = np.full(len(frame), None, dtype=object)
    if rejected.any():
        at = np.flatnonzero(rejected)
        cells[at] = (country_cells.iloc[at] + " " + host_cells.iloc[at]).str.strip().to_numpy(dtype=object)
    out["rejects"] = [(rejected, out["reject"], cells)]
    return out


def _resolved_cases(cells: list[str]) -> tuple[np.ndarray, list[tuple[list[str], list[str], bool]]]:
    """Distinct country cells -> (case of each cell, cases): a case is what :func:`resolve_cells` gives a
    cell (ISO3 list, unresolved parts) and whether the cell is empty.

    The cells are split and their parts stripped in one pass; each distinct part is resolved once, and
    each distinct sequence of parts is put together once.
    """
    n = len(cells)
    if not n:
        return np.zeros(0, dtype=np.int64), []
    pieces = pc.split_pattern_regex(pa.array(cells, pa.large_string()), _STRONG_SEPARATOR.pattern)
    counts = pc.list_value_length(pieces).to_numpy()
    codes, raw = _dictionary(pieces.flatten())
    part_ids: dict[str, int] = {}
    raw_part = np.array([part_ids.setdefault(r.strip(), len(part_ids)) if r.strip() else -1 for r in raw] or [-1],
                        dtype=np.int64)
    parts = list(part_ids)
    iso, bad = countries.resolve_cell_lists(pd.Series(parts, dtype=object)) if parts else ([], [])
    # Parts that resolve alike ("U.S.A.", "USA") are alike in every cell: number the resolutions.
    resolution: dict = {}
    part_resolution = np.array([resolution.setdefault((tuple(i), tuple(b)), len(resolution))
                                for i, b in zip(iso, bad, strict=True)] + [-1], dtype=np.int64)
    part_iso, part_bad = zip(*resolution, strict=True) if resolution else ((), ())
    ids = part_resolution[raw_part[codes]]  # a blank part (-1) points at the -1 after the last resolution
    owner = np.repeat(np.arange(n), counts)[ids >= 0]
    ids = ids[ids >= 0]
    length = np.bincount(owner, minlength=n)
    start = np.cumsum(length) - length
    # Cells with the same parts in the same order (and alike in emptiness) are one sequence.
    key = np.fromiter((c == "" for c in cells), dtype=np.int64, count=n)
    longest = int(length.max())
    if longest > 16:  # a few very long lists: key the sequences themselves
        seen: dict = {}
        key = np.array([seen.setdefault((c == "", tuple(ids[start[i]:start[i] + length[i]].tolist())), len(seen))
                        for i, c in enumerate(cells)], dtype=np.int64)
    else:
        position = np.arange(len(ids)) - start[owner]
        for k in range(longest):
            at = position == k
            column = np.zeros(n, dtype=np.int64)
            column[owner[at]] = ids[at] + 1
            key = pd.factorize(key * (len(resolution) + 1) + column, sort=False)[0]
    key = pd.factorize(key, sort=False)[0]
    first = first_positions(key)
    case_of: dict = {}
    cases: list = []
    sequence_case = []
    ids_list, start_list, length_list = ids.tolist(), start.tolist(), length.tolist()
    for i in first.tolist():
        at = start_list[i]
        sequence = ids_list[at:at + length_list[i]]
        if len(sequence) == 1:  # one part: its codes are distinct already
            found, missing = part_iso[sequence[0]], part_bad[sequence[0]]
        else:
            found = tuple(dict.fromkeys(chain.from_iterable([part_iso[p] for p in sequence])))
            missing = tuple(chain.from_iterable([part_bad[p] for p in sequence]))
        case = (found, missing, cells[i] == "")
        number = case_of.get(case)
        if number is None:
            number = case_of[case] = len(cases)
            cases.append((list(found), list(missing), case[2]))
        sequence_case.append(number)
    return np.array(sequence_case, dtype=np.int64)[key], cases


_PLACE_PARTS = ("countries", "host", "city", "lat", "lon", "groups", "unresolved", "where", "reject")


def _city(name: str):
    if not name:
        return None
    found = countries.city(name)
    if found is None and "," in name:
        found = countries.city(name.split(",")[0].strip())
    return found


def _place(country: tuple, host: tuple | None, found_city, city_name: str, has_country_column: bool,
           home: str) -> tuple:
    """Everything about where one distinct (countries, host, city) combination points.

    ``country`` and ``host`` are cases of :func:`_resolved_cases`: (ISO3 list, unresolved parts, empty cell).
    """
    iso, bad, country_empty = country
    host_iso, host_empty = None, True
    if host is not None:
        host_iso = host[0][0] if host[0] else None
        bad = bad + host[1] if host[1] else bad
        host_empty = host[2]
    # An empty host cell falls back to the city, trusted only when it agrees with the row's countries.
    if host_iso is None and found_city is not None and (
            not has_country_column or found_city.iso3 in iso or found_city.iso3 == home):
        host_iso = found_city.iso3
    groups, unresolved = _split_groups(bad) if bad else ([], [])
    listed = [c for c in dict.fromkeys(iso + [host_iso] if host_iso else iso) if c != home]
    lat = lon = float("nan")
    if found_city is not None and found_city.iso3 == host_iso and found_city.lat is not None:
        lat, lon = found_city.lat, found_city.lon
    elif host_iso and (point := countries.centroid(host_iso)):
        lat, lon = point
    where = city_name or ", ".join(listed) or ", ".join(groups)
    reject = None
    if has_country_column and not iso and not host_iso and not groups:
        reject = "missing country" if country_empty and host_empty else "unknown country"
    return (listed, host_iso, city_name or None, lat, lon, groups, ", ".join(unresolved), where, reject)


def _split_groups(parts: list[str]) -> tuple[list[str], list[str]]:
    groups, rest = [], []
    for part in parts:
        found = group_names.find_groups(part) or [
            g for g in group_names.GROUP_NAMES if g.lower() == part.strip().lower()]
        (groups.extend(found) if found else rest.append(part))
    return list(dict.fromkeys(groups)), rest


def _explicit_coords(frame: pd.DataFrame, fields: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    lat = pd.to_numeric(_cells(frame, fields.get("lat")), errors="coerce")
    lon = pd.to_numeric(_cells(frame, fields.get("lon")), errors="coerce")
    bad = ~lat.between(-90, 90) | ~lon.between(-180, 180)
    return lat.mask(bad).to_numpy(dtype="float64"), lon.mask(bad).to_numpy(dtype="float64")


def _text_groups(title: pd.Series, description: pd.Series, from_cells: np.ndarray) -> np.ndarray:
    """Groups named in the country cells, then in the title and description.

    ``find_groups`` runs only on texts holding one of its literals once the countries it masks ("South
    Africa") are masked here too; RE2's ``\\s`` is ASCII, so this never masks more than it does.
    """
    out = from_cells.copy()  # the lists are shared between rows: replace them, never mutate
    cells = (pc.fill_null(pa.array(c, pa.large_string()), "") for c in (title, description))
    texts = pc.binary_join_element_wise(*cells, pa.scalar(" ", pa.large_string()))
    masked = pc.replace_substring_regex(texts, group_names.NOT_CONTINENT, "#")
    hint = "|".join(re.escape(literal) for literal in group_names.LITERALS)
    hinted = pc.match_substring_regex(masked, hint).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(np.asarray(hinted, dtype=bool))
    for i, text in zip(rows.tolist(), texts.take(pa.array(rows)).to_pylist(), strict=True):
        found = group_names.find_groups(text)
        if found:
            out[i] = [g for g in group_names.GROUP_NAMES if g in set(out[i]) | set(found)]
    return out


# -- sector and type codes


_TYPE_SYNONYMS = {"forum": "conference", "seminar": "conference", "symposium": "conference", "summit": "conference",
                  "delegation": "visit", "study tour": "visit", "exchange visit": "visit", "mou": "agreement",
                  "signing": "agreement", "memorandum": "agreement", "donation": "aid", "expo": "exhibition",
                  "course": "training", "talks": "meeting", "launch": "founding"}
_SECTOR_SYNONYMS = {"sport": "sports", "arts": "culture", "ngo": "civil_society", "ngos": "civil_society",
                    "civil society": "civil_society", "trade": "economy", "business": "economy",
                    "tech": "science", "s&t": "science", "labor": "labour", "gender": "women"}
_SPLIT_CODES = re.compile(r"\s*(?:[,;/|&+]|\band\b)\s*", re.I)


def _codes(frame: pd.DataFrame, fields: dict, title: pd.Series, text: pd.Series) -> dict:
    sector_cells, type_cells = _cells(frame, fields.get("sector")), _cells(frame, fields.get("event_type"))
    s_codes, s_uniques = pd.factorize(sector_cells, sort=False)
    s_lists = [_cell_codes(u, "sectors", _SECTOR_SYNONYMS) for u in s_uniques]
    sectors, primary = _take(s_lists, s_codes), _take([c[0] if c else None for c in s_lists], s_codes)
    types = _map_unique(type_cells, lambda c: (_cell_codes(c, "event_types", _TYPE_SYNONYMS) or [None])[0])
    need_sector, need_type = pd.isna(primary), pd.isna(types)
    rows = np.flatnonzero(need_sector | need_type)
    if len(rows):
        which, guessed = _guess_codes((title, text, sector_cells, type_cells), rows, need_sector[rows])
        fill = need_sector[rows]
        sectors[rows[fill]] = _take([g[1] for g in guessed], which[fill])
        primary[rows[fill]] = _take([g[0] for g in guessed], which[fill])
        fill = need_type[rows]
        types[rows[fill]] = _take([g[2] for g in guessed], which[fill])
    return {"sector": primary, "sectors": sectors, "event_type": types,
            "sector_guessed": need_sector, "type_guessed": need_type}


def _guess_codes(parts: tuple, rows: np.ndarray, need_sector: np.ndarray) -> tuple[np.ndarray, list]:
    """What the classifier makes of each row's blurb: ``guessed[which[i]]`` for ``rows[i]``.

    The blurb is "<title>. <description's first CLASSIFY_CHARS characters>. <sector cell> <type cell>"
    without leading or trailing dots and spaces (the lead says what the event is; a 10 MB notes cell
    would only slow the keyword scan down), and ``guessed`` holds (sector, sectors, type).  Each
    distinct blurb is classified once, digits aside (see :func:`_digit_blind`).  Where only the type is
    wanted (the row's sector cell gave a code) only the type is computed, as
    :func:`etl.normalize.sectors.classify` computes it, and the sector parts are None.
    """
    which = np.empty(len(rows), dtype=np.int64)
    guessed: list = []
    for group, vocabularies, fn in ((need_sector, ("sectors", "event_types"), _classify),
                                    (~need_sector, ("event_types",), _classify_type)):
        if not group.any():
            continue
        codes, blurbs = _distinct_blurbs(parts, rows[group], _digit_blind(vocabularies))
        which[group] = codes + len(guessed)
        guessed += [fn(b) for b in blurbs]
    return which, guessed


def _distinct_blurbs(parts: tuple, rows: np.ndarray, blind: bool) -> tuple[np.ndarray, list[str]]:
    """The rows' blurbs (see :func:`_guess_codes`), each distinct one once: ``(codes, blurbs)``.

    Built from the distinct cells of each part rather than from a million concatenated strings;
    ``blind``: every ASCII digit reads '0' (dates would otherwise make nearly every description distinct).
    """
    title, text, sector, kind = (p if len(rows) == len(p) else p.iloc[rows] for p in parts)
    if len(text) and text.str.len().max() > CLASSIFY_CHARS:
        text = text.str.slice(0, CLASSIFY_CHARS)
    key = np.zeros(len(rows), dtype=np.int64)
    columns = []
    for cells in (title, text, sector, kind):
        codes, distinct = _dictionary(cells, zero_digits=blind)
        key = pd.factorize(key * max(len(distinct), 1) + codes, sort=False)[0]
        columns.append((codes, distinct))
    first = first_positions(key)
    t, d, s, k = ([distinct[i] for i in codes[first].tolist()] for codes, distinct in columns)
    return key, [f"{a}. {b}. {c} {e}".strip(". ") for a, b, c, e in zip(t, d, s, k, strict=True)]


def _dictionary(cells: pd.Series | pa.Array, zero_digits: bool = False) -> tuple[np.ndarray, list[str]]:
    """``pd.factorize(cells)`` through Arrow: (codes, distinct values); ``zero_digits``: every ASCII digit as '0'
    first, straight on the UTF-8 bytes (a byte that is an ASCII digit is always that digit)."""
    array = pa.array(cells.array) if isinstance(cells, pd.Series) else cells
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if zero_digits and len(array) and array.buffers()[2] is not None:
        validity, offsets, data = array.buffers()
        raw = np.frombuffer(data, dtype=np.uint8).copy()
        raw[(raw > 0x30) & (raw <= 0x39)] = 0x30
        array = pa.Array.from_buffers(array.type, len(array), [validity, offsets, pa.py_buffer(raw)],
                                      null_count=array.null_count, offset=array.offset)
    encoded = pc.dictionary_encode(array, null_encoding="encode")
    return encoded.indices.to_numpy().astype(np.int64), encoded.dictionary.to_pylist()


def _classify(text: str) -> tuple[str, list[str], str]:
    found = classifier.classify(text)
    return found.sector, list(tuple(found.sectors) or (found.sector,)), found.event_type


def _classify_type(text: str) -> tuple[None, None, str]:
    """``sectors.classify(text).event_type`` without scoring the sectors (the costlier half)."""
    return None, None, classifier._event_type(text, len(text), classifier.fold(text))[0]


@cache
def _digit_blind(vocabularies: tuple[str, ...]) -> bool:
    """Whether :func:`etl.normalize.sectors.classify` gives the same answer once every ASCII digit reads '0'.

    It does when no keyword of ``vocabularies`` (codebook sections) names a digit or a class holding some
    digits but not others: the classifier only runs those keywords' regexes (with ``\\b`` and ``\\w`` around them) over the folded text,
    and every test such a regex makes then answers alike for every digit, at the same offsets.
    """
    from re import _parser as sre_parse

    book = codebook()
    keywords = [kw for vocabulary in vocabularies for spec in book[vocabulary].values()
                for strength in ("keywords", "weak_keywords") for kw in spec.get(strength) or []]
    try:
        return all(_blind(sre_parse.parse(kw)) for kw in keywords)
    except Exception:  # noqa: BLE001 - a keyword we cannot read: stay exact, classify every blurb
        return False


def _blind(pattern) -> bool:
    from re import _constants as c

    digits = range(ord("0"), ord("9") + 1)
    for op, arg in pattern:
        if op in (c.LITERAL, c.NOT_LITERAL):
            if arg in digits:
                return False
        elif op in (c.ANY, c.AT):
            continue
        elif op == c.IN:
            for item, value in arg:
                if item == c.LITERAL and value in digits:
                    return False
                if item == c.RANGE and not (value[1] < digits.start or value[0] >= digits.stop
                                            or (value[0] <= digits.start and value[1] >= digits.stop - 1)):
                    return False
                if item not in (c.LITERAL, c.RANGE, c.CATEGORY, c.NEGATE):
                    return False
        elif op == c.BRANCH:
            if not all(_blind(branch) for branch in arg[1]):
                return False
        elif op == c.SUBPATTERN:
            if not _blind(arg[3]):
                return False
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
            if not _blind(arg[2]):
                return False
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if not _blind(arg[1]):
                return False
        elif op == getattr(c, "ATOMIC_GROUP", None):
            if not _blind(arg):
                return False
        else:  # back-references and anything unforeseen: not provably blind
            return False
    return True


def _map_unique(cells: pd.Series, fn) -> np.ndarray:
    codes, uniques = pd.factorize(cells, sort=False)
    return _take([fn(u) for u in uniques], codes) if len(uniques) else np.empty(len(cells), dtype=object)


def _cell_codes(cell: str, vocabulary: str, synonyms: dict[str, str]) -> list[str]:
    """A sector or type cell -> codebook codes, in cell order; unknown parts are dropped."""
    found = []
    for part in _SPLIT_CODES.split(cell):
        code = _one_code(part.strip().lower(), vocabulary, synonyms)
        if code and code not in found:
            found.append(code)
    return found


def _one_code(part: str, vocabulary: str, synonyms: dict[str, str]) -> str | None:
    if not part:
        return None
    book = codebook()[vocabulary]
    snake = re.sub(r"[\s-]+", "_", part)
    if snake in book:
        return snake
    if part in synonyms:
        return synonyms[part]
    for code, spec in book.items():
        keywords = spec.get("keywords") or []
        if keywords and re.search(r"\b(?:" + "|".join(keywords) + r")\b", part):
            return code
    return next((v for k, v in synonyms.items() if re.search(rf"\b{re.escape(k)}\b", part)), None)


# -- titles, organizations, snippets


def _titles(title: pd.Series, text: pd.Series, event_type: np.ndarray, where: np.ndarray) -> pd.Series | np.ndarray:
    """The title cell; else the description's first sentence; else "<Type> – <place>"."""
    need = np.flatnonzero(title.eq("").to_numpy())
    if not len(need):
        return title
    out = title.to_numpy(dtype=object).copy()
    lead = text.iloc[need].str.split(r"(?<=[.!?])\s", n=1, regex=True).str[0].str.slice(0, 120)
    label = pd.Series(event_type[need], index=lead.index, dtype="str").str.replace("_", " ").str.capitalize()
    place = pd.Series(where[need], index=lead.index, dtype="str").fillna("")
    made = (label + " – " + place).where(place.ne(""), label)
    out[need] = lead.where(lead.ne(""), made).to_numpy(dtype=object)
    return out


def _organizations(cells: pd.Series) -> np.ndarray:
    """Each cell's organization names, split on | and ; (names may hold commas: "Ministry of Culture, Sports
    and Tourism"), stripped, blanks dropped, each once."""
    codes, distinct = _dictionary(cells)
    if not len(distinct):
        return np.empty(len(cells), dtype=object)
    # Split every distinct cell in one pass; strip each distinct piece once.
    pieces = pc.split_pattern_regex(pa.array(distinct, pa.large_string()), _STRONG_SEPARATOR.pattern)
    ends = np.cumsum(pc.list_value_length(pieces).to_numpy()).tolist()
    piece_codes, piece_texts = _dictionary(pieces.flatten())
    stripped = [p.strip() for p in piece_texts]
    flat = [stripped[i] for i in piece_codes.tolist()]
    lists, start = [], 0
    for end in ends:
        lists.append(list(dict.fromkeys(p for p in flat[start:end] if p)))
        start = end
    return _take(lists, codes)


def render_rows(frame: pd.DataFrame) -> pd.Series:
    """Each row as "col=value; col=value" (empty cells left out), shortened past 600 characters.

    Built with Arrow string kernels: a Python loop over a million rows would dominate the read.
    """
    if frame.empty:
        return pd.Series([], dtype="str")
    text = pa.large_string()
    parts = []
    for col in frame.columns:
        cell = _blank_as_null(pa.array(_cells(frame, col)).cast(text))
        parts.append(pc.binary_join_element_wise(pa.scalar(f"{col}=", text), cell, pa.scalar("", text)))
    joined = pc.binary_join_element_wise(*parts, pa.scalar("; ", text), null_handling="skip")
    long = pc.greater(pc.utf8_length(joined), SNIPPET_MAX)
    if pc.any(long).as_py():
        cut = pc.binary_join_element_wise(pc.utf8_slice_codeunits(joined, 0, SNIPPET_MAX - 1),
                                          pa.scalar("…", text), pa.scalar("", text))
        joined = pc.if_else(long, cut, joined)
    # Stay in Arrow: a round trip through a million Python strings costs seconds.
    return joined.to_pandas()


def _blank_as_null(cell) -> pa.Array:
    """``if_else(equal(cell, ""), null, replace_substring(cell, "\\n", " "))`` for a large_string column,
    reading the offsets and bytes directly: no copy of a column that holds no newline."""
    if isinstance(cell, pa.ChunkedArray):
        cell = cell.combine_chunks()
    if cell.null_count or cell.offset or not len(cell):
        return pc.if_else(pc.equal(cell, ""), pa.scalar(None, cell.type), pc.replace_substring(cell, "\n", " "))
    _, offsets, data = cell.buffers()
    if data is not None and np.any(np.frombuffer(data, dtype=np.uint8) == 10):
        cell = pc.replace_substring(cell, "\n", " ")  # same lengths: the blanks stay where they are
        _, offsets, data = cell.buffers()
    blank = np.diff(np.frombuffer(offsets, dtype=np.int64, count=len(cell) + 1)) == 0
    if not blank.any():
        return cell
    validity = pa.py_buffer(np.packbits(~blank, bitorder="little"))
    return pa.Array.from_buffers(cell.type, len(cell), [validity, offsets, data], null_count=int(blank.sum()))
