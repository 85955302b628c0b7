"""Pure figure builders for the dashboard: a small frame in, a plotly ``go.Figure`` out, no ``st.`` calls.

Every builder gives its figure a title, axis titles with units, and, for empty input, a figure whose annotation
says why it is empty (the page passes the reason, e.g. which filters to clear).  Colours are fixed per code
(``SECTOR_COLORS``, ``TYPE_COLORS``, ``REGION_COLORS``) so a sector looks the same on every chart.

Maps use ``go.Choropleth``/``go.Scattergeo`` on a geo subplot, drawn as SVG, with the committed GeoJSON and none
of plotly's base layers: they need no tiles, no WebGL and no network.  (A tile map draws through MapLibre in
WebGL, in software where there is no GPU: on the 2-CPU machine the Overview's map appeared about 2 s later.)  The
GeoJSON goes into the figure at most once (about 1.1 MB; the dashboard passes the URL it is served at instead);
every other map layer is points or lines, which keeps the figure JSON under 1.5 MB.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app import geo

# Okabe–Ito and Paul Tol's "muted" palettes: both chosen to stay distinguishable under the common colour-vision
# deficiencies.  Eighteen sectors exceed what any safe palette separates by hue alone, so neighbours in this
# order also differ in lightness, and every chart names the sector on hover.
SECTOR_COLORS: dict[str, str] = {
    "culture": "#E69F00",
    "education": "#0072B2",
    "science": "#56B4E9",
    "health": "#D55E00",
    "environment": "#009E73",
    "economy": "#332288",
    "tourism": "#F0E442",
    "media": "#CC79A7",
    "law": "#882255",
    "youth": "#DDCC77",
    "women": "#AA4499",
    "labour": "#999933",
    "sports": "#44AA99",
    "development": "#117733",
    "volunteering": "#88CCEE",
    "civil_society": "#CC6677",
    "policy": "#BBCC33",
    "diplomacy": "#FFAABB",
}
TYPE_COLORS: dict[str, str] = {
    "visit": "#0072B2",
    "meeting": "#E69F00",
    "conference": "#009E73",
    "training": "#CC79A7",
    "agreement": "#D55E00",
    "founding": "#56B4E9",
    "aid": "#882255",
    "volunteering": "#DDCC77",
    "exhibition": "#332288",
    "other": "#999999",
}
REGION_COLORS: dict[str, str] = {
    "Africa": "#E69F00",
    "Asia": "#0072B2",
    "Europe": "#009E73",
    "North America": "#D55E00",
    "South America": "#CC79A7",
    "Oceania": "#56B4E9",
    "Antarctica": "#999999",
}
# Codes outside the codebook (an upload with its own vocabulary) still get a stable colour from this list.
_SPARE_COLORS = ("#332288", "#117733", "#44AA99", "#88CCEE", "#DDCC77", "#CC6677", "#AA4499", "#882255")
UNKNOWN_COLOR = "#BBBBBB"
ZERO_COLOR = "#E6E6E6"  # countries without events: drawn for context, in a neutral grey
BORDER_COLOR = "#9A9A9A"
MAP_SCALE = ("#FDE0C5", "#FACBA6", "#F8B58B", "#F59E72", "#F2855D", "#EF6A4C", "#EB4A40")  # CARTO "peach"
FLOW_COLOR = "rgba(51, 34, 136, 0.45)"
CITY_COLOR = "rgba(0, 114, 178, 0.75)"
SMALL_STATE_MARKER_PX = 9
MAP_HEIGHT = 560
MAX_FLOW_WIDTH = 6.0
MAX_CITIES = 500
# Only our own GeoJSON is drawn: plotly's base layers come from its topojson, which the server publishes empty
# (``geo.BASE_MAP_PATH``).  The latitude range crops Antarctica's empty band.
GEO_LAYOUT = {
    "projection": {"type": "natural earth"}, "lataxis": {"range": [-60, 85]}, "showframe": False,
    "bgcolor": "rgba(0,0,0,0)", "showcoastlines": False, "showland": False, "showocean": False,
    "showlakes": False, "showrivers": False, "showcountries": False, "showsubunits": False,
}
MEASURE_LABELS = {"events": "Events", "participants": "Participants (lower bound)"}
_UNITS = {"events": "events", "participants": "people (at least)"}
EMPTY_REASON = "No events match the current filters"


# ------------------------------------------------------------------ colours and small helpers


def _color(code, palette: Mapping[str, str]) -> str:
    if code in palette:
        return palette[code]
    if code is None or (isinstance(code, float) and math.isnan(code)) or str(code) in ("", "unknown", "Unknown"):
        return UNKNOWN_COLOR
    # A stable hash (not Python's salted hash) so a code keeps its colour across processes.
    return _SPARE_COLORS[sum(map(ord, str(code))) % len(_SPARE_COLORS)]


def sector_color(code) -> str:
    """The one colour of a sector code on every chart."""
    return _color(code, SECTOR_COLORS)


def type_color(code) -> str:
    return _color(code, TYPE_COLORS)


def region_color(code) -> str:
    return _color(code, REGION_COLORS)


STACK_PALETTES = {"sector": SECTOR_COLORS, "event_type": TYPE_COLORS, "region": REGION_COLORS}
STACK_LABELS = {"sector": "Sector", "event_type": "Event type", "region": "Region"}


def label(code) -> str:
    """``civil_society`` -> ``civil society`` for axis ticks and legends."""
    return str(code).replace("_", " ")


_PLOTLY_MARKUP = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def plot_text(value) -> str:
    """Free text from the data (organization, city, source names) as plotly shows it literally.

    plotly.js reads a small HTML subset in every tick label, legend, node label and hover text: a name such as
    ``<a href="http://...">`` would become a live link in the chart, and ``<b>``/``<br>`` would restyle it.  It
    decodes ``&lt;``, ``&gt;`` and ``&amp;``, so escaping these three shows the name exactly as written.
    """
    return str(value).translate(_PLOTLY_MARKUP)


def _plot_texts(values: Iterable) -> list[str]:
    return [plot_text(v) for v in values]


def _base(title: str, height: int | None = None) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title={"text": title, "x": 0, "xanchor": "left"}, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    if height:
        fig.update_layout(height=height)
    return fig


def empty_figure(title: str, reason: str = EMPTY_REASON, height: int = 320) -> go.Figure:
    """A blank figure that says why it is blank, so an empty chart never looks like a broken one."""
    fig = _base(title, height)
    fig.add_annotation(text=reason, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 15})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _is_empty(df: pd.DataFrame | None, value_col: str | None = None) -> bool:
    if df is None or len(df) == 0:
        return True
    return value_col is not None and value_col in df and not (pd.to_numeric(df[value_col], errors="coerce") > 0).any()


def _top_sectors_text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return ", ".join(label(v) for v in value)
    return str(value)


def _bar_height(n_rows: int) -> int:
    return max(260, min(900, 90 + 26 * n_rows))


# ------------------------------------------------------------------ maps


def _map_layout(fig: go.Figure, title: str, height: int = MAP_HEIGHT) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        height=height,
        margin={"l": 0, "r": 0, "t": 50, "b": 10},
        geo=GEO_LAYOUT,
        legend={"orientation": "h", "yanchor": "top", "y": -0.01, "xanchor": "left", "x": 0.0},
    )
    return fig


def _all_countries(df_by_country: pd.DataFrame | None) -> pd.DataFrame:
    """Every country the map knows, with the query's value (0 where it has none) and its top sectors."""
    base = geo.load_centroids()[["iso3", "name", "lat", "lon"]]
    df = df_by_country if df_by_country is not None else pd.DataFrame(columns=["iso3", "value", "top_sectors"])
    cols = [c for c in ("iso3", "value", "top_sectors") if c in df]
    merged = base.merge(df[cols], on="iso3", how="outer")
    merged["name"] = merged["name"].fillna(merged["iso3"])
    if "name" in df:
        names = dict(zip(df["iso3"], df["name"], strict=False))
        merged["name"] = [names.get(i) if isinstance(names.get(i), str) else n
                          for i, n in zip(merged["iso3"], merged["name"], strict=True)]
    merged["value"] = pd.to_numeric(merged["value"], errors="coerce").fillna(0) if "value" in merged else 0.0
    tops = merged["top_sectors"] if "top_sectors" in merged else pd.Series("", index=merged.index)
    merged["top_sectors"] = tops.map(_top_sectors_text).astype(object)
    return merged


