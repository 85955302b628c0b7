"""The query layer (app/data.py) against a plain-pandas statement of the same questions.

The ``ref_*`` functions below are the specification: simple pandas over the conformed event frame.  Hypothesis
draws small synthetic datasets and filter states and checks that DuckDB answers exactly as pandas does; further
tests pin each filter field, literal text search (SQL injection, ``%`` and ``_``), Parquet file vs frame vs
year-partitioned directory, the cache and concurrent use.
"""

from __future__ import annotations

import datetime
import threading

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import data, regions
from app.filters import FOLDED_TERRITORIES, Filters
from etl import synth
from etl.schema import vocabularies

HOME = "CHN"
ROWS = 400
SEED = 3

# ====================================================================== the specification, in pandas


def ref_fold(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["host_iso3"] = out["host_iso3"].mask(out["host_iso3"].isin(FOLDED_TERRITORIES).fillna(False), HOME)
    out["countries"] = out["countries"].map(
        lambda cs: list(dict.fromkeys(HOME if c in FOLDED_TERRITORIES else c for c in cs)))
    return out


def _any(column: pd.Series, values) -> pd.Series:
    values = set(values)
    return column.map(lambda items: bool(values & set(items))).astype(bool)


def _host_in(df: pd.DataFrame, values) -> pd.Series:
    return df["host_iso3"].isin(list(values)).fillna(False).astype(bool)


def ref_filter(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The rows ``f`` keeps, as the territory policy shows them."""
    if f.territory == "fold":
        df = ref_fold(df)
    keep = pd.Series(True, index=df.index)
    if f.start is not None:
        keep &= df["end_date"] >= pd.Timestamp(f.start)
    if f.end is not None:
        keep &= df["start_date"] <= pd.Timestamp(f.end)
    if f.regions:
        codes, groups = regions.expand(f.regions)
        keep &= _any(df["countries"], codes) | _host_in(df, codes) | _any(df["groups"], groups)
    if f.countries:
        keep &= _any(df["countries"], f.countries) | _host_in(df, f.countries)
    if f.sectors:
        keep &= _any(df["sectors"], f.sectors)
    if f.organizations:
        keep &= _any(df["organizations"], f.organizations)
    if f.types:
        keep &= df["event_type"].isin(f.types).astype(bool)
    if f.text:
        text = f.text.lower()
        keep &= (df["title"].str.lower().str.contains(text, regex=False).fillna(False)
                 | df["snippet"].str.lower().str.contains(text, regex=False).fillna(False)).astype(bool)
    return df[keep]


def ref_headline(ev: pd.DataFrame) -> dict:
    return {
        "events": len(ev),
        "countries": ev["countries"].explode().dropna().nunique(),
        "organizations": ev["organizations"].explode().dropna().nunique(),
        "first": ev["start_date"].min().date() if len(ev) else None,
        "last": ev["end_date"].max().date() if len(ev) else None,
        "participants": int(ev["participants"].sum()) if len(ev) else 0,
    }


def _ranked(counts) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def ref_by_country(ev: pd.DataFrame, measure: str = "events") -> pd.DataFrame:
    pairs = ev[["countries", "sector", "participants"]].explode("countries").dropna(subset="countries")
    names = regions.country_names()
    out = []
    for iso3, part in pairs.groupby("countries"):
        top = _ranked(part["sector"].value_counts())[: data.TOP_SECTORS]
        value = len(part) if measure == "events" else int(part["participants"].sum())
        out.append({"iso3": iso3, "name": names.get(iso3, iso3), "value": value,
                    "top_sectors": ", ".join(s for s, _ in top)})
    frame = pd.DataFrame(out, columns=["iso3", "name", "value", "top_sectors"])
    return frame.sort_values(["value", "iso3"], ascending=[False, True], ignore_index=True)


_PERIODS = {"week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}


def ref_region(ev: pd.DataFrame) -> pd.Series:
    continent = regions.region_table().set_index("iso3")["continent"].to_dict()

    def one(host, home, countries):
        if isinstance(host, str) and host == home:
            return data.HOME_REGION
        if isinstance(host, str) and host in continent:
            return continent[host]
        if len(countries) and countries[0] in continent:
            return continent[countries[0]]
        return data.UNKNOWN_REGION

    return pd.Series([one(h, o, c) for h, o, c in zip(ev["host_iso3"], ev["home_iso3"], ev["countries"],
                                                       strict=True)], index=ev.index, dtype=object)


def ref_timeline(ev: pd.DataFrame, freq: str, stack: str) -> pd.DataFrame:
    key = ref_region(ev) if stack == "region" else ev[stack].astype(object)
    period = ev["start_date"].dt.to_period(_PERIODS[freq]).dt.start_time.astype("datetime64[s]")
    out = pd.DataFrame({"period": period, "key": key}).groupby(["period", "key"]).size().rename("events")
    return out.reset_index().sort_values(["period", "key"], ignore_index=True)


def ref_sector_type(ev: pd.DataFrame) -> pd.DataFrame:
    out = ev.groupby(["sector", "event_type"]).size().rename("events").reset_index()
    return out.sort_values(["events", "sector", "event_type"], ascending=[False, True, True], ignore_index=True)


def ref_top_organizations(ev: pd.DataFrame, n: int) -> pd.DataFrame:
    pairs = ev[["sector", "organizations"]].explode("organizations").dropna(subset="organizations")
    pairs = pairs.rename(columns={"organizations": "organization"})
    rank = {org: i for i, (org, _) in enumerate(_ranked(pairs["organization"].value_counts())[:n])}
    per = pairs[pairs["organization"].isin(rank)].groupby(["sector", "organization"]).size().rename("events")
    per = per.reset_index()
    per["_rank"] = per["organization"].map(rank)
    per = per.sort_values(["_rank", "events", "sector"], ascending=[True, False, True])
    return per.drop(columns="_rank").reset_index(drop=True)[["sector", "organization", "events"]]


def ref_network(ev: pd.DataFrame, max_nodes: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    names = regions.country_names()
    orgs = _ranked(ev["organizations"].explode().dropna().value_counts())[: (max_nodes + 1) // 2]
    countries = _ranked(ev["countries"].explode().dropna().value_counts())[: max_nodes // 2]
    nodes = pd.DataFrame(
        [{"id": o, "kind": "organization", "events": n, "name": o} for o, n in orgs]
        + [{"id": c, "kind": "country", "events": n, "name": names.get(c, c)} for c, n in countries],
        columns=["id", "kind", "events", "name"])
    keep_o, keep_c = {o for o, _ in orgs}, {c for c, _ in countries}
    pairs = ev[["organizations", "countries"]].explode("organizations").explode("countries").dropna()
    pairs = pairs[pairs["organizations"].isin(keep_o) & pairs["countries"].isin(keep_c)]
    edges = pairs.groupby(["organizations", "countries"]).size().rename("weight").reset_index()
    edges = edges.rename(columns={"organizations": "source", "countries": "target"})
    edges = edges.sort_values(["weight", "source", "target"], ascending=[False, True, True], ignore_index=True)
    return nodes, edges[["source", "target", "weight"]]


def ref_source_quality(ev: pd.DataFrame) -> pd.DataFrame:
    out = ev.groupby("source").agg(
        events=("source", "size"),
        day=("date_precision", lambda s: int((s == "day").sum())),
        month=("date_precision", lambda s: int((s == "month").sum())),
        year=("date_precision", lambda s: int((s == "year").sum())),
        low_confidence=("confidence", lambda s: int((s < data.LOW_CONFIDENCE).sum())),
    ).reset_index()
    return out.sort_values(["events", "source"], ascending=[False, True], ignore_index=True)


def ref_rows(ev: pd.DataFrame) -> pd.DataFrame:
    return ev.sort_values(["start_date", "event_id"], ignore_index=True)


# ====================================================================== comparison helpers


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as plain Python values, so that dtype spellings (object vs string, int64 vs Int64) do not matter."""
    def plain(v):
        if isinstance(v, list):
            return [plain(x) for x in v]
        if v is None or (not isinstance(v, (list, str)) and pd.isna(v)):
            return None
        if hasattr(v, "item"):
            return v.item()
        return v

    return [{k: plain(v) for k, v in row.items()} for row in df.astype(object).to_dict("records")]


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    assert records(got) == records(want)


def check_all(ds: data.Dataset, df: pd.DataFrame, f: Filters, freq: str = "month", stack: str = "sector") -> None:
    """Every query of the page set, and the rows, equal the pandas specification."""
    ev = ref_filter(df, f)
    assert data.headline(ds, f) == ref_headline(ev)
    assert_same(data.by_country(ds, f), ref_by_country(ev))
    assert_same(data.by_country(ds, f, "participants"), ref_by_country(ev, "participants"))
    assert_same(data.timeline(ds, f, freq, stack), ref_timeline(ev, freq, stack))
    assert_same(data.sector_type(ds, f), ref_sector_type(ev))
    assert_same(data.top_organizations(ds, f, 5), ref_top_organizations(ev, 5))
    nodes, edges = data.network(ds, f, 12)
    want_nodes, want_edges = ref_network(ev, 12)
    assert_same(nodes, want_nodes)
    assert_same(edges, want_edges)
    assert_same(data.source_quality(ds, f), ref_source_quality(ev))
    assert_same(data.rows(ds, f), ref_rows(ev))
    assert data.count(ds, f) == len(ev)


# ====================================================================== fixtures and strategies


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return synth.generate(ROWS, SEED)


@pytest.fixture(scope="module")
def ds(frame) -> data.Dataset:
    return data.from_frame(frame, "test")


def _ascii_piece(title: str, start: int, length: int) -> str:
    piece = title[start: start + length]
    return piece if piece.isascii() and piece.strip() else ""


@st.composite
def filters_for(draw, df: pd.DataFrame) -> Filters:
    """Filter states built mostly from values the frame holds, so that most of them keep some rows."""
    vocab = vocabularies()
    countries = sorted(set(df["countries"].explode().dropna()) | set(df["host_iso3"].dropna()) | {"ZZZ"})
    orgs = sorted(set(df["organizations"].explode().dropna())) or ["nobody"]
    titles = list(df["title"].astype(str)) or ["Synthetic"]
    dates = st.none() | st.dates(datetime.date(1999, 6, 1), datetime.date(2026, 6, 1))
    text = st.one_of(
        st.just(""),
        st.builds(_ascii_piece, st.sampled_from(titles), st.integers(0, 30), st.integers(2, 12)),
        st.sampled_from(["%", "_", "'; DROP TABLE events; --", "in ", "SYNTHETIC", "\\"]),
    )
    small = {"max_size": 2, "unique": True}
    return Filters(
        start=draw(dates), end=draw(dates),
        regions=tuple(draw(st.lists(st.sampled_from(regions.region_options()), **small))),
        countries=tuple(draw(st.lists(st.sampled_from(countries), **small))),
        sectors=tuple(draw(st.lists(st.sampled_from(vocab["sectors"]), **small))),
        types=tuple(draw(st.lists(st.sampled_from(vocab["event_types"]), **small))),
        organizations=tuple(draw(st.lists(st.sampled_from(orgs), **small))),
        text=draw(text).strip(),
        territory=draw(st.sampled_from(["separate", "fold"])),
    )


FREQ = st.sampled_from(data.FREQS)
STACK = st.sampled_from(data.STACKS)


# ====================================================================== equivalence (hypothesis)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data(), FREQ, STACK)
def test_queries_equal_pandas_on_random_filters(frame, ds, hyp, freq, stack):
    check_all(ds, frame, hyp.draw(filters_for(frame)), freq, stack)


@settings(max_examples=10, deadline=None)
@given(st.data(), st.integers(0, 150), st.integers(0, 10_000), FREQ, STACK)
def test_queries_equal_pandas_on_random_datasets(hyp, n, seed, freq, stack):
    df = synth.generate(n, seed)
    ds = data.from_frame(df, f"random {seed}")
    for _ in range(2):
        check_all(ds, df, hyp.draw(filters_for(df)), freq, stack)


def test_empty_dataset_answers_empty(frame):
    ds = data.from_frame(frame.iloc[:0], "empty")
    check_all(ds, frame.iloc[:0], Filters())
    assert data.options(ds)["start"] is None


# ====================================================================== each filter field


def _field_cases(df: pd.DataFrame) -> dict[str, Filters]:
    second = lambda col: df[col].explode().value_counts().index[1]  # noqa: E731 - not the commonest: a real narrowing
    return {
        "start": Filters(start=datetime.date(2015, 1, 1)),
        "end": Filters(end=datetime.date(2010, 12, 31)),
        "regions": Filters(regions=("continent:Africa",)),
        "group": Filters(regions=("group:ASEAN",)),
        "countries": Filters(countries=(second("countries"),)),
        "sectors": Filters(sectors=("health", "culture")),
        "types": Filters(types=("visit",)),
        "organizations": Filters(organizations=(second("organizations"),)),
        "text": Filters(text="EXHIBITION"),
    }


@pytest.mark.parametrize("field", ["start", "end", "regions", "group", "countries", "sectors", "types",
                                   "organizations", "text"])
def test_each_filter_field_narrows_to_exactly_the_matching_rows(frame, ds, field):
    f = _field_cases(frame)[field]
    want = ref_filter(frame, f)
    assert 0 < len(want) < len(frame), "the case must really narrow"
    assert list(data.rows(ds, f)["event_id"]) == list(ref_rows(want)["event_id"])


def test_dates_select_overlapping_events(frame, ds):
    # A year-precision event spans the whole year: a filter on one day inside it keeps it.
    event = frame[frame["date_precision"] == "year"].iloc[0]
    day = datetime.date(event["start_date"].year, 6, 15)
    got = data.rows(ds, Filters(start=day, end=day))
    assert event["event_id"] in set(got["event_id"])
    assert (got["start_date"] <= pd.Timestamp(day)).all() and (got["end_date"] >= pd.Timestamp(day)).all()


def test_group_region_matches_the_groups_column_too(frame):
    df = frame.copy()
    df.loc[0, "countries"], df.loc[0, "host_iso3"], df.loc[0, "groups"] = ["USA"], "USA", ["ASEAN"]
    ds = data.from_frame(df, "groups")
    ids = set(data.rows(ds, Filters(regions=("group:ASEAN",)))["event_id"])
    assert df.loc[0, "event_id"] in ids
    tagged = set(data.rows(ds, Filters(regions=("group:Belt and Road countries",)))["event_id"])
    assert tagged == set(df.loc[df["groups"].map(lambda g: "Belt and Road countries" in g), "event_id"])


def test_many_values_take_the_long_list_path(frame, ds):
    codes = tuple(sorted(regions.members("continent:Europe")))
    assert len(codes) > 6
    f = Filters(countries=codes)
    assert list(data.rows(ds, f)["event_id"]) == list(ref_rows(ref_filter(frame, f))["event_id"])


def test_fold_shows_territories_as_china(frame, ds):
    f = Filters(territory="fold")
    got = data.rows(ds, f)
    assert len(got) == len(frame)
    assert not got["countries"].map(lambda cs: bool(set(cs) & set(FOLDED_TERRITORIES))).any()
    assert not got["host_iso3"].isin(FOLDED_TERRITORIES).any()
    assert set(data.by_country(ds, Filters())["iso3"]) & set(FOLDED_TERRITORIES), "fixture has territories"
    assert not set(data.by_country(ds, f)["iso3"]) & set(FOLDED_TERRITORIES)
    # Under the fold policy the filters see folded codes too: TWN no longer exists, CHN covers it.
    assert data.count(ds, Filters(countries=("TWN",), territory="fold")) == 0
    assert data.count(ds, Filters(countries=("CHN",), territory="fold")) >= data.count(ds, Filters(countries=("TWN",)))


# ====================================================================== text is literal, never SQL


@pytest.fixture(scope="module")
def tricky() -> tuple[pd.DataFrame, data.Dataset]:
    df = synth.generate(6, 1)
    df["title"] = pd.array(["100%_sure", "100 sure", "a_b", "axb", "O'Brien visit", r"back\slash"], dtype="string")
    df["snippet"] = pd.array(["-"] * 6, dtype="string")
    return df, data.from_frame(df, "tricky")


@pytest.mark.parametrize("text,titles", [
    ("%_", ["100%_sure"]),
    ("%", ["100%_sure"]),
    ("_", ["100%_sure", "a_b"]),
    ("a_b", ["a_b"]),
    ("o'brien", ["O'Brien visit"]),
    ("\\", [r"back\slash"]),
    ("'; DROP TABLE events; --", []),
    ("' OR '1'='1", []),
])
def test_text_search_is_literal(tricky, text, titles):
    df, ds = tricky
    assert sorted(data.rows(ds, Filters(text=text))["title"]) == sorted(titles)
    assert data.count(ds, Filters()) == len(df), "the table is still there"


def test_injection_in_every_list_field_is_just_a_value(tricky):
    df, ds = tricky
    evil = "x'); DROP TABLE events; --"
    for field in ("countries", "sectors", "types", "organizations"):
        assert data.count(ds, Filters(**{field: (evil,)})) == 0
    assert data.count(ds, Filters()) == len(df)


# ====================================================================== files, frames, partitions


def _all_answers(ds: data.Dataset, f: Filters) -> list:
    return [data.headline(ds, f), records(data.by_country(ds, f)), records(data.by_city(ds, f)),
            records(data.flows(ds, f)), records(data.timeline(ds, f, "quarter", "region")),
            records(data.precision_mix(ds, f)), records(data.country_periods(ds, f, "year")),
            records(data.sector_type(ds, f)), records(data.sector_region(ds, f)),
            records(data.top_organizations(ds, f)), [records(x) for x in data.network(ds, f)],
            records(data.source_quality(ds, f)), records(data.rows(ds, f))]


FIXED = [Filters(), Filters(sectors=("health",), territory="fold"), Filters(start=datetime.date(2010, 1, 1)),
         Filters(regions=("continent:Asia",), text="in")]


def test_parquet_file_and_frame_give_identical_answers(frame, ds, tmp_path):
    path = tmp_path / "events.parquet"
    pq.write_table(data.frame_to_arrow(frame), path)
    from_file = data.open_parquet(path)
    for f in FIXED:
        assert _all_answers(from_file, f) == _all_answers(ds, f)


def test_year_partitioned_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(synth, "PARTITION_ABOVE", 100)
    manifest = synth.write(300, tmp_path, seed=4, raw_rows=10)
    assert manifest["layout"] == "year-partitioned"
    assert any(tmp_path.glob("events/year=*/*.parquet"))
    on_disk = data.open_parquet(tmp_path)
    assert on_disk.synthetic and on_disk.version == manifest["data_version"] and on_disk.events == 300
    in_memory = data.from_frame(synth.generate(300, 4), "same rows")
    for f in FIXED:
        assert _all_answers(on_disk, f) == _all_answers(in_memory, f)
    assert "year" not in data.rows(on_disk, Filters(), limit=1).columns


def test_parquet_missing_optional_columns_are_empty(frame, tmp_path):
    path = tmp_path / "slim.parquet"
    pq.write_table(data.frame_to_arrow(frame).drop_columns(["groups", "participants_qualifier", "lat"]), path)
    got = data.rows(data.open_parquet(path), Filters(), limit=5)
    assert got["groups"].map(len).eq(0).all() and got["lat"].isna().all()


def test_parquet_missing_required_column_is_a_clear_error(frame, tmp_path):
    path = tmp_path / "bad.parquet"
    pq.write_table(data.frame_to_arrow(frame).drop_columns(["event_type"]), path)
    with pytest.raises(ValueError, match="event_type"):
        data.open_parquet(path)


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        data.open_parquet(tmp_path / "nope.parquet")


# ====================================================================== cache, selections, threads


def test_results_are_cached_and_callers_cannot_corrupt_them(ds):
    data.clear_cache()
    f = Filters(sectors=("education",))
    first = data.by_country(ds, f)
    first.loc[0, "value"] = -1
    before = data.cache_info().hits
    again = data.by_country(ds, f)
    assert data.cache_info().hits == before + 1
    assert again.loc[0, "value"] != -1
    head = data.headline(ds, f)
    head["events"] = -1
    assert data.headline(ds, f)["events"] != -1


def test_cache_is_bounded():
    assert data.cache_info().maxsize == data.CACHE_SIZE


@pytest.mark.parametrize("table_rows", [1_000_000, 10], ids=["duckdb-table", "scan-in-place"])
def test_big_selections_become_tables_or_are_scanned_in_place(frame, monkeypatch, table_rows):
    monkeypatch.setattr(data, "SELECTION_MAX_ROWS", 10)
    monkeypatch.setattr(data, "SELECTION_TABLE_MAX_ROWS", table_rows)
    fresh = data.from_frame(frame, "fresh")
    for f in (Filters(sectors=("culture", "education", "science"), territory="fold"), Filters(territory="fold"),
              Filters(regions=("continent:Asia",), text="in")):
        check_all(fresh, frame, f)


def test_evicted_selection_tables_are_rebuilt(frame, monkeypatch):
    monkeypatch.setattr(data, "SELECTION_MAX_ROWS", 5)
    monkeypatch.setattr(data, "SELECTIONS_PER_DATASET", 1)
    fresh = data.from_frame(frame, "evictions")
    cases = [Filters(sectors=(s,)) for s in ("health", "culture", "education", "science")]
    want = {f: ref_headline(ref_filter(frame, f)) for f in cases}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(8):
                f = cases[(i + j) % len(cases)]
                data.clear_cache()
                assert data.headline(fresh, f) == want[f]
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]


def test_concurrent_queries_from_many_threads(frame, ds):
    cases = [Filters(), Filters(sectors=("health",)), Filters(territory="fold"), Filters(text="in"),
             Filters(regions=("continent:Europe",)), Filters(types=("visit", "aid"))]
    want = {f: (ref_headline(ref_filter(frame, f)), records(ref_by_country(ref_filter(frame, f)))) for f in cases}
    fresh = data.from_frame(frame, "threads")
    data.clear_cache()
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(6):
                f = cases[(i + j) % len(cases)]
                assert (data.headline(fresh, f), records(data.by_country(fresh, f))) == want[f]
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]


