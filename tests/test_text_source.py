"""Narrative extraction on pages written for these tests: bulletins, list pages and news pages."""

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.errors import InputError
from etl.sources import text as text_source
from etl.sources.base import Options
from etl.sources.text import extract, html_to_text, is_chrome, read, split_blocks

DATA = Path(__file__).parent / "data"

BULLETIN = """Member News of the Lakeside Friendship Network (2019.1-2019.6)

This page collects news from member groups. Send yours to the secretariat.

On January 15, the Lakeside Friendship Network sent a five-member delegation to Nairobi, Kenya, where it met \
officials of the Kenya-China Friendship Association and visited a vocational school.

From March 4 to 9, nearly 200 guests from Peru, Chile and Argentina attended the Pacific Rim Cultural Forum held \
in Kunming, Yunnan Province.

In April, the network's youth branch sent 12 young volunteers to Vanuatu for a year of teaching in island schools.

Late May saw a photo exhibition on Sino-Polish friendship open in Warsaw, drawing more than 3,000 visitors.
"""


@pytest.fixture(scope="module")
def bulletin():
    return extract(BULLETIN, "bulletin.txt").events


def test_bulletin_items_become_events(bulletin):
    assert len(bulletin) == 4


@pytest.mark.parametrize(
    "i,start,end,precision",
    [
        (0, date(2019, 1, 15), date(2019, 1, 15), "day"),
        (1, date(2019, 3, 4), date(2019, 3, 9), "day"),
        (2, date(2019, 4, 1), date(2019, 4, 30), "month"),
        (3, date(2019, 5, 1), date(2019, 5, 31), "month"),
    ],
)
def test_bulletin_dates_take_the_year_from_the_title(bulletin, i, start, end, precision):
    row = bulletin.iloc[i]
    # Extracted rows carry the schema's dtypes already: dates are datetime64[s].
    assert (row.start_date.date(), row.end_date.date(), row.date_precision) == (start, end, precision)


@pytest.mark.parametrize(
    "i,host,countries",
    [(0, "KEN", {"KEN"}), (1, "CHN", {"PER", "CHL", "ARG"}), (2, "VUT", {"VUT"}), (3, "POL", {"POL"})],
)
def test_bulletin_places(bulletin, i, host, countries):
    row = bulletin.iloc[i]
    assert row.host_iso3 == host
    assert set(row.countries) == countries


@pytest.mark.parametrize(
    "i,value,qualifier", [(0, 5, "exact"), (1, 200, "nearly"), (2, 12, "exact"), (3, 3000, "more_than")]
)
def test_bulletin_headcounts(bulletin, i, value, qualifier):
    row = bulletin.iloc[i]
    assert (row.participants, row.participants_qualifier) == (value, qualifier)


@pytest.mark.parametrize("i,event_type", [(0, "visit"), (1, "conference"), (2, "volunteering"), (3, "exhibition")])
def test_bulletin_types(bulletin, i, event_type):
    assert bulletin.iloc[i].event_type == event_type


def test_offsets_point_at_the_item(bulletin):
    for row in bulletin.itertuples():
        assert BULLETIN[row.source_start:row.source_end] == row.snippet


def test_intro_and_title_are_not_events(bulletin):
    assert bulletin.source_start.min() > BULLETIN.index("Send yours")


def test_hard_wrapped_bulletin_crossing_a_year():
    events = read(DATA / "bulletin_wrapped.txt", Options()).events
    assert [d.date().isoformat() for d in events.start_date] == ["2016-08-14", "2016-11-28", "2017-03-01"]
    assert events.iloc[1].end_date.date() == date(2016, 12, 2)
    assert "ASEAN" in events.iloc[1].groups
    assert events.iloc[0].host_iso3 == "KEN"


def test_list_page_items_take_their_own_date_lines():
    events = read(DATA / "list_page.txt", Options()).events
    assert [d.date().isoformat() for d in events.start_date] == ["2019-04-11", "2019-03-02"]
    assert set(events.iloc[0].countries) == {"CHL"}
    assert "AUT" in set(events.iloc[1].countries)


def test_news_page_html_skips_chrome_and_scripts():
    events = read(DATA / "news_page.html", Options()).events
    assert len(events) == 1
    row = events.iloc[0]
    assert row.start_date.date() == date(2021, 9, 14)
    assert row.host_iso3 == "RUS"
    assert {"RUS", "KAZ"} <= set(row.countries)
    assert "tracker" not in row.snippet and "Log in" not in row.snippet


