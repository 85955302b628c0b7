"""Small render helpers shared by the pages: the dataset banner, the filter summary, empty states, chart display
and reading chart clicks back as filter values.

Text that comes from data or from the user is never rendered as HTML, and is escaped before it goes into
markdown (captions, info boxes), so a title like ``**x** [y](javascript:...)`` shows literally.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from app.filters import escape_markdown

# The modebar stays: its "Download plot as png" renders in the browser, so it works offline.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "exchange-atlas-chart"},
}
FIGURE_CACHE_ENTRIES = 64  # figures kept for all sessions: a few kB each (maps point at the shapes' URL)
SUMMARY_KEY = "filter-summary"  # the container's CSS class is st-key-filter-summary (the browser test reads it)
BANNER_KEY = "dataset-banner"
FIELD_WORDS = {
    "start": "dates", "end": "dates", "regions": "region", "countries": "country", "sectors": "sector",
    "types": "event type", "organizations": "organization", "text": "search text",
}


def escape_md(text) -> str:
    """``text`` with every markdown (and Streamlit directive) character backslash-escaped, newlines flattened, and
    bare URLs and e-mail addresses kept from becoming links (``filters.escape_markdown``: one rule for all)."""
    return escape_markdown(text)


def chart_config(name: str) -> dict:
    """The plotly config for one chart: PNG downloads named after it, and map base layers from this server."""
    from app import geo

    safe = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "chart"
    return {**PLOTLY_CONFIG, "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"],
                                                      "filename": f"exchange-atlas-{safe}"},
            "topojsonURL": geo.topojson_url(st.get_option("server.baseUrlPath") or "")}


def dataset_banner(ds) -> None:
    """SAMPLE / SYNTHETIC / upload label of the active dataset, on every page."""
    with st.container(key=BANNER_KEY):
        label = escape_md(getattr(ds, "label", "Dataset"))
        if getattr(ds, "synthetic", False):
            st.warning(f"**SYNTHETIC — not real events.** Dataset: {label}", icon=":material/science:")
        elif getattr(ds, "sample", False):
            st.info(f"**SAMPLE** — a small bundled sample, not a complete record. Dataset: {label}",
                    icon=":material/info:")
        else:
            st.info(f"Dataset: {label}", icon=":material/upload_file:")


def filter_summary(f) -> None:
    with st.container(key=SUMMARY_KEY):
        st.caption(escape_md(f.summary()))


def header(title: str, ds, f, intro: str | None = None) -> None:
    """Page title, dataset banner and filter summary: the same three lines on top of every page."""
    st.title(title)
    dataset_banner(ds)
    filter_summary(f)
    if intro:
        st.caption(intro)


def active_fields(f) -> list[str]:
    """The filter fields in force, as words a user recognises (``["sector", "country"]``)."""
    from app.filters import LIST_FIELDS

    words = [FIELD_WORDS[name] for name in LIST_FIELDS if getattr(f, name)]
    if f.start or f.end:
        words.insert(0, "dates")
    if f.text:
        words.append("search text")
    return list(dict.fromkeys(words))


def empty_reason(f) -> str:
    """Why a chart is empty, and what to do: ``"No events match: clear the sector or country filter"``."""
    words = active_fields(f)
    if not words:
        return "No events in this dataset"
    if len(words) == 1:
        return f"No events match: clear the {words[0]} filter"
    return f"No events match: clear the {', '.join(words[:-1])} or {words[-1]} filter"


def empty_state(f, what: str = "events") -> None:
    st.info(escape_md(empty_reason(f)) if what == "events" else escape_md(what), icon=":material/filter_alt_off:")


def map_shapes() -> str | None:
    """The country shapes for a map figure: the URL the server publishes them at when static serving is on (the
    browser then fetches the megabyte once instead of with every rerun), else None (sent inline)."""
    if not st.get_option("server.enableStaticServing"):
        return None
    from app import geo

    return geo.geojson_url(st.get_option("server.baseUrlPath") or "")


def figure(build, *args, **kwargs):
    """``build(*args, **kwargs)``, a builder of ``app.charts``, made once per distinct input for every session.

    plotly validates each property as a figure is built: that was most of the Overview's script (0.8-1.4 s a
    session on a busy 2-CPU machine, 0.2-0.7 s with this cache), delaying its first chart and, holding the GIL,
    the server's answer to the browser's request for plotly.js.  The inputs are small aggregate frames, cheap to
    hash.  The figure is shared: never change it (``show`` only reads it).
    """
    return _figure(build.__name__, *args, **kwargs)


@st.cache_resource(max_entries=FIGURE_CACHE_ENTRIES, show_spinner=False)
def _figure(name: str, *args, **kwargs):
    from app import charts

    return getattr(charts, name)(*args, **kwargs)


def show(fig, name: str, key: str | None = None, select: bool = False, alt: str | None = None):
    """Draw a figure full width; with ``select`` clicks rerun the page and the selection is returned."""
    if not select:
        st.plotly_chart(fig, width="stretch", config=chart_config(name), key=key, alt=alt or name)
        return None
    return st.plotly_chart(fig, width="stretch", config=chart_config(name), key=key, alt=alt or name,
                           on_select="rerun", selection_mode=("points",))


def selected_points(event) -> list[dict]:
    """The clicked points of a ``st.plotly_chart`` selection event (empty when nothing was clicked)."""
    if not event:
        return []
    selection = event.get("selection") if hasattr(event, "get") else getattr(event, "selection", None)
    if not selection:
        return []
    points = selection.get("points") if hasattr(selection, "get") else getattr(selection, "points", None)
    return list(points or [])


def _customdata(point: dict) -> list:
    data = point.get("customdata")
    if data is None:
        return []
    return list(data) if isinstance(data, (list, tuple)) else [data]


def clicked_countries(event) -> list[str]:
    """ISO3 codes of clicked map features: a polygon gives ``location``; a point carries the code first in its
    customdata (small states, host cities)."""
    out = []
    for point in selected_points(event):
        code = point.get("location") or next(iter(_customdata(point)), None)
        if isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code):
            out.append(code)
    return list(dict.fromkeys(out))


def clicked_values(event, index: int = 0, source: str = "customdata") -> list[str]:
    """Values read from clicked points: ``customdata[index]``, or a point attribute such as ``y`` or ``id``."""
    out = []
    for point in selected_points(event):
        value = _customdata(point)[index] if source == "customdata" and _customdata(point) else point.get(source)
        if value not in (None, ""):
            out.append(str(value))
    return list(dict.fromkeys(out))


def apply_clicks(field: str, values: Iterable[str]) -> None:
    """Add every clicked value to a filter (``filters.add_filter`` reruns once something changed)."""
    from app import filters

    values = list(values)
    if not values:
        return
    f = filters.current()
    for value in values:
        f = f.add(field, value)
    if f != filters.current():
        filters.set_filters(f)
        st.rerun()


def participants_text(n) -> str:
    """Head-counts are lower bounds: ``≥ 1,200``; none reported gives an en dash."""
    try:
        return f"≥ {int(n):,}" if n is not None and int(n) > 0 else "–"
    except (TypeError, ValueError):
        return "–"


def date_span_text(first, last) -> str:
    if first is None or last is None:
        return "–"
    return f"{_iso(first)} – {_iso(last)}"


def year_span_text(first, last) -> str:
    if first is None or last is None:
        return "–"
    return f"{first.year}" if first.year == last.year else f"{first.year}–{last.year}"


def _iso(value) -> str:
    return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)[:10]


def _leave_pages_folder_mode() -> None:
    """Route through dashboard.py even when Streamlit ran this page directly.

    Because a ``pages/`` folder exists, Streamlit starts every process in its old folder-based mode and only
    switches to ``st.navigation`` once the router has run.  If the first request is a deep link (``/map``),
    the page runs without the router and that mode would stick, with the wrong sidebar menu, for everyone.
    Switching the flag and rerunning sends this very request through the router (the page keeps its URL path,
    so it is the same page).
    """
    from streamlit import config
    from streamlit.runtime.pages_manager import PagesManager

    # AppTest resets the flag before every run, so there a rerun would only swallow the run's clicks and uploads;
    # the page renders correctly without the router anyway.  (AppTest patches config.get_option, not st.get_option.)
    if PagesManager.uses_pages_directory and not config.get_option("global.appTest"):
        PagesManager.uses_pages_directory = False
        st.rerun()


def dataset():
    """The active dataset (bundled sample, upload or merge), from ``app.state``'s one cached loader."""
    from app import state

    return state.active()