def _scale(values: pd.Series) -> tuple[np.ndarray, float, list]:
    """Log-scaled colour values and a colourscale whose bottom step is the neutral grey kept for zero.

    Counts are heavily skewed (one partner often has ten times the next), so a linear scale would paint almost
    every country the palest shade; log10(1 + n) keeps the differences visible and 0 stays exactly 0.
    """
    z = np.log10(1 + values.to_numpy(dtype=float))
    zmax = max(float(z.max()) if len(z) else 0.0, math.log10(2))
    cut = 0.5 * math.log10(2) / zmax  # halfway to the value of a single event
    steps = [min(1.0, cut + (1 - cut) * i / (len(MAP_SCALE) - 1)) for i in range(len(MAP_SCALE))]
    steps[-1] = 1.0  # plotly rejects a scale whose last stop is 1 plus a rounding error
    scale = [[0.0, ZERO_COLOR], [cut, ZERO_COLOR]] + [[s, c] for s, c in zip(steps, MAP_SCALE, strict=True)]
    return z, zmax, scale


def _colorbar(values: pd.Series, measure: str) -> dict:
    top = max(float(values.max()) if len(values) else 1.0, 1.0)
    ticks = [t for t in (1, 3, 10, 30, 100, 300, 1_000, 3_000, 10_000, 100_000, 1_000_000) if t <= top] or [1]
    return {"title": {"text": MEASURE_LABELS.get(measure, measure)}, "tickvals": [math.log10(1 + t) for t in ticks],
            "ticktext": [f"{t:,}" for t in ticks], "thickness": 12, "len": 0.6, "x": 0.99}


