"""Researchers' tables: formats, header recognition, normalisation, rejects, links and aggregates."""

import codecs
import json
import logging
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from etl.errors import InputError
from etl.schema import conform
from etl.sources import table
from etl.sources.base import Options

SISTER_CITIES = Path(__file__).resolve().parents[2] / "shared" / "data" / "sister_cities" / \
    "hekman_twin_cities_geocoded.csv"
HEADER = "date,title,country,city,sector,type,organizer,participants"


def write(tmp_path: Path, text: str, name: str = "events.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path, **options):
    result = table.read(path, Options(**options))
    assert result.rows_read == len(result.events) + len(result.rejects) + (
        len(result.aggregates.drop_duplicates("source_row")) if result.aggregates is not None else 0)
    return result


def one(tmp_path: Path, line: str, header: str = HEADER, **options) -> pd.Series:
    """The single event read from a header and one data line."""
    result = read(write(tmp_path, f"{header}\n{line}\n"), **options)
    assert result.rejects.empty, result.rejects.to_dict("records")
    return result.events.iloc[0]


def reasons(tmp_path: Path, text: str, name: str = "events.csv") -> list[tuple[str, str]]:
    result = read(write(tmp_path, text, name))
    return list(zip(result.rejects["location"], result.rejects["reason"], strict=True))


# ---------------------------------------------------------------- headers


@pytest.mark.parametrize(
    "header,field",
    [
        ("Date", "start"), ("Start Date", "start"), ("event_date", "start"), ("BEGIN", "start"), ("from", "start"),
        ("End", "end"), ("end-date", "end"), ("until", "end"),
        ("Country", "countries"), ("Partner Country", "countries"), ("counterpart", "countries"),
        ("Host Country", "host_country"), ("location_country", "host_country"),
        ("City", "city"), ("host city", "city"), ("Location", "city"),
        ("Sector", "sector"), ("field", "sector"), ("Area", "sector"),
        ("Type", "event_type"), ("Activity", "event_type"), ("category", "event_type"),
        ("Organiser", "organizations"), ("Organizations", "organizations"), ("host_org", "organizations"),
        ("Participants", "participants"), ("headcount", "participants"), ("n_participants", "participants"),
        ("Title", "title"), ("Event", "title"), ("headline", "title"),
        ("Description", "description"), ("Notes", "description"),
        ("year", "year"), ("lng2", "lon2"), ("country1", "country1"), ("Remarks X", None),
    ],
)
def test_header_synonyms(header, field):
    assert table.header_field(header) == field


def test_mapping_file_names_fields(tmp_path):
    text = "Datum,Land,Was\n2019-05-02,Kenya,Besuch einer Delegation\n"
    mapping = {"Datum": "start_date", "Land": "countries", "Was": "title"}
    result = read(write(tmp_path, text), mapping=mapping)
    event = result.events.iloc[0]
    assert (event["title"], event["countries"]) == ("Besuch einer Delegation", ["KEN"])
    assert event["start_date"] == pd.Timestamp("2019-05-02")


def test_title_rows_above_the_header_are_skipped(tmp_path):
    text = "Exchange activities of 2019\nCompiled by the office\n\n" + HEADER + "\n2019-01-05,Forum,Kenya,,,,,\n"
    result = read(write(tmp_path, text))
    assert result.events.iloc[0]["title"] == "Forum"
    assert result.events.iloc[0]["source_start"] == 1


def test_duplicate_columns_are_renamed_and_the_first_is_used(tmp_path, caplog):
    text = "date,country,country,title\n2019-01-05,Kenya,Peru,Talks\n"
    with caplog.at_level(logging.WARNING, logger="etl.sources.table"):
        event = read(write(tmp_path, text)).events.iloc[0]
    assert "duplicate column 'country' renamed 'country.1'" in caplog.text
    assert event["countries"] == ["KEN"]
    assert "country.1=Peru" in event["snippet"]


def test_no_date_column_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no date column"):
        read(write(tmp_path, "title,country\nTalks,Kenya\n"))


# ---------------------------------------------------------------- delimited text


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    lines = [["date", "title", "country"], ["2019-01-05", "Talks, round 2", "Kenya"], ["2019-02-06", "Forum", "Peru"]]
    text = "\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in r) for r in lines) + "\n"
    result = read(write(tmp_path, text, "t.tsv" if delimiter == "\t" else "t.csv"))
    assert list(result.events["title"]) == ["Talks, round 2", "Forum"]


@pytest.mark.parametrize(
    "encoding,prefix", [("utf-8", b""), ("utf-8-sig", b""), ("utf-16", b""), ("gb18030", b"")],
)
def test_encodings(tmp_path, encoding, prefix):
    text = "日期,标题,country\n2019-01-05,北京市对外友好协会代表团访问肯尼亚,Kenya\n"
    path = tmp_path / "zh.csv"
    path.write_bytes(prefix + text.encode(encoding))
    event = read(path, mapping={"日期": "start_date", "标题": "title"}).events.iloc[0]
    assert event["title"] == "北京市对外友好协会代表团访问肯尼亚"
    assert event["countries"] == ["KEN"]


def test_bom_does_not_spoil_the_first_header(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"date,country\n2019-01-05,Kenya\n")
    assert read(path).events.iloc[0]["start_date"] == pd.Timestamp("2019-01-05")


def test_unterminated_quote_names_file_and_line(tmp_path):
    text = 'date,title,country\n2019-01-05,ok,Kenya\n2019-01-06,"never closed,Kenya\n2019-01-07,x,Peru\n'
    with pytest.raises(InputError) as info:
        read(write(tmp_path, text))
    assert info.value.location == "line 3"
    assert "unterminated quote" in str(info.value) and "events.csv" in str(info.value)


def test_inch_mark_is_not_an_unterminated_quote(tmp_path):
    text = 'date,title,country\n2019-01-05,A 5" screen donated,Kenya\n'
    assert read(write(tmp_path, text)).events.iloc[0]["title"] == 'A 5" screen donated'


def test_quoted_newlines_and_escaped_quotes(tmp_path):
    text = 'date,title,country\n2019-01-05,"Two\nlines, ""quoted""",Kenya\n2019-01-06,next,Peru\n'
    result = read(write(tmp_path, text))
    assert list(result.events["title"]) == ['Two\nlines, "quoted"', "next"]
    assert list(result.events["source_start"]) == [1, 2]


def test_ragged_rows_are_rejected_and_the_rest_kept(tmp_path):
    text = ("date,title,country\n2019-01-05,a,Kenya\n2019-01-06,b\n2019-01-07,c,Peru,extra\n"
            "2019-01-08,d,Peru,,\n2019-01-09,e,Chile\n")
    result = read(write(tmp_path, text))
    assert list(result.events["title"]) == ["a", "d", "e"]
    assert list(result.events["source_start"]) == [1, 4, 5]
    assert list(zip(result.rejects["location"], result.rejects["reason"], strict=True)) == [
        ("row 2", "ragged row"), ("row 3", "ragged row")]


def test_header_only_gives_zero_rows(tmp_path):
    result = read(write(tmp_path, HEADER + "\n"))
    assert result.rows_read == 0 and result.events.empty and result.rejects.empty


def test_a_ten_megabyte_line(tmp_path):
    long_text = "word " * 2_000_000
    text = f"date,title,country,notes\n2019-01-05,Long,Kenya,{long_text}\n2019-01-06,Short,Peru,x\n"
    result = read(write(tmp_path, text))
    assert list(result.events["title"]) == ["Long", "Short"]
    assert len(result.events.iloc[0]["snippet"]) == table.SNIPPET_MAX
    assert result.events.iloc[0]["snippet"].endswith("…")


def test_gzip_csv(tmp_path):
    import gzip

    path = tmp_path / "events.csv.gz"
    path.write_bytes(gzip.compress(b"date,country\n2019-01-05,Kenya\n"))
    assert read(path).events.iloc[0]["countries"] == ["KEN"]


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "cells,expected",
    [
        (["03/04/2018"], [("row 1", "ambiguous date")]),
        (["03/04/2018", "13/04/2018"], []),  # another value says day first
        (["1850-01-01"], [("row 1", "date out of range")]),
        ([f"{date.today().year + 3}-01-01"], [("row 1", "date out of range")]),
        (["2019-02-30"], [("row 1", "impossible date")]),
        (["someday"], [("row 1", "unparseable date")]),
        ([""], [("row 1", "missing date")]),
        (["N/A", "2019-05-01"], [("row 1", "missing date")]),
    ],
)
def test_date_rejects(tmp_path, cells, expected):
    text = "date,country\n" + "".join(f"{c},Kenya\n" for c in cells)
    assert reasons(tmp_path, text) == expected