def start(title: str, intro: str | None = None):
    """Every page begins here: the active dataset, the shared sidebar filters, and the page header.

    Returns ``(dataset, filters)``.
    """
    from app import filters

    _leave_pages_folder_mode()
    st.set_page_config(page_title=f"{title} · Exchange Atlas", layout="wide")
    note_page(title)
    ds = dataset()
    f = filters.sidebar(ds)
    header(title, ds, f, intro)
    return ds, f


# ------------------------------------------------------------------ event tables

TABLE_COLUMNS = ("title", "start_date", "end_date", "date_precision", "host", "countries", "sector", "event_type",
                 "participants", "organizations", "snippet", "source", "location", "confidence")


def _join(value) -> str:
    if value is None or isinstance(value, float):
        return ""
    return "; ".join(str(v) for v in value) if not isinstance(value, str) else value


def display_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Event rows as the tables show them: one text column per idea, lists joined with ``; ``.

    Everything stays plain text: ``st.dataframe`` renders cells literally, so markup in a title or snippet is
    shown, never interpreted.
    """
    out = pd.DataFrame(index=rows.index)
    out["title"] = rows["title"]
    out["start_date"] = pd.to_datetime(rows["start_date"]).dt.date
    out["end_date"] = pd.to_datetime(rows["end_date"]).dt.date
    out["date_precision"] = rows["date_precision"]
    city = rows["host_city"].fillna("").astype(str)
    iso = rows["host_iso3"].fillna("").astype(str)
    out["host"] = [f"{c}, {i}" if c and i else (c or i) for c, i in zip(city, iso, strict=True)]
    out["countries"] = rows["countries"].map(_join)
    out["sector"] = rows["sector"]
    out["event_type"] = rows["event_type"]
    out["participants"] = [_participants_cell(n, q) for n, q in zip(rows["participants"],
                                                                      rows["participants_qualifier"], strict=True)]
    out["organizations"] = rows["organizations"].map(_join)
    out["snippet"] = rows["snippet"]
    out["source"] = rows["source"]
    out["location"] = [f"{s}–{e}" if s != e else f"{s}" for s, e in zip(rows["source_start"], rows["source_end"],
                                                                        strict=True)]
    out["confidence"] = rows["confidence"]
    return out.reset_index(drop=True)


def _participants_cell(n, qualifier) -> str:
    if n is None or pd.isna(n):
        return ""
    words = {"more_than": "more than", "nearly": "nearly", "about": "about", "up_to": "up to"}
    q = words.get(str(qualifier), "") if qualifier is not None and not pd.isna(qualifier) else ""
    return f"{q} {int(n):,}".strip()


def table_columns() -> dict:
    """``st.dataframe`` column settings shared by the Overview and Data tables."""
    cc = st.column_config
    return {
        "title": cc.TextColumn("Title", width="large"),
        "start_date": cc.DateColumn("Start", format="YYYY-MM-DD"),
        "end_date": cc.DateColumn("End", format="YYYY-MM-DD"),
        "date_precision": cc.TextColumn("Precision", help="day, month or year: how precisely the source dates it"),
        "host": cc.TextColumn("Host"),
        "countries": cc.TextColumn("Countries", help="Counterpart countries (ISO3)"),
        "sector": cc.TextColumn("Sector"),
        "event_type": cc.TextColumn("Type"),
        "participants": cc.TextColumn("Participants", help="Head-count as the source gives it (a lower bound)"),
        "organizations": cc.TextColumn("Organizations", width="medium"),
        "snippet": cc.TextColumn("Snippet", width="large"),
        "source": cc.TextColumn("Source"),
        "location": cc.TextColumn("Location", help="Character offsets (text) or row number (tables) in the source"),
        "confidence": cc.NumberColumn("Confidence", format="%.2f"),
    }


def latest_events(ds, f, n: int = 10) -> pd.DataFrame:
    """The ``n`` most recent filtered events; the query layer sorts and limits, so nothing else is loaded."""
    from app import data

    return display_frame(data.rows(ds, f, limit=n, order="newest"))


def precision_note(mix: pd.DataFrame) -> str:
    """``"N items have month precision and M year precision only: ..."`` from ``data.precision_mix``."""
    counts = dict(zip(mix["date_precision"], mix["events"], strict=True)) if len(mix) else {}
    month, year = int(counts.get("month", 0)), int(counts.get("year", 0))
    if not month and not year:
        return "Every event in this view is dated to the day."
    return (f"{month:,} items have month precision and {year:,} year precision only: they are counted in the "
            "period that contains them (their first day), so short periods can look lumpy.")


def apply_treemap_click(event) -> None:
    """A treemap cell id is ``sector`` or ``sector/event_type`` (see ``charts.treemap``)."""
    from app import filters

    f = filters.current()
    for cell in clicked_values(event, source="id"):
        sector, _, event_type = cell.partition("/")
        f = f.add("sectors", sector)
        if event_type:
            f = f.add("types", event_type)
    if f != filters.current():
        filters.set_filters(f)
        st.rerun()


def apply_network_click(event) -> None:
    """Network nodes carry ``[id, kind, ...]`` in customdata: an organization or a country (ISO3)."""
    from app import filters

    f = filters.current()
    for point in selected_points(event):
        data = _customdata(point)
        if len(data) >= 2 and data[1] in ("organization", "country"):
            f = f.add("organizations" if data[1] == "organization" else "countries", str(data[0]))
    if f != filters.current():
        filters.set_filters(f)
        st.rerun()


def low_confidence(ds, f, limit: int = 500) -> pd.DataFrame:
    """Up to ``limit`` filtered events with confidence below ``data.LOW_CONFIDENCE``, least sure first."""
    from app import data

    return display_frame(data.rows(ds, f, limit=limit, order="least_confident", low_confidence=True))


def rejects(ds) -> pd.DataFrame | None:
    """The rejects table that belongs to the active dataset (beside its Parquet file, or kept with an upload);
    None when there is none."""
    from app import state

    return state.rejects(ds)


# ------------------------------------------------------------------ uploads

UPLOAD_TYPES = ("csv", "tsv", "xlsx", "json", "jsonl", "txt", "md", "html", "htm")
UPLOAD_STORE = "exchange_atlas.uploads"  # content hash -> what the file gave; survives reruns of the page


@dataclass
class UploadResult:
    """What one uploaded file gave: events and rejects with ``source`` set to the file's own name (the
    temporary path it was parsed from is meaningless to the user and gone after parsing)."""

    name: str
    digest: str
    events: pd.DataFrame | None = None
    rejects: pd.DataFrame | None = None
    rows_read: int | None = None
    error: str | None = None  # where and why, without the file's name: the page shows it beside the name
    # Rows the reader kept: events before duplicates merged, plus rows of side tables (counts per country and
    # year, city links), which are no events; without it "read = accepted + rejected" would not add up.
    accepted_rows: int | None = None

    @property
    def accepted(self) -> int:
        if self.accepted_rows is not None:
            return self.accepted_rows
        return 0 if self.events is None else len(self.events)

    @property
    def rejected(self) -> int:
        return 0 if self.rejects is None else len(self.rejects)


def content_hash(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def safe_file_name(name: str) -> str:
    """A name to write inside the private temporary directory: no directories, no odd characters, the
    extension kept (the ETL picks its adapter from it)."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(str(name)).name).lstrip(".") or "upload"
    stem, dot, ext = base.rpartition(".")
    return f"{stem[:80]}.{ext[:10]}" if dot and stem else base[:90]