def _hover(measure: str) -> str:
    unit = _UNITS.get(measure, measure)
    return "<b>%{customdata[1]}</b> (%{customdata[0]})<br>%{customdata[2]:,} " + unit + \
        "<br>Top sectors: %{customdata[3]}<extra></extra>"


def _customdata(df: pd.DataFrame) -> np.ndarray:
    # The iso3 rides along in customdata so that a click on a polygon or a point can be mapped back to a country.
    return np.stack([df["iso3"], df["name"], df["value"].astype("int64"), df["top_sectors"].replace("", "–")], axis=1)


def _slim_geojson(geojson: dict | None = None) -> dict:
    """The GeoJSON with only the id property and each ring as a numpy array.

    Plotly deep-copies a figure's data twice before sending it; as nested lists the 1 MB of rings cost about
    400,000 copies (2-3 s per map), as arrays a few thousand (0.3 s).  The JSON written is the same.
    """
    if geojson is None:
        return _default_slim_geojson()
    return {"type": "FeatureCollection", "features": [_slim_feature(f) for f in geojson["features"]]}


@functools.cache
def _default_slim_geojson() -> dict:
    # Cached: nothing here mutates it, and plotly copies whatever it is given.
    return _slim_geojson(geo.geojson())


def _slim_feature(feature: dict) -> dict:
    geom = feature["geometry"]
    coords = geom["coordinates"]
    if geom["type"] == "Polygon":
        coords = [np.asarray(ring, dtype=float) for ring in coords]
    elif geom["type"] == "MultiPolygon":
        coords = [[np.asarray(ring, dtype=float) for ring in poly] for poly in coords]
    iso3 = feature["properties"]["iso3"]
    return {"type": "Feature", "id": feature.get("id", iso3), "properties": {"iso3": iso3},
            "geometry": {"type": geom["type"], "coordinates": coords}}


def _shapes(geojson: dict | str | None) -> tuple[dict | str, frozenset[str]]:
    """What a map trace is given as its GeoJSON, and the codes it draws.

    A string is the URL of the committed file as the server publishes it (see ``geo.geojson_url``): the browser
    fetches and caches it once, so a figure is a few kilobytes instead of a megabyte sent on every rerun.
    """
    if isinstance(geojson, str):
        return geojson, geo.shaped_codes()
    slim = _slim_geojson(geojson)
    return slim, frozenset(f["properties"]["iso3"] for f in slim["features"])


def _choropleth_trace(df: pd.DataFrame, geojson: dict | str, shaped: frozenset[str],
                      measure: str) -> go.Choropleth:
    df = df[df["iso3"].isin(shaped)]
    z, zmax, scale = _scale(df["value"])
    return go.Choropleth(
        geojson=geojson, featureidkey=geo.FEATURE_ID_KEY, locations=df["iso3"], z=z,
        zmin=0, zmax=zmax, colorscale=scale, colorbar=_colorbar(df["value"], measure),
        marker={"line": {"color": BORDER_COLOR, "width": 0.4}, "opacity": 0.9},
        customdata=_customdata(df), hovertemplate=_hover(measure), name="Countries", showlegend=False,
    )


def _small_state_trace(df: pd.DataFrame, measure: str, zmax: float, scale: list) -> go.Scattergeo:
    small = df[df["iso3"].isin(geo.small_states())].dropna(subset=["lat", "lon"])
    z = np.log10(1 + small["value"].to_numpy(dtype=float))
    return go.Scattergeo(
        lat=small["lat"], lon=small["lon"], mode="markers", name="Small states and territories",
        marker={"size": np.where(z > 0, SMALL_STATE_MARKER_PX, SMALL_STATE_MARKER_PX - 4), "color": z, "cmin": 0,
                "cmax": zmax, "colorscale": scale, "showscale": False},
        customdata=_customdata(small), hovertemplate=_hover(measure),
    )


