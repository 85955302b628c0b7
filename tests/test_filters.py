"""Filters (pure dataclass and URL state), the region tables behind the region filter, and the sidebar helpers."""

from __future__ import annotations

import datetime
import re
from urllib.parse import parse_qsl, urlencode

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import regions
from app.filters import LIST_FIELDS, PARAM_NAMES, Filters, escape_markdown
from etl.schema import vocabularies

VOCAB = vocabularies()
ISO3 = st.from_regex(r"[A-Z]{3}", fullmatch=True)
ORG = st.text(min_size=1, max_size=60)
TEXT = st.text(max_size=200)


def _tuples(strategy, max_size: int = 4):
    return st.lists(strategy, max_size=max_size, unique=True).map(tuple)


FILTERS = st.builds(
    Filters,
    start=st.none() | st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 1, 1)),
    end=st.none() | st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 1, 1)),
    regions=_tuples(st.sampled_from(regions.region_options())),
    countries=_tuples(ISO3),
    sectors=_tuples(st.sampled_from(VOCAB["sectors"])),
    types=_tuples(st.sampled_from(VOCAB["event_types"])),
    organizations=_tuples(ORG),
    text=TEXT,
    territory=st.sampled_from(["separate", "fold"]),
)


# ====================================================================== URL round trip


@settings(max_examples=400)
@given(FILTERS)
def test_query_params_round_trip(f):
    assert Filters.from_query_params(f.to_query_params()) == f


@settings(max_examples=200)
@given(FILTERS)
def test_round_trip_through_a_real_url(f):
    query = urlencode(f.to_query_params())
    assert Filters.from_query_params(dict(parse_qsl(query, keep_blank_values=True))) == f


@given(FILTERS)
def test_query_params_are_flat_strings_and_omit_empty_fields(f):
    params = f.to_query_params()
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in params.items())
    assert set(params) <= set(PARAM_NAMES.values())
    for name in LIST_FIELDS:
        assert (PARAM_NAMES[name] in params) == bool(getattr(f, name))
    assert Filters().to_query_params() == {}


def test_lists_are_comma_joined():
    f = Filters(sectors=("health", "culture"), countries=("PAK", "NPL"))
    assert f.to_query_params() == {"sector": "health,culture", "country": "PAK,NPL"}


def test_commas_in_organization_names_survive():
    f = Filters(organizations=("Association of A, B and C", "back\\slash", ","))
    assert Filters.from_query_params(f.to_query_params()) == f


def test_garbage_is_dropped_not_fatal():
    params = {
        "sector": "not-a-sector,health", "country": "<script>,PAK,pak,PAKI", "start": "yesterday",
        "end": "2020-13-45", "territory": "annex", "region": "continent:Atlantis,group:ASEAN", "type": "visit,;",
        "unknown": "x", "org": "",
    }
    assert Filters.from_query_params(params) == Filters(sectors=("health",), countries=("PAK",),
                                                        regions=("group:ASEAN",), types=("visit",))


def test_repeated_parameters_and_odd_mappings():
    assert Filters.from_query_params({"sector": ["culture", "health"]}) == Filters(sectors=("health",))
    assert Filters.from_query_params({"sector": 5}) == Filters()
    assert Filters.from_query_params({}) == Filters()


# ====================================================================== the dataclass


def test_normalization_makes_equal_views_equal():
    a = Filters(countries=["PAK", "PAK", "NPL"], start=datetime.datetime(2020, 1, 1, 12), text="  forum ")
    b = Filters(countries=("PAK", "NPL"), start=datetime.date(2020, 1, 1), text="forum")
    assert a == b and hash(a) == hash(b)
    assert Filters(start="2020-01-01").start == datetime.date(2020, 1, 1)
    assert Filters(start=pd.Timestamp("2020-01-01")).start == datetime.date(2020, 1, 1)


def test_bad_territory_raises():
    with pytest.raises(ValueError):
        Filters(territory="annex")


def test_summary():
    assert Filters().summary() == "No filters"
    assert Filters(sectors=("health",), countries=("PAK", "NPL")).summary() == \
        "Filtered: sector = health; countries = PAK, NPL"
    assert "HKG, MAC, TWN shown as CHN" in Filters(territory="fold").summary()
    assert 'text contains "forum"' in Filters(text="forum").summary()
    assert "dates = 2020-01-01 to …" in Filters(start=datetime.date(2020, 1, 1)).summary()


@given(FILTERS)
def test_slug_is_short_and_filesystem_safe(f):
    slug = f.slug()
    assert re.fullmatch(r"[A-Za-z0-9_-]+", slug) and len(slug) <= 60
    assert not slug.startswith(("-", "_"))


def test_slug_names_the_filters():
    assert Filters().slug() == "all"
    slug = Filters(start=datetime.date(2019, 1, 1), end=datetime.date(2020, 12, 31), sectors=("health",),
                   countries=("PAK", "NPL")).slug()
    assert slug == "2019-2020_health_PAK-NPL"
    assert Filters(text="../../etc/passwd").slug() == "q-etc-passwd"


def test_is_empty_ignores_the_territory_policy():
    assert Filters().is_empty() and Filters(territory="fold").is_empty()
    for f in (Filters(text="x"), Filters(sectors=("health",)), Filters(end=datetime.date(2020, 1, 1))):
        assert not f.is_empty()