# ====================================================================== arguments and options


@pytest.mark.parametrize("call", [
    lambda ds: data.timeline(ds, Filters(), freq="day"),
    lambda ds: data.timeline(ds, Filters(), stack="colour"),
    lambda ds: data.by_country(ds, Filters(), measure="money"),
    lambda ds: data.top_organizations(ds, Filters(), n=0),
    lambda ds: data.network(ds, Filters(), max_nodes="9; DROP"),
    lambda ds: data.rows(ds, Filters(), limit=-1),
])
def test_bad_arguments_raise(ds, call):
    with pytest.raises(ValueError):
        call(ds)


def test_options_list_the_dataset_values(frame, ds):
    opts = data.options(ds)
    assert opts["countries"] == sorted(set(frame["countries"].explode().dropna()) | set(frame["host_iso3"].dropna()))
    assert set(opts["sectors"]) == set(frame["sectors"].explode())
    assert set(opts["types"]) == set(frame["event_type"])
    assert set(opts["organizations"]) == set(frame["organizations"].explode().dropna())
    assert opts["start"] == frame["start_date"].min().date() and opts["end"] == frame["end_date"].max().date()
    assert "group:ASEAN" in opts["regions"] and opts["events"] == len(frame)


def test_other_queries_shapes(ds):
    f = Filters(sectors=("health",))
    assert list(data.by_city(ds, f).columns) == ["host_city", "host_iso3", "lat", "lon", "events"]
    assert list(data.flows(ds, f).columns) == ["home_iso3", "iso3", "events"]
    assert list(data.precision_mix(ds, f)["date_precision"]) == [
        p for p in ("day", "month", "year") if p in set(data.rows(ds, f)["date_precision"])]
    assert list(data.country_periods(ds, f, "year").columns) == ["period", "iso3", "events"]
    assert list(data.sector_region(ds, f).columns) == ["sector", "region", "events"]
    assert data.sector_region(ds, f)["events"].sum() == data.count(ds, f)
    assert data.flows(ds, Filters(territory="fold")).query("iso3 == home_iso3").empty