def choropleth(df_by_country: pd.DataFrame | None, geojson: dict | str | None = None, measure: str = "events",
               title: str | None = None, reason: str = EMPTY_REASON, height: int = MAP_HEIGHT) -> go.Figure:
    """Counts per counterpart country (``iso3, name, value, top_sectors``) on every country of the map.

    Countries without events stay on the map in a neutral grey; small states are also drawn as points.  An
    empty frame still draws the grey world, with ``reason`` as an annotation.  ``geojson``: the shapes (default:
    the committed file, inline), or the URL the browser fetches them from.
    """
    geojson, shaped = _shapes(geojson)
    df = _all_countries(df_by_country)
    title = title or f"{MEASURE_LABELS.get(measure, measure)} per counterpart country"
    fig = go.Figure([_choropleth_trace(df, geojson, shaped, measure)])
    _, zmax, scale = _scale(df["value"])
    fig.add_trace(_small_state_trace(df, measure, zmax, scale))
    if _is_empty(df_by_country, "value"):
        fig.add_annotation(text=reason, x=0.5, y=0.95, xref="paper", yref="paper", showarrow=False,
                           bgcolor="rgba(255,255,255,0.85)", font={"size": 14})
    return _map_layout(fig, title, height)


def city_bubbles(df_by_city: pd.DataFrame | None, title: str = "Events per host city",
                 reason: str = EMPTY_REASON) -> go.Figure:
    """Host cities (``host_city, host_iso3, lat, lon, events``) as bubbles sized by event count."""
    fig = go.Figure()
    if _is_empty(df_by_city, "events"):
        fig.add_trace(go.Scattergeo(lat=[], lon=[], mode="markers", name="Host cities"))
        fig.add_annotation(text=reason, x=0.5, y=0.95, xref="paper", yref="paper", showarrow=False)
        return _map_layout(fig, title)
    fig.add_trace(_city_trace(df_by_city))
    return _map_layout(fig, title)


def _city_trace(df: pd.DataFrame, max_cities: int = MAX_CITIES) -> go.Scattergeo:
    # The busiest cities only: thousands of bubbles would blow the figure's size budget and hide the countries.
    df = df.dropna(subset=["lat", "lon"]).sort_values("events", ascending=False, kind="stable").head(max_cities)
    events = pd.to_numeric(df["events"], errors="coerce").fillna(0)
    size = 5 + 22 * np.sqrt(events / max(float(events.max()), 1.0))
    city = _plot_texts(df["host_city"].fillna("(country only)"))
    custom = np.stack([df["host_iso3"].astype(str), city, events.astype("int64")], axis=1)
    return go.Scattergeo(
        lat=df["lat"], lon=df["lon"], mode="markers", name="Host cities (size = events)",
        marker={"size": size, "color": CITY_COLOR, "sizemode": "diameter"}, customdata=custom,
        hovertemplate="<b>%{customdata[1]}</b>, %{customdata[0]}<br>%{customdata[2]:,} events<extra></extra>",
    )


def _flow_traces(df_flows: pd.DataFrame, n_buckets: int = 4) -> list[go.Scattergeo]:
    """One line trace per width bucket (one trace per flow would mean hundreds of traces).

    A geo subplot draws each segment as a great circle, so China -> USA crosses the Pacific by itself.
    """
    points = geo.load_centroids().set_index("iso3")[["lat", "lon"]]
    df = df_flows[df_flows["home_iso3"].isin(points.index) & df_flows["iso3"].isin(points.index)].copy()
    df = df[df["home_iso3"] != df["iso3"]]
    if df.empty:
        return []
    top = float(df["events"].max())
    df["bucket"] = np.minimum(n_buckets - 1, (np.sqrt(df["events"] / top) * n_buckets).astype(int))
    traces = []
    for bucket, part in df.groupby("bucket", sort=True):
        lats, lons = [], []
        for home, iso3 in zip(part["home_iso3"], part["iso3"], strict=True):
            (lat0, lon0), (lat1, lon1) = points.loc[home], points.loc[iso3]
            lats += [lat0, lat1, None]
            lons += [lon0, lon1, None]
        width = 1 + (MAX_FLOW_WIDTH - 1) * (bucket + 1) / n_buckets
        lo, hi = int(part["events"].min()), int(part["events"].max())
        traces.append(go.Scattergeo(
            lat=lats, lon=lons, mode="lines", line={"width": width, "color": FLOW_COLOR}, hoverinfo="skip",
            name=f"Flows: {lo:,}–{hi:,} events" if lo != hi else f"Flows: {lo:,} events",
            legendgroup="flows",
        ))
    return traces


