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
* Other rejects: ``wrong column count`` (not 57, 58 or 61 fields),
  ``missing CAMEO code`` / ``invalid CAMEO code``, ``unparseable date`` and
  ``date out of range`` (SQLDATE before 1900 or over a year ahead).  Row
  numbers count data lines from 1 (a header line, if a tool added one, and
  blank lines are not rows).
* Event rows: start = end = SQLDATE at day precision; ``countries`` = both
  actors' ISO3 and the ActionGeo country, home excluded; ``event_type`` and
  ``sector`` from the CAMEO code (:data:`_CAMEO`), further ``sectors`` from
  actor type codes (EDU -> education...); ``organizations`` are actors with a
  known-group code or an NGO/IGO/MNC type; confidence 0.6, method
  ``gdelt:cameo``; ``home_iso3`` is ``Options.home``.

:func:`coverage` and :func:`unresolved` report how well the code tables cover
a file's country fields.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    """Non-blank lines as Arrow-backed strings with their 1-based row numbers and field counts."""
    text = decode(read_bytes(path), path)
    # Split in Arrow: a Python list of a million line strings costs more than the rest of the read.
    lines = pc.list_flatten(pc.split_pattern(pa.array([text], pa.large_string()), "\n"))
    if len(lines) and lines[0].as_py().upper().startswith("GLOBALEVENTID\t"):
        # A header line is not data: number the data rows from the line after it.
        lines = lines.slice(1)
    rows = np.arange(1, len(lines) + 1)
    keep = pc.not_equal(pc.utf8_trim_whitespace(lines), "")
    lines = lines.filter(keep)
    rows = rows[np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool)]
    width = pc.add(pc.count_substring(lines, "\t"), 1)
    return pd.DataFrame({"text": lines.to_pandas(), "row": rows,
                         "width": np.asarray(width.to_numpy(zero_copy_only=False), dtype=np.int64)})


def _split(lines: pd.DataFrame) -> pd.DataFrame:
    """Rows of the known widths -> one frame with every 61-column name ('' where a layout lacks it).

    Split with Arrow kernels: GDELT files run to hundreds of thousands of rows.
    """
    columns = [*LAYOUTS[61], "_row"]
    parts = pc.split_pattern(pa.array(lines["text"], pa.large_string()), "\t")
    frames = []
    for width, layout in LAYOUTS.items():
        mask = (lines["width"] == width).to_numpy()
        if not mask.any():
            continue
        sub = parts.filter(pa.array(mask))
        data = {name: pc.list_element(sub, i) for i, name in enumerate(layout)}
        frame = pa.table(data).to_pandas()
        frame["_row"] = lines["row"].to_numpy()[mask]
        frames.append(frame)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    table = pd.concat(frames, ignore_index=True).fillna("")  # a layout's absent columns are empty
    for name in columns:
        if name not in table:
            table[name] = ""
    table = table[columns]
    return table.sort_values("_row", kind="stable").reset_index(drop=True)


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
    kinds = _per_combo(table, ["EventCode"], _cameo)
    host = _per_combo(table, ["ActionGeo_CountryCode"], lambda c: fips_iso3().get(c.upper()))
    lat, lon = _coords(table)
    day = start.dt.normalize().to_numpy()
    names = {a: _names(table, a) for a in ("Actor1", "Actor2")}
    return pd.DataFrame({
        "title": _titles(table, names, [k[2] for k in kinds]),
        "start_date": day,
        "end_date": day,
        "date_precision": "day",
        "event_type": [k[0] for k in kinds],
        "sector": [k[1] for k in kinds],
        "sectors": _per_combo(table, ["EventCode", *_TYPE_FIELDS], _sectors),
        "host_iso3": host,
        "host_city": _host_city(table).to_numpy(),
        "lat": lat,
        "lon": lon,
        "home_iso3": home,
        "countries": _per_combo(table, [*ACTOR_COUNTRY_FIELDS, "ActionGeo_CountryCode"],
                                lambda a1, a2, geo: _countries(a1, a2, geo, home)),
        "groups": _per_combo(table, [*ACTOR_COUNTRY_FIELDS, "Actor1KnownGroupCode", "Actor2KnownGroupCode",
                                     "Actor1Name", "Actor2Name"], _groups),
        "participants": pd.array([pd.NA] * len(table), dtype="Int64"),
        "participants_qualifier": None,
        "organizations": _organizations(table, names),
        "source": source,
        "source_start": table["_row"].to_numpy(),
        "source_end": table["_row"].to_numpy(),
        "snippet": _snippets(table),
        "source_kind": "gdelt",
        "confidence": CONFIDENCE,
        "method": METHOD,
    }).reset_index(drop=True)


_TYPE_FIELDS = tuple(f"{a}Type{i}Code" for a in ("Actor1", "Actor2") for i in (1, 2, 3))


