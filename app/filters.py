"""The dashboard's filter state: a pure, hashable :class:`Filters` plus the shared Streamlit sidebar.

Filters within a field are OR, across fields AND.  The canonical state lives in ``st.session_state`` under keys no
widget owns (Streamlit drops a widget's state on a page that does not draw that widget, so widget keys alone would
lose the filters when the user switches pages); widgets are re-seeded from it, and ``st.query_params`` mirrors it
so that a copied URL reproduces the view.  Streamlit is imported only inside the functions that draw, so the data
layer and the tests can use :class:`Filters` without it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

TERRITORY_POLICIES = ("separate", "fold")
FOLDED_TERRITORIES = ("HKG", "MAC", "TWN")
FOLD_INTO = "CHN"  # what the fold policy shows them as
LIST_FIELDS = ("regions", "countries", "sectors", "types", "organizations")
# What a reader scans for first: the topic, then the place, then who.
SUMMARY_ORDER = ("sectors", "types", "regions", "countries", "organizations")
# Query-parameter names: short, stable and part of every shared URL, so never rename them.
PARAM_NAMES = {
    "start": "start", "end": "end", "regions": "region", "countries": "country", "sectors": "sector",
    "types": "type", "organizations": "org", "text": "q", "territory": "territory",
}
# Singular labels for the summary line ("sector = health"), plural when several values are chosen.
SUMMARY_LABELS = {
    "regions": ("region", "regions"), "countries": ("country", "countries"), "sectors": ("sector", "sectors"),
    "types": ("type", "types"), "organizations": ("organization", "organizations"),
}
FIELD_ALIASES = {
    "region": "regions", "country": "countries", "iso3": "countries", "sector": "sectors", "type": "types",
    "event_type": "types", "organization": "organizations", "org": "organizations",
}
MAX_TEXT = 200
_ISO3 = re.compile(r"[A-Z]{3}")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=^])")
# GitHub-flavoured markdown links bare URLs (``http://``, ``www.``) and e-mail addresses in the text it has already
# unescaped, so no backslash escape stops it; an invisible word joiner after ``:``/``www``/``@`` does.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?i:(?<=www))(?=\.)|(?<=@)")
WORD_JOINER = "\u2060"
_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Filters:
    """What the user has narrowed the events to; immutable and hashable, so it can key caches.

    Attributes
    ----------
    start, end : datetime.date or None
        Keep events overlapping ``[start, end]`` (either end open when None).
    regions : tuple of str
        Region options such as ``"continent:Africa"``, ``"subregion:Eastern Africa"``, ``"group:ASEAN"``.
    countries : tuple of str
        ISO3 codes; an event matches when its host or any counterpart is one of them.
    sectors, types, organizations : tuple of str
        Match any of the event's ``sectors``, its ``event_type``, any of its ``organizations``.
    text : str
        Case-insensitive literal substring of the title or the snippet.
    territory : str
        ``"separate"``, or ``"fold"`` to show HKG, MAC and TWN as CHN.
    """

    start: datetime.date | None = None
    end: datetime.date | None = None
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    text: str = ""
    territory: str = "separate"

    def __post_init__(self) -> None:
        # Normalize so that equal views give equal (and equally hashed) filters: lists become tuples, duplicates
        # go, dates lose any time part, and blank text is no text.
        for name in LIST_FIELDS:
            object.__setattr__(self, name, _clean_tuple(getattr(self, name)))
        for name in ("start", "end"):
            object.__setattr__(self, name, _as_date(getattr(self, name)))
        object.__setattr__(self, "text", (self.text or "").strip())
        if self.territory not in TERRITORY_POLICIES:
            raise ValueError(f"territory must be one of {TERRITORY_POLICIES}, not {self.territory!r}")

    # ------------------------------------------------------------ URL state

    def to_query_params(self) -> dict[str, str]:
        """The filters as URL query parameters: lists joined with ``,`` (a literal ``,`` or ``\\`` in a value is
        escaped with ``\\``), empty fields and the default territory omitted."""
        out: dict[str, str] = {}
        for name in ("start", "end"):
            if getattr(self, name) is not None:
                out[PARAM_NAMES[name]] = getattr(self, name).isoformat()
        for name in LIST_FIELDS:
            if getattr(self, name):
                out[PARAM_NAMES[name]] = ",".join(_escape(v) for v in getattr(self, name))
        if self.text:
            out[PARAM_NAMES["text"]] = self.text
        if self.territory != "separate":
            out[PARAM_NAMES["territory"]] = self.territory
        return out

    @classmethod
    def from_query_params(cls, params: Mapping) -> Filters:
        """Filters from URL query parameters; unknown keys and values that are not valid are dropped silently
        (a hand-edited or stale URL must never break the page)."""
        get = _getter(params)
        values = {name: _parse_list(name, get(PARAM_NAMES[name])) for name in LIST_FIELDS}
        start, end = _parse_date(get(PARAM_NAMES["start"])), _parse_date(get(PARAM_NAMES["end"]))
        territory = get(PARAM_NAMES["territory"])
        return cls(
            start=start,
            end=end,
            text=(get(PARAM_NAMES["text"]) or "")[:MAX_TEXT],
            territory=territory if territory in TERRITORY_POLICIES else "separate",
            **values,
        )

    # ------------------------------------------------------------ descriptions

    def summary(self) -> str:
        """One line for captions and citations: ``"Filtered: sector = health; countries = PAK, NPL"`` or
        ``"No filters"`` (the fold policy is mentioned either way, since it changes the counts)."""
        parts = []
        if self.start or self.end:
            parts.append(f"dates = {self.start or '…'} to {self.end or '…'}")
        for name in SUMMARY_ORDER:
            values = getattr(self, name)
            if values:
                one, many = SUMMARY_LABELS[name]
                parts.append(f"{one if len(values) == 1 else many} = {', '.join(values)}")
        if self.text:
            parts.append(f'text contains "{self.text}"')
        fold = "; HKG, MAC, TWN shown as CHN" if self.territory == "fold" else ""
        return ("Filtered: " + "; ".join(parts) if parts else "No filters") + fold

    def slug(self, max_len: int = 60) -> str:
        """A short filesystem-safe tag of the filters for download names, e.g. ``"2019-2020_health_PAK-NPL"``."""
        parts = []
        if self.start or self.end:
            parts.append(f"{self.start.year if self.start else ''}-{self.end.year if self.end else ''}")
        for name in SUMMARY_ORDER:
            values = getattr(self, name)
            if values:
                shown = [v.split(":", 1)[-1] for v in values[:3]]
                parts.append("-".join(shown) + (f"+{len(values) - 3}" if len(values) > 3 else ""))
        if self.text:
            parts.append("q-" + self.text[:20])
        if self.territory == "fold":
            parts.append("fold")
        slug = re.sub(r"-{2,}", "-", _SLUG_UNSAFE.sub("-", "_".join(parts) or "all")).strip("-_")
        return slug[:max_len].rstrip("-_") or "filtered"

    def is_empty(self) -> bool:
        """True when no field narrows the rows (the territory policy changes how rows are shown, not which)."""
        return self == Filters(territory=self.territory)

    def add(self, field: str, value) -> Filters:
        """A copy with ``value`` added to a list field (or set for ``text``, ``territory``, ``start``, ``end``);
        ``field`` may be singular (``"sector"``) as charts name it."""
        name = FIELD_ALIASES.get(field, field)
        if name in LIST_FIELDS:
            current = getattr(self, name)
            return self if value in current else replace(self, **{name: (*current, value)})
        if name in ("text", "territory", "start", "end"):
            return replace(self, **{name: value})
        raise ValueError(f"unknown filter field {field!r}")


def _clean_tuple(values) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    return tuple(dict.fromkeys(str(v) for v in values if v is not None and str(v) != ""))


def _as_date(value) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if hasattr(value, "date") and callable(value.date):  # pandas.Timestamp
        return value.date()
    return datetime.date.fromisoformat(str(value))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,")


def _split(text: str) -> list[str]:
    """Split on unescaped commas and undo :func:`_escape`."""
    items, buf, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buf.append(text[i + 1])
            i += 2
            continue
        if ch == ",":
            items.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    items.append("".join(buf))
    return [item for item in items if item]


def _getter(params: Mapping):
    def get(key: str) -> str | None:
        try:
            value = params.get(key)
        except Exception:  # noqa: BLE001 - any odd mapping is as good as no parameter
            return None
        if isinstance(value, (list, tuple)):
            value = value[-1] if value else None
        return value if isinstance(value, str) else None

    return get


def _parse_date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _parse_list(name: str, value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(v for v in _split(value) if _valid(name, v))


def _valid(name: str, value: str) -> bool:
    if name == "countries":
        return bool(_ISO3.fullmatch(value))
    if name == "regions":
        from app import regions

        return regions.is_region(value)
    if name in ("sectors", "types"):
        from etl.schema import vocabularies

        return value in vocabularies()["sectors" if name == "sectors" else "event_types"]
    return 0 < len(value) <= MAX_TEXT


# ====================================================================== Streamlit

STATE_KEY = "exchange_atlas.filters"         # the canonical Filters; no widget owns this key
RESEED_KEY = "exchange_atlas.filters.reseed"  # set when the canonical state changed outside the widgets
DATASET_KEY = "exchange_atlas.filters.dataset"  # version of the dataset the widgets were last drawn for
WIDGET_PREFIX = "flt_"
WIDGETS = {
    "dates": f"{WIDGET_PREFIX}dates",
    "regions": f"{WIDGET_PREFIX}regions",
    "countries": f"{WIDGET_PREFIX}countries",
    "sectors": f"{WIDGET_PREFIX}sectors",
    "types": f"{WIDGET_PREFIX}types",
    "organizations": f"{WIDGET_PREFIX}organizations",
    "text": f"{WIDGET_PREFIX}text",
    "territory": f"{WIDGET_PREFIX}territory",
}
TERRITORY_LABELS = {"separate": "Separate (HKG, MAC, TWN as themselves)", "fold": "Fold HKG, MAC, TWN into CHN"}


def current() -> Filters:
    """The active filters: session state, or on a session's first run the URL's query parameters.

    Returns
    -------
    Filters
        The canonical filter state shared by every page.
    """
    import streamlit as st

    if STATE_KEY not in st.session_state:
        st.session_state[STATE_KEY] = Filters.from_query_params(_query_params_dict())
        st.session_state[RESEED_KEY] = True
    return st.session_state[STATE_KEY]


def set_filters(f: Filters) -> None:
    """Replace the filters (from code, not a widget): widgets are re-seeded on the next run, the URL now."""
    import streamlit as st

    st.session_state[STATE_KEY] = f
    st.session_state[RESEED_KEY] = True
    _write_query_params(f)


def add_filter(field: str, value) -> None:
    """Cross-filter from a chart click: add ``value`` to ``field`` and rerun; a value already there is a no-op
    (a chart keeps its selection across reruns, so this must not loop).

    Parameters
    ----------
    field : str
        A :class:`Filters` field, or its singular (``"country"``, ``"sector"``, ``"type"``, ``"organization"``).
    value : str
        The code to add (ISO3, sector code, event type, organization name, region option).
    """
    import streamlit as st

    if value is None or value == "":
        return
    before = current()
    after = before.add(field, value)
    if after != before:
        set_filters(after)
        st.rerun()


def clear_filters() -> None:
    """Drop every row filter (the territory policy stays: it is a way of counting, not a filter)."""
    set_filters(Filters(territory=current().territory))


def sidebar(ds) -> Filters:
    """Draw the shared filter sidebar for dataset ``ds`` and return the filters in force.

    Parameters
    ----------
    ds : app.data.Dataset
        The active dataset; its distinct values fill the pickers.

    Returns
    -------
    Filters
        The canonical filters after this run's widget changes (also written to ``st.query_params``).
    """
    import streamlit as st

    from app import data

    f = current()
    opts = {**data.options(ds), "version": ds.version}
    _seed_widgets(f, opts)
    with st.sidebar:
        st.header("Filters")
        _date_widget(opts)
        st.multiselect("Region", _with_selected(_region_options(), f.regions), key=WIDGETS["regions"],
                       format_func=_region_label, on_change=_sync_from_widgets, args=(opts,),
                       help="Continents, UN subregions and groups (ASEAN, SCO, EU, ...); any of them matches.")
        st.multiselect("Countries", _with_selected(opts["countries"], f.countries), key=WIDGETS["countries"],
                       format_func=_country_label, on_change=_sync_from_widgets, args=(opts,),
                       help="Host or counterpart country; any of them matches.")
        st.multiselect("Sectors", _with_selected(opts["sectors"], f.sectors), key=WIDGETS["sectors"],
                       format_func=lambda s: s.replace("_", " "), on_change=_sync_from_widgets, args=(opts,))
        st.multiselect("Event types", _with_selected(opts["types"], f.types), key=WIDGETS["types"],
                       on_change=_sync_from_widgets, args=(opts,))
        st.multiselect("Organizations", _with_selected(opts["organizations"], f.organizations),
                       key=WIDGETS["organizations"], on_change=_sync_from_widgets, args=(opts,))
        st.text_input("Search titles and text", key=WIDGETS["text"], max_chars=MAX_TEXT,
                      on_change=_sync_from_widgets, args=(opts,), help="Case-insensitive; matched literally.")
        st.radio("Hong Kong, Macao, Taiwan", TERRITORY_POLICIES, key=WIDGETS["territory"],
                 format_func=TERRITORY_LABELS.get, on_change=_sync_from_widgets, args=(opts,))
        f = current()
        st.button("Clear filters", key=f"{WIDGET_PREFIX}clear", on_click=clear_filters, disabled=f.is_empty(),
                  width="stretch")
        st.caption(escape_markdown(f.summary()))
    _write_query_params(f)
    return f


def escape_markdown(text: str) -> str:
    """``text`` with every Markdown character backslash-escaped and bare URLs and e-mail addresses kept from being
    auto-linked (see ``_AUTOLINK``), newlines flattened: the summary holds user text (search, names)."""
    return _MARKDOWN.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, " ".join(str(text).split())))


def _query_params_dict() -> dict[str, str]:
    import streamlit as st

    return {k: st.query_params.get(k) for k in st.query_params}


def _write_query_params(f: Filters) -> None:
    # Only our keys are touched: pages may keep their own parameters (a tab, a chart option) in the URL.
    import streamlit as st

    wanted = f.to_query_params()
    for key in PARAM_NAMES.values():
        if key in wanted and st.query_params.get(key) != wanted[key]:
            st.query_params[key] = wanted[key]
        elif key not in wanted and key in st.query_params:
            del st.query_params[key]


def _seed_widgets(f: Filters, opts: dict) -> None:
    """Put the canonical state into the widget keys before the widgets are drawn: on a page's first draw (its
    widget state was dropped) and after a change made in code (cross-filter, clear, URL)."""
    import streamlit as st

    reseed = st.session_state.pop(RESEED_KEY, False)
    # Another dataset (an upload) has another date span: stale widget dates could fall outside it.
    version = opts.get("version")
    if st.session_state.get(DATASET_KEY) != version:
        st.session_state[DATASET_KEY] = version
        reseed = True
    values = _widget_values(f, opts)
    for name, key in WIDGETS.items():
        if reseed or key not in st.session_state:
            st.session_state[key] = values[name]


def _widget_values(f: Filters, opts: dict) -> dict:
    lo, hi = opts["start"], opts["end"]
    start = min(max(f.start or lo, lo), hi) if lo and hi else f.start
    end = max(min(f.end or hi, hi), lo) if lo and hi else f.end
    return {
        "dates": (start, end) if start and end else (),
        "regions": list(f.regions), "countries": list(f.countries), "sectors": list(f.sectors),
        "types": list(f.types), "organizations": list(f.organizations), "text": f.text, "territory": f.territory,
    }


def _sync_from_widgets(opts: dict) -> None:
    """Widget callback: the widgets' values become the canonical filters (callbacks run before the rerun)."""
    import streamlit as st

    s = st.session_state
    start, end = _date_range(s.get(WIDGETS["dates"]), opts)
    st.session_state[STATE_KEY] = Filters(
        start=start, end=end, regions=s.get(WIDGETS["regions"], ()), countries=s.get(WIDGETS["countries"], ()),
        sectors=s.get(WIDGETS["sectors"], ()), types=s.get(WIDGETS["types"], ()),
        organizations=s.get(WIDGETS["organizations"], ()), text=(s.get(WIDGETS["text"]) or "")[:MAX_TEXT],
        territory=s.get(WIDGETS["territory"], "separate"),
    )


