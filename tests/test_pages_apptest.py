"""Every dashboard page runs without an exception, each sidebar filter narrows the Data table to exactly the
rows a pandas filter of the dataset keeps, and the filters round-trip through the URL's query parameters.

Uses Streamlit's AppTest (no browser) on a 300-row synthetic dataset (``dash_env`` in conftest.py).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import dashboard
from app import regions

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard.py"
DATA_PAGE = "pages/6_data.py"
TIMEOUT = 90


def _app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def _no_exception(at: AppTest) -> None:
    assert not at.exception, "\n".join(str(e.value) for e in at.exception)


def _data_page(at: AppTest | None = None) -> AppTest:
    at = at or _app().run()
    at.switch_page(DATA_PAGE).run()
    _no_exception(at)
    return at


def _table(at: AppTest) -> pd.DataFrame:
    frames = [d.value for d in at.dataframe]
    assert frames, "the Data page shows no table"
    return frames[0]


def _titles(at: AppTest) -> list[str]:
    return sorted(_table(at)["title"].astype(str))


def _expected(df: pd.DataFrame, keep: pd.Series) -> list[str]:
    return sorted(df.loc[keep, "title"].astype(str))


def _any(column: pd.Series, values) -> pd.Series:
    values = set(values)
    return column.map(lambda items: bool(values & set(items)))


def _countries_mask(df: pd.DataFrame, codes) -> pd.Series:
    return _any(df["countries"], codes) | df["host_iso3"].isin(list(codes)).fillna(False).astype(bool)


@pytest.mark.parametrize("page", [p for p, _, _ in dashboard.PAGES])
def test_every_page_runs(dash_env, page):
    at = _app().run()
    _no_exception(at)
    at.switch_page(page).run()
    _no_exception(at)
    assert at.title, f"{page} has no title"
    assert any("SYNTHETIC" in w.value or "SAMPLE" in w.value or "Dataset" in w.value
               for w in [*at.warning, *at.info]), f"{page} shows no dataset banner"


def test_unfiltered_table_has_every_row(dash_env, dash_frame):
    at = _data_page()
    assert len(_table(at)) == len(dash_frame)


def _pick(df: pd.DataFrame, column: str) -> str:
    return df[column].explode().value_counts().index[1]  # not the most common: a real narrowing


FILTER_CASES = {
    "sectors": lambda df: (["health"], _any(df["sectors"], ["health"])),
    "types": lambda df: (["visit", "aid"], df["event_type"].isin(["visit", "aid"])),
    "countries": lambda df: ([_pick(df, "countries")], _countries_mask(df, [_pick(df, "countries")])),
    "organizations": lambda df: ([_pick(df, "organizations")], _any(df["organizations"], [_pick(df, "organizations")])),
    "regions": lambda df: (["continent:Africa"], _countries_mask(df, regions.members("continent:Africa"))),
}


@pytest.mark.parametrize("field", sorted(FILTER_CASES))
def test_sidebar_multiselect_filters_the_table(dash_env, dash_frame, field):
    value, keep = FILTER_CASES[field](dash_frame)
    at = _data_page()
    at.multiselect(key=f"flt_{field}").set_value(value).run()
    _no_exception(at)
    assert 0 < keep.sum() < len(dash_frame)
    assert _titles(at) == _expected(dash_frame, keep)


def test_text_filter(dash_env, dash_frame):
    at = _data_page()
    at.text_input(key="flt_text").set_value("EXHIBITION").run()
    _no_exception(at)
    keep = dash_frame["title"].str.contains("exhibition", case=False) | \
        dash_frame["snippet"].str.contains("exhibition", case=False)
    assert _titles(at) == _expected(dash_frame, keep)


def test_date_filter(dash_env, dash_frame):
    start, end = datetime.date(2010, 1, 1), datetime.date(2014, 12, 31)
    at = _data_page()
    at.date_input(key="flt_dates").set_value((start, end)).run()
    _no_exception(at)
    keep = (dash_frame["end_date"] >= pd.Timestamp(start)) & (dash_frame["start_date"] <= pd.Timestamp(end))
    assert _titles(at) == _expected(dash_frame, keep)


def test_filters_combine_with_and(dash_env, dash_frame):
    at = _data_page()
    at.multiselect(key="flt_sectors").set_value(["science", "education"]).run()
    at.multiselect(key="flt_types").set_value(["visit", "conference", "meeting"]).run()
    _no_exception(at)
    keep = _any(dash_frame["sectors"], ["science", "education"]) & \
        dash_frame["event_type"].isin(["visit", "conference", "meeting"])
    assert _titles(at) == _expected(dash_frame, keep)


def test_territory_fold_shows_territories_as_china(dash_env, dash_frame):
    at = _data_page()
    territories = ("HKG", "MAC", "TWN")
    assert _table(at)["countries"].str.contains("|".join(territories)).any()
    at.radio(key="flt_territory").set_value("fold").run()
    _no_exception(at)
    table = _table(at)
    assert len(table) == len(dash_frame)
    assert not table["countries"].str.contains("|".join(territories)).any()
    assert at.query_params.get("territory") == "fold"


def test_clear_filters(dash_env, dash_frame):
    at = _data_page()
    at.multiselect(key="flt_sectors").set_value(["health"]).run()
    at.button(key="flt_clear").click().run()
    _no_exception(at)
    assert len(_table(at)) == len(dash_frame)


def test_query_params_set_the_widgets(dash_env, dash_frame):
    at = _app()
    at.query_params["sector"] = "health"
    at.query_params["type"] = "visit,meeting"
    at.run()
    at.switch_page(DATA_PAGE).run()
    _no_exception(at)
    assert at.multiselect(key="flt_sectors").value == ["health"]
    assert at.multiselect(key="flt_types").value == ["visit", "meeting"]
    keep = _any(dash_frame["sectors"], ["health"]) & dash_frame["event_type"].isin(["visit", "meeting"])
    assert _titles(at) == _expected(dash_frame, keep)
    summary = [c.value for c in at.caption if "Filtered" in c.value]
    assert summary and "health" in summary[0]


def test_widgets_write_query_params(dash_env):
    at = _data_page()
    at.multiselect(key="flt_sectors").set_value(["health", "culture"]).run()
    at.text_input(key="flt_text").set_value("forum").run()
    _no_exception(at)
    assert at.query_params.get("sector") == "health,culture"
    assert at.query_params.get("q") == "forum"
    at.multiselect(key="flt_sectors").set_value([]).run()
    assert "sector" not in at.query_params


def test_garbage_query_params_are_ignored(dash_env, dash_frame):
    at = _app()
    at.query_params["sector"] = "not-a-sector"
    at.query_params["country"] = "<script>"
    at.query_params["start"] = "yesterday"
    at.run()
    at.switch_page(DATA_PAGE).run()
    _no_exception(at)
    assert len(_table(at)) == len(dash_frame)


def test_filters_survive_page_switches(dash_env, dash_frame):
    at = _data_page()
    at.multiselect(key="flt_sectors").set_value(["health"]).run()
    at.switch_page("pages/2_map.py").run()
    _no_exception(at)
    assert at.multiselect(key="flt_sectors").value == ["health"]
    at.switch_page(DATA_PAGE).run()
    assert _titles(at) == _expected(dash_frame, _any(dash_frame["sectors"], ["health"]))


def test_empty_result_explains_itself(dash_env):
    at = _data_page()
    at.text_input(key="flt_text").set_value("no event has this text zzzq").run()
    _no_exception(at)
    assert len(_table(at)) == 0
    assert any("clear the search text filter" in i.value for i in at.info)
    for page in ("pages/1_overview.py", "pages/2_map.py", "pages/4_sectors.py", "pages/5_network.py"):
        at.switch_page(page).run()
        _no_exception(at)


def test_markdown_in_search_text_is_not_rendered(dash_env):
    at = _data_page()
    at.text_input(key="flt_text").set_value("**bold** [x](javascript:alert(1))").run()
    _no_exception(at)
    summary = next(c.value for c in at.caption if "Filtered" in c.value)
    assert "\\*\\*bold\\*\\*" in summary and "\\[x\\]" in summary


def test_sources_page_reads_rejects_beside_the_dataset(dash_env):
    at = _app().run()
    at.switch_page("pages/7_sources.py").run()
    _no_exception(at)
    frames = [d.value for d in at.dataframe]
    assert any("reason" in f.columns and len(f) == 3 for f in frames), "rejects table missing"
    assert any("column" in f.columns and "event_id" in set(f["column"]) for f in frames), "codebook missing"


def test_upload_page_shows_the_size_limit(dash_env):
    at = _app().run()
    at.switch_page("pages/8_upload.py").run()
    _no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    assert "50 MB" in text


UPLOAD_CSV = (
    b"start_date,end_date,title,countries,host_country,city,sector,event_type,organizations,participants\n"
    b"2021-03-04,2021-03-05,Upload test forum on rural health,PAK,PAK,Lahore,health,conference,Upload Test Society,40\n"
    b"2021-05-10,2021-05-10,Upload test school partnership signed,NPL,NPL,Kathmandu,education,agreement,Upload Test Society,\n"
    b"2021-07-01,2021-07-02,Upload test youth camp,KEN,KEN,Nairobi,youth,training,Upload Youth Club,25\n"
    b"not a date,,Upload test row without a date,KEN,KEN,Nairobi,youth,training,Upload Youth Club,\n"
)


def _upload_page() -> AppTest:
    at = _app().run()
    at.switch_page("pages/8_upload.py").run()
    _no_exception(at)
    return at


def test_upload_reads_counts_and_explores_alone(dash_env):
    at = _upload_page()
    at.file_uploader(key="upload_files").set_value([
        ("mine.csv", UPLOAD_CSV, "text/csv"),
        ("same_bytes_other_name.csv", UPLOAD_CSV, "text/csv"),
        ("broken.xlsx", b"this is not a workbook", "application/octet-stream"),
    ]).run()
    at.button(key="upload_read").click().run()
    _no_exception(at)
    summary = next(d.value for d in at.dataframe if "accepted" in d.value.columns)
    assert list(summary["file"]) == ["mine.csv", "broken.xlsx"]  # the second copy is recognised, not added
    mine = summary.iloc[0]
    assert (mine["read"], mine["accepted"], mine["rejected"]) == (4, 3, 1)
    errors = " ".join(e.value for e in at.error)
    assert "broken" in errors and "Traceback" not in errors
    assert any("already read" in str(p.proto) for p in at.get("progress"))

    at.button(key="upload_alone").click().run()
    _no_exception(at)
    at.switch_page(DATA_PAGE).run()
    _no_exception(at)
    assert sorted(_table(at)["title"]) == ["Upload test forum on rural health", "Upload test school partnership signed",
                                           "Upload test youth camp"]
    assert set(_table(at)["source"]) == {"mine.csv"}
    assert any("Upload" in i.value for i in at.info)


def test_upload_merges_with_the_sample(dash_env):
    at = _upload_page()
    at.file_uploader(key="upload_files").set_value([("mine.csv", UPLOAD_CSV, "text/csv")]).run()
    at.button(key="upload_read").click().run()
    at.button(key="upload_merge").click().run()
    _no_exception(at)
    at.switch_page(DATA_PAGE).run()
    titles = set(_table(at)["title"])
    assert "Upload test youth camp" in titles and len(titles) > 3


def test_upload_file_names_are_made_safe():
    from app import ui

    assert ui.safe_file_name("../../etc/passwd") == "passwd"
    assert ui.safe_file_name("my report (final).CSV") == "my_report_final_.CSV"
    assert ui.safe_file_name(".hidden.tsv") == "hidden.tsv"