def _per_combo(table: pd.DataFrame, columns: list[str], fn) -> np.ndarray:
    """``fn(*cells)`` once per distinct combination of the columns, spread back to the rows.

    GDELT repeats a small set of codes across many rows: this keeps Python work off the per-row path.
    The combination is keyed by joining the cells with a control character GDELT never contains.
    """
    # A damaged file may hold the separator itself: it must not split one cell into two arguments.
    cells = [pc.replace_substring(pa.array(table[c], pa.large_string()), _SEP, " ") for c in columns]
    key = cells[0] if len(cells) == 1 else pc.binary_join_element_wise(*cells, pa.scalar(_SEP, pa.large_string()))
    if isinstance(key, pa.ChunkedArray):  # rows of several widths come back in chunks
        key = key.combine_chunks()
    encoded = pc.dictionary_encode(key)
    values = np.empty(len(encoded.dictionary), dtype=object)
    values[:] = [fn(*u.split(_SEP)) for u in encoded.dictionary.to_pylist()]
    return values[encoded.indices.to_numpy(zero_copy_only=False)]


_SEP = "\x1f"


@cache
def _cameo(code: str) -> tuple[str, str, str]:
    code = code.strip()
    for n in range(len(code), 1, -1):
        if code[:n] in _CAMEO:
            return _CAMEO[code[:n]]
    return _FALLBACK


def _countries(actor1: str, actor2: str, geo: str, home: str) -> list[str]:
    codes = cameo_countries()
    found = [codes.get(actor1.upper(), (None,))[0], codes.get(actor2.upper(), (None,))[0], fips_iso3().get(geo.upper())]
    return list(dict.fromkeys(c for c in found if c and c != home))


def _groups(country1: str, country2: str, known1: str, known2: str, name1: str, name2: str) -> list[str]:
    codes = cameo_countries()
    found = {codes.get(c.upper(), (None, None))[1] for c in (country1, country2)}
    found |= {_KNOWN_GROUPS.get(k.upper()) for k in (known1, known2)}
    found |= set(_name_groups(name1)) | set(_name_groups(name2))
    return [g for g in GROUP_NAMES if g in found]


@cache
def _name_groups(name: str) -> list[str]:
    # GDELT actor names are upper case; the group patterns expect ordinary case for long names.
    return find_groups(name) + find_groups(name.title()) if name else []


def _sectors(code: str, *type_codes: str) -> list[str]:
    extra = [_TYPE_SECTORS.get(t.upper()) for t in type_codes]
    return list(dict.fromkeys([_cameo(code)[1]] + [s for s in extra if s]))


def _organizations(table: pd.DataFrame, names: dict[str, pd.Series]) -> np.ndarray:
    orgs = {a: names[a].where(_is_org(table, a), "") for a in ("Actor1", "Actor2")}
    pairs = pd.DataFrame({"a": orgs["Actor1"], "b": orgs["Actor2"]})
    return _per_combo(pairs, ["a", "b"], lambda a, b: list(dict.fromkeys(n for n in (a, b) if n)))


def _is_org(table: pd.DataFrame, actor: str) -> pd.Series:
    is_org = table[f"{actor}KnownGroupCode"].ne("")
    for i in (1, 2, 3):
        is_org |= table[f"{actor}Type{i}Code"].str.upper().isin(_ORG_TYPES)
    return is_org


def _names(table: pd.DataFrame, actor: str) -> pd.Series:
    """Actor names for display: GDELT stores them in capitals; organizations' short names are acronyms."""
    raw = table[f"{actor}Name"]
    acronym = _is_org(table, actor) & raw.str.len().le(5) & ~raw.str.contains(" ", regex=False)
    return raw.str.title().where(~acronym, raw)


def _titles(table: pd.DataFrame, names: dict[str, pd.Series], verbs: list[str]) -> np.ndarray:
    a1 = names["Actor1"].replace("", "An unnamed actor")
    a2 = names["Actor2"].replace("", "an unnamed party")
    where = _host_city(table).fillna(_part(table["ActionGeo_FullName"], last=True)).fillna("")
    title = a1 + " " + pd.Series(verbs, index=table.index, dtype="str") + " " + a2
    title = title.where(where.eq(""), title + " (" + where + ")")
    return title.to_numpy(dtype=object)


def _part(names: pd.Series, last: bool = False) -> pd.Series:
    """First (city) or last (country) comma-separated part of a GDELT place name, by Arrow regex."""
    pattern = r"^.*,\s*" if last else r"\s*,.*$"
    out = pc.utf8_trim_whitespace(pc.replace_substring_regex(pa.array(names, pa.large_string()), pattern, ""))
    return pd.Series(out.to_pandas().to_numpy(), index=names.index, dtype="str")


def _host_city(table: pd.DataFrame) -> pd.Series:
    first = _part(table["ActionGeo_FullName"])
    is_city = table["ActionGeo_Type"].isin(_CITY_GEO_TYPES) & first.ne("")
    return first.where(is_city)


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
