"""The raw-table benchmark input: a million messy spreadsheet rows with about 300 distinct country spellings.

Columns ``date,country,city,sector,type,organizer,participants,title`` (the headers researchers' tables use).
Rows are drawn from the synthetic events of ``python -m etl.synth`` (dates at their precision, host city, sector,
type, first organization, head-count, title); the country cell is replaced by one of a fixed pool of spellings of
the 60 most frequent partners - name, ISO3, ISO2 and a variant each (240) - plus 60 list cells ("Kenya; Uganda",
"LAO | KHM", "Pakistan, Nepal") for events with several partners.  Deterministic.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

N_COUNTRIES = 60
N_LISTS = 60
_SEPARATORS = ("; ", " | ", ", ", ";")


def spelling_pool() -> tuple[list[list[str]], list[str], list[str]]:
    """(spellings of each of the top partners, their ISO3 codes, list cells)."""
    import pycountry

    from etl.synth import _spellings, world

    w = world()
    flat, offsets = _spellings()
    per_country, codes = [], []
    for i in range(N_COUNTRIES):
        code = str(w.iso3[i])
        options = [str(s) for s in flat[offsets[i]:offsets[i + 1]]]
        country = pycountry.countries.get(alpha_3=code)
        iso2 = country.alpha_2 if country else code[:2]
        name = str(w.names[i])
        variants = [o for o in options if o not in (name, code) and len(o) > 3 and o.isascii()]
        variant = variants[len(variants) // 2] if variants else name.upper()
        per_country.append([name, code, iso2, variant])
        codes.append(code)
    rng = np.random.default_rng(300)
    lists = []
    while len(lists) < N_LISTS:
        k = 2 + int(rng.random() < 0.3)
        picks = rng.choice(N_COUNTRIES, size=k, replace=False)
        sep = _SEPARATORS[len(lists) % len(_SEPARATORS)]
        # Names in comma lists (a comma is also inside "Korea, Republic of"): only plain names or codes.
        forms = [per_country[p][0 if sep.strip() == "," else int(rng.integers(0, 4))] for p in picks]
        cell = sep.join(forms)
        if cell not in lists:
            lists.append(cell)
    return per_country, codes, lists


def _first(column: pa.ChunkedArray) -> np.ndarray:
    """The first element of each list cell, None for an empty or missing list."""
    arr = column.combine_chunks()
    offsets = arr.offsets.to_numpy()
    values = arr.values.to_numpy(zero_copy_only=False)
    out = np.full(len(arr), None, dtype=object)
    has = np.diff(offsets) > 0
    out[has] = values[offsets[:-1][has]]
    return out


def write_raw(events_dir, out, rows: int = 1_000_000) -> dict:
    """Write ``rows`` raw rows to ``out`` (CSV) from the synthetic events under ``events_dir``; return stats."""
    import pyarrow.dataset as ds

    table = ds.dataset(str(events_dir), format="parquet", partitioning="hive").head(
        rows, columns=["start_date", "date_precision", "countries", "host_city", "sector", "event_type",
                       "organizations", "participants", "title"])
    n = table.num_rows
    per_country, codes, lists = spelling_pool()
    rng = np.random.default_rng(2026)
    first = _first(table["countries"])
    n_partners = pc.list_value_length(table["countries"]).to_numpy(zero_copy_only=False)
    index = {c: i for i, c in enumerate(codes)}
    which = np.array([index.get(c, -1) for c in first])
    missing = which < 0
    which[missing] = rng.integers(0, N_COUNTRIES, size=int(missing.sum()))
    spelling = rng.integers(0, 4, size=n)
    pool = np.array([s for options in per_country for s in options], dtype=object)
    cells = pool[which * 4 + spelling]
    multi = n_partners > 1
    cells[multi] = np.array(lists, dtype=object)[rng.integers(0, N_LISTS, size=int(multi.sum()))]
    day = pc.cast(table["start_date"], pa.string())
    precision = table["date_precision"]
    date = pc.if_else(pc.equal(precision, "day"), day,
                      pc.if_else(pc.equal(precision, "month"), pc.utf8_slice_codeunits(day, 0, 7),
                                 pc.utf8_slice_codeunits(day, 0, 4)))
    raw = pa.table({
        "date": date,
        "country": pa.array(cells, type=pa.string()),
        "city": table["host_city"],
        "sector": table["sector"],
        "type": table["event_type"],
        "organizer": pa.array(_first(table["organizations"]), type=pa.string()),
        "participants": table["participants"],
        "title": pc.replace_substring(table["title"], "Synthetic: ", ""),
    })
    pacsv.write_csv(raw, out)
    return {"rows": n, "distinct_country_cells": len(set(cells.tolist())), "list_cells": float(multi.mean())}


def split_csv(src, out_dir, parts: int = 8) -> list:
    """Split a CSV into ``parts`` files of consecutive rows, each with the header (byte-exact lines; the raw
    tables written here have no line breaks inside cells)."""
    from pathlib import Path

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = Path(src).read_bytes().splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    step = -(-len(body) // parts)
    paths = []
    for i in range(parts):
        path = out_dir / f"part_{i}.csv"
        path.write_bytes(header + b"".join(body[i * step:(i + 1) * step]))
        paths.append(path)
    return paths


if __name__ == "__main__":
    import sys

    print(write_raw(sys.argv[1], sys.argv[2]))
