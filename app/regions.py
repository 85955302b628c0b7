"""Where a country belongs: continent, UN subregion and the multilateral groups the region filter offers.

Continents and subregions come from ``data/geo/centroids.csv`` so that the filter agrees with the map; the few
codes the map lacks fall back to country_converter.  Group memberships come from country_converter where it
has them (EU, OECD, APEC, G7) and from ``data/aliases/groups.csv`` for the groups no library carries (ASEAN,
SCO, BRICS, AU, CEEC, G20 without the EU states).  Everything is read from committed files: nothing is fetched.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CENTROIDS_PATH = ROOT / "data" / "geo" / "centroids.csv"
GROUPS_PATH = ROOT / "data" / "aliases" / "groups.csv"

# Groups taken from country_converter's own columns: (group name, coco column).
COCO_GROUPS = (("EU", "EU"), ("OECD", "OECD"), ("APEC", "APEC"), ("G7", "G7"))
# Groups whose members are other regions: the ETL tags events "Africa" or "Latin America" (etl/normalize/groups).
DERIVED_GROUPS = {
    "Africa": ("continent", ("Africa",)),
    "Latin America": ("subregion", ("South America", "Central America", "Caribbean")),
}
KINDS = ("continent", "subregion", "group")
UNKNOWN = "Unknown"


@functools.cache
def _centroids() -> pd.DataFrame:
    # keep_default_na=False: "NA" is Namibia's alpha-2 code and must never become NaN.
    return pd.read_csv(CENTROIDS_PATH, dtype=str, keep_default_na=False)


@functools.cache
def coco_data() -> pd.DataFrame:
    """country_converter's ``country_data.tsv`` read safely under pandas 3 (every column a string, no NaN).

    country_converter 1.3.2 reads its own file with pandas' default NA values, which turns Namibia's "NA" into
    NaN and then fails compiling regexes under pandas 3; this reader is what :func:`converter` passes it.
    """
    import country_converter

    path = Path(country_converter.__file__).with_name("country_data.tsv")
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8")


@functools.cache
def converter():
    """A working ``country_converter.CountryConverter`` built from :func:`coco_data` (see there for why)."""
    import country_converter

    data = coco_data().copy()
    for col in ("ISOnumeric", "UNcode", "FAOcode", "GBDcode", "GWcode", "DACcode", "GEOnumeric"):
        if col in data:
            data[col] = pd.to_numeric(data[col].replace("", None), errors="coerce").astype("Int64")
    # Empty cells must be NA again so that coco's own "is member" tests (dropna) work.
    data = data.replace("", None)
    data = data[data["obsolete"].isna()]
    return country_converter.CountryConverter(country_data=data.reset_index(drop=True))


@functools.cache
def _region_table() -> pd.DataFrame:
    base = _centroids()[["iso3", "continent", "subregion"]]
    coco = coco_data()
    extra = coco[(coco["obsolete"] == "") & ~coco["ISO3"].isin(base["iso3"]) & coco["ISO3"].str.fullmatch("[A-Z]{3}")]
    fallback = pd.DataFrame(
        {
            "iso3": extra["ISO3"],
            "continent": [_coco_continent(c, r) for c, r in zip(extra["continent"], extra["UNregion"], strict=True)],
            "subregion": extra["UNregion"].replace("", UNKNOWN),
        }
    )
    table = pd.concat([base, fallback], ignore_index=True).drop_duplicates("iso3")
    return table.sort_values("iso3", ignore_index=True).astype(str)


def _coco_continent(continent: str, unregion: str) -> str:
    # coco has one "America"; the map (and so the filter) splits it in two.
    if continent == "America":
        return "South America" if unregion == "South America" else "North America"
    return continent or UNKNOWN


def region_table() -> pd.DataFrame:
    """One row per ISO3 code: ``iso3, continent, subregion`` (map centroids first, country_converter after)."""
    return _region_table().copy()


@functools.cache
def country_names() -> dict[str, str]:
    """ISO3 -> short English name, from the map's centroids (falling back to country_converter's short name)."""
    coco = coco_data()
    names = dict(zip(coco["ISO3"], coco["name_short"], strict=True))
    names.update(zip(_centroids()["iso3"], _centroids()["name"], strict=True))
    return names


@functools.cache
def _group_members() -> pd.DataFrame:
    coco = coco_data()
    rows = [(group, iso3) for group, col in COCO_GROUPS for iso3 in coco.loc[coco[col] != "", "ISO3"]]
    listed = pd.read_csv(GROUPS_PATH, dtype=str, keep_default_na=False, comment="#")
    rows += list(zip(listed["group"], listed["iso3"], strict=True))
    table = region_table()
    for group, (kind, values) in DERIVED_GROUPS.items():
        rows += [(group, iso3) for iso3 in table.loc[table[kind].isin(values), "iso3"]]
    out = pd.DataFrame(rows, columns=["group", "iso3"]).drop_duplicates()
    return out.sort_values(["group", "iso3"], ignore_index=True)


def group_members() -> pd.DataFrame:
    """Every ``group, iso3`` membership pair the region filter knows (one row per member)."""
    return _group_members().copy()


@functools.cache
def _group_names() -> tuple[str, ...]:
    from etl.normalize.groups import GROUP_NAMES

    # Groups the ETL tags but that have no member list ("Belt and Road countries") still filter on the tag.
    return tuple(sorted(set(_group_members()["group"]) | set(GROUP_NAMES)))


@functools.cache
def _region_options() -> tuple[str, ...]:
    table = _region_table()
    continents = sorted(set(table["continent"]) - {UNKNOWN})
    subregions = sorted(set(table["subregion"]) - {UNKNOWN})
    return (
        tuple(f"continent:{c}" for c in continents)
        + tuple(f"subregion:{s}" for s in subregions)
        + tuple(f"group:{g}" for g in _group_names())
    )


def region_options() -> list[str]:
    """Every value the region filter accepts: ``"continent:Africa"``, ``"subregion:Eastern Africa"``, ``"group:ASEAN"``."""
    return list(_region_options())


def is_region(value: str) -> bool:
    """Whether ``value`` is one of :func:`region_options`."""
    return value in _region_options_set()


@functools.cache
def _region_options_set() -> frozenset[str]:
    return frozenset(_region_options())


def parse(value: str) -> tuple[str, str]:
    """``"group:ASEAN"`` -> ``("group", "ASEAN")``; raises ``ValueError`` for anything else."""
    kind, sep, name = value.partition(":")
    if not sep or kind not in KINDS or not name:
        raise ValueError(f"not a region: {value!r}")
    return kind, name


@functools.cache
def members(value: str) -> frozenset[str]:
    """The ISO3 codes a region option stands for (empty for a group without a member list)."""
    kind, name = parse(value)
    if kind == "group":
        table = _group_members()
        return frozenset(table.loc[table["group"] == name, "iso3"])
    table = _region_table()
    return frozenset(table.loc[table[kind] == name, "iso3"])


def expand(regions) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Region options -> (sorted ISO3 codes they cover, sorted group names to match in the ``groups`` column)."""
    codes: set[str] = set()
    groups: set[str] = set()
    for value in regions:
        kind, name = parse(value)
        codes |= members(value)
        if kind == "group":
            groups.add(name)
    return tuple(sorted(codes)), tuple(sorted(groups))


def label(value: str) -> str:
    """A region option as shown in the sidebar: ``"group:ASEAN"`` -> ``"ASEAN (group)"``."""
    kind, name = parse(value)
    return f"{name} ({kind})"