def test_column_order_of_day_and_month(tmp_path):
    result = read(write(tmp_path, "date,country\n03/04/2018,Kenya\n04/25/2018,Peru\n"))
    assert list(result.events["start_date"]) == [pd.Timestamp("2018-03-04"), pd.Timestamp("2018-04-25")]


@pytest.mark.parametrize(
    "cell,start,end,precision",
    [
        ("2019-06-13", "2019-06-13", "2019-06-13", "day"),
        ("June 2019", "2019-06-01", "2019-06-30", "month"),
        ("2019", "2019-01-01", "2019-12-31", "year"),
        ("12-16 January 2019", "2019-01-12", "2019-01-16", "day"),
    ],
)
def test_date_precision(tmp_path, cell, start, end, precision):
    event = one(tmp_path, f'"{cell}",Kenya', header="date,country")
    assert (event["start_date"], event["end_date"], event["date_precision"]) == (
        pd.Timestamp(start), pd.Timestamp(end), precision)


def test_end_column_and_backwards_range(tmp_path):
    text = "start,end,country\n2019-01-05,2019-01-08,Kenya\n2019-01-05,2019-01-02,Peru\n"
    result = read(write(tmp_path, text))
    assert result.events.iloc[0]["end_date"] == pd.Timestamp("2019-01-08")
    assert list(result.rejects["reason"]) == ["end before start"]