def test_rows_limit_and_schema(frame, ds):
    from etl.validate import validate

    got = data.rows(ds, Filters(), limit=7)
    assert len(got) == 7
    validate(data.rows(ds, Filters()))
    assert len(data.rows(ds, Filters(), limit=0)) == 0


def test_dataset_identity_is_its_content(frame):
    a, b = data.from_frame(frame, "a"), data.from_frame(frame, "a")
    assert a == b and hash(a) == hash(b)
    assert data.from_frame(frame.iloc[:10], "a") != a


# ====================================================================== the active dataset (app/state.py)


def _state_app():
    import pandas as pd
    import streamlit as st

    from app import data, state
    from etl import synth

    rejected = pd.DataFrame({"source": ["x.csv"], "location": ["row 2"], "reason": ["no date"], "detail": ["?"]})
    ds = state.active_dataset()
    rejects = state.rejects(ds)
    st.markdown(f"label={ds.label}; events={ds.events}; sample={ds.sample}; "
                f"rejects={None if rejects is None else len(rejects)}; rows={data.count(ds, None)}")
    if st.button("alone", key="alone"):
        state.set_upload(synth.generate(20, 2), "Upload: x.csv", rejects=rejected, merge=False)
        st.rerun()
    if st.button("merge", key="merge"):
        state.set_upload(synth.generate(20, 2), "Upload: x.csv", merge_with_sample=True)
        st.rerun()
    if st.button("clear", key="clear"):
        state.clear_upload()
        st.rerun()


