"""Downloads of exactly the filtered rows: CSV, XLSX, Parquet and a zip bundle with the codebook and filters.

Spreadsheet exports are safe against formula injection (OWASP "CSV injection"): a text cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so that Excel or LibreOffice shows it
as text instead of running it.  Numeric columns are left alone, so a negative number stays a number.  File
names carry the filter state and only ever contain ``[A-Za-z0-9._-]``.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from dataclasses import asdict

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from app.filters import Filters

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"
CITATION_YEAR = 2026
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row
XLSX_MAX_CELL = 32_767
MAX_NAME = 120
DEFAULT_STEM = "exchange-atlas-events"
# A fixed timestamp inside the zip: the same rows and filters give the same bytes.
ZIP_DATE = (2026, 1, 1, 0, 0, 0)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


# ====================================================================== cells


def neutralize(value):
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'``; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _is_list_column(series: pd.Series) -> bool:
    return series.dtype == object and series.map(lambda v: isinstance(v, (list, tuple))).any()


def _join(value) -> str:
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
    return value


def export_frame(df: pd.DataFrame, dates_as_text: bool = True) -> pd.DataFrame:
    """The frame as it goes into a spreadsheet: lists joined by ``;``, text neutralized, numbers untouched.

    Parameters
    ----------
    df : pandas.DataFrame
        Event rows (or any table).
    dates_as_text : bool
        Write dates as ``YYYY-MM-DD`` (CSV); False keeps them as dates (XLSX formats them itself).

    Returns
    -------
    pandas.DataFrame
        A copy; numeric and boolean columns keep their dtype.
    """
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            if dates_as_text:
                out[col] = series.dt.strftime("%Y-%m-%d").astype(object).where(series.notna(), None)
            continue
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        values = series.astype(object)
        if _is_list_column(values):
            values = values.map(_join)
        out[col] = values.map(neutralize).where(values.notna(), None)
    return out


# ====================================================================== formats


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV of ``df`` (lists joined by ``;``, dates ISO, formula-like text neutralized)."""
    # CRLF as RFC 4180 says; it also makes the writer quote any cell holding a bare carriage return.
    return export_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def xlsx_bytes(df: pd.DataFrame, sheet: str = "events") -> bytes:
    """An Excel workbook of ``df``: one sheet, a frozen header row, text never read as a formula or link.

    Raises
    ------
    ValueError
        When ``df`` has more rows than an Excel sheet holds.
    """
    if len(df) > XLSX_MAX_ROWS:
        raise ValueError(f"{len(df):,} rows do not fit in one Excel sheet ({XLSX_MAX_ROWS:,}); use CSV or Parquet")
    out = export_frame(df, dates_as_text=False)
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: v[:XLSX_MAX_CELL] if isinstance(v, str) else v)
    buffer = io.BytesIO()
    # Belt and braces: besides the ' prefix, xlsxwriter is told never to turn text into formulas, links or numbers.
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        out.to_excel(writer, sheet_name=sheet, index=False, freeze_panes=(1, 0))
    return buffer.getvalue()


def parquet_bytes(df: pd.DataFrame) -> bytes:
    """Parquet of ``df``; event rows keep the project's Arrow schema (lists stay lists)."""
    from app.data import frame_to_arrow
    from etl.schema import COLUMN_NAMES

    if list(df.columns) == list(COLUMN_NAMES):
        table = frame_to_arrow(df)
    else:
        table = pa.Table.from_pandas(df, preserve_index=False)
    buffer = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(None), buffer, compression="zstd")
    return buffer.getvalue()


# ====================================================================== the bundle


def codebook_markdown() -> str:
    """The codebook as Markdown: every column of the event table, then every sector and event type."""
    from etl.schema import codebook, describe

    lines = ["# Exchange Atlas codebook", "", "## Columns", "", "| column | type | required | description | allowed |",
             "|---|---|---|---|---|"]
    for row in describe().itertuples(index=False):
        cells = [row.column, row.type, "yes" if row.required else "no", row.description, row.allowed]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    book = codebook()
    for vocab, title in (("sectors", "Sectors"), ("event_types", "Event types")):
        lines += ["", f"## {title}", ""]
        for code, spec in book[vocab].items():
            examples = "; ".join(spec.get("examples", []))
            lines.append(f"- **{code}**: {spec['definition']}" + (f" Examples: {examples}." if examples else ""))
    lines += ["", "Lists are joined with ';' in CSV and XLSX. Cells that start with =, +, -, @, a tab or a carriage "
              "return are prefixed with ' so that spreadsheets show them as text.", ""]
    return "\n".join(lines)