def test_year_column_dates_an_event_table(tmp_path):
    event = one(tmp_path, "2017,Youth camp,Kenya", header="year,title,country")
    assert (event["date_precision"], event["start_date"]) == ("year", pd.Timestamp("2017-01-01"))


# ---------------------------------------------------------------- participants


@pytest.mark.parametrize(
    "cell,value,qualifier",
    [('"1,200"', 1200, "exact"), ("N/A", None, None), ("-99", None, None), ("", None, None), ("300+", 300, "more_than")],
)
def test_participants(tmp_path, cell, value, qualifier):
    event = one(tmp_path, f"2019-01-05,Kenya,{cell}", header="date,country,participants")
    if value is None:
        assert pd.isna(event["participants"]) and pd.isna(event["participants_qualifier"])
    else:
        assert (event["participants"], event["participants_qualifier"]) == (value, qualifier)


@pytest.mark.parametrize("cell,reason", [("-5", "negative participants"), ("20000000000", "implausible participants"),
                                         ("lots of", "unparseable participants")])
def test_bad_participants_reject_the_row(tmp_path, cell, reason):
    assert reasons(tmp_path, f"date,country,participants\n2019-01-05,Kenya,{cell}\n") == [("row 1", reason)]


# ---------------------------------------------------------------- countries and place


@pytest.mark.parametrize(
    "cell,countries",
    [
        ('"Korea, Republic of"', ["KOR"]),
        ("France|Kenya", ["FRA", "KEN"]),
        ("France; Germany", ["FRA", "DEU"]),
        ('"France, Germany"', ["FRA", "DEU"]),
        ("KE", ["KEN"]),
        ("PER", ["PER"]),
        ("China|Kenya", ["KEN"]),  # home is never a counterpart
    ],
)
def test_country_cells(tmp_path, cell, countries):
    assert one(tmp_path, f"2019-01-05,{cell}", header="date,country")["countries"] == countries


def test_home_option(tmp_path):
    assert one(tmp_path, "2019-01-05,China|Kenya", header="date,country", home="KEN")["countries"] == ["CHN"]


def test_unknown_country_among_known_keeps_the_row(tmp_path):
    event = one(tmp_path, "2019-01-05,Kenya|Atlantis", header="date,country")
    assert event["countries"] == ["KEN"]
    assert "unresolved=Atlantis" in event["method"]
    assert event["confidence"] < table.CONFIDENCE


@pytest.mark.parametrize("cell,reason", [("Atlantis", "unknown country"), ("", "missing country")])
def test_rows_without_any_country_are_rejected(tmp_path, cell, reason):
    assert reasons(tmp_path, f"date,country\n2019-01-05,{cell}\n2019-01-06,Kenya\n") == [("row 1", reason)]