def frame_rejects() -> pd.DataFrame:
    return pd.DataFrame({"source": ["x.csv"], "location": ["row 2"], "reason": ["no date"], "detail": ["?"]})


def _shown(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("label="))


def test_active_dataset_env_upload_merge_and_rejects(frame, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from app import state

    path = tmp_path / "events.parquet"
    pq.write_table(data.frame_to_arrow(frame), path)
    frame_rejects().to_parquet(tmp_path / "events.rejects.parquet")
    sample = tmp_path / "sample.parquet"
    pq.write_table(data.frame_to_arrow(frame.iloc[:30]), sample)
    monkeypatch.setattr(state, "SAMPLE_PATH", sample)
    monkeypatch.setenv(state.ENV_VAR, str(path))

    at = AppTest.from_function(_state_app, default_timeout=60).run()
    assert not at.exception
    assert _shown(at) == f"label=events.parquet; events={ROWS}; sample=False; rejects=1; rows={ROWS}"
    at.button(key="alone").click().run()
    assert _shown(at) == "label=Upload: x.csv; events=20; sample=False; rejects=1; rows=20"
    at.button(key="merge").click().run()
    assert _shown(at).startswith("label=Bundled sample + Upload: x.csv; events=50;")
    at.button(key="clear").click().run()
    assert _shown(at).startswith("label=events.parquet;")
    monkeypatch.delenv(state.ENV_VAR)
    at.run()
    assert _shown(at) == "label=Bundled sample; events=30; sample=True; rejects=None; rows=30"


def test_rows_orders_and_low_confidence(frame, ds):
    newest = data.rows(ds, Filters(sectors=("health",)), limit=5, order="newest")
    want = ref_rows(ref_filter(frame, Filters(sectors=("health",)))).iloc[::-1].head(5)
    assert list(newest["event_id"]) == list(want["event_id"])
    low = data.rows(ds, Filters(), limit=20, order="least_confident", low_confidence=True)
    expected = frame[frame["confidence"] < data.LOW_CONFIDENCE].sort_values(["confidence", "event_id"]).head(20)
    assert list(low["event_id"]) == list(expected["event_id"])
    with pytest.raises(ValueError):
        data.rows(ds, Filters(), order="random")
