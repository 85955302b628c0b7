"""The same event reported by two sources becomes one row that lists both."""

import pandas as pd
import pytest

from etl.dedupe import merge_duplicates, similar


def _event(source, title, countries=("KEN",), start="2019-05-03", host="KEN", confidence=0.5, orgs=()):
    return {
        "event_id": f"{source}-{title}", "source": source, "sources": [source], "title": title,
        "start_date": pd.Timestamp(start), "end_date": pd.Timestamp(start), "host_iso3": host,
        "countries": list(countries), "groups": [], "organizations": list(orgs), "confidence": confidence,
    }


@pytest.mark.parametrize(
    "a,b,expected",
    [
        ("Teachers' delegation visits Nairobi schools", "Delegation of teachers visits schools in Nairobi", True),
        ("Youth forum opens in Lima", "Trade fair closes in Lima", False),
        ("", "Youth forum", False),
    ],
)
def test_title_similarity(a, b, expected):
    assert similar(a, b) is expected


def test_two_sources_merge_into_one_row():
    events = pd.DataFrame([
        _event("a.txt", "Teachers' delegation visits Nairobi schools", confidence=0.6, orgs=["Harbour Council"]),
        _event("b.csv", "Delegation of teachers visits schools in Nairobi", countries=("KEN", "TZA"), orgs=["X"]),
    ])
    merged, n = merge_duplicates(events)
    assert n == 1 and len(merged) == 1
    row = merged.iloc[0]
    assert row["source"] == "a.txt"  # the more confident report is kept
    assert row["sources"] == ["a.txt", "b.csv"]
    assert row["countries"] == ["KEN", "TZA"]
    assert row["organizations"] == ["Harbour Council", "X"]


@pytest.mark.parametrize(
    "other",
    [
        {"source": "a.txt"},  # same source: two items, not a duplicate
        {"start": "2019-05-04"},
        {"host": "TZA"},
        {"countries": ("UGA",)},
        {"title": "Photo exhibition on wildlife opens"},
    ],
    ids=["same-source", "other-date", "other-host", "disjoint-countries", "other-title"],
)
def test_not_duplicates(other):
    first = _event("a.txt", "Teachers' delegation visits Nairobi schools")
    second = _event(**{"source": "b.csv", "title": "Delegation of teachers visits schools in Nairobi", **other})
    merged, n = merge_duplicates(pd.DataFrame([first, second]))
    assert n == 0 and len(merged) == 2