def test_group_in_the_country_column_is_a_group(tmp_path):
    event = one(tmp_path, "2019-01-05,ASEAN|Kenya", header="date,country")
    assert (event["countries"], event["groups"]) == (["KEN"], ["ASEAN"])
    assert "unresolved" not in event["method"]


def test_groups_named_in_the_title(tmp_path):
    event = one(tmp_path, "2019-01-05,Kenya,SCO youth forum with African Union guests", header="date,country,title")
    assert event["groups"] == ["SCO", "AU"]


def test_host_country_column_is_the_host(tmp_path):
    event = one(tmp_path, "2019-01-05,Kenya|Peru,Peru", header="date,partner,host_country")
    assert event["host_iso3"] == "PER"
    assert event["countries"] == ["KEN", "PER"]


def test_lone_counterpart_is_not_assumed_to_be_the_host(tmp_path):
    event = one(tmp_path, "2019-01-05,Kenya", header="date,country")
    assert pd.isna(event["host_iso3"]) and pd.isna(event["lat"])


def test_city_that_matches_the_country_sets_host_and_coordinates(tmp_path):
    event = one(tmp_path, "2019-01-05,Kenya,Nairobi", header="date,country,city")
    assert event["host_iso3"] == "KEN" and event["host_city"] == "Nairobi"
    assert event["lat"] == pytest.approx(-1.28, abs=0.1)


def test_city_in_another_country_does_not_set_the_host(tmp_path):
    event = one(tmp_path, "2019-01-05,Kenya,Lima", header="date,country,city")
    assert pd.isna(event["host_iso3"]) and event["host_city"] == "Lima"


def test_host_without_a_city_gets_the_centroid(tmp_path):
    event = one(tmp_path, "2019-01-05,Kenya", header="date,host_country")
    assert event["host_iso3"] == "KEN" and event["lat"] == pytest.approx(0.5, abs=2)


def test_explicit_coordinates_win(tmp_path):
    event = one(tmp_path, "2019-01-05,Kenya,Nairobi,-1.5,37.1", header="date,country,city,lat,lon")
    assert (event["lat"], event["lon"]) == (-1.5, 37.1)


# ---------------------------------------------------------------- sector and type


@pytest.mark.parametrize(
    "sector,sectors",
    [
        ("education", ["education"]), ("Education & Youth", ["education", "youth"]), ("CULTURE", ["culture"]),
        ("cultural exchange", ["culture"]), ("sport", ["sports"]), ("civil society", ["civil_society"]),
        ("health; women", ["health", "women"]), ("trade", ["economy"]),
    ],
)
def test_sector_cells(tmp_path, sector, sectors):
    event = one(tmp_path, f"2019-01-05,Kenya,{sector},visit", header="date,country,sector,type")
    assert (event["sector"], event["sectors"]) == (sectors[0], sectors)
    assert "sector=classified" not in event["method"]


@pytest.mark.parametrize(
    "cell,code",
    [("visit", "visit"), ("Forum", "conference"), ("seminar", "conference"), ("Delegation", "visit"),
     ("MoU", "agreement"), ("signing", "agreement"), ("Exhibition", "exhibition"), ("training course", "training")],
)
def test_type_cells(tmp_path, cell, code):
    event = one(tmp_path, f"2019-01-05,Kenya,culture,{cell}", header="date,country,sector,type")
    assert event["event_type"] == code


def test_unknown_codes_fall_back_to_the_classifier(tmp_path):
    event = one(tmp_path, "2019-01-05,Kenya,misc,stuff,Medical team donates spectacles to a hospital",
                header="date,country,sector,type,title")
    assert event["sector"] == "health"
    assert "sector=classified" in event["method"] and "type=classified" in event["method"]
    assert event["confidence"] == pytest.approx(table.CONFIDENCE - 0.2)


def test_nothing_to_classify_gives_defaults(tmp_path):
    event = one(tmp_path, "2019-01-05,Kenya", header="date,country")
    assert (event["sector"], event["event_type"]) == ("civil_society", "other")
    assert event["title"] == "Other – KEN"


# ---------------------------------------------------------------- the event row


