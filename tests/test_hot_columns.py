"""The in-memory coded columns (app/hot.py) answer exactly what the SQL path answers.

Big datasets filter through :class:`app.hot.HotColumns` instead of SQL over Parquet.  Here the size threshold is
lifted so that small synthetic datasets take that path too, and every query is checked against the pandas
specification of tests/test_data_layer.py - including limited row fetches, whose bound comes from the selection.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import data, hot
from app.filters import Filters
from etl import synth
from tests.test_data_layer import FREQ, STACK, check_all, filters_for, ref_filter

ROWS = 500
SEED = 11


def hot_dataset(df: pd.DataFrame, label: str, batch_rows: int | None = None) -> data.Dataset:
    """A dataset over ``df`` with its coded columns built (whatever its size)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(data, "HOT_MIN_ROWS", 0)
        if batch_rows:
            mp.setattr(hot, "BATCH_ROWS", batch_rows)
        ds = data.from_frame(df, label)
        assert ds.engine.wait_hot() is not None, ds.engine.hot_error
    return ds


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return synth.generate(ROWS, SEED)


@pytest.fixture(scope="module")
def hds(frame) -> data.Dataset:
    # Batches far smaller than the table: codes must agree across batches with growing dictionaries.
    return hot_dataset(frame, "hot", batch_rows=97)


ORDERS = {
    "oldest": (["start_date", "event_id"], [True, True]),
    "newest": (["start_date", "event_id"], [False, False]),
    "least_confident": (["confidence", "event_id"], [True, True]),
}


def check_limited_rows(ds: data.Dataset, df: pd.DataFrame, f: Filters, limit: int) -> None:
    for order, (keys, ascending) in ORDERS.items():
        for low in (False, True):
            ev = ref_filter(df, f)
            if low:
                ev = ev[ev["confidence"] < data.LOW_CONFIDENCE]
            want = ev.sort_values(keys, ascending=ascending).head(limit)
            got = data.rows(ds, f, limit=limit, order=order, low_confidence=low)
            assert list(got["event_id"]) == list(want["event_id"]), (order, low, limit)


def test_the_coded_path_is_taken(hds):
    selection = hds.engine.acquire(Filters(sectors=("health",)))
    try:
        assert pa.types.is_dictionary(selection.arrow.schema.field("sector").type)
    finally:
        hds.engine.release(selection)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data(), FREQ, STACK, st.integers(0, 40))
def test_coded_queries_equal_pandas_on_random_filters(frame, hds, hyp, freq, stack, limit):
    f = hyp.draw(filters_for(frame))
    check_all(hds, frame, f, freq, stack)
    check_limited_rows(hds, frame, f, limit)


@settings(max_examples=8, deadline=None)
@given(st.data(), st.integers(1, 120), st.integers(0, 10_000))
def test_coded_queries_equal_pandas_on_random_datasets(hyp, n, seed):
    df = synth.generate(n, seed)
    ds = hot_dataset(df, f"hot random {seed}", batch_rows=hyp.draw(st.integers(1, 50)))
    f = hyp.draw(filters_for(df))
    check_all(ds, df, f)
    check_limited_rows(ds, df, f, hyp.draw(st.integers(0, 10)))


# ====================================================================== the masks on hand-made rows


def _table(rows: list[dict]) -> pa.Table:
    columns = {k: [r[k] for r in rows] for k in rows[0]}
    types = {"countries": pa.list_(pa.string()), "sectors": pa.list_(pa.string()), "groups": pa.list_(pa.string()),
             "organizations": pa.list_(pa.string()), "start_date": pa.date32(), "end_date": pa.date32()}
    return pa.table({k: pa.array(v, types.get(k, pa.string())) for k, v in columns.items()})


def _row(countries=(), host=None, sectors=(), groups=(), orgs=(), kind="visit", day=1):
    date = datetime.date(2020, 1, day)
    return {"countries": list(countries), "host_iso3": host, "sectors": list(sectors), "groups": list(groups),
            "organizations": list(orgs), "event_type": kind, "start_date": date, "end_date": date}