def flows(df_flows: pd.DataFrame | None, title: str = "Flows from the home country to each counterpart",
          reason: str = EMPTY_REASON) -> go.Figure:
    """Lines from ``home_iso3`` to each counterpart ``iso3``, thicker for more events."""
    fig = go.Figure()
    traces = [] if _is_empty(df_flows, "events") else _flow_traces(df_flows)
    if not traces:
        fig.add_trace(go.Scattergeo(lat=[], lon=[], mode="lines", name="Flows"))
        fig.add_annotation(text=reason, x=0.5, y=0.95, xref="paper", yref="paper", showarrow=False)
    fig.add_traces(traces)
    return _map_layout(fig, title)


def combined_map(df_by_country: pd.DataFrame | None, df_by_city: pd.DataFrame | None = None,
                 df_flows: pd.DataFrame | None = None, geojson: dict | str | None = None, measure: str = "events",
                 title: str | None = None, reason: str = EMPTY_REASON, height: int = MAP_HEIGHT) -> go.Figure:
    """Choropleth + small-state points + flow lines + host-city bubbles in one offline map.

    Trace order matters for clicks: lines are drawn under the points so a click lands on a country or a city.
    """
    fig = choropleth(df_by_country, geojson, measure, title=title, reason=reason)
    if df_flows is not None and not _is_empty(df_flows, "events"):
        fig.add_traces(_flow_traces(df_flows))
    if df_by_city is not None and not _is_empty(df_by_city, "events"):
        fig.add_trace(_city_trace(df_by_city))
    fig.update_layout(height=height)
    return fig


def animated_map(df_periods: pd.DataFrame | None, geojson: dict | str | None = None,
                 title: str = "Events per counterpart country over time", reason: str = EMPTY_REASON,
                 frame_ms: int = 600, freq: str | None = None) -> go.Figure:
    """``period, iso3, events`` as a choropleth with a play button and a period slider.

    Built by hand rather than with ``px.choropleth_map(animation_frame=...)``: px repeats the GeoJSON and every
    attribute in each frame (2.6 MB and 9 s for ten years of months).  plotly.js merges a frame into the trace
    it animates, so here a frame carries only its colour values and hover numbers.  ``freq`` ("year",
    "quarter", "month", "week") only shapes the period labels.
    """
    if _is_empty(df_periods, "events"):
        return empty_figure(title, reason, height=MAP_HEIGHT)
    geojson, shaped = _shapes(geojson)
    full = _complete_periods(df_periods, shaped, freq)
    periods = sorted(full["period"].unique())
    _, zmax, scale = _scale(full["events"])
    first = full[full["period"] == periods[0]]
    trace = go.Choropleth(
        geojson=geojson, featureidkey=geo.FEATURE_ID_KEY, locations=first["iso3"], z=first["z"], zmin=0, zmax=zmax,
        colorscale=scale, colorbar=_colorbar(full["events"], "events"), text=first["name"],
        customdata=first["events"].astype(int).tolist(), marker={"line": {"color": BORDER_COLOR, "width": 0.4}},
        hovertemplate="<b>%{text}</b> (%{location})<br>%{customdata:,} events<extra></extra>", showscale=True,
    )
    # Locations and names are the same in every frame (the grid is complete), so a frame is two short arrays.
    frames = [go.Frame(name=p, data=[{"type": "choropleth", "z": part["z"].round(3).tolist(),
                                      "customdata": part["events"].astype(int).tolist()}])
              for p, part in full.groupby("period", sort=True)]
    fig = go.Figure([trace], frames=frames)
    fig.update_layout(updatemenus=[_play_buttons(frame_ms)], sliders=[_period_slider(periods, frame_ms)])
    return _map_layout(fig, title)


def _play_buttons(frame_ms: int) -> dict:
    play = {"frame": {"duration": frame_ms, "redraw": True}, "fromcurrent": True, "transition": {"duration": 0}}
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    return {"type": "buttons", "direction": "left", "x": 0.0, "y": 0.0, "xanchor": "left", "yanchor": "top",
            "pad": {"t": 40, "r": 10}, "showactive": False,
            "buttons": [{"label": "▶ Play", "method": "animate", "args": [None, play]},
                        {"label": "❚❚ Pause", "method": "animate", "args": [[None], pause]}]}