def test_full_row(tmp_path):
    line = '2019-03-04,Youth forum,"Korea, Republic of",Seoul,education & youth,forum,CPAFFC|Seoul Youth Hub,"1,200"'
    event = one(tmp_path, line)
    assert event["title"] == "Youth forum"
    assert event["organizations"] == ["CPAFFC", "Seoul Youth Hub"]
    assert event["participants"] == 1200
    assert event["source_kind"] == "table" and event["method"] == "table:row"
    assert event["source_start"] == event["source_end"] == 1
    assert event["snippet"].startswith("date=2019-03-04; title=Youth forum; country=Korea, Republic of; city=Seoul")
    assert event["source"].endswith("events.csv")


def test_title_from_description(tmp_path):
    event = one(tmp_path, "2019-01-05,Kenya,Teachers met. They planned more.", header="date,country,notes")
    assert event["title"] == "Teachers met."


def test_output_conforms_to_the_schema(tmp_path):
    text = HEADER + "\n2019-03-04,A,Kenya,Nairobi,culture,visit,Org,12\n2019,B,Peru,,,,,\n"
    events = conform(read(write(tmp_path, text)).events)
    assert list(events["date_precision"]) == ["day", "year"]
    assert events["participants"].dtype == "Int64"


def test_every_row_is_accounted_for(tmp_path):
    text = ("date,country,participants\n2019-01-05,Kenya,3\n03/04/2019,Kenya,3\n2019-01-05,Atlantis,3\n"
            "2019-01-05,Kenya,-3\n2019-01-05,Kenya\n\n2019-01-07,Peru,\n")
    result = read(write(tmp_path, text))
    assert result.rows_read == 6
    assert list(result.events["source_start"]) == [1, 6]
    assert list(result.rejects["location"]) == ["row 2", "row 3", "row 4", "row 5"]


# ---------------------------------------------------------------- workbooks


def _workbook(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r in rows:
            sheet.append(r)
        for rng in (merges or {}).get(name, []):
            sheet.merge_cells(rng)
    book.save(path)
    return path


def test_xlsx_picks_the_data_sheet_below_title_rows(tmp_path):
    path = _workbook(tmp_path / "book.xlsx", {
        "README": [["About this workbook"], ["Counts of exchange activities"], ["Contact: nobody"]],
        "Data": [["Exchange activities 2019"], [], ["Date", "Title", "Country", "Participants"],
                 [datetime(2019, 5, 2), "Forum", "Kenya", 40], ["2019-06-01", "Visit", "Peru", 12.0]],
    })
    result = read(path)
    assert list(result.events["title"]) == ["Forum", "Visit"]
    assert result.events.iloc[0]["start_date"] == pd.Timestamp("2019-05-02")
    assert list(result.events["participants"]) == [40, 12]


def test_xlsx_merged_cells_fill_their_range(tmp_path):
    path = _workbook(tmp_path / "merged.xlsx", {
        "Sheet": [["Date", "Country", "Title"], ["2019-05-02", "Kenya", "A"], ["2019-05-03", None, "B"]],
    }, merges={"Sheet": ["B2:B3"]})
    assert read(path).events["countries"].tolist() == [["KEN"], ["KEN"]]


def test_xlsx_formulas_read_their_cached_values(tmp_path):
    import xlsxwriter

    path = tmp_path / "formula.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["Date", "Country", "Participants"])
    sheet.write_row(1, 0, ["2019-05-02", "Kenya"])
    sheet.write_formula(1, 2, "=20+22", None, 42)
    book.close()
    assert read(path).events.iloc[0]["participants"] == 42


@pytest.mark.parametrize("sheets", [{"Data": []}, {"README": [["About"], ["Nothing here yet"]], "Data": []}])
def test_xlsx_without_a_data_sheet_is_an_input_error(tmp_path, sheets):
    with pytest.raises(InputError, match="no data sheet") as info:
        read(_workbook(tmp_path / "empty.xlsx", sheets))
    assert "'Data' (empty)" in str(info.value)


def test_xlsx_header_only_gives_zero_rows(tmp_path):
    result = read(_workbook(tmp_path / "header.xlsx", {"Data": [["Date", "Country", "Title"]]}))
    assert result.rows_read == 0 and result.events.empty


def test_xlsx_mapped_headers_find_the_sheet(tmp_path):
    path = _workbook(tmp_path / "mapped.xlsx", {"Blatt": [["Datum", "Land"], ["2019-05-02", "Kenya"]]})
    event = read(path, mapping={"Datum": "start_date", "Land": "countries"}).events.iloc[0]
    assert event["countries"] == ["KEN"]


def test_damaged_xlsx_is_an_input_error(tmp_path):
    path = write(tmp_path, "PK not really a zip", "bad.xlsx")
    with pytest.raises(InputError, match="not a readable .xlsx"):
        read(path)


# ---------------------------------------------------------------- JSON


@pytest.mark.parametrize("wrap", [lambda r: r, lambda r: {"events": r}, lambda r: {"data": r}])
def test_json_shapes(tmp_path, wrap):
    records = [{"date": "2019-05-02", "title": "Forum", "countries": ["Kenya", "Peru"], "participants": 30},
               {"date": "2019-05-03", "title": "Visit", "country": "Chile", "participants": None}]
    result = read(write(tmp_path, json.dumps(wrap(records)), "e.json"))
    assert list(result.events["title"]) == ["Forum", "Visit"]
    assert result.events.iloc[0]["countries"] == ["KEN", "PER"]


def test_invalid_json_document_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="invalid JSON"):
        read(write(tmp_path, '[{"date": "2019-05-02",', "e.json"))


