"""The schema and the codebook document themselves: every column and code is explained."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.schema import (
    EVENT_COLUMNS,
    ORGANIZATION_COLUMNS,
    REJECT_COLUMNS,
    _dates,
    _strings,
    _typed,
    arrow_schema,
    codebook,
    conform,
    describe,
    empty_events,
    typed_frame,
)
from etl.validate import validate

REQUIRED = [
    "event_id", "title", "start_date", "end_date", "date_precision", "event_type", "sector", "sectors", "host_iso3",
    "host_city", "lat", "lon", "home_iso3", "countries", "groups", "participants", "participants_qualifier",
    "organizations", "source", "source_start", "source_end", "snippet", "confidence", "method",
]


@pytest.mark.parametrize("name", REQUIRED)
def test_issue_columns_exist(name):
    assert name in [c.name for c in EVENT_COLUMNS]


@pytest.mark.parametrize("column", EVENT_COLUMNS + REJECT_COLUMNS + ORGANIZATION_COLUMNS, ids=lambda c: c.name)
def test_every_column_is_described(column):
    assert len(column.description) >= 15
    assert column.dtype in {"string", "date", "Int64", "float64", "list"}


@pytest.mark.parametrize(
    "vocab,code", [(v, c) for v in ("sectors", "event_types") for c in codebook()[v]], ids=lambda x: str(x)
)
def test_every_code_has_definition_and_example(vocab, code):
    spec = codebook()[vocab][code]
    assert len(spec["definition"]) >= 15
    assert spec["examples"] and all(len(e) >= 10 for e in spec["examples"])


def test_codebook_lists_the_issue_codes():
    assert set(codebook()["sectors"]) == {
        "culture", "education", "science", "health", "environment", "economy", "tourism", "media", "law", "youth",
        "women", "labour", "sports", "development", "volunteering", "civil_society", "policy", "diplomacy",
    }
    assert set(codebook()["event_types"]) == {
        "visit", "meeting", "conference", "training", "agreement", "founding", "aid", "volunteering", "exhibition",
        "other",
    }


def test_describe_lists_allowed_codes():
    table = describe()
    assert list(table["column"]) == [c.name for c in EVENT_COLUMNS]
    assert "health" in table.set_index("column").loc["sector", "allowed"]


def test_arrow_schema_matches_columns():
    assert arrow_schema().names == [c.name for c in EVENT_COLUMNS]


def _row(**over):
    row = dict(
        event_id="a1", title="Forum", start_date="2018-03-01", end_date="2018-03-31", date_precision="month",
        event_type="conference", sector="health", sectors=["health"], host_iso3="PAK", home_iso3="CHN",
        countries=["PAK"], groups=[], participants=9, participants_qualifier="exact", organizations=["X"],
        source="a.txt", sources=["a.txt"], source_start=0, source_end=10, snippet="x", source_kind="text",
        confidence=0.5, method="test",
    )
    row.update(over)
    return row


def test_valid_table_passes():
    validate(conform(pd.DataFrame([_row(), _row(event_id="b2")])))


@pytest.mark.parametrize(
    "bad",
    [
        {"sector": "astrology"},
        {"event_type": "party"},
        {"date_precision": "week"},
        {"countries": ["Pakistan"]},
        {"end_date": "2018-02-01"},
        {"confidence": 1.5},
        {"host_iso3": "pk"},
        {"participants": -3},
        {"sectors": ["health", "magic"]},
    ],
    ids=lambda d: next(iter(d)),
)
def test_invalid_values_are_caught(bad):
    import pandera.errors

    with pytest.raises(pandera.errors.SchemaErrors):
        validate(conform(pd.DataFrame([_row(**bad)])))


def test_event_id_must_be_unique():
    import pandera.errors

    with pytest.raises(pandera.errors.SchemaErrors):
        validate(conform(pd.DataFrame([_row(), _row()])))


def test_empty_table_is_valid():
    validate(empty_events())


def _as_list_everywhere(df):
    """What conform gave before its fast path: every list cell through _as_list."""
    from etl.schema import LIST_COLUMNS, _as_list

    out = df.copy()
    for col in LIST_COLUMNS:
        out[col] = out[col].map(_as_list).astype(object)
    return out


@pytest.mark.parametrize("cells", [
    [["a"], ["b", "c"]], [("a",), ["b"]], ["a;b", ["c"]], [None, ["c"]], [["a"], [1]], [[], []],
])
def test_conform_keeps_lists_of_str_and_converts_the_rest(cells):
    df = conform(pd.DataFrame([_row(event_id="a", organizations=cells[0]), _row(event_id="b", organizations=cells[1])]))
    again = conform(df)
    reference = _as_list_everywhere(df)
    assert list(again["organizations"]) == list(reference["organizations"])
    assert all(type(v) is list and all(type(x) is str for x in v) for v in again["organizations"])
    assert again.dtypes.equals(empty_events().dtypes)


def _report(df, **kwargs):
    import pandera.errors

    try:
        validate(df, **kwargs)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases.astype({"failure_case": str})
        return str(exc), cases.to_csv()
    return None


@pytest.mark.parametrize("bad", [
    {}, {"sector": "astrology"}, {"countries": ["PAK", "pk"]}, {"sectors": ["health", "magic"]},
    {"groups": ["Mars League"]}, {"end_date": "2018-02-01"}, {"event_id": "a1"},
])
def test_validation_knowing_the_lists_reports_the_same(bad):
    df = conform(pd.DataFrame([_row(), _row(**{"event_id": "b2", **bad}), _row(**{"event_id": "c3", **bad})]))
    assert _report(df) == _report(df, lists_known=True)
    assert (_report(df) is None) == (bad == {})


def test_validation_of_irregular_list_cells_reports_what_it_always_did():
    df = conform(pd.DataFrame([_row(), _row(event_id="b2")]))
    df.at[1, "countries"] = ("PAK",)
    df.at[0, "sectors"] = "health"
    report = _report(df)
    assert report is not None and "<Check <lambda>: cell is not a list>" in report[0]


def _plain_row(**over):
    """A row as an adapter makes it: plain Python values, dates as datetime.date, None where unknown."""
    from datetime import date

    row = {**_row(), "start_date": date(2018, 3, 1), "end_date": date(2018, 3, 31), "host_city": None, "lat": None,
           "lon": 71.5, "participants": None}
    row.update(over)
    return row


@pytest.mark.parametrize("rows", [
    [_plain_row()],
    [_plain_row(), _plain_row(event_id="b2", participants=1200, lat=30.1, host_city="Lahore", groups=["SCO"],
                                participants_qualifier=None, start_date=None)],
    [_plain_row(countries=[], organizations=["A", "B"], sectors=["health", "youth"])] * 3,
], ids=["one", "nulls-and-values", "repeated"])
def test_typed_frame_equals_conforming_an_inferred_frame(rows):
    typed = typed_frame(rows, EVENT_COLUMNS)
    inferred = conform(pd.DataFrame(rows))
    pd.testing.assert_frame_equal(typed, inferred)
    assert list(typed.dtypes) == list(empty_events().dtypes)


def test_typed_frame_of_no_rows_has_every_dtype():
    assert list(typed_frame([], EVENT_COLUMNS).dtypes) == list(empty_events().dtypes)


@pytest.mark.parametrize("column,bad", [("title", 12), ("participants", "twelve"), ("start_date", "2018-03-01")])
def test_typed_frame_refuses_a_cell_of_the_wrong_type(column, bad):
    # Adapters hand over plain values of the column's type: anything else is a bug, not data to coerce.
    with pytest.raises((TypeError, ValueError)):
        typed_frame([_plain_row(**{column: bad})], EVENT_COLUMNS)


def _typed_frame_plainly(rows, columns):
    """typed_frame as it was: one list per column, each converted alone, and the public constructor."""
    data = {c.name: _typed([row[c.name] for row in rows], c.dtype) for c in columns}
    return pd.DataFrame(data, copy=False)


_PLAIN_CELLS = {
    "string": st.one_of(st.none(), st.text(max_size=5)), "date": st.one_of(st.none(), st.dates()),
    "Int64": st.one_of(st.none(), st.integers(-2**63, 2**63 - 1)), "float64": st.one_of(st.none(), st.floats()),
    "list": st.lists(st.text(max_size=3), max_size=2),
}


@settings(max_examples=200, deadline=None)
@given(st.data(), st.integers(0, 4), st.sampled_from([EVENT_COLUMNS, EVENT_COLUMNS[:1], EVENT_COLUMNS[14:17]]),
       st.booleans())
def test_typed_frame_equals_the_plain_construction(data, n, columns, no_nulls):
    # Columns without a None take numpy's whole-list paths: draw them often.
    cells = {dtype: strategy.filter(lambda v: v is not None) if no_nulls else strategy
             for dtype, strategy in _PLAIN_CELLS.items()}
    rows = [{c.name: data.draw(cells[c.dtype]) for c in columns} for _ in range(n)]
    typed, plain = typed_frame(rows, columns), _typed_frame_plainly(rows, columns)
    pd.testing.assert_frame_equal(typed, plain, check_exact=True)
    assert list(typed.dtypes) == list(plain.dtypes) and typed.index.equals(pd.RangeIndex(n))
    table, plain_table = pa.Table.from_pandas(typed), pa.Table.from_pandas(plain)
    assert table.equals(plain_table) and table.schema.metadata == plain_table.schema.metadata


@given(st.lists(st.one_of(st.none(), st.integers(-2**63, 2**63 - 1))), st.booleans())
def test_int_columns_equal_the_masked_conversion(values, no_nulls):
    values = [v for v in values if v is not None] if no_nulls else values
    mask = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    ints = np.fromiter((0 if v is None else v for v in values), dtype=np.int64, count=len(values))
    pd.testing.assert_extension_array_equal(_typed(values, "Int64"), pd.arrays.IntegerArray(ints, mask))


@given(st.lists(st.one_of(st.none(), st.dates())))
def test_dates_by_ordinal_equal_the_arrow_round_trip(values):
    arrow = pa.array(values, pa.date32()).cast(pa.timestamp("s")).to_numpy(zero_copy_only=False)
    ours = _dates(values)
    assert ours.dtype == arrow.dtype and ours.tolist() == arrow.tolist()


@given(st.lists(st.lists(st.one_of(st.none(), st.text()), min_size=3, max_size=3), min_size=1, max_size=4))
def test_strings_converted_together_equal_one_by_one(columns):
    together = _strings(columns)
    assert len(together) == len(columns)
    for values, array in zip(columns, together, strict=True):
        alone = pd.arrays.ArrowStringArray(pa.array(values, pa.large_string()))
        pd.testing.assert_extension_array_equal(array, alone)
        assert np.array_equal(pd.isna(array), [v is None for v in values])


def test_conform_overrides_replace_and_add_columns():
    df = pd.DataFrame([_row(), _row(event_id="b2")]).drop(columns=["sources"])
    out = conform(df, overrides={"source": ["z.txt", "z.txt"], "sources": [["z.txt"], ["z.txt"]]})
    assert out["source"].tolist() == ["z.txt", "z.txt"]
    assert out["sources"].tolist() == [["z.txt"], ["z.txt"]]
    pd.testing.assert_frame_equal(out.drop(columns=["source", "sources"]),
                                  conform(df).drop(columns=["source", "sources"]))
    assert list(out.dtypes) == list(empty_events().dtypes)


def test_conform_gives_a_fresh_range_index():
    df = pd.DataFrame([_row(), _row(event_id="b2")], index=[7, 3])
    assert conform(df).index.equals(pd.RangeIndex(2))
