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


def _words(title: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z0-9]+", str(title).lower()) if len(w) > 2)


def similar(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= TITLE_SIMILARITY


def _same(a, b) -> bool:
    if a["source"] == b["source"]:
        return False
    ca, cb = set(a["countries"]), set(b["countries"])
    return (ca & cb or not (ca or cb)) and similar(a["title"], b["title"])


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