def test_home_setting_changes_counterparts():
    events = extract(BULLETIN, "b.txt", Options(home="KEN")).events
    assert "KEN" not in events.iloc[0].countries
    assert events.iloc[0].home_iso3 == "KEN"


@pytest.mark.parametrize(
    "line",
    ["Log in | Register", "Font size: big middle small", "Previous Article", "Copyright 2020 Example Society",
     "© 2021 All rights reserved", "Source: Foreign Affairs Office", "en_GBEnglish (UK)"],
)
def test_chrome_lines(line):
    assert is_chrome(line)


@pytest.mark.parametrize("line", ["On May 3, a delegation visited Lima and met teachers of a Spanish school."])
def test_content_is_not_chrome(line):
    assert not is_chrome(line)


def test_page_of_only_chrome_is_an_input_error():
    with pytest.raises(InputError, match="no readable text"):
        extract("Log in\n\nFont size: big middle small\n\nPrevious Article\n", "chrome.txt")


def test_html_without_body_text():
    assert html_to_text("<html><head><script>alert(1)</script></head><body></body></html>") == ""


def test_deeply_nested_html_is_handled():
    html = "<div>" * 3000 + "<p>On June 2, a forum opened in Lima with 40 guests from Peru.</p>" + "</div>" * 3000
    assert "forum opened in Lima" in html_to_text(html)


def test_blocks_keep_offsets():
    text = "First line here.\n\nSecond block\nwith two lines."
    for block in split_blocks(text):
        assert text[block.start:block.end] == block.text


# ----------------------------------------------------------------------------- venue cues read backwards

# The words before a mention: _VENUE_BEFORE and _DESTINATION end at the end of them, so their reversed
# patterns, matched at the start of the reversed words, answer the same.
BEFORE_MENTION = [
    "held in ", "met at the ", "an office Inside  the\n", "in", "visited  ", "sent to the ", "delegations to ",
    "travelled with friends to the\t", "went. to ", "dispatched 40 doctors; to ", "The delegation went to ",
    "a flight to ", "goes to the  ", "came back to ", "IN THE ", "İn ", "ſent to ", "returned home and to ", "",
    "sends a team of teachers and doctors who will stay for a year to ", "into ", "at\n\n", "the ",
]
_BEFORE_WORDS = st.sampled_from(["in", "at", "inside", "the", "to", "sent", "dispatched", "travelling", "delegation",
                                 "went", "go", "flew", "came", "x", ".", ";", " ", "  ", "\n", "\t", "İn", "ſent", "_"])
_BEFORE_TEXTS = st.lists(_BEFORE_WORDS, max_size=14).map(lambda ws: "".join(w + " " * (i % 2) for i, w in enumerate(ws)))


def _same_backwards(before: str) -> None:
    backwards = before[::-1]
    assert bool(text_source._VENUE_BEFORE.search(before)) == bool(text_source._VENUE_BEFORE_REVERSED.match(backwards))
    assert bool(text_source._DESTINATION.search(before)) == bool(text_source._DESTINATION_REVERSED.match(backwards))


@pytest.mark.parametrize("before", BEFORE_MENTION)
def test_venue_cues_read_backwards(before):
    _same_backwards(before)


@settings(max_examples=500, deadline=None)
@given(_BEFORE_TEXTS)
def test_venue_cues_read_backwards_anywhere(before):
    _same_backwards(before)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*text_source._CHAIN_STEMS, "x", " ", "hel", "visited"]), max_size=12).map("".join))
def test_first_stem_is_where_the_alternation_starts(text):
    alternation = re.compile("|".join(text_source._CHAIN_STEMS))
    m = alternation.search(text)
    assert text_source._first_of(text, text_source._CHAIN_STEMS) == (m.start() if m else None)


_CHAIN_WORDS = st.sampled_from(["Held", "held", "STAGED", "hosted", "took", "place", "Organised", "organized", "kicked",
                                "off", "carried", "out", "met", "Visiting", "toured", "arrived", "went", "in", "at",
                                "to", "the", "ſtarted", "İn", "x", ".", " ", "  "])


@settings(max_examples=500, deadline=None)
@given(st.lists(_CHAIN_WORDS, max_size=12).map(" ".join))
def test_chain_stems_never_start_after_a_venue_chain_cue(before):
    # _cued_chain starts _VENUE_CHAIN's search at the first stem: every cue the pattern can match must open with one,
    # or the hand-kept stem list would silently drop venues.
    m = text_source._VENUE_CHAIN.search(before)
    if m:
        first = text_source._first_of(text_source.fold(before), text_source._CHAIN_STEMS)
        assert first is not None and first <= m.start()