def test_add_is_idempotent_and_accepts_singular_names():
    f = Filters().add("sector", "health").add("sectors", "health").add("country", "PAK")
    assert f == Filters(sectors=("health",), countries=("PAK",))
    assert f.add("sector", "health") is f
    assert f.add("text", "forum").text == "forum"
    assert f.add("territory", "fold").territory == "fold"
    with pytest.raises(ValueError):
        f.add("colour", "red")


def test_markdown_in_the_summary_is_escaped():
    shown = escape_markdown(Filters(text="**bold** [x](javascript:alert(1))").summary())
    assert "\\*\\*bold\\*\\*" in shown and "\\[x\\]" in shown


# ====================================================================== regions


def test_namibia_survives_pandas_na_parsing():
    table = regions.region_table()
    assert "NAM" in set(table["iso3"])
    assert table.set_index("iso3").loc["NAM", "continent"] == "Africa"
    assert regions.converter().convert("Namibia", to="ISO3") == "NAM"
    assert "NAM" in regions.members("group:AU")


def test_region_table_covers_the_map():
    table = regions.region_table()
    centroids = pd.read_csv(regions.CENTROIDS_PATH, dtype=str, keep_default_na=False)
    assert set(centroids["iso3"]) <= set(table["iso3"])
    assert table["iso3"].is_unique and not table.isna().any().any()
    assert table.set_index("iso3").loc["KEN", "subregion"] == "Eastern Africa"


def test_groups_file_is_valid():
    listed = pd.read_csv(regions.GROUPS_PATH, dtype=str, keep_default_na=False, comment="#")
    assert list(listed.columns) == ["group", "iso3"]
    assert not listed.duplicated().any()
    assert set(listed["iso3"]) <= set(regions.region_table()["iso3"])
    assert set(listed["group"]) == {"ASEAN", "SCO", "BRICS", "CEEC", "G20", "AU"}


@pytest.mark.parametrize("group,size,members", [
    ("ASEAN", 11, {"IDN", "VNM", "SGP", "TLS"}),
    ("SCO", 10, {"CHN", "RUS", "IND", "PAK", "IRN", "BLR"}),
    ("BRICS", 10, {"BRA", "RUS", "IND", "CHN", "ZAF", "EGY", "ETH", "IRN", "ARE", "IDN"}),
    ("CEEC", 17, {"POL", "HUN", "SRB", "GRC", "LTU"}),
    ("G20", 19, {"USA", "CHN", "ZAF", "ARG", "SAU"}),
    ("AU", 55, {"NAM", "MAR", "EGY", "ESH", "ZAF"}),
    ("EU", 27, {"DEU", "FRA", "HRV"}),
    ("APEC", 21, {"HKG", "TWN", "CHN", "USA", "PER"}),
])
def test_group_members(group, size, members):
    got = regions.members(f"group:{group}")
    assert len(got) == size and members <= got


def test_au_is_the_african_un_members_and_western_sahara():
    coco = regions.coco_data()
    african_un = set(coco.loc[(coco["continent"] == "Africa") & (coco["UNmember"] != ""), "ISO3"])
    assert regions.members("group:AU") == frozenset(african_un | {"ESH"})


def test_gb_is_not_in_the_eu_and_g20_has_no_eu_states():
    assert "GBR" not in regions.members("group:EU")
    assert not regions.members("group:G20") & {"AUT", "BEL", "NLD"}


def test_region_options_and_expand():
    options = regions.region_options()
    for value in ("continent:Africa", "subregion:Eastern Africa", "group:ASEAN", "group:Belt and Road countries"):
        assert value in options
    assert len(options) == len(set(options))
    codes, groups = regions.expand(["group:ASEAN", "continent:Oceania"])
    assert "VNM" in codes and "AUS" in codes and groups == ("ASEAN",)
    assert regions.expand(["group:Belt and Road countries"]) == ((), ("Belt and Road countries",))
    assert regions.label("group:ASEAN") == "ASEAN (group)"
    with pytest.raises(ValueError):
        regions.parse("planet:Mars")


def test_group_member_table_shape():
    table = regions.group_members()
    assert list(table.columns) == ["group", "iso3"] and not table.duplicated().any()


# ====================================================================== the sidebar in a running app


def _sidebar_app():
    import streamlit as st

    from app import data, filters
    from etl import synth

    @st.cache_resource
    def dataset():
        return data.from_frame(synth.generate(80, 1), "sidebar test")

    ds = dataset()
    f = filters.sidebar(ds)
    if st.button("cross-filter", key="click"):
        filters.add_filter("sector", "health")
    st.markdown(f"rows: {data.count(ds, f)}")


def test_sidebar_reads_and_writes_the_url_and_cross_filters():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_sidebar_app, default_timeout=60)
    at.query_params["type"] = "visit,meeting"
    at.run()
    assert not at.exception
    assert at.multiselect(key="flt_types").value == ["visit", "meeting"]
    at.button(key="click").click().run()
    assert not at.exception
    assert at.multiselect(key="flt_sectors").value == ["health"]
    assert at.query_params.get("sector") == "health"
    at.button(key="flt_clear").click().run()
    assert at.multiselect(key="flt_sectors").value == [] and "sector" not in at.query_params
    at.radio(key="flt_territory").set_value("fold").run()
    assert at.query_params.get("territory") == "fold"
