"""The same event reported by two sources becomes one row listing both.

Two rows are one event when they come from different sources, share start
and end dates and host, their counterpart countries overlap (or both are
empty), and their titles are alike.  The row with the higher confidence is
kept; ``sources``, ``countries``, ``groups`` and ``organizations`` become the
union of both.
"""

from __future__ import annotations

import re

import pandas as pd

TITLE_SIMILARITY = 0.5  # Jaccard overlap of title words


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _words(title: str) -> frozenset[str]:
    words = set()
    for w in re.findall(r"\w+", str(title).lower()):
        # CJK titles have no spaces: their characters are the words.
        words.update(_CJK.findall(w) if _CJK.search(w) else [w] if len(w) > 2 else [])
    return frozenset(words)


def similar(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= TITLE_SIMILARITY


def _same(a, b) -> bool:
    if a["source"] == b["source"]:
        return False
    ca, cb = set(a["countries"]), set(b["countries"])
    return (ca & cb or not (ca or cb)) and similar(a["title"], b["title"])


def merge_identical(events: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Rows sharing an ``event_id`` come from identical bytes (two copies of one file): keep the first.

    ``event_id`` hashes the file's content and the span, so the copies give the same ids, and
    the table must hold each id once (validation checks it).  ``sources`` lists every copy.
    """
    if events.empty:
        return events, 0
    dup = events["event_id"].duplicated(keep=False).to_numpy()
    if not dup.any():
        return events, 0
    union: dict[str, list[str]] = {}
    for eid, sources in zip(events["event_id"][dup], events["sources"][dup], strict=True):
        union[eid] = list(dict.fromkeys([*union.get(eid, []), *sources]))
    out = events.drop_duplicates("event_id", keep="first").copy()
    out["sources"] = [union.get(eid, sources) for eid, sources in zip(out["event_id"], out["sources"], strict=True)]
    return out, len(events) - len(out)


def merge_duplicates(events: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Merge duplicate events across sources; return the table and how many rows were merged away."""
    if events.empty or events["source"].nunique() < 2:
        return events, 0
    keys = ["start_date", "end_date", "host_iso3"]
    dup_keys = events.duplicated(keys, keep=False)
    if not dup_keys.any():
        return events, 0
    drop, updates = set(), {}
    for _, group in events[dup_keys].groupby(keys, dropna=False, sort=False):
        _merge_group(group, drop, updates)
    out = events.copy()
    for idx, row in updates.items():
        for col, value in row.items():
            out.at[idx, col] = value
    return out.drop(index=list(drop)), len(drop)


def _merge_group(group: pd.DataFrame, drop: set, updates: dict) -> None:
    rows = group.sort_values("confidence", ascending=False, kind="stable")
    for i, (idx, keep) in enumerate(rows.iterrows()):
        if idx in drop:
            continue
        merged = updates.get(idx, {c: list(keep[c]) for c in ("sources", "countries", "groups", "organizations")})
        for jdx, other in list(rows.iterrows())[i + 1:]:
            if jdx not in drop and _same(keep, other):
                drop.add(jdx)
                for col in merged:
                    merged[col] = list(dict.fromkeys(merged[col] + list(other[col])))
        updates[idx] = merged