def _period_slider(periods: list[str], frame_ms: int) -> dict:
    steps = [{"label": p, "method": "animate",
              "args": [[p], {"frame": {"duration": frame_ms, "redraw": True}, "mode": "immediate",
                             "transition": {"duration": 0}}]} for p in periods]
    return {"active": 0, "steps": steps, "x": 0.16, "len": 0.84, "y": 0.0, "yanchor": "top", "pad": {"t": 30},
            "currentvalue": {"prefix": "Period: ", "visible": True}, "transition": {"duration": 0}}


def _complete_periods(df: pd.DataFrame, shaped: frozenset[str], freq: str | None = None) -> pd.DataFrame:
    """Every (period, country on the map) pair, zero-filled: every country stays drawn for context, and one
    without events in a period greys out instead of vanishing."""
    shaped = sorted(shaped)
    df = df[df["iso3"].isin(shaped)].copy()
    df["period"] = [_period_text(v, freq) for v in df["period"]]
    grid = pd.MultiIndex.from_product([sorted(df["period"].unique()), shaped], names=["period", "iso3"])
    full = df.groupby(["period", "iso3"])["events"].sum().reindex(grid, fill_value=0).reset_index()
    names = geo.load_centroids().set_index("iso3")["name"]
    full["name"] = full["iso3"].map(names).fillna(full["iso3"])
    full["z"] = np.log10(1 + full["events"].astype(float))
    return full


def _period_text(value, freq: str | None = None) -> str:
    """A period's label: ``2019``, ``2019-Q3``, ``2019-07`` or the week's first day; sortable as text."""
    if not isinstance(value, (pd.Timestamp, np.datetime64, datetime.date)):
        return str(value)
    ts = pd.Timestamp(value)
    if freq == "year":
        return f"{ts.year}"
    if freq == "quarter":
        return f"{ts.year}-Q{ts.quarter}"
    if freq == "month":
        return ts.strftime("%Y-%m")
    return ts.strftime("%Y-%m-%d")


# ------------------------------------------------------------------ bars, treemap, heatmap


def timeline_bars(df: pd.DataFrame | None, stack: str = "sector", freq: str = "month",
                  title: str | None = None, reason: str = EMPTY_REASON) -> go.Figure:
    """``period, key, events`` as bars per period, stacked by ``stack`` (sector, event_type or region)."""
    title = title or f"Events per {freq}, by {STACK_LABELS.get(stack, stack).lower()}"
    if _is_empty(df, "events"):
        return empty_figure(title, reason)
    palette = STACK_PALETTES.get(stack, {})
    order = df.groupby("key")["events"].sum().sort_values(ascending=False).index
    fig = _base(title, 420)
    for key in order:
        part = df[df["key"] == key].sort_values("period")
        fig.add_trace(go.Bar(x=part["period"], y=part["events"], name=label(key), marker_color=_color(key, palette),
                             hovertemplate=f"{label(key)}<br>%{{x}}: %{{y:,}} events<extra></extra>"))
    fig.update_layout(barmode="stack", legend_title_text=STACK_LABELS.get(stack, stack), bargap=0.1)
    fig.update_xaxes(title_text=f"Period ({freq}, start date)")
    fig.update_yaxes(title_text="Events (count)")
    return fig


def sector_bar(df: pd.DataFrame | None, title: str = "Events per sector", reason: str = EMPTY_REASON) -> go.Figure:
    """``sector, events`` as horizontal bars, largest on top, each in its sector colour."""
    if _is_empty(df, "events"):
        return empty_figure(title, reason)
    df = df.groupby("sector", as_index=False)["events"].sum().sort_values("events")
    fig = _base(title, _bar_height(len(df)))
    fig.add_trace(go.Bar(x=df["events"], y=df["sector"].map(label), orientation="h",
                         marker_color=[sector_color(s) for s in df["sector"]], customdata=df["sector"],
                         hovertemplate="%{y}: %{x:,} events<extra></extra>", name="Events"))
    fig.update_xaxes(title_text="Events (count)")
    fig.update_yaxes(title_text="Sector")
    return fig