def _date_range(value, opts: dict) -> tuple[datetime.date | None, datetime.date | None]:
    # While the user is picking, the widget holds one date; the whole data span means "no date filter".
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        f = current()
        return f.start, f.end
    start, end = value
    start = None if start == opts["start"] else start
    end = None if end == opts["end"] else end
    return start, end


def _date_widget(opts: dict) -> None:
    import streamlit as st

    lo, hi = opts["start"], opts["end"]
    if lo is None or hi is None:
        st.caption("No dated events in this dataset.")
        return
    st.date_input("Dates (events overlapping)", key=WIDGETS["dates"], min_value=lo, max_value=hi,
                  on_change=_sync_from_widgets, args=(opts,), format="YYYY-MM-DD")


def _with_selected(options, selected) -> list[str]:
    # A value from the URL or a click may be missing from this dataset's options; a multiselect whose value is not
    # among its options raises, so keep it selectable.
    return list(dict.fromkeys([*options, *selected]))


def _region_options() -> list[str]:
    from app import regions

    return regions.region_options()


def _region_label(value: str) -> str:
    from app import regions

    try:
        return regions.label(value)
    except ValueError:
        return value


def _country_label(iso3: str) -> str:
    from app import regions

    name = regions.country_names().get(iso3)
    return f"{iso3} — {name}" if name else iso3
