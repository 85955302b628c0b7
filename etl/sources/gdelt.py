"""GDELT event exports (1.0 with 57 or 58 columns, 2.0 with 61) -> cooperative exchange events.

GDELT files are tab-separated without a header; one file may mix row widths
(the 1979-2013 backfile has no SOURCEURL column), so each row is read by its
own width.  Country codes come in two code systems: actor fields use CAMEO
country codes (``data/aliases/cameo_countries.csv``), geography fields use
FIPS 10-4 (``data/aliases/fips_iso3.csv``).

Decisions
---------
* Rows whose CAMEO code is not kept (``Options.gdelt_roots`` / ``gdelt_codes``)
  are configuration, not errors, but they must still be counted: they become
  rejects whose reason starts with ``"filtered:"`` so that
  ``rows_read == accepted + rejected`` holds for every adapter.  A report
  that wants "read = accepted + rejected + filtered" splits on that prefix
  (:data:`FILTERED_PREFIX`).
* Regional CAMEO actor codes (AFR, EUR...) name regions, not countries: they
  go to ``groups`` when the region is one of the codebook groups, and are
  otherwise dropped; they never become a country.
* ``host_city`` is set only when ActionGeo_Type says the place is a city (3
  or 4); for country- or state-level geography the first part of the name is
  not a city.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from etl.errors import InputError
from etl.io import decode, read_bytes
from etl.normalize.groups import GROUP_NAMES, find_groups
from etl.schema import REJECT_COLUMNS
from etl.sources.base import Options, Result, empty_rejects

ALIASES = Path(__file__).resolve().parents[2] / "data" / "aliases"
FILTERED_PREFIX = "filtered:"
CONFIDENCE = 0.6
METHOD = "gdelt:cameo"

_ACTOR = (
    "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
    "Type1Code", "Type2Code", "Type3Code",
)


def _geo(prefix: str, adm2: bool) -> list[str]:
    parts = ["Type", "FullName", "CountryCode", "ADM1Code"] + (["ADM2Code"] if adm2 else []) + [
        "Lat", "Long", "FeatureID"]
    return [f"{prefix}Geo_{p}" for p in parts]


def _columns(adm2: bool, url: bool) -> tuple[str, ...]:
    cols = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    cols += [f"Actor1{a}" for a in _ACTOR] + [f"Actor2{a}" for a in _ACTOR]
    cols += ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
             "NumMentions", "NumSources", "NumArticles", "AvgTone"]
    cols += _geo("Actor1", adm2) + _geo("Actor2", adm2) + _geo("Action", adm2)
    cols += ["DATEADDED"] + (["SOURCEURL"] if url else [])
    return tuple(cols)


# Column layouts by row width: the GDELT 1.0 backfile, 1.0 daily files, 2.0 files.
LAYOUTS: dict[int, tuple[str, ...]] = {
    57: _columns(adm2=False, url=False),
    58: _columns(adm2=False, url=True),
    61: _columns(adm2=True, url=True),
}
ACTOR_COUNTRY_FIELDS = ("Actor1CountryCode", "Actor2CountryCode")
GEO_COUNTRY_FIELDS = ("Actor1Geo_CountryCode", "Actor2Geo_CountryCode", "ActionGeo_CountryCode")

# CAMEO code prefix -> (event_type, sector, verb phrase).  The longest matching prefix wins.
# Verb phrases are ours, short enough for a title: "<actor1> <verb> <actor2>".
_CAMEO: dict[str, tuple[str, str, str]] = {
    "01": ("other", "diplomacy", "makes a statement about"),
    "02": ("other", "diplomacy", "appeals to"),
    "03": ("other", "diplomacy", "states intent to cooperate with"),
    "031": ("other", "economy", "states intent to cooperate materially with"),
    "0312": ("other", "policy", "states intent to cooperate militarily with"),
    "032": ("other", "policy", "pledges policy support to"),
    "033": ("aid", "development", "pledges aid to"),
    "0331": ("aid", "economy", "pledges economic aid to"),
    "0332": ("aid", "policy", "pledges military aid to"),
    "0334": ("aid", "policy", "pledges protection to"),
    "034": ("other", "policy", "states intent to reform for"),
    "0343": ("other", "law", "pledges rights to"),
    "035": ("other", "diplomacy", "states intent to yield to"),
    "036": ("meeting", "diplomacy", "plans talks with"),
    "037": ("other", "diplomacy", "states intent to settle with"),
    "038": ("other", "diplomacy", "accepts mediation with"),
    "039": ("other", "diplomacy", "offers to mediate for"),
    "04": ("meeting", "diplomacy", "consults"),
    "041": ("meeting", "diplomacy", "talks by phone with"),
    "042": ("visit", "diplomacy", "visits"),
    "043": ("visit", "diplomacy", "hosts a visit by"),
    "044": ("meeting", "diplomacy", "meets at a third location with"),
    "045": ("meeting", "diplomacy", "mediates for"),
    "046": ("meeting", "diplomacy", "negotiates with"),
    "05": ("other", "diplomacy", "cooperates diplomatically with"),
    "050": ("meeting", "diplomacy", "cooperates diplomatically with"),
    "051": ("other", "diplomacy", "praises"),
    "052": ("other", "diplomacy", "defends"),
    "053": ("other", "diplomacy", "rallies support for"),
    "054": ("other", "diplomacy", "recognizes"),
    "055": ("other", "diplomacy", "apologizes to"),
    "056": ("other", "diplomacy", "forgives"),
    "057": ("agreement", "diplomacy", "signs an agreement with"),
    "06": ("other", "diplomacy", "cooperates materially with"),
    "061": ("other", "economy", "cooperates economically with"),
    "062": ("other", "policy", "cooperates militarily with"),
    "063": ("other", "law", "cooperates judicially with"),
    "064": ("other", "policy", "shares information with"),
    "07": ("aid", "development", "provides aid to"),
    "071": ("aid", "economy", "provides economic aid to"),
    "072": ("aid", "policy", "provides military aid to"),
    "074": ("aid", "policy", "provides peacekeeping to"),
}
_FALLBACK = ("other", "diplomacy", "interacts with")

# CAMEO actor type codes that say something about the field of the exchange.
_TYPE_SECTORS = {
    "EDU": "education", "MED": "media", "HLH": "health", "BUS": "economy", "MNC": "economy",
    "LAB": "labour", "NGO": "civil_society", "LEG": "law", "JUD": "law", "AGR": "economy",
    "ENV": "environment", "HRI": "law", "REF": "development",
}
_ORG_TYPES = {"NGO", "IGO", "MNC"}
# CAMEO known-group codes of the codebook's multilateral groups.
_KNOWN_GROUPS = {"EEC": "EU", "ASN": "ASEAN"}
_CITY_GEO_TYPES = {"3", "4"}


@cache
def cameo_countries() -> dict[str, tuple[str | None, str | None]]:
    """CAMEO actor country code -> (ISO3 or None, region/group or None)."""
    table = _alias_table("cameo_countries.csv", ("code", "iso3", "group"))
    return {
        r.code.upper(): (r.iso3.upper() or None, r.group or None)
        for r in table.itertuples(index=False)
        if r.code
    }


@cache
def fips_iso3() -> dict[str, str]:
    """FIPS 10-4 country code -> ISO3 (codes without an ISO3, such as oceans, are left out)."""
    table = _alias_table("fips_iso3.csv", ("fips", "iso3"))
    return {r.fips.upper(): r.iso3.upper() for r in table.itertuples(index=False) if r.fips and r.iso3}


def _alias_table(name: str, needed: tuple[str, ...]) -> pd.DataFrame:
    path = ALIASES / name
    if not path.is_file():
        raise InputError(path, "code table missing: GDELT country codes cannot be resolved without it")
    table = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#").rename(columns=str.strip)
    missing = [c for c in needed if c not in table]
    if missing:
        raise InputError(path, f"code table lacks column(s) {', '.join(missing)}")
    return table.apply(lambda s: s.str.strip())


def sniff(path: Path, head: bytes) -> bool:
    """True when the first line is a GDELT event row: tab-separated, 57/58/61 fields, numeric id and date."""
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    fields = first.split(b"\t")
    if len(fields) in LAYOUTS:
        return fields[0].isdigit() and len(fields[1]) == 8 and fields[1].isdigit()
    # A header line some tools add: recognise its first two names.
    return len(fields) >= 57 and [f.upper() for f in fields[:2]] == [b"GLOBALEVENTID", b"SQLDATE"]


def read(path: Path, options: Options) -> Result:
    """Read one GDELT export; keep the configured cooperative CAMEO codes as events."""
    path = Path(path)
    lines = _data_lines(path)
    source = str(path)
    rejects = [_width_rejects(lines, source)]
    table = _split(lines)
    if table.empty:
        return Result(events=pd.DataFrame(), rejects=_concat(rejects), rows_read=len(lines))
    kept, filtered, bad_code = _filter(table, options)
    empty_code = table["EventCode"].str.strip().eq("")
    rejects += [_rejects(source, table[filtered], f"{FILTERED_PREFIX} CAMEO code not kept", "EventCode"),
                _rejects(source, table[bad_code & empty_code], "missing CAMEO code", "EventCode"),
                _rejects(source, table[bad_code & ~empty_code], "invalid CAMEO code", "EventCode")]
    table = table[kept]
    start, date_reason = _dates(table["SQLDATE"])
    for reason in ("unparseable date", "date out of range"):
        rejects.append(_rejects(source, table[date_reason == reason], reason, "SQLDATE"))
    ok = date_reason.isna().to_numpy()
    events = _events(table[ok], start[ok], options, source)
    return Result(events=events, rejects=_concat(rejects), rows_read=len(lines))


def _data_lines(path: Path) -> pd.DataFrame:
    text = decode(read_bytes(path), path)
    lines = pd.Series(text.split("\n"), dtype=object)
    row = pd.Series(np.arange(1, len(lines) + 1))
    if len(lines) and lines.iloc[0].upper().startswith("GLOBALEVENTID\t"):
        # A header line is not data: number the data rows from the line after it.
        lines, row = lines.iloc[1:], row.iloc[:-1]
    keep = lines.str.strip() != ""
    lines = lines[keep.to_numpy()].reset_index(drop=True)
    row = row[keep.to_numpy()].reset_index(drop=True)
    return pd.DataFrame({"text": lines, "row": row, "width": lines.str.count("\t") + 1})


def _split(lines: pd.DataFrame) -> pd.DataFrame:
    """Rows of the known widths -> one frame with every 61-column name ('' where a layout lacks it)."""
    frames = []
    for width, layout in LAYOUTS.items():
        rows = lines[lines["width"] == width]
        if rows.empty:
            continue
        fields = rows["text"].str.split("\t", expand=True, regex=False)
        fields.columns = layout
        fields["_row"] = rows["row"].to_numpy()
        frames.append(fields)
    if not frames:
        return pd.DataFrame(columns=[*LAYOUTS[61], "_row"])
    table = pd.concat(frames, ignore_index=True).reindex(columns=[*LAYOUTS[61], "_row"], fill_value="")
    return table.fillna("").sort_values("_row", kind="stable").reset_index(drop=True)


def _width_rejects(lines: pd.DataFrame, source: str) -> pd.DataFrame:
    bad = lines[~lines["width"].isin(list(LAYOUTS))]
    detail = bad["width"].astype(str) + " fields (expected 57, 58 or 61): " + bad["text"].str.slice(0, 120)
    return _reject_frame(source, bad["row"], "wrong column count", detail)


def _filter(table: pd.DataFrame, options: Options) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(kept, filtered by configuration, unusable code) masks; a kept code starts with a root or a listed code."""
    code = table["EventCode"].str.strip()
    bad = ~code.str.fullmatch(r"\d{2,4}")
    prefixes = tuple(options.gdelt_roots) + tuple(options.gdelt_codes)
    kept = code.str.startswith(prefixes) & ~bad if prefixes else pd.Series(False, index=code.index)
    return kept, ~kept & ~bad, bad