def read_upload(name: str, payload: bytes, home: str, tmpdir: Path) -> UploadResult:
    """Run one uploaded file through the same ETL as the bundled data; any failure becomes a message."""
    from etl.build import build
    from etl.sources.base import Options

    result = UploadResult(name, content_hash(payload))
    path = Path(tmpdir) / safe_file_name(name)
    try:
        path.write_bytes(payload)
        built = build([path], Options(home=home), progress=False)
    except Exception as exc:  # noqa: BLE001 - the user gets a message, never a traceback
        result.error = f"could not be read ({type(exc).__name__}: {_message(str(exc), path, name)[:300]})"
        return result
    report = built.files[0] if built.files else None
    if report is not None and report.error:
        result.error = _message(report.error, path, name)
    result.events = _rename_source(built.events, path, name, list_column="sources")
    result.rejects = _rename_source(built.rejects, path, name)
    if report is not None:
        result.rows_read, result.accepted_rows = report.rows_read, report.events
    return result


def _message(error: str, path: Path, name: str) -> str:
    """An ETL message for the user: ``"line 3: unterminated quote"``, without the leading file (the page names
    it) and never with the private temporary path."""
    text = str(error).removeprefix(f"{path}: ")
    return text.replace(str(path), name)


def _rename_source(df: pd.DataFrame, path: Path, name: str, list_column: str | None = None) -> pd.DataFrame:
    df = df.copy()
    if "source" in df:
        df["source"] = name
    if list_column and list_column in df:
        df[list_column] = [[name] for _ in range(len(df))]
    if "detail" in df:
        df["detail"] = df["detail"].astype("string").str.replace(str(path), name, regex=False)
    return df