def treemap(df: pd.DataFrame | None, title: str = "Sectors and event types",
            reason: str = EMPTY_REASON) -> go.Figure:
    """``sector, event_type, events`` as sector cells split into event types; ids are ``sector`` and
    ``sector/event_type`` so that a click can be read back as a sector (and type)."""
    if _is_empty(df, "events"):
        return empty_figure(title, reason, height=480)
    df = df[pd.to_numeric(df["events"], errors="coerce") > 0]
    sectors = df.groupby("sector", as_index=False)["events"].sum()
    ids = list(sectors["sector"]) + [f"{s}/{t}" for s, t in zip(df["sector"], df["event_type"], strict=True)]
    labels = [label(s) for s in sectors["sector"]] + [label(t) for t in df["event_type"]]
    parents = [""] * len(sectors) + list(df["sector"])
    values = list(sectors["events"]) + list(df["events"])
    colors = [sector_color(s) for s in sectors["sector"]] + [sector_color(s) for s in df["sector"]]
    fig = _base(title, 480)
    fig.add_trace(go.Treemap(ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
                             marker={"colors": colors}, textinfo="label+value",
                             hovertemplate="<b>%{label}</b><br>%{value:,} events<extra></extra>",
                             pathbar={"visible": True, "thickness": 18}))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def heatmap(df: pd.DataFrame | None, title: str = "Events by sector and region", reason: str = EMPTY_REASON,
            x_title: str = "Counterpart region") -> go.Figure:
    """``sector, region, events`` as a sector × region grid of counts."""
    if _is_empty(df, "events"):
        return empty_figure(title, reason)
    grid = df.pivot_table(index="sector", columns="region", values="events", aggfunc="sum", fill_value=0)
    grid = grid.loc[grid.sum(axis=1).sort_values().index]
    fig = _base(title, _bar_height(len(grid)))
    fig.add_trace(go.Heatmap(z=grid.to_numpy(), x=list(grid.columns), y=[label(s) for s in grid.index],
                             colorscale="Blues", colorbar={"title": {"text": "Events"}},
                             hovertemplate="%{y} × %{x}: %{z:,} events<extra></extra>"))
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text="Sector")
    return fig


def top_orgs_bar(df: pd.DataFrame | None, title: str = "Most active organizations", n: int = 20,
                 reason: str = EMPTY_REASON) -> go.Figure:
    """``sector, organization, events``: the ``n`` organizations with most events, bars split by sector."""
    if _is_empty(df, "events"):
        return empty_figure(title, reason)
    totals = df.groupby("organization")["events"].sum().sort_values(ascending=False).head(n)
    df = df[df["organization"].isin(totals.index)]
    order = _plot_texts(totals.index[::-1])
    fig = _base(title, _bar_height(len(order)))
    for sector, part in df.groupby("sector", sort=True):
        fig.add_trace(go.Bar(x=part["events"], y=_plot_texts(part["organization"]), orientation="h",
                             name=label(sector), marker_color=sector_color(sector), customdata=part["organization"],
                             hovertemplate=f"%{{y}}<br>{label(sector)}: %{{x:,}} events<extra></extra>"))
    fig.update_layout(barmode="stack", legend={"title": {"text": "Sector"}, "orientation": "h", "y": -0.12,
                                                "yanchor": "top", "x": 0})
    fig.update_yaxes(categoryorder="array", categoryarray=order, title_text="Organization", automargin=True)
    fig.update_xaxes(title_text="Events (count)")
    return fig


def precision_bar(df: pd.DataFrame | None, title: str = "How precisely events are dated",
                  reason: str = EMPTY_REASON) -> go.Figure:
    """``date_precision, events``: how many events are dated to the day, the month or only the year."""
    if _is_empty(df, "events"):
        return empty_figure(title, reason)
    order = {"day": 0, "month": 1, "year": 2}
    df = df.sort_values("date_precision", key=lambda s: s.map(order).fillna(9))
    colors = {"day": "#0072B2", "month": "#E69F00", "year": "#D55E00"}
    fig = _base(title, 260)
    fig.add_trace(go.Bar(x=df["events"], y=df["date_precision"], orientation="h",
                         marker_color=[colors.get(p, UNKNOWN_COLOR) for p in df["date_precision"]],
                         hovertemplate="%{y} precision: %{x:,} events<extra></extra>", name="Events"))
    fig.update_xaxes(title_text="Events (count)")
    fig.update_yaxes(title_text="Date precision", autorange="reversed")
    return fig


def count_bar(df: pd.DataFrame | None, category: str, value: str, title: str, x_title: str, y_title: str,
              reason: str = EMPTY_REASON, color: str = "#0072B2") -> go.Figure:
    """Any ``category, value`` table as horizontal bars (sources, reject reasons)."""
    if _is_empty(df, value):
        return empty_figure(title, reason)
    df = df.sort_values(value)
    fig = _base(title, _bar_height(len(df)))
    fig.add_trace(go.Bar(x=df[value], y=_plot_texts(df[category]), orientation="h", marker_color=color,
                         hovertemplate="%{y}: %{x:,}<extra></extra>", name=x_title))
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


# ------------------------------------------------------------------ network

NODE_COLORS = {"organization": "#0072B2", "country": "#E69F00"}
NODE_SYMBOLS = {"organization": "circle", "country": "diamond"}
LAYOUT_SEED = 7


