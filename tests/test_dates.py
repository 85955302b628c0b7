"""Dates in running text and in table cells: table-driven cases, properties and the dev gold."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.normalize import dates as dates_module
from etl.normalize.dates import (
    MIN_DATE,
    DateSpan,
    context_year,
    document_years,
    find_dates,
    infer_dayfirst,
    leading_date,
    parse_date_cell,
    parse_series,
    publication_date,
    title_period,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
D = dt.date


def spans(text: str, default_year: int | None = 2018) -> list[tuple[str, str, str, str]]:
    return [(s.start.isoformat(), s.end.isoformat(), s.precision, s.text) for s in find_dates(text, default_year)]


# (text, expected spans as (start, end, precision, matched words)); the default year is 2018.
FIND_CASES = [
    # dotted day-first ranges, the year stated once at the end or on both ends
    ("28.02 – 02.03.2019 | Almaty", [("2019-02-28", "2019-03-02", "day", "28.02 – 02.03.2019")]),
    ("12.03-15.03.2019 Osh", [("2019-03-12", "2019-03-15", "day", "12.03-15.03.2019")]),
    ("From 1.2.2019-3.2.2019 the fair ran.", [("2019-02-01", "2019-02-03", "day", "1.2.2019-3.2.2019")]),
    # single days
    ("On January 10 the two sides met.", [("2018-01-10", "2018-01-10", "day", "January 10")]),
    ("On March 3, 2016, the club opened.", [("2016-03-03", "2016-03-03", "day", "March 3, 2016")]),
    ("In July 14, the choir sang.", [("2018-07-14", "2018-07-14", "day", "July 14")]),
    ("The fair closes on August 21st.", [("2018-08-21", "2018-08-21", "day", "August 21st")]),
    ("Signed in Rome on 4 November 2019.", [("2019-11-04", "2019-11-04", "day", "4 November 2019")]),
    ("Talks resume Feb. 3.", [("2018-02-03", "2018-02-03", "day", "Feb. 3")]),
    ("Sept. 9 is the deadline.", [("2018-09-09", "2018-09-09", "day", "Sept. 9")]),
    ("The troupe left on 2 May for Oslo.", [("2018-05-02", "2018-05-02", "day", "2 May")]),
    ("on the 5th of October they returned", [("2018-10-05", "2018-10-05", "day", "5th of October")]),
    ("DECEMBER 1, 2020 NOTICE", [("2020-12-01", "2020-12-01", "day", "DECEMBER 1, 2020")]),
    # ranges inside one month
    ("From April 3 to 7, teachers toured Kenya.", [("2018-04-03", "2018-04-07", "day", "April 3 to 7")]),
    ("On July 8 to 12, a camp was held.", [("2018-07-08", "2018-07-12", "day", "July 8 to 12")]),
    ("The expo ran October 15-19.", [("2018-10-15", "2018-10-19", "day", "October 15-19")]),
    ("A seminar took place 21–23 September.", [("2018-09-21", "2018-09-23", "day", "21–23 September")]),
    ("It ran 6 to 9 June 2017 in Riga.", [("2017-06-06", "2017-06-09", "day", "6 to 9 June 2017")]),
    ("Held November 2-4, 2015.", [("2015-11-02", "2015-11-04", "day", "November 2-4, 2015")]),
    # ranges across months and years
    ("Nov. 27 to Dec. 2, 2013 saw a film week.", [("2013-11-27", "2013-12-02", "day", "Nov. 27 to Dec. 2, 2013")]),
    ("From June 29 to July 3 the team trained.", [("2018-06-29", "2018-07-03", "day", "June 29 to July 3")]),
    ("from 30 April to 2 May 2021", [("2021-04-30", "2021-05-02", "day", "30 April to 2 May 2021")]),
    ("Dec. 30, 2016 to Jan. 2, 2017", [("2016-12-30", "2017-01-02", "day", "Dec. 30, 2016 to Jan. 2, 2017")]),
    ("From December 27 to January 4, 2020", [("2019-12-27", "2020-01-04", "day", "December 27 to January 4, 2020")]),
    ("From December 29 to January 2 it shut.", [("2018-12-29", "2019-01-02", "day", "December 29 to January 2")]),
    # months: never a made-up day
    ("In February, a choir visited Minsk.", [("2018-02-01", "2018-02-28", "month", "February")]),
    ("In April 2019 a bridge opened.", [("2019-04-01", "2019-04-30", "month", "April 2019")]),
    ("Late October witnessed a fair.", [("2018-10-01", "2018-10-31", "month", "Late October")]),
    ("Early July brought rain.", [("2018-07-01", "2018-07-31", "month", "Early July")]),
    ("By mid-August the hall was ready.", [("2018-08-01", "2018-08-31", "month", "mid-August")]),
    ("November witnessed a youth gala.", [("2018-11-01", "2018-11-30", "month", "November")]),
    ("At the end of June the fund closed.", [("2018-06-01", "2018-06-30", "month", "end of June")]),
    ("During September, envoys met twice.", [("2018-09-01", "2018-09-30", "month", "September")]),
    ("This October a fair opens.", [("2018-10-01", "2018-10-31", "month", "October")]),
    ("Visits ran from March to May 2016.", [("2016-03-01", "2016-05-31", "month", "March to May 2016")]),
    ("The February–April 2020 round", [("2020-02-01", "2020-04-30", "month", "February–April 2020")]),
    # years
    ("The network was set up in 2015.", [("2015-01-01", "2015-12-31", "year", "2015")]),
    ("Since 2009, it has run camps.", [("2009-01-01", "2009-12-31", "year", "2009")]),
    ("It made 12 proposals from 2019 to 2021.", [("2019-01-01", "2021-12-31", "year", "2019 to 2021")]),
    ("the 2016-2020 plan", [("2016-01-01", "2020-12-31", "year", "2016-2020")]),
    ("founded (2004) in Hanoi", [("2004-01-01", "2004-12-31", "year", "2004")]),
    ("growth slowed in mid-2019", [("2019-01-01", "2019-12-31", "year", "2019")]),
    # numeric forms
    ("Posted 2019-03-07 by staff", [("2019-03-07", "2019-03-07", "day", "2019-03-07")]),
    ("Posted 2019/3/7 by staff", [("2019-03-07", "2019-03-07", "day", "2019/3/7")]),
    ("Posted 2019.3.7 by staff", [("2019-03-07", "2019-03-07", "day", "2019.3.7")]),
    ("Deadline 25/12/2019.", [("2019-12-25", "2019-12-25", "day", "25/12/2019")]),
    ("Deadline 12/25/2019.", [("2019-12-25", "2019-12-25", "day", "12/25/2019")]),
    ("会议于2019年3月7日举行", [("2019-03-07", "2019-03-07", "day", "2019年3月7日")]),
    ("项目2019年5月启动", [("2019-05-01", "2019-05-31", "month", "2019年5月")]),
    ("the report of 2019-04 lists", [("2019-04-01", "2019-04-30", "month", "2019-04")]),
    # impossible dates and things that only look like dates
    ("On February 30, 2019 nothing happened.", []),
    ("Code 2019-13-01 is no date.", []),
    # Either order could be meant: running text reads it day first (most of the world's order), where a
    # table column infers the order from its unambiguous cells and otherwise refuses the cell.
    ("Deadline 05/06/2019 for the entries.", [("2019-06-05", "2019-06-05", "day", "05/06/2019")]),
    ("Held on 10.11.2019 in Minsk.", [("2019-11-10", "2019-11-10", "day", "10.11.2019")]),
    ("Posted 06/23/2021 by staff.", [("2021-06-23", "2021-06-23", "day", "06/23/2021")]),
    ("Staff may march on Sunday.", []),
    ("Prime Minister May spoke.", []),
    ("They set up 3,000 booths.", []),
    ("The 17+1 format and ICD-10 codes", []),
    ("the 125th session", []),
    ("Agenda 2063 and the 2030 Agenda", []),
    ("Expo 2020 in Dubai", []),
    ("over the past five years", []),
    ("On June 7, 2000 people marched.", [("2018-06-07", "2018-06-07", "day", "June 7")]),
    # Two days joined by "and" span both; the second day of a range may take "the".
    ("Anglers met between 4 and 9 July 2016 on the lake.",
     [("2016-07-04", "2016-07-09", "day", "4 and 9 July 2016")]),
    ("The fair ran from the 2nd to the 14th of May 2017.",
     [("2017-05-02", "2017-05-14", "day", "2nd to the 14th of May 2017")]),
    ("On 11 and 12 March the choirs sang.", [("2018-03-11", "2018-03-12", "day", "11 and 12 March")]),
    ("Talks on Oct. 3 and 4 ended well.", [("2018-10-03", "2018-10-04", "day", "Oct. 3 and 4")]),
    ("On March 3 and 4,000 people came.", [("2018-03-03", "2018-03-03", "day", "March 3")]),
]


@pytest.mark.parametrize(("text", "expected"), FIND_CASES)
def test_find_dates(text, expected):
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    ["On January 10 the two sides met.", "In February, a choir visited Minsk.", "From December 27 to January 4"],
)
def test_no_year_and_no_default_is_skipped(text):
    assert find_dates(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("2016.4.2-4.8, a team came", ("2016-04-02", "2016-04-08", "2016.4.2-4.8")),
    ("2016.1.25-1.30 a course", ("2016-01-25", "2016-01-30", "2016.1.25-1.30")),
    ("2016.4.2-8 a camp", ("2016-04-02", "2016-04-08", "2016.4.2-8")),
    ("2016.12.28-2017.1.3 a tour", ("2016-12-28", "2017-01-03", "2016.12.28-2017.1.3")),
    ("Date: 2022-08-01 to 2022-08-12", ("2022-08-01", "2022-08-12", "2022-08-01 to 2022-08-12")),
    ("2016.3.5 — 12 teachers came", ("2016-03-05", "2016-03-05", "2016.3.5")),  # a day alone after a spaced dash
    ("2016.4.8-4.2 a slip", None),  # an end before the start
])
def test_numeric_date_ranges(text, expected):
    found = find_dates(text)
    assert (found[0].start.isoformat(), found[0].end.isoformat(), found[0].text) == expected if expected else not found


def test_explicit_years_need_no_default():
    assert spans("In April 2019 and on 3 May 2020", None) == [
        ("2019-04-01", "2019-04-30", "month", "April 2019"),
        ("2020-05-03", "2020-05-03", "day", "3 May 2020"),
    ]


def test_offsets_index_the_text():
    text = "Intro.\n\nOn June 5 to 14, a delegation visited; in May 2017 it had hosted a team."
    for span in find_dates(text, 2018):
        assert text[span.char_start : span.char_end] == span.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On January 10, the forum opened in 2019 terms.", ("2018-01-10", "day")),
        ("In March, a medical team left for the border.", ("2018-03-01", "month")),
        ("Late May witnessed a youth camp.", ("2018-05-01", "month")),
        ("June: the society ran a summer camp.", ("2018-06-01", "month")),  # a month as a line's label
        ("- August — five doctors gave free treatment.", ("2018-08-01", "month")),
        ("The plan for June: more camps.", None),  # a label only where it opens the line
        ("| April | Donation of masks | Arezzo |", ("2018-04-01", "month")),  # or fills a table row's first cell
        ("April witnessed a dialogue of young scholars.", ("2018-04-01", "month")),
        ("The 2019-2023 programme was agreed on May 3.", ("2018-05-03", "day")),
        ("In 2021, the group ran ten seminars.", ("2021-01-01", "year")),
        ("A forum was held. On June 2 the next one.", None),
        ("The association, which has long served many members across the whole of the region, met on June 2.", None),
        ("No date at all here.", None),
        # an item's number ends no sentence
        ("1. On March 5, the society received a choir.", ("2018-03-05", "day")),
        ("12) In May, a group of 30 teachers came.", ("2018-05-01", "month")),
        ("(3) On 4 June 2019 the centre opened.", ("2019-06-04", "day")),
        ("iv. On June 4, a clinic opened.", ("2018-06-04", "day")),
        ("2、 On 9 July a camp began.", ("2018-07-09", "day")),
        ("A. Smith spoke. On June 2 the forum.", None),  # an initial is no item number
    ],
)
def test_leading_date(text, expected):
    span = leading_date(text, default_year=2018)
    assert (span and (span.start.isoformat(), span.precision)) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("News of the Network (2018.1-2018.6)", (D(2018, 1, 1), D(2018, 6, 30))),
        ("Bulletin 2020.7-12", (D(2020, 7, 1), D(2020, 12, 31))),
        ("Exchanges, January–June 2018", (D(2018, 1, 1), D(2018, 6, 30))),
        ("2019 annual report\nbody 2012", (D(2019, 1, 1), D(2019, 12, 31))),
        ("Work plan 2021-2023", (D(2021, 1, 1), D(2023, 12, 31))),
        ("Second half of 2017 review", (D(2017, 7, 1), D(2017, 12, 31))),
        ("Q2 2022 digest", (D(2022, 4, 1), D(2022, 6, 30))),
        ("Friendship in Action (II)", None),
    ],
)
def test_title_period(title, expected):
    assert title_period(title) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A title\nDate: 2021-02-03\nSource: office", ("2021-02-03", "2021-02-03")),
        ("A title\nTime:2017-09-30\n", ("2017-09-30", "2017-09-30")),
        ("A title\ndate 2022-10-11\n", ("2022-10-11", "2022-10-11")),
        ("A title\nPublished: 4 July 2016\n", ("2016-07-04", "4 July 2016")),
        ("A title\n2015/11/20\nBody text", ("2015-11-20", "2015/11/20")),
        ("A title\nMarch 9, 2014\nBody text", ("2014-03-09", "March 9, 2014")),
        ("A title\nOn March 9, 2014, a long sentence about a forum begins the body.", None),
        ("A title\n\nIn January, volunteers left.", None),
        # a label after a source on one metadata line, with its colon
        ("A title\nSource: Partner Wire | Updated: 2023-11-28 09:15\nBody", ("2023-11-28", "2023-11-28")),
        ("A title\nEditor: Wang Li   Date: 5 May 2020\nBody", ("2020-05-05", "5 May 2020")),
        ("A title\nSource: the date of the fair 2023-11-28\nBody", None),  # no colon after "date"
        # a cell of a metadata line that holds a date alone, with its time perhaps
        ("A title\nSource: Wire | 2024-09-03 20:41:17 | Editor: Li\nBody", ("2024-09-03", "2024-09-03")),
        ("A title\nBy our reporter | 2023-03-20 09:14\n\nBody", ("2023-03-20", "2023-03-20")),
        ("A title\nFees | 2023-03-20 deadline | Form\nBody", None),  # a date with more in its cell
        ("A title\n| 2023-03-20 | Seminar | Nairobi |\nBody", None),  # a table's row
        # cells set apart by wide spaces, as a social-media post exports its stamp: with the time only
        ("A post\nOriginal  Hill Town Friends  2022-06-05 21:07  Posted in Guizhou\nBody", ("2022-06-05", "2022-06-05")),
        ("A post\nHill Town Friends\t2022-06-05 21:07\nBody", ("2022-06-05", "2022-06-05")),
        ("A table\nAn earlier visit to Quito and Lima    2022-06-05    Seminar    Quito\nBody", None),
        ("A post\nHill Town Friends  2022-06-05 21:07 and more  Guizhou\nBody", None),  # more than the stamp in its cell
        # a date line in brackets
        ("An item\n[2022-04-12]\nAnother", ("2022-04-12", "2022-04-12")),
        ("An item\n【2022-04-12】\nAnother", ("2022-04-12", "2022-04-12")),
        ("# Digest\n### 8 March 2022\nAn item", ("2022-03-08", "8 March 2022")),
        ("# Digest\n**8 March 2022**\nAn item", ("2022-03-08", "8 March 2022")),
        # a weekday before the date, as a column's byline gives it
        ("A column\nBy a staff writer\nSaturday, 21 October 2023\nBody", ("2023-10-21", "21 October 2023")),
        # the weekday makes no long line a date line: this one opens a report
        ("A title\nMonday 12 May 2023: the delegation from Hue arrived at the airport and met the mayor.\nBody", None),
    ],
)
def test_publication_date(text, expected):
    span = publication_date(text)
    assert (span and (span.start.isoformat(), text[span.char_start : span.char_end])) == expected


def test_document_year_context():
    doc = "Friendship news (2016.1-2016.6)\n\nOn March 2, a team left. In May 2015 it had met."
    assert context_year(doc) == 2016
    assert document_years("In 2021 and in April 2022, then on 5 May 2022.") == {2021: 1, 2022: 2}
    assert context_year("Title\nDate: 2023-01-29\n\nIn 2021 a fair.") == 2023
    assert context_year("no dates") is None


# (cell, expected (start, end, precision))
CELL_CASES = [
    ("2018-06-13", (D(2018, 6, 13), D(2018, 6, 13), "day")),
    (" 2018-06-13 ", (D(2018, 6, 13), D(2018, 6, 13), "day")),
    ("2018-06-13T08:30:00Z", (D(2018, 6, 13), D(2018, 6, 13), "day")),
    ("2018/6/13", (D(2018, 6, 13), D(2018, 6, 13), "day")),
    ("20180613", (D(2018, 6, 13), D(2018, 6, 13), "day")),
    ("2018-06", (D(2018, 6, 1), D(2018, 6, 30), "month")),
    ("2018.6", (D(2018, 6, 1), D(2018, 6, 30), "month")),
    ("2018", (D(2018, 1, 1), D(2018, 12, 31), "year")),
    ("2018.0", (D(2018, 1, 1), D(2018, 12, 31), "year")),
    (2018, (D(2018, 1, 1), D(2018, 12, 31), "year")),
    ("June 2018", (D(2018, 6, 1), D(2018, 6, 30), "month")),
    ("JUNE 2018", (D(2018, 6, 1), D(2018, 6, 30), "month")),
    ("13 June 2018", (D(2018, 6, 13), D(2018, 6, 13), "day")),
    ("june 13, 2018", (D(2018, 6, 13), D(2018, 6, 13), "day")),
    ("Wednesday, June 13, 2018", (D(2018, 6, 13), D(2018, 6, 13), "day")),
    ("13-Jun-2018", (D(2018, 6, 13), D(2018, 6, 13), "day")),
    ("13/06/2018", (D(2018, 6, 13), D(2018, 6, 13), "day")),
    ("2018年6月13日", (D(2018, 6, 13), D(2018, 6, 13), "day")),
    ("12-16 January 2019", (D(2019, 1, 12), D(2019, 1, 16), "day")),
    ("from 2020 to 2022", (D(2020, 1, 1), D(2022, 12, 31), "year")),
    (43264, (D(2018, 6, 13), D(2018, 6, 13), "day")),
    (43264.75, (D(2018, 6, 13), D(2018, 6, 13), "day")),
    ("43264", (D(2018, 6, 13), D(2018, 6, 13), "day")),
    (np.int64(43264), (D(2018, 6, 13), D(2018, 6, 13), "day")),
    (pd.Timestamp("2018-06-13 17:00"), (D(2018, 6, 13), D(2018, 6, 13), "day")),
    (dt.datetime(2018, 6, 13, 9), (D(2018, 6, 13), D(2018, 6, 13), "day")),
    (D(2018, 6, 13), (D(2018, 6, 13), D(2018, 6, 13), "day")),
    (np.datetime64("2018-06-13"), (D(2018, 6, 13), D(2018, 6, 13), "day")),
]


@pytest.mark.parametrize(("cell", "expected"), CELL_CASES)
def test_parse_date_cell(cell, expected):
    span = parse_date_cell(cell)
    assert (span.start, span.end, span.precision) == expected
    if isinstance(cell, str):
        assert cell[span.char_start : span.char_end] == span.text


@pytest.mark.parametrize(
    "cell", ["", "  ", "N/A", "n/a", "-", "—", "-99", "unknown", "NaN", None, float("nan"), pd.NA, pd.NaT]
)
def test_missing_cells_are_none(cell):
    assert parse_date_cell(cell) is None


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("03/04/2018", "ambiguous day/month: 03/04/2018"),
        ("2018-02-30", "impossible date"),
        ("2018-13-01", "impossible date"),
        ("30 February 2018", "impossible date"),
        ("31/31/2018", "impossible date"),
        ("1850-01-01", "date out of range"),
        (1850, "date out of range"),
        ("2999-01-01", "date out of range"),
        ("13/06/18", "two-digit year"),
        ("soon", "not a date"),
        ("May", "not a date"),
        (12345, "not a date"),
        (True, "not a date"),
        (float("inf"), "not a date"),
    ],
)
def test_parse_date_cell_rejects_with_reason(cell, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date_cell(cell)


def test_dayfirst_decides_ambiguous_cells():
    assert parse_date_cell("03/04/2018", dayfirst=True).start == D(2018, 4, 3)
    assert parse_date_cell("03/04/2018", dayfirst=False).start == D(2018, 3, 4)
    with pytest.raises(ValueError, match="impossible date"):
        parse_date_cell("06/13/2018", dayfirst=True)


def test_range_bound_is_a_constant():
    assert D(1900, 1, 1) == MIN_DATE
    assert parse_date_cell("1900-01-01").start == MIN_DATE


def test_parse_series_aligns_and_reports():
    s = pd.Series(["2018-06", "13/06/2018", "N/A", "2018-02-30", "03/04/2018", 43264, None], index=list("abcdefg"))
    start, end, precision, error = parse_series(s)
    assert list(start.index) == list("abcdefg")
    assert str(start.dtype) == "datetime64[s]" and str(precision.dtype) == "string"
    assert start["a"] == pd.Timestamp("2018-06-01") and end["a"] == pd.Timestamp("2018-06-30")
    # 13/06/2018 shows the column is day-first, so 03/04/2018 is 3 April.
    assert start["e"] == pd.Timestamp("2018-04-03")
    assert precision.isna().tolist() == [False, False, True, True, False, False, True]
    assert error["d"].startswith("impossible date") and error[["a", "c", "g"]].isna().all()


def test_parse_series_of_datetimes():
    s = pd.Series(pd.to_datetime(["2018-06-13 10:00", None, "1800-01-01 00:00"]))
    start, _, precision, error = parse_series(s)
    assert start[0] == pd.Timestamp("2018-06-13") and precision[0] == "day"
    assert pd.isna(start[1]) and pd.isna(error[1])
    assert error[2].startswith("date out of range")


def test_infer_dayfirst():
    assert infer_dayfirst(["13/06/2018", "01/02/2018"]) is True
    assert infer_dayfirst(["06/13/2018"]) is False
    assert infer_dayfirst(["13/06/2018", "06/13/2018"]) is None
    assert infer_dayfirst(["2018-06-13"]) is None


def test_parse_series_million_rows():
    rng = np.random.default_rng(1)
    days = pd.date_range("2005-01-01", "2024-12-31").strftime("%Y-%m-%d").tolist()
    pool = np.array([*days, "N/A", "June 2018", "2019", "bad", 43264, None], dtype=object)
    s = pd.Series(pool[rng.integers(0, len(pool), 1_000_000)])
    start, _, _, error = parse_series(s)
    assert start.notna().sum() > 990_000 and (error == "not a date: bad").sum() > 0


# ----------------------------------------------------------------------------- properties

_TOKENS = st.sampled_from(
    [
        *("On", "In", "From", "to", "-", "–", ",", ".", "January", "Jan.", "Sept.", "May", "may", "March"),
        *("2018", "2019", "1999", "12", "31", "30", "29", "2", "5th", "of", "Late", "Early", "mid-", "the", "end"),
        *("2018-06-13", "13/06/2018", "03/04/2018", "2018/6/13", "2018年6月13日", "年", "月", "日", "(", ")", "\n"),
        *("between", "and", "witnessed", "2,000", "16+1", "th"),
    ]
)
_TEXTS = st.one_of(st.text(max_size=200), st.lists(_TOKENS, max_size=40).map(" ".join), st.lists(_TOKENS).map("".join))


@settings(max_examples=400, deadline=None)
@given(_TEXTS, st.one_of(st.none(), st.integers(1900, 2100)))
def test_find_dates_never_raises_and_offsets_hold(text, default_year):
    found = find_dates(text, default_year)
    ends = [0]
    for span in found:
        assert isinstance(span, DateSpan)
        assert 0 <= span.char_start < span.char_end <= len(text)
        assert text[span.char_start : span.char_end] == span.text
        assert span.start <= span.end and span.precision in ("day", "month", "year")
        assert span.char_start >= ends[-1]  # in order, never overlapping
        ends.append(span.char_end)
    lead = leading_date(text, default_year)
    assert lead is None or text[lead.char_start : lead.char_end] == lead.text


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.lists(_TOKENS, max_size=6).map(" ".join),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.dates(),
        st.datetimes(),
        st.none(),
        st.booleans(),
    ),
    st.sampled_from([None, True, False]),
)
def test_parse_date_cell_raises_only_value_error(value, dayfirst):
    try:
        span = parse_date_cell(value, dayfirst=dayfirst)
    except ValueError:
        return
    assert span is None or (MIN_DATE <= span.start <= span.end)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_publication_and_title_never_raise(text):
    span = publication_date(text)
    assert span is None or text[span.char_start : span.char_end] == span.text
    period = title_period(text)
    assert period is None or period[0] <= period[1]


# ----------------------------------------------------------------------------- the fast scan against a plain one

_TRIGGER_TOKENS = st.sampled_from(
    ["M12", "S2019年", "A1", "Ma", "MAy", "JUNE", "Jun.", "Dec", "DECEMBER", "Octo", "x", "3-5", "3/4/2018", "1st", "2019-06",
     "2019–2021", "1995", "123", "12345", "٣", "İ", "Kelvin", "Mid-", "early", "beginning of", "till", "_May",
     # separators, dots and suffixes around which _longest_at skips patterns
     "through", "thru", "until", "and", "~", "—", "Sep.", "Oct.", "SEPT.", "5th", "3rd", "to", ",2019", ", 1999",
     "1-3", "12.5.2018", "2018-2019", "2018.", "2018/", "2018年", "\n\n", "\t", "saw", "of", "people"]
)
_SCAN_TEXTS = st.one_of(_TEXTS, st.lists(st.one_of(_TOKENS, _TRIGGER_TOKENS), max_size=40).map(" ".join),
                        st.lists(st.one_of(_TOKENS, _TRIGGER_TOKENS), max_size=20).map("".join))


def _plain_find_dates(text, default_year):
    """find_dates as first written: every digit run and capital J, F, M, A, S, O, N, D tried with every pattern."""
    trigger = re.compile(r"[0-9JFMASOND][0-9]*")
    digit_first = tuple((k, p) for k, p in dates_module._PATTERNS if not k.startswith("m"))
    month_first = tuple((k, p) for k, p in dates_module._PATTERNS if k.startswith("m"))
    spans, pos = [], 0
    while t := trigger.search(text, pos):
        at, prev = t.start(), text[t.start() - 1] if t.start() else " "
        if text[at].isdigit():
            patterns = () if prev.isdigit() else digit_first
        elif prev.isalnum() or prev == "_" or text[at:at + 3].lower() not in dates_module._MONTH_HEADS:
            patterns = ()
        else:
            patterns = month_first
        best = None
        for kind, pattern in patterns:
            match = pattern.match(text, at)
            if match and (best is None or match.end() > best[1]):
                built = dates_module._BUILDERS[kind](match, kind, text, default_year)
                if built is not None:
                    best = (dates_module._mod_before(text, at) if kind in ("m", "m_m") else at, match.end(), built)
        if best is None:
            pos = t.end()
            continue
        start, end, (d1, d2, precision) = best
        start = max(start, spans[-1].char_end if spans else 0)
        spans.append(DateSpan(d1, d2, precision, start, end, text[start:end]))
        pos = end
    return spans


def _plain_leading_date(text, default_year, within=80):
    head = text[: within + 120]
    number = re.match(r"\s*\(?(?:\d{1,2}|[ivx]{1,4}|[IVX]{2,4}|[a-h])(?:[.)]\s|、\s*)", head)
    brk = dates_module._SENTENCE_BREAK.search(head, number.end() if number else 0)
    limit = min(within, brk.start() if brk else within)
    spans = [s for s in find_dates(head, default_year) if s.char_start < limit]
    fine = [s for s in spans if s.precision != "year"]
    return (fine or spans or [None])[0]


def _plain_publication_date(text):
    unlabelled, offset = None, 0
    for line in text[:4000].split("\n")[:20]:
        label = dates_module._PUB_LABEL.match(line)
        rest_at = label.end() if label and label.end() > len(line) - len(line.lstrip()) else None
        inline = dates_module._PUB_LABEL_INLINE.search(line)
        if rest_at is None and inline and len(line) <= 120:
            rest_at = inline.end()
        spans = find_dates(line)
        if rest_at is not None and spans and spans[0].char_start == rest_at:
            return dates_module.shift_span(spans[0], offset)
        if rest_at is None and len(line) <= 120:
            cells = line if re.search("[|｜]", line) and line.lstrip()[:1] not in "|｜" else ""
            for cell in re.finditer(r"[^|｜\s][^|｜]*", cells):
                first = (find_dates(cell.group()) or [None])[0]
                if (first and first.char_start == 0 and first.precision == "day"
                        and re.fullmatch(r"(?:[ \t]+\d{1,2}:\d\d(?::\d\d)?)?[ \t]*", cell.group()[first.char_end:])):
                    return dates_module.shift_span(first, offset + cell.start())
        lead = len(line) - len(line.lstrip(" \t([【〔（「#*_"))
        if (unlabelled is None and spans and spans[0].char_start == lead and spans[0].precision == "day"
                and len(line.strip()) <= 60):
            unlabelled = dates_module.shift_span(spans[0], offset)
        offset += len(line) + 1
    return unlabelled


@settings(max_examples=500, deadline=None)
@given(_SCAN_TEXTS, st.one_of(st.none(), st.integers(1900, 2100)))
def test_find_dates_is_the_plain_scan(text, default_year):
    # Month triggers checked in the pattern, digit runs matched only with the patterns of their length.
    assert find_dates(text, default_year) == _plain_find_dates(text, default_year)


@settings(max_examples=500, deadline=None)
@given(_SCAN_TEXTS, st.one_of(st.none(), st.integers(1900, 2100)), st.sampled_from([0, 5, 40, 80]))
def test_leading_date_reads_no_further_than_it_needs(text, default_year, within):
    assert leading_date(text, default_year, within) == _plain_leading_date(text, default_year, within)


# A modifier may start the span before the limit while its month stands past it.
@pytest.mark.parametrize("within", [3, 8, 12, 30])
@pytest.mark.parametrize("text", ["At the end of May, the forum opened.", "By the beginning of   June 2018 it met.",
                                  "Since late May the camp ran.", "In mid-April 2019, 20 people came."])
def test_leading_date_sees_modifiers_across_the_limit(text, within):
    assert leading_date(text, 2018, within) == _plain_leading_date(text, 2018, within)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_SCAN_TEXTS, st.sampled_from(["Date: 2023-01-29", "Published: 13 June 2018", "2018/06/13",
                                                         "  June 13, 2018  ", "Time:", "Updated on", "[2018-06-13]",
                                                         "Source: X | Updated: 2018-06-13", "( 2018/06/13"])),
                max_size=8).map("\n".join))
def test_publication_date_reads_only_lines_that_can_date_the_page(text):
    assert publication_date(text) == _plain_publication_date(text)


# ----------------------------------------------------------------------------- dev gold (optional)


def _gold_paragraphs():
    seed = next((SHARED / "seeds").glob("002_*.txt"))
    text = seed.read_bytes().decode("utf-8")
    with open(SHARED / "eval" / "gold_dev_002.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [(text[int(r["char_start"]) : int(r["char_end"])], r) for r in rows]


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "eval" / "gold_dev_002.tsv").exists(), reason="../shared is not beside the project")
def test_leading_date_against_dev_gold():
    paragraphs = _gold_paragraphs()
    hits = 0
    for para, row in paragraphs:
        span = leading_date(para, default_year=2018)
        hits += bool(span) and span.start.isoformat() == row["start"] and span.precision == row["precision"]
    assert hits / len(paragraphs) >= 0.95


# ----------------------------------------------------------------------------- what lets _longest_at skip a pattern


def _separators(pattern: str) -> list[str]:
    """The separator words and dash characters written in a range pattern such as _RANGE."""
    words = re.findall(r"(?<![\\a-z])[a-z]{2,}", pattern)  # "\n" and "\S" are escapes, not words
    dashes = re.findall(r"\[([^\]\\]*)\]", pattern)
    return words + [c for c in "".join(d for d in dashes if "-" in d)]


def test_range_lookaheads_cover_every_separator():
    for pattern, ahead in ((dates_module._RANGE, dates_module._RANGE_AHEAD),
                           (dates_module._RANGE_OR_AND, dates_module._RANGE_OR_AND_AHEAD),
                           (dates_module._RANGE_OR_AND, dates_module._PAIR_AHEAD)):
        separators = _separators(pattern)
        assert {"to", "through", "thru", "until", "till", "-", "–", "—", "~"} <= set(separators)
        for sep in separators:
            for text in (f" {sep} 5", f"{sep}5", f" \n {sep} 5"):
                if re.compile(pattern).match(text):
                    assert ahead.match(text), (pattern, text)
    assert "and" in _separators(dates_module._RANGE_OR_AND)
    # "m_m" may put a year between its first month and the separator
    for text in (", 2019 - ", " 1999 to", ".  2018 and"):
        assert dates_module._PAIR_AHEAD.match(text)


_GATE_TEXTS = st.lists(st.one_of(_TOKENS, _TRIGGER_TOKENS), max_size=12).map(" ".join) | st.lists(
    st.one_of(_TOKENS, _TRIGGER_TOKENS), max_size=12).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_GATE_TEXTS, st.one_of(st.none(), st.integers(1900, 2100)))
def test_skipped_patterns_could_not_have_won(text, default_year):
    # At every place a pattern may start, trying all of them gives what _longest_at gives.
    for at in range(len(text)):
        if not (text[at].isdigit() or text[at] in "JFMASOND"):
            continue
        prev = text[at - 1] if at else " "
        if text[at].isdigit():
            kinds = () if prev.isdigit() else [k for k, _ in dates_module._PATTERNS if not k.startswith("m")]
            run = len(re.match(r"\d+", text[at:]).group())
            kinds = [k for k in kinds if (k in ("dm_dm", "d_dm", "dm", "dmy", "dmy_dmy") and run <= 2)
                     or (k in ("iso", "iso_iso", "iso_month", "zh", "y_y", "y") and run == 4)]
        elif prev.isalnum() or prev == "_" or text[at:at + 3].lower() not in dates_module._MONTH_HEADS:
            kinds = ()
        else:
            kinds = [k for k, _ in dates_module._PATTERNS if k.startswith("m")]
        best = None
        for kind in kinds:
            match = dates_module._P[kind].match(text, at)
            if match and (best is None or match.end() > best[1]):
                built = dates_module._BUILDERS[kind](match, kind, text, default_year)
                if built is not None:
                    mod = dates_module._MOD_BEFORE.search(text[max(0, at - 24):at]) if kind in ("m", "m_m") else None
                    best = (at - len(mod.group()) if mod else at, match.end(), built)
        assert dates_module._longest_at(text, at, default_year) == best


def test_caches_are_bounded():
    for cached in (dates_module._date, dates_module._month_end, dates_module._month_of, dates_module._modifier_len,
                   dates_module._cue_before):
        assert cached.cache_info().maxsize is not None
