"""Downloads: exactly the rows given, lists joined by ';', formula injection neutralized (checked by reading the
bytes back), numbers kept as numbers, a self-documenting zip, and safe file names."""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import data, downloads
from app.filters import Filters
from etl import synth
from etl.schema import COLUMN_NAMES, conform

EVIL = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd|' /C calc'!A0", "\tTAB", "\rCR", "=HYPERLINK(\"http://x\")"]


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    df = synth.generate(len(EVIL) + 3, 5)
    n = len(EVIL)
    df.loc[: n - 1, "title"] = EVIL
    df.loc[: n - 1, "snippet"] = EVIL
    df.loc[0, "organizations"] = ["=cmd()", "Plain Org"]
    df.loc[1, "host_city"] = "-Minus City"
    df["lat"] = -33.925
    df["lon"] = -18.42
    df.loc[n, "title"] = "safe title, with comma and \"quotes\""
    return conform(df)


def _csv(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(downloads.csv_bytes(rows)), dtype=str, keep_default_na=False)


def test_csv_neutralizes_formula_cells(rows):
    back = _csv(rows)
    for value in back["title"][: len(EVIL)]:
        assert value.startswith("'") and value[1:] in EVIL
    assert all(v.startswith("'") for v in back["snippet"][: len(EVIL)])
    assert back.loc[0, "organizations"] == "'=cmd();Plain Org"
    assert back.loc[1, "host_city"] == "'-Minus City"
    assert back.loc[len(EVIL), "title"] == "safe title, with comma and \"quotes\""


def test_csv_keeps_numbers_as_numbers(rows):
    back = pd.read_csv(io.BytesIO(downloads.csv_bytes(rows)))
    assert back["lat"].dtype.kind == "f" and (back["lat"] == -33.925).all()
    assert back["lon"].dtype.kind == "f" and (back["lon"] == -18.42).all()
    assert back["confidence"].dtype.kind == "f"


def test_csv_is_exactly_the_rows_with_lists_joined(rows):
    back = _csv(rows)
    assert list(back.columns) == list(COLUMN_NAMES) and len(back) == len(rows)
    assert list(back["event_id"]) == list(rows["event_id"])
    assert list(back["countries"]) == [";".join(c) for c in rows["countries"]]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", back.loc[0, "start_date"])


def test_xlsx_neutralizes_formulas_and_keeps_numbers(rows):
    book = openpyxl.load_workbook(io.BytesIO(downloads.xlsx_bytes(rows)))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header == list(COLUMN_NAMES)
    col = {name: i for i, name in enumerate(header)}
    values = list(sheet.iter_rows(min_row=2, values_only=False))
    assert len(values) == len(rows)
    for row in values[: len(EVIL)]:
        for name in ("title", "snippet"):
            cell = row[col[name]]
            assert cell.data_type == "s" and cell.value.startswith("'")
    assert values[0][col["organizations"]].value == "'=cmd();Plain Org"
    assert all(c.data_type != "f" for row in values for c in row)
    lat = values[0][col["lat"]]
    assert lat.data_type == "n" and lat.value == -33.925
    assert sheet.freeze_panes == "A2"


def test_xlsx_refuses_more_rows_than_a_sheet(rows, monkeypatch):
    monkeypatch.setattr(downloads, "XLSX_MAX_ROWS", 3)
    with pytest.raises(ValueError, match="Excel"):
        downloads.xlsx_bytes(rows)


def test_parquet_round_trips_the_rows(rows):
    back = pd.read_parquet(io.BytesIO(downloads.parquet_bytes(rows)))
    pd.testing.assert_frame_equal(conform(back), rows)


def test_parquet_of_any_table():
    table = pd.DataFrame({"iso3": ["PAK"], "events": [3]})
    assert pd.read_parquet(io.BytesIO(downloads.parquet_bytes(table))).equals(table)


def test_neutralize_leaves_non_text_alone():
    assert downloads.neutralize(-5) == -5 and downloads.neutralize(None) is None
    assert downloads.neutralize("a-b") == "a-b" and downloads.neutralize("-x") == "'-x"


# ====================================================================== the bundle


@pytest.fixture(scope="module")
def dataset(rows) -> data.Dataset:
    return data.from_frame(rows, "Synthetic test", synthetic=True)


def test_zip_bundle_documents_itself(rows, dataset):
    f = Filters(sectors=("health",), countries=("PAK",), territory="fold")
    blob = downloads.zip_bundle(rows, f, dataset, "# my codebook\n")
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        assert sorted(zf.namelist()) == ["codebook.md", "events.csv", "filters.json"]
        meta = json.loads(zf.read("filters.json"))
        csv = pd.read_csv(io.BytesIO(zf.read("events.csv")), dtype=str, keep_default_na=False)
        assert zf.read("codebook.md").decode() == "# my codebook\n"
    assert len(csv) == len(rows)
    assert meta["filters"]["sectors"] == ["health"] and meta["query_params"] == f.to_query_params()
    assert meta["data_version"] == dataset.version and meta["dataset"] == "Synthetic test"
    assert meta["synthetic"] is True and meta["territory_policy"] == "fold" and meta["rows"] == len(rows)
    assert meta["citation"] == (f"Exchange Atlas (2026), data version {dataset.version}, filtered: sector = health; "
                                "country = PAK; HKG, MAC, TWN shown as CHN")


def test_zip_bundle_is_deterministic_and_has_a_default_codebook(rows, dataset):
    a = downloads.zip_bundle(rows, Filters(), dataset)
    assert a == downloads.zip_bundle(rows, Filters(), dataset)
    with zipfile.ZipFile(io.BytesIO(a)) as zf:
        book = zf.read("codebook.md").decode()
        meta = json.loads(zf.read("filters.json"))
    assert all(f"| {name} |" in book for name in COLUMN_NAMES)
    assert "**health**" in book and "**visit**" in book
    assert meta["citation"].endswith("filtered: none")


def test_bundle_bytes_without_a_session(rows):
    with zipfile.ZipFile(io.BytesIO(downloads.bundle_bytes(rows, Filters()))) as zf:
        assert "events.csv" in zf.namelist()


# ====================================================================== names


def test_file_name_carries_the_filters():
    f = Filters(start=datetime.date(2019, 1, 1), end=datetime.date(2020, 12, 31), sectors=("health",))
    assert downloads.file_name("events", f, "csv") == "events_2019-2020_health.csv"
    assert downloads.file_name(f, "xlsx") == "exchange-atlas-events_2019-2020_health.xlsx"
    assert downloads.file_name("events", Filters(), ".zip") == "events_all.zip"


@settings(max_examples=200)
@given(st.text(max_size=300), st.text(max_size=300), st.sampled_from(["csv", "xlsx", "parquet", "zip", "../x"]))
def test_file_names_are_always_safe(stem, text, ext):
    name = downloads.file_name(stem, Filters(text=text, organizations=(text,) if text else ()), ext)
    assert re.fullmatch(r"[A-Za-z0-9._-]+", name)
    assert len(name) <= downloads.MAX_NAME
    assert not name.startswith(".") and ".." not in name and name.endswith("." + (ext.strip("./") or "bin"))
