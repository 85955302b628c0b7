"""Country shapes and label points for the dashboard map, read from the committed files in ``data/geo``.

The files are built by ``scripts/build_geo.py`` from Natural Earth, so nothing here needs the network. Typical use::

    go.Choropleth(geojson=geo.geojson_url(), locations=df["iso3"], featureidkey=geo.FEATURE_ID_KEY, z=...)

on a geo subplot with plotly's base layers off and ``config={"topojsonURL": geo.topojson_url()}``, plus a point
layer from ``load_centroids()`` for the codes in ``small_states()``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

GEO_DIR = Path(__file__).resolve().parents[1] / "data" / "geo"
COUNTRIES_PATH = GEO_DIR / "countries.geojson"
CENTROIDS_PATH = GEO_DIR / "centroids.csv"
# plotly.js fetches ``<topojsonURL>world_110m.json`` for a world geo subplot whenever a trace has a location mode,
# even with every base layer off.  The maps draw countries from COUNTRIES_PATH only, so this base map is empty.
BASE_MAP_PATH = GEO_DIR / "world_110m.json"

FEATURE_ID_KEY = "properties.iso3"
# Below about 5,000 km² a country is a pixel or two at world zoom (Luxembourg is roughly the limit), so it
# needs a marker to be seen or clicked.
SMALL_STATE_KM2 = 5_000.0

COUNTRY_COLUMNS = ["iso3", "name", "continent", "subregion", "area_km2", "geometry"]
CENTROID_DTYPES = {
    "iso3": "str",
    "name": "str",
    "lat": "float64",
    "lon": "float64",
    "continent": "str",
    "subregion": "str",
}


@functools.cache
def _geojson_text() -> str:
    return COUNTRIES_PATH.read_text(encoding="utf-8")


@functools.cache
def _countries() -> gpd.GeoDataFrame:
    features = json.loads(_geojson_text())["features"]
    return gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")[COUNTRY_COLUMNS]


@functools.cache
def _centroids() -> pd.DataFrame:
    # keep_default_na=False: "NA" is Namibia's alpha-2 code and must never become NaN in this project.
    return pd.read_csv(CENTROIDS_PATH, dtype=CENTROID_DTYPES, keep_default_na=False)


def load_countries() -> gpd.GeoDataFrame:
    """One row per country (iso3, name, continent, subregion, area_km2, geometry), EPSG:4326.

    The file is read once; each call returns a copy so callers may add columns without leaking into other
    Streamlit sessions.
    """
    return _countries().copy()


def load_centroids() -> pd.DataFrame:
    """Label points (iso3, name, lat, lon, continent, subregion), a superset of the codes in the GeoJSON."""
    return _centroids().copy()


def geojson() -> dict:
    """The country FeatureCollection; features are keyed by ``properties.iso3`` (and by ``id``).

    Parsed afresh from cached text on every call because plotly and callers may mutate the dict.
    """
    return json.loads(_geojson_text())


@functools.cache
def shaped_codes() -> frozenset[str]:
    """The ISO3 codes that have a shape in the GeoJSON."""
    return frozenset(f["properties"]["iso3"] for f in json.loads(_geojson_text())["features"])


def geojson_url(base_url_path: str = "") -> str:
    """Where the running server publishes ``countries.geojson``.

    ``static/`` (Streamlit's static folder, ``server.enableStaticServing``) is a link to ``data/geo``: the one
    committed file is both read here and fetched by the browser, which caches it across reruns.
    """
    base = "/".join(part for part in base_url_path.split("/") if part)
    return f"/{base}/app/static/{COUNTRIES_PATH.name}" if base else f"/app/static/{COUNTRIES_PATH.name}"


def topojson_url(base_url_path: str = "") -> str:
    """The folder plotly.js fetches its base map from (its ``topojsonURL`` config): the server's static folder,
    which holds ``BASE_MAP_PATH``, instead of plotly's CDN."""
    return geojson_url(base_url_path).removesuffix(COUNTRIES_PATH.name)


def small_states(min_area_km2: float = SMALL_STATE_KM2) -> list[str]:
    """ISO3 codes the map should also draw as points: polygons under ``min_area_km2`` or no polygon at all."""
    countries = _countries()
    tiny = countries.loc[countries["area_km2"] < min_area_km2, "iso3"]
    shapeless = set(_centroids()["iso3"]) - set(countries["iso3"])
    return sorted(set(tiny) | shapeless)