def test_jsonl_bad_line_is_rejected_and_others_kept(tmp_path):
    lines = ['{"date": "2019-05-02", "country": "Kenya"}', "{not json", "[1, 2]",
             '{"date": "2019-05-04", "country": "Peru"}']
    result = read(write(tmp_path, "\n".join(lines) + "\n", "e.jsonl"))
    assert list(result.events["source_start"]) == [1, 4]
    assert list(zip(result.rejects["location"], result.rejects["reason"], strict=True)) == [
        ("row 2", "invalid JSON"), ("row 3", "invalid JSON")]


# ---------------------------------------------------------------- aggregates and links


def test_country_year_table_becomes_aggregates_not_events(tmp_path):
    text = "country,year,visits,conferences,agreements\nKenya,2018,3,1,0\nPeru,2019,\"1,200\",,2\nAtlantis,2019,1,1,1\n"
    result = read(write(tmp_path, text))
    assert result.events.empty
    agg = result.aggregates
    assert set(agg["table_type"]) == {"country_year"}
    assert agg[["iso3", "year", "measure", "value"]].values.tolist() == [
        ["KEN", 2018, "visits", 3.0], ["PER", 2019, "visits", 1200.0], ["KEN", 2018, "conferences", 1.0],
        ["KEN", 2018, "agreements", 0.0], ["PER", 2019, "agreements", 2.0]]
    assert list(result.rejects["reason"]) == ["unknown country"]
    assert result.rows_read == 3


def test_country_year_rows_without_counts_are_rejected(tmp_path):
    result = read(write(tmp_path, "country,year,visits,participants\nKenya,2018,,\nPeru,2019,2,150\n"))
    assert result.aggregates[["iso3", "measure", "value"]].values.tolist() == [
        ["PER", "visits", 2.0], ["PER", "participants", 150.0]]
    assert list(zip(result.rejects["location"], result.rejects["reason"], strict=True)) == [("row 1", "no counts")]


def test_country_year_with_a_title_is_an_event_table(tmp_path):
    result = read(write(tmp_path, "country,year,title,participants\nKenya,2018,Camp,30\n"))
    assert len(result.events) == 1 and result.aggregates is None


def test_dyadic_table_becomes_links(tmp_path):
    text = ("city1,country1,lat1,lng1,city2,country2,lat2,lng2\n"
            "Mombasa,Kenya,-4.05,39.67,Lima,Peru,-12.04,-77.03\n"
            "Aberdeen,\"Scotland, United Kingdom\",57.1,-2.1,Bergen,Norway,60.4,5.3\n"
            "Nowhere,Atlantis,0,0,Lima,Peru,-12.04,-77.03\n"
            "Varna,Bulgaria,43.2,27.9,Somewhere,,1,1\n")
    result = read(write(tmp_path, text))
    assert result.events.empty
    links = result.aggregates
    assert links[["iso3", "partner_iso3", "city", "partner_city"]].values.tolist() == [
        ["KEN", "PER", "Mombasa", "Lima"], ["GBR", "NOR", "Aberdeen", "Bergen"]]
    assert links.iloc[0]["lat"] == -4.05 and links.iloc[0]["partner_lon"] == -77.03
    assert list(zip(result.rejects["location"], result.rejects["reason"], strict=True)) == [
        ("row 3", "unknown country"), ("row 4", "missing country")]


