"""GDELT exports: row widths, CAMEO filtering, code tables, rejects."""

from pathlib import Path

import pandas as pd
import pytest

from etl.schema import conform
from etl.sources import gdelt, table
from etl.sources.base import Options
from tests.matrix_cases import gdelt_row as row  # one invented GDELT row of a given width

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "gdelt"
SAMPLE = SHARED / "reed9999_gdelt1_events_sample.tsv"


def write(tmp_path: Path, lines: list[str], name: str = "events.export.CSV") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read(path: Path, **options) -> object:
    result = gdelt.read(path, Options(**options))
    assert result.rows_read == len(result.events) + len(result.rejects)
    return result


@pytest.mark.parametrize("width", [57, 58, 61])
def test_each_width_maps_columns(tmp_path, width):
    result = read(write(tmp_path, [row(width)]))
    event = result.events.iloc[0]
    assert event["start_date"] == pd.Timestamp("2019-03-15") == event["end_date"]
    assert event["date_precision"] == "day"
    assert event["host_iso3"] == "KEN" and event["host_city"] == "Nairobi"
    assert (event["lat"], event["lon"]) == (-1.28333, 36.8167)
    assert event["countries"] == ["KEN"]  # home CHN excluded
    assert event["event_type"] == "visit" and event["sector"] == "diplomacy"
    assert event["source_kind"] == "gdelt" and event["method"] == "gdelt:cameo" and event["confidence"] == 0.6
    assert event["source_start"] == event["source_end"] == 1
    if width == 57:
        assert event["snippet"].startswith("GLOBALEVENTID=1000; SQLDATE=20190315")
    else:
        assert event["snippet"] == "https://news.example.org/story"


def test_mixed_widths_in_one_file_keep_row_numbers(tmp_path):
    lines = [row(58, GLOBALEVENTID="1"), row(57, GLOBALEVENTID="2"), row(61, GLOBALEVENTID="3")]
    result = read(write(tmp_path, lines))
    assert list(result.events["source_start"]) == [1, 2, 3]
    snippets = list(result.events["snippet"])
    assert snippets[0] == snippets[2] == "https://news.example.org/story"
    assert snippets[1].startswith("GLOBALEVENTID=2; SQLDATE=20190315")


@pytest.mark.parametrize(
    "line,reason",
    [
        ("\t".join(["x"] * 30), "wrong column count"),
        (row(SQLDATE="2019031"), "unparseable date"),
        (row(SQLDATE="20190230"), "unparseable date"),
        (row(SQLDATE="18500101"), "date out of range"),
        (row(SQLDATE="29990101"), "date out of range"),
        (row(EventCode=""), "missing CAMEO code"),
        (row(EventCode="ab1"), "invalid CAMEO code"),
        (row(EventCode="190"), "filtered: CAMEO code not kept"),
    ],
)
def test_bad_rows_are_rejected_with_row_number(tmp_path, line, reason):
    result = read(write(tmp_path, [row(), line, row()]))
    assert len(result.events) == 2
    assert result.rejects.to_dict("records") == [
        {"source": str(tmp_path / "events.export.CSV"), "location": "row 2", "reason": reason,
         "detail": result.rejects["detail"].iloc[0]}
    ]


@pytest.mark.parametrize(
    "code,event_type,sector",
    [
        ("042", "visit", "diplomacy"),
        ("043", "visit", "diplomacy"),
        ("036", "meeting", "diplomacy"),
        ("046", "meeting", "diplomacy"),
        ("057", "agreement", "diplomacy"),
        ("0331", "aid", "economy"),
        ("061", "other", "economy"),
        ("062", "other", "policy"),
        ("063", "other", "law"),
    ],
)
def test_cameo_codes_map_to_codebook(tmp_path, code, event_type, sector):
    event = read(write(tmp_path, [row(EventCode=code)])).events.iloc[0]
    assert (event["event_type"], event["sector"]) == (event_type, sector)


