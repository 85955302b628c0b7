"""The same event reported by two sources becomes one row listing both.

Two rows are one event when they come from different sources, share start
and end dates and host, their counterpart countries overlap (or both are
empty), and their titles are alike.  The row with the higher confidence is
kept; ``sources``, ``countries``, ``groups`` and ``organizations`` become the
union of both.
"""

from __future__ import annotations

import re

import numpy as np
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


UNION_COLUMNS = ("sources", "countries", "groups", "organizations")


def merge_duplicates(events: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Merge duplicate events across sources; return the table and how many rows were merged away.

    Within each (start, end, host) group, rows by descending confidence (ties in table order): each row still
    kept absorbs every later row that is :func:`_same` as it.  Only groups holding two sources or more are
    looked at: in a corpus of millions of rows most dates and hosts repeat within one source only.
    """
    if events.empty or events["source"].nunique() < 2:
        return events, 0
    group = events.groupby(["start_date", "end_date", "host_iso3"], dropna=False, sort=False).ngroup().to_numpy()
    sources_in_group = pd.Series(events["source"].to_numpy()).groupby(group).nunique().to_numpy()
    candidates = np.flatnonzero(sources_in_group[group] >= 2)
    if not len(candidates):
        return events, 0
    order = pd.DataFrame({"group": group[candidates], "confidence": -events["confidence"].to_numpy()[candidates]})
    candidates = candidates[order.sort_values(["group", "confidence"], kind="stable").index.to_numpy()]
    drop, updates = set(), {}
    rows = _Rows(events, candidates)
    for members in np.split(np.arange(len(candidates)), np.flatnonzero(np.diff(group[candidates])) + 1):
        _merge_group(rows, members.tolist(), drop, updates)
    out = events.copy()
    for col in UNION_COLUMNS:
        cells = out[col].to_numpy(dtype=object).copy()
        for at, merged in updates.items():
            cells[at] = merged[col]
        out[col] = cells
    keep = np.ones(len(out), dtype=bool)
    keep[list(drop)] = False
    return out[keep], len(drop)


class _Rows:
    """The few columns the comparison reads, for the candidate rows only, as plain Python values."""

    def __init__(self, events: pd.DataFrame, positions: np.ndarray) -> None:
        self.position = positions.tolist()
        self.source = events["source"].to_numpy(dtype=object)[positions].tolist()
        self.title = events["title"].to_numpy(dtype=object)[positions].tolist()
        self.lists = {c: events[c].to_numpy(dtype=object)[positions].tolist() for c in UNION_COLUMNS}
        self.countries = [set(c) for c in self.lists["countries"]]

    def same(self, i: int, j: int) -> bool:
        if self.source[i] == self.source[j]:
            return False
        ci, cj = self.countries[i], self.countries[j]
        return bool(ci & cj or not (ci or cj)) and similar(self.title[i], self.title[j])


def _merge_group(rows: _Rows, members: list[int], drop: set, updates: dict) -> None:
    for n, i in enumerate(members):
        if rows.position[i] in drop:
            continue
        merged = None
        for j in members[n + 1:]:
            if rows.position[j] not in drop and rows.same(i, j):
                drop.add(rows.position[j])
                merged = merged or {c: list(rows.lists[c][i]) for c in UNION_COLUMNS}
                for col in UNION_COLUMNS:
                    merged[col] = list(dict.fromkeys(merged[col] + list(rows.lists[col][j])))
        if merged is not None:
            updates[rows.position[i]] = merged