COLUMNS = ("countries", "host_iso3", "organizations", "event_type", "start_date", "end_date")
ROWS_BY_HAND = [
    _row(["KEN", "KEN"], "KEN", ["health"], day=1),            # a value listed twice
    _row([], None, [], ["ASEAN"], day=2),                     # empty lists, no host, a group only
    _row(["HKG"], "HKG", ["culture", "health"], day=3),
    _row(["FRA"], None, ["culture"], orgs=["A", "B"], day=4),
    _row([], "CHN", [], orgs=["B"], kind="meeting", day=5),   # held at home, no counterpart
]


@pytest.fixture(scope="module", params=[1, 2, 100], ids=lambda n: f"batches of {n}")
def by_hand(request) -> hot.HotColumns:
    table = _table(ROWS_BY_HAND)
    return hot.HotColumns(table.to_batches(max_chunksize=request.param), COLUMNS)


@pytest.mark.parametrize(("f", "rows"), [
    (Filters(), [0, 1, 2, 3, 4]),
    (Filters(countries=("KEN",)), [0]),
    (Filters(countries=("CHN",)), [4]),
    (Filters(countries=("CHN",), territory="fold"), [2, 4]),      # HKG is shown as CHN
    (Filters(countries=("HKG",), territory="fold"), []),          # ... and never as itself
    (Filters(countries=("HKG",)), [2]),
    (Filters(countries=("ZZZ",)), []),                            # a value nobody holds
    (Filters(sectors=("health",)), [0, 2]),
    (Filters(sectors=("health", "culture")), [0, 2, 3]),
    (Filters(regions=("group:ASEAN",)), [1]),                     # matched through the groups column
    (Filters(regions=("continent:Africa",)), [0]),
    (Filters(organizations=("B",)), [3, 4]),
    (Filters(types=("meeting",)), [4]),
    (Filters(start=datetime.date(2020, 1, 3), end=datetime.date(2020, 1, 4)), [2, 3]),
    (Filters(sectors=("culture",), countries=("FRA", "HKG")), [2, 3]),
])
def test_masks_on_rows_by_hand(by_hand, f, rows):
    assert np.flatnonzero(by_hand.mask(f)).tolist() == rows


def test_selection_reads_back_the_rows(by_hand):
    got = by_hand.select(by_hand.mask(Filters(organizations=("B",)))).to_pylist()
    assert [r["organizations"] for r in got] == [["A", "B"], ["B"]]
    assert [r["host_iso3"] for r in got] == [None, "CHN"]


def test_text_filters_are_left_to_sql(by_hand):
    assert not by_hand.answers(Filters(text="visit"))
    with pytest.raises(ValueError, match="free-text"):
        by_hand.mask(Filters(text="visit"))


# ====================================================================== when the coded columns are not there


def test_small_datasets_stay_on_parquet(frame):
    ds = data.from_frame(frame, "small")
    assert ds.events < data.HOT_MIN_ROWS
    assert ds.engine.wait_hot() is None


def test_a_failed_build_leaves_the_sql_path_working(frame, monkeypatch):
    def broken(*args, **kwargs):
        raise MemoryError("no room")

    monkeypatch.setattr(data, "HOT_MIN_ROWS", 0)
    monkeypatch.setattr(hot, "build", broken)
    ds = data.from_frame(frame, "broken")
    assert ds.engine.wait_hot() is None
    assert "MemoryError: no room" in ds.engine.hot_error
    check_all(ds, frame, Filters(sectors=("health",), territory="fold"))


def test_selections_whose_lists_are_all_empty_are_readable(frame):
    # DuckDB rejects an Arrow batch of only empty lists over a dictionary: selections carry plain string lists.
    df = frame.copy()
    df["organizations"] = [[] for _ in range(len(df))]
    ds = hot_dataset(df, "no organizations")
    f = Filters(sectors=("health",))
    assert data.top_organizations(ds, f).empty
    check_all(ds, df, f)
