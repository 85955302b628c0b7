"""The figure builders in app/charts.py: a titled figure for normal and empty input, offline maps within the size
budget, and one colour per sector on every chart."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from app import charts, geo

MAX_MAP_BYTES = 1_500_000
SECTORS = ["culture", "education", "health", "economy"]
TYPES = ["visit", "meeting", "conference"]


@pytest.fixture(scope="module")
def all_countries() -> pd.DataFrame:
    c = geo.load_centroids()
    return pd.DataFrame({"iso3": c["iso3"], "name": c["name"], "value": np.arange(len(c)) * 3,
                         "top_sectors": [["culture", "civil_society"]] * len(c)})


def _frames() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(3)
    countries = ["FRA", "KEN", "PAK", "SGP", "USA", "BRA"]
    return {
        "by_country": pd.DataFrame({"iso3": countries, "name": countries, "value": [5, 3, 9, 2, 1, 4],
                                    "top_sectors": ["culture, health"] * 6}),
        "by_city": pd.DataFrame({"host_city": ["Paris", "Nairobi"], "host_iso3": ["FRA", "KEN"],
                                 "lat": [48.85, -1.29], "lon": [2.35, 36.82], "events": [4, 2]}),
        "flows": pd.DataFrame({"home_iso3": ["CHN"] * 6, "iso3": countries, "events": [5, 3, 9, 2, 1, 4]}),
        "timeline": pd.DataFrame({"period": ["2020-01", "2020-01", "2020-02"], "key": ["culture", "health", "culture"],
                                  "events": [3, 1, 2]}),
        "periods": pd.DataFrame({"period": ["2020", "2020", "2021"], "iso3": ["FRA", "KEN", "FRA"], "events": [1, 2, 3]}),
        "sectors": pd.DataFrame({"sector": SECTORS, "events": [4, 3, 2, 1]}),
        "sector_type": pd.DataFrame({"sector": ["culture", "culture", "health"], "event_type": TYPES,
                                     "events": [3, 2, 1]}),
        "sector_region": pd.DataFrame({"sector": ["culture", "health", "culture"], "region": ["Asia", "Africa", "Africa"],
                                       "events": [3, 2, 1]}),
        "orgs": pd.DataFrame({"sector": ["culture", "health", "culture"], "organization": ["A", "B", "B"],
                              "events": [3, 2, 1]}),
        "precision": pd.DataFrame({"date_precision": ["day", "month", "year"], "events": [10, 3, 1]}),
        "nodes": pd.DataFrame({"id": ["Org A", "Org B", "FRA", "KEN"], "kind": ["organization", "organization",
                                                                             "country", "country"],
                               "events": rng.integers(1, 9, 4)}),
        "edges": pd.DataFrame({"source": ["Org A", "Org A", "Org B"], "target": ["FRA", "KEN", "FRA"],
                               "weight": [3, 1, 2]}),
    }


def _builders(frames: dict[str, pd.DataFrame]):
    return {
        "choropleth": lambda: charts.choropleth(frames["by_country"], None, "events"),
        "city_bubbles": lambda: charts.city_bubbles(frames["by_city"]),
        "flows": lambda: charts.flows(frames["flows"]),
        "combined_map": lambda: charts.combined_map(frames["by_country"], frames["by_city"], frames["flows"]),
        "timeline_bars": lambda: charts.timeline_bars(frames["timeline"], "sector"),
        "animated_map": lambda: charts.animated_map(frames["periods"]),
        "sector_bar": lambda: charts.sector_bar(frames["sectors"]),
        "treemap": lambda: charts.treemap(frames["sector_type"]),
        "heatmap": lambda: charts.heatmap(frames["sector_region"]),
        "top_orgs_bar": lambda: charts.top_orgs_bar(frames["orgs"]),
        "network_figure": lambda: charts.network_figure(frames["nodes"], frames["edges"]),
        "precision_bar": lambda: charts.precision_bar(frames["precision"]),
        "count_bar": lambda: charts.count_bar(frames["sectors"], "sector", "events", "T", "Events (count)", "Sector"),
    }


NAMES = sorted(_builders(_frames()))


def _title(fig: go.Figure) -> str:
    return fig.layout.title.text or ""


def _annotations(fig: go.Figure) -> str:
    return " ".join(a.text for a in fig.layout.annotations)


@pytest.mark.parametrize("name", NAMES)
def test_builder_gives_titled_figure(name):
    fig = _builders(_frames())[name]()
    assert isinstance(fig, go.Figure)
    assert _title(fig)
    assert len(fig.data) >= 1
    assert "No events" not in _annotations(fig)


@pytest.mark.parametrize("name", NAMES)
def test_builder_on_empty_input_says_why(name):
    frames = {k: v.iloc[0:0] for k, v in _frames().items()}
    fig = _builders(frames)[name]()
    assert isinstance(fig, go.Figure)
    assert _title(fig)
    if name != "choropleth" and name != "combined_map":
        assert "No events" in _annotations(fig)


def test_empty_reason_is_shown():
    fig = charts.sector_bar(pd.DataFrame(columns=["sector", "events"]), reason="No events match: clear the sector filter")
    assert "clear the sector filter" in _annotations(fig)
    fig = charts.choropleth(None, reason="No events match: clear the country filter")
    assert "clear the country filter" in _annotations(fig)


def test_none_input_is_empty():
    assert "No events" in _annotations(charts.timeline_bars(None))
    assert "No events" in _annotations(charts.network_figure(None, None))


def test_axes_have_titles_with_units():
    frames = _frames()
    for fig in (charts.timeline_bars(frames["timeline"]), charts.sector_bar(frames["sectors"]),
                charts.top_orgs_bar(frames["orgs"]), charts.precision_bar(frames["precision"])):
        titles = fig.layout.xaxis.title.text + " " + fig.layout.yaxis.title.text
        assert "(count)" in titles or "Events" in titles
        assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_combined_map_all_countries_within_size_budget(all_countries):
    flows = pd.DataFrame({"home_iso3": "CHN", "iso3": all_countries["iso3"], "events": all_countries["value"] + 1})
    cities = geo.load_centroids().rename(columns={"iso3": "host_iso3", "name": "host_city"})
    cities["events"] = 3
    fig = charts.combined_map(all_countries, cities, flows)
    size = len(fig.to_json())
    assert size <= MAX_MAP_BYTES, size
    choro = fig.data[0]
    assert choro.type == "choropleth"
    assert len(choro.locations) == len(geo.geojson()["features"])


@pytest.mark.parametrize("name", ["choropleth", "combined_map", "animated_map", "city_bubbles", "flows"])
def test_maps_need_no_network_and_no_webgl(name):
    spec = json.loads(_builders(_frames())[name]().to_json())
    # SVG geo traces only: no tile map (MapLibre draws those in WebGL, in software where there is no GPU).
    assert "map" not in spec["layout"] and "mapbox" not in spec["layout"]
    assert all(t["type"] in ("choropleth", "scattergeo") for t in spec["data"])
    # Countries come from our GeoJSON; every base layer of plotly's own topojson is off, so it draws nothing of
    # it (plotly still fetches that file: the pages point topojsonURL at the empty one the server publishes).
    layout = spec["layout"]["geo"]
    assert not any(layout.get(f"show{layer}") for layer in ("coastlines", "countries", "lakes", "land", "ocean",
                                                            "rivers", "subunits", "frame"))
    for trace in spec["data"]:
        if trace["type"] == "choropleth":
            assert isinstance(trace["geojson"], dict) and trace["featureidkey"] == geo.FEATURE_ID_KEY


def test_maps_can_point_at_the_published_shapes(all_countries):
    # The URL form: same countries drawn, and the figure no longer carries the megabyte of rings.
    url = geo.geojson_url()
    inline, linked = charts.choropleth(all_countries), charts.choropleth(all_countries, geojson=url)
    assert linked.data[0].geojson == url and list(linked.data[0].locations) == list(inline.data[0].locations)
    assert len(linked.to_json()) < len(inline.to_json()) / 10
    periods = pd.DataFrame({"period": ["2019", "2020"], "iso3": ["KEN", "PER"], "events": [2, 3]})
    animated = charts.animated_map(periods, geojson=url)
    assert animated.data[0].geojson == url and len(animated.data[0].locations) == len(geo.shaped_codes())


def test_geojson_url_follows_the_base_path():
    assert geo.geojson_url() == "/app/static/countries.geojson"
    assert geo.geojson_url("/atlas/") == "/atlas/app/static/countries.geojson"
    assert geo.topojson_url("/atlas/") == "/atlas/app/static/"
    # static/ is the folder Streamlit serves, and it must be the very file the charts read.
    served = geo.GEO_DIR.parents[1] / "static" / "countries.geojson"
    assert served.resolve() == geo.COUNTRIES_PATH.resolve()
    base_map = geo.GEO_DIR.parents[1] / "static" / "world_110m.json"
    assert base_map.resolve() == geo.BASE_MAP_PATH.resolve()
    assert json.loads(base_map.read_text())["type"] == "Topology"


def test_zero_countries_are_grey_and_drawn(all_countries):
    df = all_countries.iloc[:5]
    fig = charts.choropleth(df)
    choro = fig.data[0]
    assert len(choro.locations) == len(geo.geojson()["features"])
    zeros = [z for z, loc in zip(choro.z, choro.locations, strict=True) if loc not in set(df["iso3"])]
    assert zeros and max(zeros) == 0
    assert choro.colorscale[0][1] == charts.ZERO_COLOR


def test_small_states_are_points():
    fig = charts.choropleth(_frames()["by_country"])
    points = fig.data[1]
    assert points.type == "scattergeo"
    codes = {row[0] for row in points.customdata}
    assert {"SGP", "SYC", "MLT", "BHR", "HKG", "MAC"} <= codes


def test_hover_has_name_count_and_top_sectors():
    fig = charts.choropleth(_frames()["by_country"])
    row = next(r for r in fig.data[0].customdata if r[0] == "PAK")
    assert row[2] == 9 and "culture" in row[3]
    assert "Top sectors" in fig.data[0].hovertemplate


def test_flows_are_great_circles_between_centroids():
    # A geo subplot draws a line segment as the shorter great-circle arc: China -> USA crosses the Pacific.
    fig = charts.flows(pd.DataFrame({"home_iso3": ["CHN"], "iso3": ["USA"], "events": [3]}))
    line = fig.data[0]
    assert line.type == "scattergeo" and line.mode == "lines"
    points = geo.load_centroids().set_index("iso3")
    assert list(line.lon) == [points.loc["CHN", "lon"], points.loc["USA", "lon"], None]
    assert list(line.lat) == [points.loc["CHN", "lat"], points.loc["USA", "lat"], None]


def test_animated_map_sends_geojson_once():
    rng = np.random.default_rng(0)
    codes = geo.load_centroids()["iso3"].sample(80, random_state=1)
    df = pd.DataFrame([(f"{y}", c, int(rng.integers(0, 9))) for y in range(2000, 2025) for c in codes],
                      columns=["period", "iso3", "events"])
    fig = charts.animated_map(df)
    assert len(fig.frames) == 25
    assert all(fr.data[0].geojson is None for fr in fig.frames)
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    assert len(fig.to_json()) <= MAX_MAP_BYTES


def test_sector_colours_identical_across_charts():
    frames = _frames()
    bar = charts.sector_bar(frames["sectors"])
    bar_colors = dict(zip(bar.data[0].customdata, bar.data[0].marker.color, strict=True))
    timeline = charts.timeline_bars(frames["timeline"], "sector")
    timeline_colors = {t.name: t.marker.color for t in timeline.data}
    tree = charts.treemap(frames["sector_type"])
    tree_colors = dict(zip(tree.data[0].ids, tree.data[0].marker.colors, strict=True))
    orgs = charts.top_orgs_bar(frames["orgs"])
    org_colors = {t.name: t.marker.color for t in orgs.data}
    for sector in ("culture", "health"):
        expected = charts.SECTOR_COLORS[sector]
        assert bar_colors[sector] == expected
        assert timeline_colors.get(sector, expected) == expected
        assert tree_colors[sector] == expected
        assert org_colors[sector] == expected


def test_every_codebook_sector_and_type_has_its_own_colour():
    from etl.schema import vocabularies

    vocab = vocabularies()
    assert set(vocab["sectors"]) <= set(charts.SECTOR_COLORS)
    assert set(vocab["event_types"]) <= set(charts.TYPE_COLORS)
    assert len(set(charts.SECTOR_COLORS.values())) == len(charts.SECTOR_COLORS)
    assert len(set(charts.TYPE_COLORS.values())) == len(charts.TYPE_COLORS)


def test_unknown_codes_get_a_stable_colour():
    assert charts.sector_color("made_up") == charts.sector_color("made_up")
    assert charts.sector_color(None) == charts.UNKNOWN_COLOR


def test_network_layout_is_stable():
    frames = _frames()
    a = charts.network_layout(frames["nodes"], frames["edges"])
    b = charts.network_layout(frames["nodes"].iloc[::-1], frames["edges"].iloc[::-1])
    assert {k: tuple(np.round(v, 9)) for k, v in a.items()} == {k: tuple(np.round(v, 9)) for k, v in b.items()}


def test_network_nodes_carry_id_and_kind():
    fig = charts.network_figure(_frames()["nodes"], _frames()["edges"])
    kinds = {row[1] for t in fig.data if t.customdata is not None for row in t.customdata}
    assert kinds == {"organization", "country"}


def test_treemap_ids_encode_sector_and_type():
    fig = charts.treemap(_frames()["sector_type"])
    assert "culture/visit" in fig.data[0].ids
    assert "culture" in fig.data[0].ids


@pytest.mark.parametrize("top", [0, 1, 2, 3, 7, 10, 99, 100, 1_000, 123_457])
def test_colour_scale_is_valid_for_any_maximum(top):
    _, zmax, scale = charts._scale(pd.Series([0, top]))
    stops = [s for s, _ in scale]
    assert stops[0] == 0.0 and stops[-1] == 1.0
    assert stops == sorted(stops)
    charts.choropleth(pd.DataFrame({"iso3": ["FRA"], "name": ["France"], "value": [top], "top_sectors": [""]}))


def test_network_leaves_out_unlinked_nodes_and_says_so():
    frames = _frames()
    nodes = pd.concat([frames["nodes"], pd.DataFrame({"id": ["Lonely"], "kind": ["organization"], "events": [1]})])
    fig = charts.network_figure(nodes, frames["edges"])
    drawn = {row[0] for t in fig.data if t.customdata is not None for row in t.customdata}
    assert "Lonely" not in drawn
    assert "not drawn" in _annotations(fig)


def test_animated_map_labels_periods_by_frequency():
    df = pd.DataFrame({"period": pd.to_datetime(["2020-01-01", "2020-04-01"]), "iso3": ["FRA", "KEN"],
                       "events": [1, 2]})
    assert [f.name for f in charts.animated_map(df, freq="quarter").frames] == ["2020-Q1", "2020-Q2"]
    assert [f.name for f in charts.animated_map(df, freq="year").frames] == ["2020"]
    assert [f.name for f in charts.animated_map(df, freq="month").frames] == ["2020-01", "2020-04"]


def test_city_bubbles_are_capped_to_the_busiest():
    n = charts.MAX_CITIES + 50
    cities = pd.DataFrame({"host_city": [f"C{i}" for i in range(n)], "host_iso3": "FRA", "lat": 45.0, "lon": 2.0,
                           "events": np.arange(n) + 1})
    trace = charts.city_bubbles(cities).data[0]
    assert len(trace.lat) == charts.MAX_CITIES
    assert min(row[2] for row in trace.customdata) == 51


def test_markdown_is_escaped_for_captions():
    from app import ui

    assert ui.escape_md("**x** [y](javascript:z) :red[w] $1$") == \
        r"\*\*x\*\* \[y\]\(javascript\:z\) \:red\[w\] \$1\$"