def network_layout(nodes: pd.DataFrame, edges: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Spring layout with a fixed seed: the same data gives the same picture on every rerun.

    Edge weights enter as ``1 + log(weight)``: raw counts would pull the busiest pairs into one knot.
    """
    graph = nx.Graph()
    graph.add_nodes_from(sorted(nodes["id"]))
    for s, t, w in sorted(zip(edges["source"], edges["target"], edges["weight"], strict=True)):
        graph.add_edge(s, t, weight=1.0 + math.log(max(float(w), 1.0)))
    k = 2.0 / math.sqrt(max(graph.number_of_nodes(), 1))
    return nx.spring_layout(graph, weight="weight", seed=LAYOUT_SEED, k=k, iterations=200)


def network_figure(nodes: pd.DataFrame | None, edges: pd.DataFrame | None,
                   title: str = "Organizations and countries that share events",
                   reason: str = EMPTY_REASON, n_labels: int = 12) -> go.Figure:
    """Nodes ``id, kind, events`` and edges ``source, target, weight`` (shared events) as a graph.

    Nodes without an edge to another node shown would float far off and squeeze the picture; they are left out
    and counted in a note under the title.
    """
    if nodes is None or len(nodes) == 0:
        return empty_figure(title, reason, height=600)
    edges = edges if edges is not None else pd.DataFrame(columns=["source", "target", "weight"])
    edges = edges[edges["source"].isin(nodes["id"]) & edges["target"].isin(nodes["id"])]
    linked = set(edges["source"]) | set(edges["target"])
    unlinked = int((~nodes["id"].isin(linked)).sum())
    nodes = nodes[nodes["id"].isin(linked)]
    if nodes.empty:
        return empty_figure(title, "No organization and country share an event in this view", height=600)
    pos = network_layout(nodes, edges)
    fig = _base(title, 680)
    fig.add_traces(_edge_traces(edges, pos))
    labelled = set(nodes.sort_values(["events", "id"], ascending=[False, True])["id"].head(n_labels))
    for kind, part in nodes.groupby("kind", sort=True):
        fig.add_trace(_node_trace(kind, part, pos, labelled))
    if unlinked:
        fig.add_annotation(text=f"{unlinked} node(s) sharing no event with the others are not drawn", x=0, y=1.0,
                           xref="paper", yref="paper", xanchor="left", yanchor="bottom", showarrow=False,
                           font={"size": 11, "color": "#666"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(legend={"orientation": "h", "y": -0.02}, plot_bgcolor="white", hovermode="closest")
    return fig


def _edge_traces(edges: pd.DataFrame, pos: dict, n_buckets: int = 3) -> list[go.Scatter]:
    if edges.empty:
        return []
    top = float(edges["weight"].max())
    buckets = np.minimum(n_buckets - 1, (edges["weight"] / top * n_buckets).astype(int))
    traces = []
    for bucket in sorted(int(b) for b in buckets.unique()):
        xs, ys = [], []
        for s, t in zip(edges.loc[buckets == bucket, "source"], edges.loc[buckets == bucket, "target"], strict=True):
            xs += [pos[s][0], pos[t][0], None]
            ys += [pos[s][1], pos[t][1], None]
        traces.append(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=bucket == n_buckets - 1,
                                 line={"width": 0.6 + 1.6 * bucket, "color": "rgba(120,120,120,0.45)"},
                                 name="Shared events (thicker = more)", legendgroup="edges"))
    return traces


def _node_trace(kind: str, part: pd.DataFrame, pos: dict, labelled: set) -> go.Scatter:
    events = pd.to_numeric(part["events"], errors="coerce").fillna(0)
    size = 8 + 26 * np.sqrt(events / max(float(events.max()), 1.0))
    text = [plot_text(i) if i in labelled else "" for i in part["id"]]
    names = _plot_texts(part["name"] if "name" in part else part["id"])  # customdata[0] stays raw: clicks read it
    return go.Scatter(
        x=[pos[i][0] for i in part["id"]], y=[pos[i][1] for i in part["id"]], mode="markers+text", text=text,
        textposition="top center", textfont={"size": 10, "shadow": "0 0 3px white"},
        name=f"{kind.capitalize()} (size = events)",
        marker={"size": size, "color": NODE_COLORS.get(kind, UNKNOWN_COLOR), "symbol": NODE_SYMBOLS.get(kind, "circle"),
                "line": {"color": "white", "width": 1}},
        customdata=np.stack([part["id"], np.full(len(part), kind), events.astype("int64"), names], axis=1),
        hovertemplate="<b>%{customdata[3]}</b> (%{customdata[1]})<br>%{customdata[2]:,} events<extra></extra>",
    )