@pytest.mark.shared
@pytest.mark.skipif(not SISTER_CITIES.is_file(), reason="../shared sister-city list not present")
def test_sister_city_list_resolves_99_percent():
    result = read(SISTER_CITIES)
    assert result.rows_read == len(result.aggregates) + len(result.rejects)
    assert len(result.aggregates) / result.rows_read >= 0.99, result.rejects["detail"].value_counts().head(10)
    assert set(result.rejects["reason"]) <= {"unknown country", "missing country"}


# ---------------------------------------------------------------- sniffing and speed


@pytest.mark.parametrize(
    "name,head,expected",
    [
        ("a.csv", b"date,title\n", True), ("a.tsv", b"date\ttitle\n", True), ("a.xlsx", b"PK\x03\x04", True),
        ("a.json", b'  [{"date": 1}]', True), ("a.jsonl", b'{"date": 1}\n', True), ("a.csv.gz", b"date\n", True),
        ("a.txt", b"date,title\n", False), ("a.xlsx", b"<html>", False), ("a.json", b"date,title", False),
        ("a.pdf", b"%PDF", False),
    ],
)
def test_sniff(name, head, expected):
    assert table.sniff(Path(name), head) is expected


def test_large_table_is_vectorised(tmp_path):
    names = ["France", '"Korea, Republic of"', "Viet Nam", "Kenya|Peru", "Germany; Italy"]
    rows = [f"2019-{i % 12 + 1:02d}-{i % 28 + 1:02d},Event {i},{names[i % 5]},Paris,culture,visit,Org,\"1,{i % 900 + 100}\""
            for i in range(200_000)]
    path = write(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
    table.read(write(tmp_path, HEADER + "\n2019-01-01,x,France,Paris,culture,visit,Org,1\n", "warm.csv"), Options())
    result = read(path)
    assert len(result.events) == 200_000  # its speed is a benchmark figure (bench/etl_bench.py)


@pytest.mark.parametrize("line,host", [("2019-01-05,Kenya,,Nairobi", "KEN"), ("2019-01-05,China,,Beijing", "CHN"),
                                       ("2019-01-05,Kenya,,Lima", None)])
def test_empty_host_cell_falls_back_to_the_city(tmp_path, line, host):
    event = one(tmp_path, line, header="date,partner,host_country,city")
    assert (event["host_iso3"] if host else pd.isna(event["host_iso3"])) == (host or True)


def test_rows_of_empty_cells_are_not_rows(tmp_path):
    result = read(write(tmp_path, "date,country,title\n2019-01-05,Kenya,a\n,,\n   \n2019-01-06,Peru,b\n,,\n"))
    assert result.rows_read == 2 and result.rejects.empty
    assert list(result.events["title"]) == ["a", "b"]


def test_unclosed_quote_offsets():
    assert table.unclosed_quote('a,"b\nc,d\n', ",") == 2
    assert table.unclosed_quote('a,"b ""x"" c",d\n', ",") is None
    assert table.unclosed_quote('a,5" screen\n', ",") is None


# ---------------------------------------------------------------- fast paths give what the plain code gave


def _reference_organizations(cells):
    import re

    return [list(dict.fromkeys(p.strip() for p in re.split(r"[|;]", c) if p.strip())) for c in cells]


def _cells_sample(seed: int, words: list[str], n: int = 400) -> list[str]:
    import random

    rng = random.Random(seed)
    seps = ["|", ";", " | ", "; ", ";;", "|;", " ; "]
    return [rng.choice(seps).join(rng.choice(words) for _ in range(rng.choice([0, 1, 1, 2, 3, 20]))) for _ in range(n)]


def test_organization_cells_split_as_before():
    words = ["Org A", " Org B ", "", "  ", "Ministry of Culture, Sports and Tourism", "Org A", "Café\u00a0Society", "x\x1f"]
    cells = _cells_sample(1, words)
    got = table._organizations(pd.Series(cells, dtype="str"))
    assert [list(v) for v in got] == _reference_organizations(cells)


def test_country_cases_match_resolve_cells():
    words = ["Kenya", "KEN", " Japan ", "U.S.A.", "Atlantis", "ASEAN", "", "Korea, Republic of", "Narnia", "CHN", "Burma"]
    cells = list(dict.fromkeys(_cells_sample(2, words)))
    case, cases = table._resolved_cases(cells)
    iso, bad = table.resolve_cells(pd.Series(cells, dtype=object))
    assert [cases[c] for c in case] == [(list(i), list(b), cell == "") for i, b, cell in zip(iso, bad, cells, strict=True)]


def test_text_groups_prefilter_misses_no_group():
    from etl.normalize.groups import find_groups

    words = ["Shanghai", "Shanghai Cooperation Organisation", "South Africa", "African Union", "AU", "EU", "16 + 1",
             "Central African Republic", "Belt and Road countries", "nations along the “Belt and Road", "Latin America",
             "Sino-Africa", "ASEAN", "BRICS", "APEC", "Africa", "European Commission", "CEECs", "visit"]
    import random

    rng = random.Random(3)
    # The last row only looks like one: Shanghai is a city, South Africa a country.
    titles = pd.Series([" ".join(rng.choice(words) for _ in range(3)) for _ in range(499)] + ["Shanghai visit"],
                       dtype="str")
    texts = pd.Series([" ".join(rng.choice(words) for _ in range(2)) for _ in range(499)] + ["South Africa"],
                      dtype="str")
    empty = [[] for _ in range(500)]
    got = table._text_groups(titles, texts, table._take(empty, range(500)))
    want = [find_groups(t + " " + d) for t, d in zip(titles, texts, strict=True)]
    assert [list(v) for v in got] == want
    assert any(want) and not all(want)


def test_digits_are_blind_to_the_classifier_only_when_no_keyword_names_one():
    from re import _parser as sre_parse

    assert table._blind(sre_parse.parse(r"visit\w*")) and table._blind(sre_parse.parse(r"[0-9]+ forums?"))
    assert not table._blind(sre_parse.parse(r"16\s*\+\s*1")) and not table._blind(sre_parse.parse(r"[5-9]x"))
    assert not table._blind(sre_parse.parse(r"(a)\1"))


def test_type_only_classification_is_the_classifiers_type():
    from etl.normalize import sectors

    texts = ["Delegation visits Nairobi. 12 signed an MoU on 2019-03-04", "2030 agenda b2b fair", "nothing here",
             "Teachers accepted 3 new members", "A training camp for 40 youth in 2021"]
    for text in texts:
        assert table._classify_type(text)[2] == sectors.classify(text).event_type
        masked = text.translate(str.maketrans("123456789", "000000000"))
        if table._digit_blind(("event_types",)):
            assert table._classify_type(masked) == table._classify_type(text)
        if table._digit_blind(("sectors", "event_types")):
            assert table._classify(masked) == table._classify(text)


def test_strip_and_blank_cells_as_arrow_does():
    import pyarrow as pa
    import pyarrow.compute as pc

    values = [" a", "b ", "c", "", "d\x1f", "é", "x\u3000", "y", "\n", "two\nlines", "  "]
    cells = pd.Series(values * 200, dtype="str")
    assert table._strip(cells).equals(cells.str.strip())
    assert table._strip(cells.iloc[2:3]).equals(cells.iloc[2:3].str.strip())
    arrow = pa.array(cells.array).cast(pa.large_string())
    want = pc.if_else(pc.equal(arrow, ""), pa.scalar(None, pa.large_string()), pc.replace_substring(arrow, "\n", " "))
    assert table._blank_as_null(arrow).equals(want)


@pytest.mark.parametrize("data", [
    "date,title,country\n2019-01-05,Ünïcode,Kenya\n2019-01-06,b,Peru\n",
    "\ufeffdate,title,country\n2019-01-05,a,Kenya\n",
    "date,title,country\r\n2019-01-05,a,Kenya\r\n2019-01-06,\"multi\r\nline\",Peru\r\n",
    "Report\n\ndate,title,country\n2019-01-05,\"a \"\"q\"\" b\",Kenya\n2019-01-06,5\" screen,Peru\n",
    "date,title,country\n",
    "date,title,country\n   \n\n",
])
def test_plain_utf8_is_read_as_the_decoded_text_is(tmp_path, monkeypatch, data):
    path = write(tmp_path, data)
    fast = table.load_delimited(path)
    monkeypatch.setattr(table, "_plain_utf8", lambda data: False)
    slow = table.load_delimited(path)
    assert fast.frame.equals(slow.frame) and list(fast.rows) == list(slow.rows) and fast.rejects == slow.rejects