def stored_uploads() -> dict[str, UploadResult]:
    return st.session_state.setdefault(UPLOAD_STORE, {})


# ------------------------------------------------------------------ downloads

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "zip": "application/zip",
}


def download_formats(ds) -> list[tuple[str, str, object]]:
    """``(extension, button label, builder(rows, filters) -> bytes)`` for the Data page's download buttons.

    The dataset is bound here: the builders run on a download thread, outside the page's session.
    """
    from app import downloads

    return [
        ("csv", "CSV", lambda rows, f: downloads.csv_bytes(rows)),
        ("xlsx", "Excel (XLSX)", lambda rows, f: downloads.xlsx_bytes(rows)),
        ("parquet", "Parquet", lambda rows, f: downloads.parquet_bytes(rows)),
        ("zip", "Zip: CSV + codebook + filters", lambda rows, f: downloads.zip_bundle(rows, f, ds)),
    ]


# ------------------------------------------------------------------ page switches

PAGE_KEY = "exchange_atlas.page"


def note_page(page_id: str) -> None:
    """On a page switch, ask the filters to re-seed their widgets before the sidebar is drawn.

    Streamlit gives a widget a new identity on each page and resets it to its default, so the sidebar of the new
    page would start empty while the canonical filters still hold values.
    """
    from app import filters

    if st.session_state.get(PAGE_KEY) != page_id:
        if PAGE_KEY in st.session_state:
            st.session_state[filters.RESEED_KEY] = True
        st.session_state[PAGE_KEY] = page_id