def _dates(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """SQLDATE -> (day, reason or NA).  GDELT dates are YYYYMMDD; others are errors, not guesses."""
    raw = raw.str.strip()
    # to_datetime would read a 7-digit typo as a date; GDELT always writes eight digits.
    day = pd.to_datetime(raw.where(raw.str.fullmatch(r"\d{8}")), format="%Y%m%d", errors="coerce")
    reason = pd.Series(pd.NA, index=raw.index, dtype="object")
    reason[day.isna()] = "unparseable date"
    latest = pd.Timestamp(date.today()) + pd.DateOffset(years=1)
    reason[day.notna() & ((day < pd.Timestamp("1900-01-01")) | (day > latest))] = "date out of range"
    return day, reason


def _events(table: pd.DataFrame, start: pd.Series, options: Options, source: str) -> pd.DataFrame:
    if table.empty:
        return pd.DataFrame()
    home = (options.home or "").upper()
    kinds = [_cameo(c) for c in table["EventCode"]]
    a1, a2 = _actor_countries(table, "Actor1"), _actor_countries(table, "Actor2")
    host = table["ActionGeo_CountryCode"].str.strip().str.upper().map(fips_iso3()).astype(object)
    host = host.where(host.notna(), None)
    lat, lon = _coords(table)
    day = start.dt.normalize()
    sector = [k[1] for k in kinds]
    return pd.DataFrame({
        "title": _titles(table, [k[2] for k in kinds]),
        "start_date": day.to_numpy(),
        "end_date": day.to_numpy(),
        "date_precision": "day",
        "event_type": [k[0] for k in kinds],
        "sector": sector,
        "sectors": _sectors(table, sector),
        "host_iso3": host.to_numpy(),
        "host_city": _host_city(table).to_numpy(),
        "lat": lat,
        "lon": lon,
        "home_iso3": home,
        "countries": _countries(a1[0], a2[0], host, home),
        "groups": _groups(table, a1[1], a2[1]),
        "participants": pd.array([pd.NA] * len(table), dtype="Int64"),
        "participants_qualifier": None,
        "organizations": _organizations(table),
        "source": source,
        "source_start": table["_row"].to_numpy(),
        "source_end": table["_row"].to_numpy(),
        "snippet": _snippets(table),
        "source_kind": "gdelt",
        "confidence": CONFIDENCE,
        "method": METHOD,
    }).reset_index(drop=True)


@cache
def _cameo(code: str) -> tuple[str, str, str]:
    code = code.strip()
    for n in range(len(code), 1, -1):
        if code[:n] in _CAMEO:
            return _CAMEO[code[:n]]
    return _FALLBACK


def _actor_countries(table: pd.DataFrame, actor: str) -> tuple[list, list]:
    """(ISO3 or None, group or None) for one actor column."""
    codes = cameo_countries()
    pairs = [codes.get(c.strip().upper(), (None, None)) for c in table[f"{actor}CountryCode"]]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _countries(a1: list, a2: list, host: pd.Series, home: str) -> list[list[str]]:
    out = []
    for codes in zip(a1, a2, host.to_numpy(), strict=True):
        out.append(list(dict.fromkeys(c for c in codes if isinstance(c, str) and c and c != home)))
    return out


def _groups(table: pd.DataFrame, g1: list, g2: list) -> list[list[str]]:
    known = [table[f"{a}KnownGroupCode"].str.upper().map(_KNOWN_GROUPS) for a in ("Actor1", "Actor2")]
    names = [table[f"{a}Name"].map(_name_groups) for a in ("Actor1", "Actor2")]
    out = []
    for row in zip(g1, g2, known[0], known[1], names[0], names[1], strict=True):
        found = [g for g in row[:4] if isinstance(g, str)] + row[4] + row[5]
        out.append([g for g in GROUP_NAMES if g in found])
    return out


@cache
def _name_groups(name: str) -> list[str]:
    # GDELT actor names are upper case; the group patterns expect ordinary case for long names.
    return find_groups(name) + find_groups(name.title()) if name else []


def _sectors(table: pd.DataFrame, primary: list[str]) -> list[list[str]]:
    extra = [table[f"{a}Type{i}Code"].str.upper().map(_TYPE_SECTORS) for a in ("Actor1", "Actor2") for i in (1, 2, 3)]
    out = []
    for first, *rest in zip(primary, *extra, strict=True):
        out.append(list(dict.fromkeys([first] + [s for s in rest if isinstance(s, str)])))
    return out


def _organizations(table: pd.DataFrame) -> list[list[str]]:
    cols = []
    for a in ("Actor1", "Actor2"):
        cols.append(_names(table, a).where(_is_org(table, a), ""))
    return [list(dict.fromkeys(n for n in pair if n)) for pair in zip(*cols, strict=True)]


def _is_org(table: pd.DataFrame, actor: str) -> pd.Series:
    is_org = table[f"{actor}KnownGroupCode"].str.strip().ne("")
    for i in (1, 2, 3):
        is_org |= table[f"{actor}Type{i}Code"].str.upper().isin(_ORG_TYPES)
    return is_org


def _names(table: pd.DataFrame, actor: str) -> pd.Series:
    """Actor names for display: GDELT stores them in capitals; organizations' short names are acronyms."""
    raw = table[f"{actor}Name"].str.strip()
    acronym = _is_org(table, actor) & raw.str.len().le(5) & ~raw.str.contains(" ", regex=False)
    return raw.str.title().where(~acronym, raw)


def _titles(table: pd.DataFrame, verbs: list[str]) -> pd.Series:
    a1 = _names(table, "Actor1").replace("", "An unnamed actor")
    a2 = _names(table, "Actor2").replace("", "an unnamed party")
    where = _host_city(table).fillna(table["ActionGeo_FullName"].str.split(",").str[-1].str.strip())
    title = a1 + " " + pd.Series(verbs, index=table.index) + " " + a2
    located = where.fillna("").ne("")
    title[located] = title[located] + " (" + where[located] + ")"
    return title.to_numpy()


def _host_city(table: pd.DataFrame) -> pd.Series:
    first = table["ActionGeo_FullName"].str.split(",").str[0].str.strip()
    is_city = table["ActionGeo_Type"].str.strip().isin(_CITY_GEO_TYPES) & first.ne("")
    return first.where(is_city, None)


def _coords(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    lat = pd.to_numeric(table["ActionGeo_Lat"], errors="coerce")
    lon = pd.to_numeric(table["ActionGeo_Long"], errors="coerce")
    bad = ~lat.between(-90, 90) | ~lon.between(-180, 180)
    return lat.mask(bad).to_numpy(dtype="float64"), lon.mask(bad).to_numpy(dtype="float64")


def _snippets(table: pd.DataFrame) -> np.ndarray:
    """The article URL; rows of the backfile have none, so the row itself as "field=value; ..."."""
    from etl.sources.table import render_rows  # table imports this module for sniffing

    url = table["SOURCEURL"].str.strip()
    out = url.to_numpy(dtype=object).copy()  # Arrow-backed strings give a read-only view
    missing = np.flatnonzero(url.eq("").to_numpy())
    if len(missing):
        rows = table.iloc[missing].drop(columns=["_row"]).reset_index(drop=True).astype("str")
        out[missing] = np.asarray(render_rows(rows), dtype=object)
    return out


def _rejects(source: str, rows: pd.DataFrame, reason: str, column: str) -> pd.DataFrame:
    return _reject_frame(source, rows["_row"], reason, rows[column].str.slice(0, 200))


def _reject_frame(source: str, rows: pd.Series, reason: str, detail: pd.Series) -> pd.DataFrame:
    if rows.empty:
        return empty_rejects()
    return pd.DataFrame({
        "source": source,
        "location": "row " + rows.astype(str).to_numpy(),
        "reason": reason,
        "detail": detail.to_numpy(),
    }, columns=[c.name for c in REJECT_COLUMNS]).astype("string")


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return empty_rejects()
    out = pd.concat(frames, ignore_index=True)
    order = out["location"].str.slice(4).astype(int).argsort(kind="stable")
    return out.iloc[order].reset_index(drop=True)


def coverage(path: Path) -> dict[str, tuple[int, int]]:
    """How many non-empty country codes resolve, per field kind: ``{"actor": (resolved, total), "geo": ...}``.

    Regional actor codes found in the CAMEO table count as resolved (to a region, not an ISO3);
    ``"actor_iso3"`` counts only those that became an ISO3.
    """
    actor, geo = _code_cells(Path(path))
    codes, fips = cameo_countries(), fips_iso3()
    return {
        "actor": (int(actor.isin(list(codes)).sum()), len(actor)),
        "actor_iso3": (int(actor.map(lambda c: bool(codes.get(c, (None,))[0])).sum()), len(actor)),
        "geo": (int(geo.isin(list(fips)).sum()), len(geo)),
    }


def unresolved(path: Path) -> dict[str, list[str]]:
    """The distinct country codes of a file that the code tables do not know, per field kind."""
    actor, geo = _code_cells(Path(path))
    return {
        "actor": sorted(set(actor[~actor.isin(list(cameo_countries()))])),
        "geo": sorted(set(geo[~geo.isin(list(fips_iso3()))])),
    }


def _code_cells(path: Path) -> tuple[pd.Series, pd.Series]:
    table = _split(_data_lines(path))
    cells = []
    for fields in (ACTOR_COUNTRY_FIELDS, GEO_COUNTRY_FIELDS):
        values = pd.concat([table[c] for c in fields]).str.strip().str.upper() if len(table) else pd.Series([], dtype=str)
        cells.append(values[values.ne("")])
    return cells[0], cells[1]