def citation(filters: Filters, dataset=None) -> str:
    """``"Exchange Atlas (2026), data version X, filtered: sector = health"`` for the bundle and the page."""
    version = getattr(dataset, "version", None) or "unknown"
    state = filters.summary()
    if state.startswith("Filtered: "):
        state = state[len("Filtered: "):]
    elif state.startswith("No filters"):
        state = "none" + state[len("No filters"):]
    return f"Exchange Atlas ({CITATION_YEAR}), data version {version}, filtered: {state}"


def filters_json(filters: Filters, dataset=None, rows: int | None = None) -> dict:
    """What ``filters.json`` in the bundle holds: the filter state, the dataset and how to cite them."""
    state = {k: (v.isoformat() if isinstance(v, datetime.date) else list(v) if isinstance(v, tuple) else v)
             for k, v in asdict(filters).items()}
    return {
        "filters": state,
        "query_params": filters.to_query_params(),
        "summary": filters.summary(),
        "territory_policy": filters.territory,
        "data_version": getattr(dataset, "version", None),
        "dataset": getattr(dataset, "label", None),
        "synthetic": bool(getattr(dataset, "synthetic", False)),
        "sample": bool(getattr(dataset, "sample", False)),
        "rows": rows,
        "citation": citation(filters, dataset),
    }


def zip_bundle(df: pd.DataFrame, filters: Filters, dataset, codebook_md: str | None = None) -> bytes:
    """A zip of the rows as CSV, the codebook and the filters, so that a download documents itself.

    Parameters
    ----------
    df : pandas.DataFrame
        The filtered rows (``app.data.rows(ds, f)``).
    filters : Filters
        The filters that selected them.
    dataset : app.data.Dataset or None
        Where they came from (label, data version, synthetic flag).
    codebook_md : str, optional
        The codebook as Markdown; :func:`codebook_markdown` when not given.

    Returns
    -------
    bytes
        ``events.csv``, ``codebook.md`` and ``filters.json`` in a deterministic zip.
    """
    meta = filters_json(filters, dataset, len(df))
    files = {
        "events.csv": csv_bytes(df),
        "codebook.md": (codebook_md or codebook_markdown()).encode("utf-8"),
        "filters.json": (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, payload in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, payload)
    return buffer.getvalue()


def bundle_bytes(df: pd.DataFrame, filters: Filters, dataset=None, codebook_md: str | None = None) -> bytes:
    """:func:`zip_bundle` for a page that has no dataset at hand: the active one is looked up when possible."""
    if dataset is None:
        dataset = _active_dataset()
    return zip_bundle(df, filters, dataset, codebook_md)


def _active_dataset():
    # Download callables may run outside a Streamlit script run (no session): then the bundle says "unknown".
    try:
        from app import state

        return state.active_dataset()
    except Exception:  # noqa: BLE001 - metadata is optional, the rows are not
        return None


# ====================================================================== names


def _tidy(text: str) -> str:
    # Runs of dots are harmless in a name but look like path tricks ("..") to users and scanners.
    return re.sub(r"\.{2,}", ".", _UNSAFE.sub("-", text)).strip("-._")


def file_name(stem: str | Filters, filters: Filters | str | None = None, ext: str | None = None) -> str:
    """A download name carrying the filter state: ``file_name("events", f, "csv")`` ->
    ``"events_2019-2020_health.csv"``; ``file_name(f, "csv")`` uses the default stem.

    Only ``[A-Za-z0-9._-]`` survive, and the name is at most 120 characters with its extension kept.
    """
    if isinstance(stem, Filters):
        stem, filters, ext = DEFAULT_STEM, stem, filters
    filters = filters if isinstance(filters, Filters) else Filters()
    ext = _UNSAFE.sub("", str(ext or "").lstrip("."))[:10] or "bin"
    stem = _tidy(str(stem)) or DEFAULT_STEM
    base = _tidy(f"{stem}_{filters.slug()}")[: MAX_NAME - len(ext) - 1].rstrip("-._") or DEFAULT_STEM
    return f"{base}.{ext}"