def test_roots_and_codes_options_choose_what_is_kept(tmp_path):
    path = write(tmp_path, [row(EventCode="042"), row(EventCode="051"), row(EventCode="190"), row(EventCode="0431")])
    only_visits = read(path, gdelt_roots=(), gdelt_codes=("042", "043"))
    assert list(only_visits.events["source_start"]) == [1, 4]
    assert set(only_visits.rejects["reason"]) == {"filtered: CAMEO code not kept"}
    conflict = read(path, gdelt_roots=("19",), gdelt_codes=())
    assert list(conflict.events["source_start"]) == [3]
    assert all(r.startswith(gdelt.FILTERED_PREFIX) for r in conflict.rejects["reason"])


def test_country_codes_resolve_through_both_tables(tmp_path):
    line = row(Actor1CountryCode="GBR", Actor2CountryCode="AFR", Actor2Name="AFRICA", ActionGeo_CountryCode="RS",
               ActionGeo_Type="1", ActionGeo_FullName="Russia")
    event = read(write(tmp_path, [line])).events.iloc[0]
    assert event["countries"] == ["GBR", "RUS"]
    assert event["groups"] == ["Africa"]
    assert event["host_iso3"] == "RUS"
    assert pd.isna(event["host_city"])  # a country-level place has no city


def test_home_option_changes_exclusion(tmp_path):
    event = read(write(tmp_path, [row()]), home="KEN").events.iloc[0]
    assert event["countries"] == ["CHN"]


def test_organizations_from_group_and_type_codes(tmp_path):
    line = row(Actor2Name="UNITED NATIONS", Actor2Code="IGOUNO", Actor2CountryCode="", Actor2Type1Code="IGO",
               Actor2KnownGroupCode="UNO", Actor1Name="EUROPEAN UNION", Actor1KnownGroupCode="EEC",
               Actor1CountryCode="")
    event = read(write(tmp_path, [line])).events.iloc[0]
    assert event["organizations"] == ["European Union", "United Nations"]
    assert event["groups"] == ["EU"]
    assert event["title"] == "European Union visits United Nations (Nairobi)"


def test_title_reads_as_a_sentence(tmp_path):
    event = read(write(tmp_path, [row(EventCode="057", Actor2Name="")])).events.iloc[0]
    assert event["title"] == "China signs an agreement with an unnamed party (Nairobi)"


def test_header_line_and_blank_lines_are_not_rows(tmp_path):
    header = "\t".join(gdelt.LAYOUTS[58])
    result = read(write(tmp_path, [header, row(), "", row(GLOBALEVENTID="2")]))
    assert result.rows_read == 2
    assert list(result.events["source_start"]) == [1, 3]


def test_output_fits_the_schema(tmp_path):
    events = conform(read(write(tmp_path, [row(), row(EventCode="057")])).events)
    assert list(events["date_precision"]) == ["day", "day"]
    assert events["countries"].map(list).tolist() == [["KEN"], ["KEN"]]


def test_sniff_tells_gdelt_from_tables(tmp_path):
    head = (row() + "\n").encode()
    assert gdelt.sniff(Path("x.export.CSV"), head)
    assert not table.sniff(Path("x.export.CSV"), head)
    assert not gdelt.sniff(Path("a.csv"), b"date,title,country\n2019-01-01,x,France\n")


def test_only_filtered_rows_give_no_events(tmp_path):
    result = read(write(tmp_path, [row(EventCode="190")]))
    assert result.events.empty and result.rows_read == 1


@pytest.mark.shared
@pytest.mark.skipif(not SAMPLE.is_file(), reason="../shared GDELT sample not present")
def test_real_sample_both_widths_and_code_coverage():
    result = read(SAMPLE)
    widths = pd.Series([len(line.split("\t")) for line in SAMPLE.read_text(encoding="utf-8").splitlines()])
    assert set(widths) == {57, 58}
    assert result.rows_read == len(widths)
    assert not result.rejects["reason"].str.startswith(gdelt.FILTERED_PREFIX).eq(False).any()
    kept = result.events["source_start"]
    assert set(widths.iloc[kept - 1]) == {57, 58}
    cover = gdelt.coverage(SAMPLE)
    for kind in ("actor", "geo"):
        resolved, total = cover[kind]
        assert total and resolved / total >= 0.99, (kind, cover, gdelt.unresolved(SAMPLE))
    assert cover["actor_iso3"][0] / cover["actor_iso3"][1] >= 0.97
