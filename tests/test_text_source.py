"""Narrative extraction on pages written for these tests: bulletins, list pages and news pages."""

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.errors import InputError
from etl.normalize import dates
from etl.normalize.countries import Mention
from etl.sources import text as text_source
from etl.sources.base import Options
from etl.sources.text import extract, html_to_text, is_chrome, read, split_blocks

# Plain definitions that text.py's patterns replaced; the tests below hold the patterns to them.
_WORD_BEFORE = re.compile(r"[A-Za-z]+$")


def _abbreviation_before(text: str, dot: int) -> bool:
    """Whether the stop at ``dot`` follows an abbreviation: one capital, or a word of _ABBREVIATIONS."""
    word = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    if not word:
        return False
    w = word.group()
    return (len(w) == 1 and w.isupper()) or w.lower() in text_source._ABBREVIATIONS


def _first_of(text: str, words: tuple[str, ...]) -> int | None:
    """Where the first occurrence of any of ``words`` starts."""
    found = [at for at in map(text.find, words) if at >= 0]
    return min(found) if found else None

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
    events = read(DATA / "bulletin_wrapped.txt", Options()).events.frame()
    assert [d.date().isoformat() for d in events.start_date] == ["2016-08-14", "2016-11-28", "2017-03-01"]
    assert events.iloc[1].end_date.date() == date(2016, 12, 2)
    assert "ASEAN" in events.iloc[1].groups
    assert events.iloc[0].host_iso3 == "KEN"


def test_rows_typed_together_give_the_frames_typed_one_by_one(monkeypatch):
    # The build types the rows of consecutive bulletins in one frame (text files and a table interleave in the
    # sample directory); typing each file's rows on its own, as extract does, must give the same table.
    from etl.build import build
    from etl.sources.base import Result

    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    together = build([sample], progress=False)

    def one_frame_per_file(path, options):
        result = read(path, options)
        return Result(result.events.frame(), result.rejects, result.rows_read)

    monkeypatch.setattr(text_source, "read", one_frame_per_file)
    one_by_one = build([sample], progress=False)
    assert (together.events.source_kind == "text").sum() >= 20
    pd.testing.assert_frame_equal(together.events, one_by_one.events)
    pd.testing.assert_frame_equal(together.rejects, one_by_one.rejects)


def test_extract_rows_pauses_the_garbage_collector_and_restores_it():
    # Its rows and matches are many short-lived containers: collections during a call cost ~9% of it and free
    # nothing (the reads hold no cycles). The caller's setting must come back, whatever it was.  Watched from
    # outside (gc.callbacks), as the compiled module's internal calls cannot be patched.
    import gc

    started = []

    def watch(phase, info):
        if phase == "start":
            started.append(info["generation"])

    def collections_during(fn):
        gc.collect()  # from an empty youngest generation: the few allocations around the pause start none
        before = len(started)
        fn()
        return len(started) - before

    page = ("Work Bulletin (2019.1-2019.6)\n\nOn 3 May, ten teachers from Kenya visited Hangzhou.\n\n"
            "On 9 June, the association held a forum with Polish scholars in Beijing.")
    was, threshold = gc.isenabled(), gc.get_threshold()
    gc.callbacks.append(watch)
    try:
        gc.set_threshold(50)  # a running collector would start many collections in a call (thousands of containers)
        gc.enable()
        assert collections_during(lambda: [[] for _ in range(1000)]) > 0  # the watch sees collections
        rows = []
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            assert collections_during(lambda: rows.append(text_source.extract_rows(page, "p.txt")[0])) == 0
            assert len(rows[-1]) == 2 and gc.isenabled() is enabled
    finally:
        gc.callbacks.remove(watch)
        gc.set_threshold(*threshold)
        (gc.enable if was else gc.disable)()


def test_list_page_items_take_their_own_date_lines():
    events = read(DATA / "list_page.txt", Options()).events.frame()
    assert [d.date().isoformat() for d in events.start_date] == ["2019-04-11", "2019-03-02"]
    assert set(events.iloc[0].countries) == {"CHL"}
    assert "AUT" in set(events.iloc[1].countries)


def test_news_page_html_skips_chrome_and_scripts():
    events = read(DATA / "news_page.html", Options()).events.frame()
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
     "© 2021 All rights reserved", "Source: Foreign Affairs Office",
     "Copyright © 2012-2024 Friendship Society of Ningbo. All rights reserved.", "en_GBEnglish (UK)", "Views: 1,204",
     "Subscribe to our newsletter", "Sign up for updates", "This site uses cookies."],
)
def test_chrome_lines(line):
    assert is_chrome(line)


@pytest.mark.parametrize("line", [
    "On May 3, a delegation visited Lima and met teachers of a Spanish school.",
    # chrome words inside words of a report, or in a dated report
    "2019 | Signing of a twinning agreement between Yangzhou and Kandy | Kandy, Sri Lanka",
    "Forty pupils registered for a summer course in Osh, Kyrgyzstan.",
    "A seminar on film copyright law opened in Almaty for lawyers of both countries.",
    "On 2 May, thirty pupils subscribed to a pen-pal scheme with a school in Hanoi.",
])
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


# ----------------------------------------------------------------------------- line wraps

# _WRAP as first written: a look-behind at every character, then the break.
_WRAP_AS_DEFINED = re.compile(r"(?<![.!?:;。\n])\n(?=[ \t]*[a-z])|(?:"
                              + "|".join(rf"(?<=\s{w})" for w in text_source._LINKING_WORDS) + r")\n(?=[ \t]*\S)")
_WRAP_PIECES = st.sampled_from(["of", "the", "and", "by", "x", "Ghana", "students", ".", ":", "。", "!", " ", "  ",
                                "\t", "\n", "\n\n", "\n ", "\n\t", "a", "A", "ofthe", "-"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_WRAP_PIECES, max_size=24).map("".join), st.integers(0, 30), st.integers(0, 30))
def test_wrap_pattern_is_its_definition(text, pos, endpos):
    """Every break it finds and skips, over the whole text and in a window (as the wrap test of lines reads it)."""
    assert text_source._WRAP.sub(" ", text) == _WRAP_AS_DEFINED.sub(" ", text)
    found = text_source._WRAP.search(text, pos, endpos)
    expected = _WRAP_AS_DEFINED.search(text, pos, endpos)
    assert (found and found.span()) == (expected and expected.span())


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
    assert _first_of(text, text_source._CHAIN_STEMS) == (m.start() if m else None)


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
        first = _first_of(text_source.fold(before), text_source._CHAIN_STEMS)
        assert first is not None and first <= m.start()


# ----------------------------------------------------------------------------- per-item shortcuts held to their definitions

# Words and characters that fold in unusual ways (dotted and dotless i, long s, Kelvin sign, Greek sigma, which
# lower-cases by context) next to cue words, stems and the breaks around them.
_ITEM_WORDS = st.sampled_from(["In", "in", "AT", "inside", "The", "to", "TO", "sent", "Held", "met", "visit", "Went",
                               "organi", "took", "x", "İ", "İn", "ı", "ſ", "ſent", "K", "Σ", "ΣΑ", "Mr", "U", "Sept",
                               ".", ";", "!", "?", "。", " ", "  ", "\n", "\t", "\u00a0", "\"", "(", "A", "1"])
_ITEM_TEXTS = st.lists(_ITEM_WORDS, max_size=16).map("".join)


@settings(max_examples=500, deadline=None)
@given(_ITEM_TEXTS, st.integers(0, 40), st.integers(0, 40))
def test_folded_item_reads_cue_words_as_each_window_folded(body, lo, at):
    # _host folds the item once and reads windows of it; folding each window anew gives the same ASCII words.
    lo, at = min(lo, at, len(body)), min(max(lo, at), len(body))
    before, low = body[lo:at], text_source.fold(body)
    stem = text_source._CHAIN_STEM.search(low, lo, at)
    first = _first_of(text_source.fold(before), text_source._CHAIN_STEMS)
    assert (stem.start() - lo if stem else None) == first
    end = lo + len(before.rstrip())
    assert low.endswith(text_source._CUE_ENDINGS, max(lo, end - 6), end) == \
        text_source.fold(before.rstrip()[-6:]).endswith(text_source._CUE_ENDINGS)


def _plain_sentence_ends(text: str) -> list[int]:
    ends = [m.end() for m in text_source._SENTENCE_END.finditer(text)
            if not _abbreviation_before(text, m.start())]
    return ends if ends and ends[-1] == len(text) else ends + [len(text)]


_STOP_WORDS = st.sampled_from([*text_source._ABBREVIATIONS, "Mr", "MRS", "Sept", "Prof", "U", "S", "D", "C", "a", "x",
                               "xst", "Smr", "Washington", "abcdefghijklmnop", "Mſ", "ıt", "é", ".", ". ", "!", "? ",
                               "。", "\n", " ", "  ", "\"", "”", ")", "(", "A", "1"])


@pytest.mark.parametrize("text", ["Mr. Smith met Dr. Chen. They went on Sept. 5. Then U.S. Ltd.", "Washington D.C. hosted it.",
                                  "A talk by Prof\n. Li followed. Mr", "", "x.", "Smr. A", "The co. Ltd. And Inc. Go."])
def test_sentence_ends_skip_abbreviations(text):
    assert text_source._sentence_ends(text) == _plain_sentence_ends(text)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_STOP_WORDS, max_size=16).map("".join))
def test_sentence_end_lookbehinds_are_abbreviation_before(text):
    assert text_source._sentence_ends(text) == _plain_sentence_ends(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 60), max_size=8).map(sorted), st.integers(-2, 62))
def test_sentence_start_and_lead_end_bisect_the_ends(ends, at):
    text = "x" * 60
    assert text_source.sentence_start(text, at, ends) == ([0] + [e for e in ends if e <= at])[-1]
    assert text_source.lead_end(text, at, ends) == next((e for e in ends if e > at), len(text))


def _plain_split_blocks(text: str) -> list:
    out = []
    wrapped = text_source._hard_wrapped(text)
    for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        start = m.start()
        pieces = [(m.start(), m.end())] if wrapped else \
            [(start + n.start(), start + n.end()) for n in re.finditer(r"[^\n]+", text[m.start():m.end()])]
        if not wrapped and (len(pieces) > 2 and text_source._is_record(text, pieces)
                            or len(pieces) > 1 and text_source._wraps_one_paragraph(text, pieces)):
            pieces = [(m.start(), m.end())]  # an entry of labelled fields, or one paragraph wrapped at a width
        elif (not wrapped and len(pieces) > 2 and text_source._wraps_one_paragraph(text, pieces[1:])
              and text_source._heads(text[pieces[0][0]:pieces[0][1]])):
            # a post's header apart from its text; a title with its paragraph
            first = text[pieces[0][0]:pieces[0][1]]
            pieces = [pieces[0], (pieces[1][0], m.end())] if text_source.post_header(first, None) else [(m.start(), m.end())]
        elif not wrapped:  # an indented line continues the unindented one above it
            joined = []
            for s, e in pieces:
                if (joined and text[s] in " \t" and text[joined[-1][0]] not in " \t"
                        and not text_source._opens_item(text[s:e].lstrip())):
                    joined[-1] = (joined[-1][0], e)
                else:
                    joined.append((s, e))
            pieces = joined
        for s, e in pieces:
            s, e = text_source._strip_span(text, s, e)
            if e > s:
                out.append(text_source.Block(s, e, text[s:e]))
    return out


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "word", " ", "\n", "\n\n", " \n", "\t", "\r", "x" * 30]), max_size=30).map("".join))
def test_split_blocks_skips_the_line_search_in_one_line_chunks(text):
    assert split_blocks(text) == _plain_split_blocks(text)


@pytest.mark.parametrize("text", [BULLETIN, "On May 3, a team from Lima visited Chile and Peru, then met in Quito."])
def test_host_is_one_of_the_mentions(text):
    # _counterparts leaves the host's code out of its list of codes, as the mentions already hold it.
    mentions = text_source.ctry.find_mentions(text)
    for first, lead in [(0, len(text)), (0, 40), (30, 90), (len(text) // 2, len(text))]:
        host = text_source._host(text, first, lead, mentions, "CHN")
        assert host is None or any(host is m for m in mentions)


def test_country_names_are_looked_up_once_per_code():
    for iso3 in sorted(text_source.ctry.valid_codes())[:60] + ["CHN", "XKX", "USA"]:
        host = text_source.ctry.Mention(iso3, 0, 3, iso3, "name")
        assert text_source._place_name(host) == text_source._place_name(host) == text_source.ctry.country_name(iso3)


def test_full_stop_pattern_replaces_the_sentence_end_patterns_stop_class():
    # removeprefix leaves a pattern unchanged when the prefix is missing: the full-stop pattern would then
    # want a "." before the stop class instead of replacing it.
    kept = text_source._SENTENCE_END_KEPT.pattern
    assert kept.startswith("[.!?。]")
    assert text_source._FULL_STOP_END_KEPT.pattern == r"\." + kept[len("[.!?。]"):]


@settings(max_examples=500, deadline=None)
@given(st.lists(_STOP_WORDS.filter(lambda w: not any(c in w for c in "!?。")), max_size=16).map("".join))
def test_full_stop_pattern_is_the_sentence_end_pattern_without_other_stops(text):
    assert [m.end() for m in text_source._FULL_STOP_END_KEPT.finditer(text)] == \
        [m.end() for m in text_source._SENTENCE_END_KEPT.finditer(text)]


@pytest.mark.parametrize("method", ["text:bulletin-item", "text:news-dated-sentence", "text:news-publication-date",
                                    "text:news-dateline"])
def test_confidence_rounds_each_score_as_before(method):
    for kind_conf in [0.0, 0.24, 0.32, 0.4, 0.48, 0.5, 0.56, 0.64, 0.7, 0.8, 0.9, 1.0, 1.7, -3.0]:
        read, inferred = Mention("KEN", 0, 5, "Kenya", "name"), Mention("CHN", 0, 0, "", "home")
        for host, weight in ((None, 0.0), (read, 0.15), (inferred, 0.05)):  # a venue read weighs more than one inferred
            for precision in ("day", "month", "year"):
                date_span = text_source.DateSpan(date(2020, 1, 1), date(2020, 1, 1), precision, 0, 0, "")
                score = 0.35 + 0.35 * kind_conf + weight
                score += 0.15 if method == "text:bulletin-item" or precision == "day" else 0.05
                score -= {"text:news-publication-date": 0.2, "text:news-dateline": 0.1}.get(method, 0.0)
                for _ in range(2):  # computed, then from the cache
                    assert text_source._confidence(kind_conf, host, date_span, method) == \
                        round(max(0.05, min(1.0, score)), 3)


# A news page from another publisher: the date line carries a source before its label, and the report opens with a
# dateline but no sentence pairs a date with an event cue.
_DATELINE_PAGE = """Home | News | Contact
Students from two countries plant a grove outside Nairobi
Source: Partner Wire   Updated: {pub}
NAIROBI, {dateline} -- About 80 university students from China and Kenya set out 500 seedlings at a forest reserve near the city under a green partnership scheme.
The scheme is in its fifth year, its organizers said.
"""


@pytest.mark.parametrize(
    ("pub", "dateline", "expected"),
    [
        ("2023-11-28 09:15", "Nov. 27", "2023-11-27"),
        ("2024-01-02 08:00", "Dec. 30", "2023-12-30"),  # a dateline after the page's own date: the year before
        ("2024-01-02 08:00", "Dec. 30, 2024", "2024-12-30"),  # unless it names its year
    ],
)
def test_news_page_dated_by_its_dateline(pub, dateline, expected):
    result = extract(_DATELINE_PAGE.format(pub=pub, dateline=dateline), "wire.txt")
    assert [d.date().isoformat() for d in result.events.start_date] == [expected]
    row = result.events.iloc[0]
    assert row.method == "text:news-dateline" and row.participants == 80 and "KEN" in row.countries


def test_news_page_without_dateline_takes_the_labelled_date_after_a_source():
    page = _DATELINE_PAGE.format(pub="2023-11-28 09:15", dateline="").replace("NAIROBI,  -- ", "")
    events = extract(page, "wire.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2023-11-28"]
    assert events.iloc[0].method == "text:news-publication-date"


def test_list_page_with_bracketed_date_lines():
    page = ("Our activities\n\nA group of Uzbek journalists calls on the association in Beijing\n[2022-04-12]\n\n"
            "A peace forum in Kathmandu gathers partners from South Asia\n(2022-03-30)\n")
    events = extract(page, "list.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-04-12", "2022-03-30"]
    assert set(events.method) == {"text:list-item"}


def test_a_page_without_events_leaves_a_reject():
    result = extract("About the council\n\nThe council brings together teachers who care for rivers and lakes "
                     "in many provinces and abroad.", "about.txt")
    assert result.events.empty
    assert result.rejects[["location", "reason"]].values.tolist() == [["offset 0", "no dated event found"]]


def test_title_names_the_place_once():
    text = ("In late March, the Sino-Argentine Cultural Center in Buenos Aires opened a show of calligraphy and ink "
            "painting that drew more than 300 visitors.")
    events = extract(f"Bulletin (2021)\n\n{text}\n\nOn April 2, a second show opened in Rosario, Argentina, "
                     "for students of the language.", "b.txt").events
    title = events.iloc[0].title
    assert title.count("Buenos Aires") == 1 and "Sino-Argentine Cultural Center" in title


@pytest.mark.parametrize(
    ("item", "host"),
    [
        # where visitors come from is no venue: with no place named, the reporting side received them
        ("On 12 April, a group of Uzbek journalists called on the association to talk about joint reporting.", "CHN"),
        ("On 2 April, the vice president received the Ambassador of Nepal to discuss school partnerships.", "CHN"),
        ("On 12 March, an online seminar on rural roads drew 60 officials from Laos, Cambodia and Myanmar.", "CHN"),
        ("On 9 May, a Japan youth delegation of 20 toured a tea farm and a middle school in Hangzhou.", "CHN"),
        # a venue named after them still wins, and a place that is not an origin stays the host
        ("On 12 April, Uzbek journalists visited the desert research station in Tashkent for two days.", "UZB"),
        ("On 6 March, graduates of an Ethiopia women vocational course received their certificates.", "ETH"),
        ("On 3 June, Kenyan students planted 500 trees at a forest reserve outside Nairobi.", "KEN"),
        # "in" inside a "from ..." phrase says where people come from; with a verb between, it is the venue again.
        ("On 5 June, pupils from a grammar school in Apia, Samoa, arrived in Xiamen for a summer course.", "CHN"),
        ("On 5 June, a youth team from Ghana arrived in Lima, Peru, for a football friendly.", "PER"),
        ("On 5 June, doctors from three hospitals in Nepal met in Kathmandu to review a training scheme.", "NPL"),
        ("On 5 June, a chess match brought pupils from both towns together in Osh, Kyrgyzstan, for a weekend.", "KGZ"),
    ],
)
def test_origins_are_not_hosts(item, host):
    events = extract(f"Bulletin (2022)\n\n{item}\n\nOn 30 June, a closing session was held in Lima, Peru, for "
                     "all partners of the scheme.", "b.txt").events
    assert (events.iloc[0].host_iso3 if pd.notna(events.iloc[0].host_iso3) else None) == host


def test_list_page_with_date_headings_before_items():
    page = ("# Partnership digest\n\n### 8 March 2022\nA women's federation held a video dialogue with partners in "
            "Vietnam on rural trade; 45 entrepreneurs joined.\n\n**21 March 2022**\nA medical team arrived in Harare, "
            "Zimbabwe, for a six-month mission at two district hospitals.\n")
    events = extract(page, "digest.md").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-03-08", "2022-03-21"]
    assert events.host_iso3.tolist() == ["VNM", "ZWE"] and events.participants.tolist()[0] == 45
    for row in events.itertuples():  # the snippet is the text at the item's offsets
        assert page[row.source_start:row.source_end] == row.snippet


def test_since_a_year_dates_no_news_event():
    page = ("Envoys tour the harbour\nDate: 2024-05-09\n\nOn May 8, a youth delegation from Ghana visited the harbour "
            "and its training school in Xiamen, meeting engineers and apprentices.\n\nThe visit belongs to an exchange "
            "the friendship association has run since 2019 with partner cities in West Africa.\n")
    events = extract(page, "news.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2024-05-08"]


@pytest.mark.parametrize(
    ("actor", "place", "expected"),
    [
        ("Sino-Argentine Cultural Center in Buenos Aires", "Buenos Aires", "Exhibition by Sino-Argentine Cultural Center in Buenos Aires"),
        ("Nigeria-China Friendship Association", "Niger", "Exhibition by Nigeria-China Friendship Association in Niger"),
    ],
)
def test_title_drops_the_place_only_when_the_actor_names_it(actor, place, expected):
    host = text_source.ctry.Mention("NER", 0, len(place), place, "city")
    org = type("Org", (), {"name": actor})()
    assert text_source._title("A show opened.", "exhibition", [org], host) == expected


def _first_item(item: str):
    """The event of ``item`` in a small 2021 bulletin where a second dated item follows it."""
    page = f"Notes (2021)\n\n{item}\n\nOn 30 May, a choir from Kunming sang in Hanoi, Vietnam, for a crowd of 300.\n"
    return extract(page, "notes.txt").events.iloc[0]


@pytest.mark.parametrize(("item", "host"), [
    # no place named but where the guests come from: the reporting side received them
    ("On 3 May, twenty Kenyan teachers finished a course run by our college on lesson design.", "CHN"),
    ("On 3 May, the Vice President received a delegation from Almaty, Kazakhstan, at the office.", "CHN"),
    ("On 3 May, the association signed an accord with a visiting Vietnamese youth delegation.", "CHN"),
    # a hyphenated word between the demonym and the people noun keeps the demonym an origin
    ("On 3 May, some thirty Kenyan primary-school teachers were guests of the Yunnan Provincial NGO Network.", "CHN"),
    # a place the indexes do not know may be the venue, and an item that names no country says nothing of where
    ("On 3 May, representatives of the federation attended the executive board meeting of the WHO.", None),
    ("On 3 May, forty-one members met for the yearly dinner in Stirling and elected a chair.", None),
    ("On 3 May, eleven nurses finished a course in the Volta region, taught by visiting doctors.", None),
    # a foreign place that is nobody's origin is the venue, found as before
    ("On 3 May, our teachers opened a summer school for forty pupils in Kandy, Sri Lanka.", "LKA"),
])
def test_an_item_that_names_no_venue_happened_on_the_reporting_side(item, host):
    row = _first_item(item)
    assert (row.host_iso3 if isinstance(row.host_iso3, str) else None) == host
    if host == "CHN":
        assert pd.isna(row.host_city)  # no city was named


def test_an_inferred_venue_weighs_less_in_the_confidence():
    inferred = _first_item("On 3 May, twenty Kenyan teachers finished a course run by our college on lesson design.")
    read = _first_item("On 3 May, twenty Kenyan teachers finished a course run by our college in Hangzhou.")
    assert (inferred.host_iso3, read.host_iso3) == ("CHN", "CHN")
    assert inferred.confidence < read.confidence


MONTHLY = """Riverbank Friendship Society: notes for the third quarter of 2020

Readers may send corrections to the office; the notes below follow the calendar.

August 2020

On the 4th, eight potters from Faenza opened a workshop week at the ceramics institute in Jingdezhen.

From the 17th to the 21st, a video seminar linked rice breeders in Changsha with colleagues in Dhaka, Bangladesh.

Mid-month, the society sent 300 boxes of school supplies to village schools near Luang Prabang, Laos.

September 2020

Late in the month, a choir of retired teachers performed at a harvest festival in Almaty, Kazakhstan.

The society signed a twinning memorandum with a youth centre of Tbilisi, Georgia, by video link.

Photographs of these activities can be found on our website.
"""


def test_month_sections_date_their_items_from_the_heading():
    events = extract(MONTHLY, "monthly.txt").events
    got = [(d.date().isoformat(), e.date().isoformat(), p) for d, e, p in
           zip(events.start_date, events.end_date, events.date_precision, strict=True)]
    assert got == [("2020-08-04", "2020-08-04", "day"), ("2020-08-17", "2020-08-21", "day"),
                   ("2020-08-01", "2020-08-31", "month"), ("2020-09-01", "2020-09-30", "month"),
                   ("2020-09-01", "2020-09-30", "month")]  # the last line reports no event: no row
    assert events.host_iso3.tolist()[2:4] == ["LAO", "KAZ"] and "GEO" in events.iloc[4].countries
    assert events.source_start.min() > MONTHLY.index("August 2020")  # the introduction is no event


def test_one_month_line_makes_no_sections():
    page = ("Pages from our archive\n\nMay 2019\n\nThe library of the association holds reports written by members "
            "over the years and is open on weekdays to readers.\n")
    assert extract(page, "archive.txt").events.empty


def test_list_page_with_a_footer_keeps_dates_after_their_items():
    page = ("Activities of the Pampas Friends Club\n\nPotters visit Yixing\nSix potters from Salta spent a week with "
            "teapot makers in Yixing and showed their own work at a local gallery.\n2021-05-04\n\n"
            "Gauchos ride in Inner Mongolia\nFour riders from Corrientes took part in a horse festival on the "
            "grasslands near Hohhot and judged a riding contest.\n2021-05-11\n\n"
            "Tango evening in Hangzhou\nDancers from Rosario taught a tango class to 60 students of a Hangzhou "
            "college and closed the evening with a show.\nDate: 2021-05-19\n\nOlder entries\n")
    events = extract(page, "list.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2021-05-04", "2021-05-11", "2021-05-19"]
    assert events.participants.tolist()[2] == 60  # the labelled date line kept its item


def test_short_whole_sentence_items_are_events():
    page = ("Harbour Friendship Notes (2022)\n\nOn 8 October, twenty Samoan dancers performed in Xiamen.\n\n"
            "On 30 October, a forum on fisheries in Suva, Fiji, gathered experts from eleven Pacific islands.\n\n"
            "Issue 12, October 2022\n")
    events = extract(page, "notes.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-10-08", "2022-10-30"]


def test_bulletin_item_dated_inside_its_sentence():
    page = ("Canal Society Bulletin (2019.5-2019.8)\n\nOur members were busy this summer; their news for May to "
            "August 2019 follows below.\n\nOn 3 May, a delegation of engineers from Ghent visited the canal museum "
            "in Wuxi and met its curators.\n\nA photo exhibition on river towns of Flanders opened in Suzhou on "
            "12 July 2019 and drew many visitors over its six weeks.\n\nOn 20 August, twelve lock keepers from Wuxi "
            "began a study tour of waterways in Belgium and the Netherlands.\n")
    events = extract(page, "bulletin.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2019-05-03", "2019-07-12", "2019-08-20"]
    assert events.method.tolist() == ["text:bulletin-item", "text:bulletin-sentence", "text:bulletin-item"]


@pytest.mark.parametrize(("where", "host", "counterparts"), [
    ("in Cordoba, Spain", "ESP", ["ESP"]),  # not the Argentine city the name alone gives
    ("in Cordoba, Argentina", "ARG", ["ARG"]),
    ("in Kenya, Uganda and Tanzania", "KEN", ["KEN", "UGA", "TZA"]),  # a list of countries is no "City, Country"
])
def test_city_comma_country_places_the_city_in_that_country(where, host, counterparts):
    row = _first_item(f"On 2 May, a choir from Shanghai gave three concerts {where} for local schools.")
    assert row.host_iso3 == host and list(row.countries) == counterparts
    if host == "ESP":
        assert row.lon > -10  # the Spanish city's country, not Argentina's coordinates


@pytest.mark.parametrize(("opening", "is_event"), [
    ("This issue covers March to June 2021; our partners in 12 countries sent news and photographs.", False),
    ("In 2022 the society plans to open a reading room for exchange students in Tashkent.", False),
    ("In May, two theatre groups are scheduled to tour Kazakhstan with a puppet show.", False),
    ("In 2022 the society opened a reading room for exchange students in Tashkent.", True),
    ("On 3 May, both sides agreed that they plan to continue the programme next year.", True),  # a plan later on
])
def test_the_page_describing_itself_or_a_plan_is_no_event(opening, is_event):
    page = (f"Steppe Friendship Notes (2021)\n\n{opening}\n\nOn 9 April, a jazz trio from Almaty played in Xi'an for "
            "an audience of students.\n\nOn 20 April, rice breeders from Kenya met colleagues at a Changsha institute.\n")
    starts = extract(page, "notes.txt").events.source_start.tolist()
    assert (page.index(opening) in starts) is is_event


def test_list_item_dated_by_its_own_summary_before_the_posting_date():
    page = ("News of the Andes Circle\n\nGlaciologists open a field station\nFrom 2 to 6 March, surveyors from "
            "Mendoza and Lanzhou set up instruments at a new station high in the Andes.\n2022-03-15\n\n"
            "Weavers meet in Cusco\nA week of workshops brought Peruvian and Chinese weavers together in Cusco.\n"
            "2022-03-20\n\nLater plans\nFrom 2 to 6 May, a return visit will take the surveyors to Gansu.\n2022-03-28\n")
    events = extract(page, "list.txt").events
    got = [(d.date().isoformat(), e.date().isoformat()) for d, e in zip(events.start_date, events.end_date, strict=True)]
    # its own dates; the posting date where the summary gives none, or one after the posting (a plan)
    assert got == [("2022-03-02", "2022-03-06"), ("2022-03-20", "2022-03-20"), ("2022-03-28", "2022-03-28")]


def test_list_items_dated_by_an_uncued_opening_date_yesterday_or_a_stay_across_the_new_year():
    page = ("Harbour City Friendship Society: news\n\n"
            "Malagasy choir in town\nThirty singers from Antananarivo got together on 4 December with pupils of a "
            "Xiamen music school for an evening of songs.\n[2023/12/09]\n\n"
            "Dairy accord\nThe society and a farmers' union of Nakuru yesterday put their names to a memorandum on "
            "training young herders.\n[2023/11/28]\n\n"
            "Winter guests\nTwenty pupils from Sapporo lived with Xiamen families from December 28 to January 3 and "
            "learnt to cut paper lanterns.\n[2024/01/06]\n\n"
            "Footer\n\nCopyright © 2015-2024 Harbour City Friendship Society. All rights reserved.\n")
    events = extract(page, "list.txt").events
    got = [(d.date().isoformat(), e.date().isoformat()) for d, e in zip(events.start_date, events.end_date, strict=True)]
    # The copyright line's years date no summary: the date lines still come after their items.
    assert got == [("2023-12-04", "2023-12-04"), ("2023-11-27", "2023-11-27"), ("2023-12-28", "2024-01-03")]


@pytest.mark.parametrize("title", [
    "Notice on the spring call for twinning project proposals",
    "PUBLIC NOTICE: visa counter closed for an audit",
    "Office hours over the Spring Festival",
    "Call for proposals: youth exchange grants",
])
def test_a_notice_in_a_list_is_a_reject_not_an_event(title):
    page = ("Lakeside Friendship Council: news\n\n"
            f"{title}\nMember groups may write to us from 3 to 14 March; forms are on the downloads page.\n"
            "[2024/02/20]\n\n"
            "Dutch growers in Kunming\nEleven tulip growers from Lisse met flower farmers of Yunnan on 12 February "
            "and visited the auction hall.\n[2024/02/16]\n")
    result = extract(page, "list.txt")
    assert [d.date().isoformat() for d in result.events.start_date] == ["2024-02-12"]
    assert result.rejects.reason.tolist() == ["a notice, not a report of an event"]


def _dated(events, column: str) -> list[tuple[str, str, str]]:
    """(start, end, ``column``) of each event, dates as ISO strings."""
    return [(d.date().isoformat(), e.date().isoformat(), v)
            for d, e, v in zip(events.start_date, events.end_date, events[column], strict=True)]


def test_a_paragraph_that_tells_two_events_gives_two():
    page = ("Harbin Friendship Association: work bulletin (2022.7-2022.12)\n\n"
            "On 9th August, the Association held a summer reading camp with Mongolian pupils in Manzhouli. "
            "Two days later, the Ulaanbaatar Fine Arts School opened an exhibition of children's drawings in Hailar "
            "with sixty works.\n\n"
            "On 2nd September, a delegation of eight Polish mayors arrived in Harbin. The next day the delegation "
            "toured a dairy farm and met the city's deputy mayor. They flew home on 5th September.\n\n"
            "On 14 October, the Sino-Korean forum on cold-region building opened in Harbin with 150 engineers. "
            "Its sessions will end on 16 October. In the afternoon, Harbin and the Korean city of Chuncheon signed "
            "a memorandum on youth exchanges.\n")
    events = extract(page, "bulletin.txt").events
    assert _dated(events, "method") == [
        ("2022-08-09", "2022-08-09", "text:bulletin-item"),
        ("2022-08-11", "2022-08-11", "text:paragraph-part"),  # a new actor, a day counted from the first
        # the delegation's next days go on with its visit: one event
        ("2022-09-02", "2022-09-02", "text:bulletin-item"),
        ("2022-10-14", "2022-10-14", "text:bulletin-item"),
        ("2022-10-14", "2022-10-14", "text:paragraph-part"),  # the same day, another event (and no part for a plan)
    ]
    # each part is read from its own words: an exhibition; an agreement that names Korea; the forum's head-count
    assert events.event_type.tolist()[1] == "exhibition" and events.event_type.tolist()[4] == "agreement"
    assert list(events.countries.iloc[4]) == ["KOR"] and events.participants.iloc[3] == 150
    # the parts' spans tile the paragraph: the first ends where the second begins, less the space between
    first, second = events.iloc[0], events.iloc[1]
    assert page[first.source_end:second.source_start] == " "
    assert page[second.source_start:].startswith("Two days later") and page[first.source_start:].startswith("On 9th")


def test_a_part_may_open_on_a_quantified_new_group():
    # "some forty students" after a part's date are new people, not the first event's ("they", "the delegation").
    page = ("Harbin Friendship Association: work bulletin (2022.7-2022.12)\n\n"
            "On 2nd November, the Association held a tea forum with Russian traders in Harbin. On 5th November, some "
            "forty Russian students opened an exhibition of photographs in Heihe.\n\n"
            "On 9th December, a delegation of eight Polish mayors arrived in Harbin for a week of talks.\n")
    events = extract(page, "bulletin.txt").events
    assert _dated(events, "method") == [
        ("2022-11-02", "2022-11-02", "text:bulletin-item"),
        ("2022-11-05", "2022-11-05", "text:paragraph-part"),
        ("2022-12-09", "2022-12-09", "text:bulletin-item"),
    ]


def test_a_weekly_column_dates_its_paragraphs_by_their_weekdays():
    page = ("THE HARBOUR TIMES\n\nEXCHANGES THIS WEEK\nBy a staff columnist\nSaturday, 21 October 2023\n\n"
            "A busy week for the city's friends abroad, as this column saw it.\n\n"
            "Some twenty young officials from Da Nang arrived on Monday for a study tour of fishing ports, "
            "and left again after three days of talks with the harbour bureau.\n\n"
            "Earlier this month a team of eye doctors from the city hospital spent ten days in Vientiane, where "
            "it screened villagers; their course for Lao nurses, which began on 25 September, also ended.\n\n"
            "Diplomacy on paper came on Thursday, when the city and the port of Sihanoukville signed a memorandum "
            "on sister ports. On Friday, a photo exhibition of the Mekong by Cambodian photographers opened at "
            "the city museum.\n")
    events = extract(page, "column.txt").events
    assert _dated(events, "date_precision") == [
        ("2023-10-16", "2023-10-16", "day"),  # "on Monday" in the lead, before the Saturday of the byline
        ("2023-10-01", "2023-10-31", "month"),  # the opening's "Earlier this month" beats a later sentence's date
        ("2023-10-19", "2023-10-19", "day"),
        ("2023-10-20", "2023-10-20", "day"),  # a part that opens on its own weekday
    ]
    assert events.event_type.tolist()[-2:] == ["agreement", "exhibition"]


@pytest.mark.parametrize("box", [
    "> **COMING UP**\n>\n> **May 21-23** · A dialogue of civil groups from Africa, Changsha. Members may register "
    "until May 6.\n>\n> **Late June** · A youth camp on the Mekong in Xishuangbanna, with guests from Laos.",
    "Save the date\n\n* 21-23 May: a dialogue of civil groups from Africa opens in Changsha with partners.\n\n"
    "* Late June: a youth camp on the Mekong in Xishuangbanna, with guests from Laos and Thailand.",
])
def test_entries_under_an_upcoming_heading_are_plans(box):
    page = ("# Network Bulletin\n\nIssue 37 | Spring 2024\n\n"
            "### Teachers from Kenya in Yunnan\n\nFrom March 5-9, some thirty Kenyan teachers were guests of "
            "village schools near Dali and ran a reading workshop with local staff.\n\n"
            f"{box}\n\n"
            "### Midwives trained in Addis Ababa\n\nOn March 19, midwives from Hunan opened a course for birth "
            "attendants in Addis Ababa with the Ethiopian Red Cross.\n")
    result = extract(page, "bulletin.md")
    assert [d.date().isoformat() for d in result.events.start_date] == ["2024-03-05", "2024-03-19"]
    assert set(result.rejects.reason) == {"listed under a heading of things to come (a plan, not a report)"}
    assert len(result.rejects) == 2


def test_news_story_dated_by_the_first_date_its_opening_gives():
    page = ("Ghanaian beekeepers finish a course in Fujian\n\nStaff writer | 2023-06-12 10:05\n\n"
            "FUZHOU — Eleven beekeepers from Kumasi, who had spent a month at an apiary school near Fuzhou, were "
            "handed their diplomas last Friday (June 9) by the head of the provincial bee institute.\n\n"
            "Their hosts said a further group would come in October.\n")
    events = extract(page, "story.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2023-06-09"]
    assert events.method.tolist() == ["text:news-first-date"]


def test_a_plan_or_an_end_date_is_no_news_event():
    page = ("Uzbek ceramics shown in Xi'an\nDate: 2022-09-02\n\nOn 1 September, an exhibition of ceramics from "
            "Rishtan opened at the Xi'an art museum with 140 pieces.\n\nThe exhibition will run until 10 October, "
            "and a second show is scheduled to open in Tashkent on 5 November.\n")
    events = extract(page, "news.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-09-01"]


@pytest.mark.parametrize(("opening", "host", "city"), [
    ("Ndola, 26 March 2021 — Twelve teachers from Hunan began a month of classes", "ZMB", "Ndola"),
    ("Changsha, 9 April 2021 — A delegation of the Lusaka City Council toured a solar plant", "CHN", "Changsha"),
    ("KAMPALA, April 12, 2021 -- Chinese doctors opened a free eye camp for farmers from Zambia", "UGA", "Kampala"),
    ("Kenya, 14 April 2021: students of a Nairobi school visited Beijing and met teachers", "CHN", "Beijing"),
])
def test_an_items_dateline_place_is_its_venue(opening, host, city):
    row = _first_item(f"{opening}, with partners of the network.")
    assert (row.host_iso3, row.host_city) == (host, city)


def test_news_listing_with_dates_between_titles_and_summaries():
    page = ("News and activities\n\nKyrgyz dancers tour Gansu\n\n3 June 2023\n\nA folk ensemble of 24 dancers from "
            "Bishkek gave six shows in Lanzhou and Tianshui over a week of touring.\n\nRead more »\n\n"
            "Tea growers from Rwanda visit Fujian\n\n21 May 2023\n\nSeven tea growers from Rwanda spent ten days on "
            "estates near Wuyishan, learning how oolong is rolled and roasted.\n\nRead more\n\n"
            "Archive\n\nMay 2023\n\nApril 2023\n")
    events = extract(page, "listing.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2023-06-03", "2023-05-21"]
    # each item is its own title and summary: no "Read more", nothing of the next item
    assert events.snippet.tolist()[0].startswith("Kyrgyz dancers") and "Rwanda" not in events.snippet.tolist()[0]
    assert events.snippet.tolist()[1].endswith("roasted.") and events.participants.tolist() == [24, 7]


def test_a_continuation_or_another_years_date_starts_no_bulletin_item():
    page = ("Lakeside Notes (2022)\n\nFrom 13 to 24 June, nine young diplomats from Bhutan attended a course on "
            "public service in Kunming.\n\nThe course ended with a visit to a rural clinic on 24 June, where the "
            "guests met village doctors.\n\nA photo exhibition of Bhutanese monasteries opened in Dali on 2 July "
            "and drew many visitors.\n\nThe organisers will bring a larger show to a fair held in August 2023, "
            "with pictures from both countries.\n\nOn 20 July, a choir from Thimphu sang in Kunming.\n")
    events = extract(page, "notes.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-06-13", "2022-07-02", "2022-07-20"]


def test_a_table_row_written_as_text_takes_its_last_cell_as_venue():
    page = ("Activities in 2019\n\nDate | Activity | Partner | Place\n"
            "3 March 2019 | Study tour on river fisheries for 14 officials from Vietnam | Fisheries bureau | Nanning\n"
            "9 April 2019 | Youth chess friendly with 40 Thai players | Chess club of Thailand | Bangkok, Thailand\n"
            "2 May 2019 | Visit of a Cambodian teachers' delegation to four schools | Provincial office | Guilin\n")
    events = extract(page, "report.txt").events
    assert events.host_iso3.tolist() == ["CHN", "THA", "CHN"]
    assert events.host_city.tolist() == ["Nanning", "Bangkok", "Guilin"]


@pytest.mark.parametrize("archive_first", [True, False])
def test_an_archive_menu_of_months_is_no_sections(archive_first):
    archive = "Archive\n\nMay 2023\n\nApril 2023\n\nMarch 2023\n\n"
    story = ("Cuban pianists play in Harbin\nDate: 2023-05-20\n\nTwo pianists from Havana gave a recital at the Harbin "
             "concert hall on 18 May for an audience of 600 music students.\n\n")
    page = archive + story if archive_first else story + archive
    events = extract(page, "news.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2023-05-18"]


@pytest.mark.parametrize(("item", "countries"), [
    ("On 4 May, a teacher from Lima began Spanish lessons for 30 pupils of a Chengdu school.", ["PER"]),
    ("On 4 May, French-language books from Senegal were given to a library in Wuhan.", ["SEN"]),
    ("On 4 May, a French choir sang in Wuhan for the students.", ["FRA"]),  # people, not a language
])
def test_a_language_is_no_country(item, countries):
    assert list(_first_item(item).countries) == countries


def test_numbered_items_are_bulletin_items():
    page = ("Annual review of the Harbour City Friendship Society, 2019\n\n"
            "1. On March 5, the society received eight potters from Faenza, who gave a glazing class in Jingdezhen.\n\n"
            "2. In May, the society sent a choir of 30 singers to Tallinn for a song festival.\n\n"
            "3. On 14 October, a photo exhibition on rivers of Laos opened in the city library.\n")
    events = extract(page, "review.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2019-03-05", "2019-05-01", "2019-10-14"]
    assert events.date_precision.tolist() == ["day", "month", "day"]


def test_background_long_before_the_publication_is_no_news_event():
    page = ("Dockside twins mark forty years\nTime: 2019-07-22 10:31\n\n"
            "Last Friday evening, nearly 500 guests attended a gala in Rotterdam for the fortieth year of the "
            "partnership between the two port cities.\n\n"
            "The mayors signed the first partnership agreement in November 1979 in the old town hall.\n")
    events = extract(page, "news.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2019-07-19"]  # the Friday before that Monday
    assert events.participants.tolist() == [500]


def test_background_in_a_story_without_a_publication_date():
    page = ("Youth forum opens in Changsha\n\n"
            "On 3 September 2024, more than 300 young people from 40 African countries met in Changsha for a forum "
            "on farming and trade.\n\n"
            "Opening the meeting, the chair of its organising committee recalled that the forum had first been "
            "held in 2018 and has since met every three years.\n")
    events = extract(page, "wire.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2024-09-03"]


@pytest.mark.parametrize(("years", "expected"), [
    ("in 2015, in 2018 and in 2024", 2024),  # a tie goes to the latest year
    ("in 2021, in 2021 and in 2024", 2021),
    ("in 2024, in 2018 and in 2015", 2024),
])
def test_the_most_common_year_of_a_page_is_one_answer(years, expected):
    assert text_source._common_year(f"The cities met {years}.") == expected


def test_entries_of_labelled_fields_are_one_item_each():
    page = ("Exchange digest, second half of 2022\n\n"
            "Event: Lantern-making workshop for Slovak pupils\nDate: 2022-07-21\nVenue: Bratislava, Slovakia\n"
            "Participants: about 80 pupils\nSummary: Pupils of two schools learnt to make paper lanterns.\n\n"
            "Event: Summer course in herbal medicine for Czech students\nDate: 2022-08-01 to 2022-08-12\nVenue: Chengdu, China\n"
            "Summary: Medical students from Brno attended lectures and clinic rounds.\n")
    events = extract(page, "digest.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-07-21", "2022-08-01"]
    assert events.method.tolist() == ["text:bulletin-item"] * 2  # dated by their date lines, not read as news
    assert events.host_iso3.tolist() == ["SVK", "CHN"]
    assert events.participants.tolist()[0] == 80


def test_labelled_date_lines_alone_make_a_list_page():
    page = ("Partner news\n\nNew reading room for Fijian students\n\nDate: 2021-07-09\n\n"
            "A reading room with two thousand books opened at a secondary school in Suva, paid for by a "
            "friendship group from Ningbo.\n\nSeedlings for a school garden\n\nDate: 2021-08-02\n\n"
            "Volunteers from the same group planted fruit trees with pupils in Nadi and trained their teachers.\n")
    events = extract(page, "list.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2021-07-09", "2021-08-02"]


def test_a_year_line_dates_the_items_under_it():
    page = ("Chronicle of the Kestrel Society with Peru (2015-2016)\n\n2015\n\n"
            "March 12: The society received the Peruvian consul in Chengdu to plan a photo show.\n\n"
            "June: The society ran a summer camp in Chengdu for 40 pupils from Lima.\n\n2016\n\n"
            "Jan. 15: A seminar on alpaca wool brought 30 traders from Arequipa to Shanghai.\n")
    events = extract(page, "chronicle.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2015-03-12", "2015-06-01", "2016-01-15"]
    assert events.date_precision.tolist() == ["day", "month", "day"]


def test_a_markdown_heading_with_a_date_dates_the_paragraph_under_it():
    page = ("# Harbour Partners Bulletin\n\nHighlights of the spring.\n\n"
            "## 14 March 2022 — Teachers finish a language course\n\n"
            "Twenty teachers from Vientiane received certificates in Guilin after a twelve-week course.\n\n"
            "## 2–8 May 2022 — Border youth camp\n\n"
            "Fifty students from Mong Cai and Dongxing spent a week planting mangroves together.\n")
    events = extract(page, "bulletin.md").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-03-14", "2022-05-02"]
    assert events.snippet.str.startswith("## ").all()  # the item runs from its heading through its paragraph


def test_items_dated_at_their_end_with_a_performance_or_a_race():
    page = ("Newsletter, Q2 2023\n\n"
            "• A chamber orchestra from Xiamen performed three concerts in Porto and Braga (June 14–20).\n"
            "• More than 2,000 runners from 25 countries took part in a half marathon in Weihai (May 21).\n"
            "• A choir from Ghent gave a concert in Ningbo for the new twinning office (April 3).\n")
    events = extract(page, "q2.txt").events
    assert sorted(d.date().isoformat() for d in events.start_date) == ["2023-04-03", "2023-05-21", "2023-06-14"]


@pytest.mark.parametrize(("item", "host"), [
    ("On 3 March 2017 the vice-president met a visiting group of Chilean legislators in Beijing.", "CHN"),
    ("On 3 March 2017 a group visiting Chile met farmers in Talca.", "CHL"),
])
def test_visiting_as_an_adjective_names_no_venue(item, host):
    assert _first_item(item).host_iso3 == host


def test_an_indented_summary_line_belongs_to_the_entry_above_it():
    page = ("Member activities\n\n"
            "2022-06-28 · Tree planting by the Tuul River — Steppe Friendship Society\n"
            "    Some 150 volunteers from both countries planted elm saplings near Ulaanbaatar.\n\n"
            "2022-06-19 · Open day in Kuala Lumpur — Straits Friendship Club\n"
            "    Families made rice dumplings by Titiwangsa Lake; over 600 visitors came.\n")
    events = extract(page, "activities.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-06-28", "2022-06-19"]
    assert events.participants.tolist() == [150, 600]


def test_the_place_bracketed_with_the_date_after_a_title_is_the_venue():
    page = ("Friendship Link, Spring 2019\n\n"
            "SIGHT RESTORED (Port Vila, 15 April) Eight eye doctors from a hospital in Haikou operated on 90 patients.\n\n"
            "GROWERS LEARN GRAFTING (Haikou, 5 May) Twenty farmers from Cambodia spent a week on a mango farm.\n")
    events = extract(page, "link.txt").events
    assert events.host_iso3.tolist() == ["VUT", "CHN"]


def test_a_news_date_after_the_publication_is_a_plan():
    page = ("Youth orchestra plays in Vienna\nPosted: 2022-05-16\n\n"
            "On May 14, more than 900 listeners heard a youth orchestra from Chengdu play with Viennese pupils.\n\n"
            "\"We look forward to the return concert in Chengdu in October 2023,\" the conductor said.\n")
    events = extract(page, "release.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-05-14"]


@pytest.mark.parametrize(("opening", "day"), [
    ("Two days later, a delegation of twelve councillors arrived in Dunedin", "2023-05-05"),
    ("The next day, the guests visited a kiwifruit farm near Otago", "2023-05-04"),
    ("A week later, students of both cities met for a forum", "2023-05-10"),
    ("Twelve days later, a choir from Dunedin gave a concert in Shanghai", "2023-05-15"),
    ("Three weeks later, the two ports signed a memorandum on training", "2023-05-24"),
])
def test_a_later_paragraph_of_a_story_is_dated_from_the_one_before(opening, day):
    page = ("Friendship month in Dunedin\nPosted: 2023-06-02\n\n"
            "The month opened on May 3 with a lantern workshop for sixty pupils in the Chinese garden.\n\n"
            f"{opening}, and the mayor hosted a dinner for them.\n")
    events = extract(page, "feature.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2023-05-03", day]


def test_a_later_item_of_a_bulletin_is_dated_from_the_one_before():
    page = ("Twin city notes (2023)\n\n"
            "On May 3, sixty pupils made lanterns at the Chinese garden with two craftsmen from Shanghai.\n\n"
            "Two days later, a delegation of twelve councillors from Shanghai arrived in Dunedin for talks on ports.\n\n"
            "On May 19, the two universities signed a memorandum on student exchanges.\n")
    events = extract(page, "notes.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2023-05-03", "2023-05-05", "2023-05-19"]


def test_indented_items_under_a_heading_stay_items():
    page = ("Activities of the Lakeside Society in 2022\n"
            "    12 March: a delegation of potters from Faenza visited the kilns of Jingdezhen.\n"
            "    - On 5 April, thirty pupils from Lyon joined a calligraphy class in Suzhou.\n"
            "    In May, the society sent a choir of 30 singers to Tallinn for a song festival.\n")
    events = extract(page, "activities.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-03-12", "2022-04-05", "2022-05-01"]


@pytest.mark.parametrize(("opening", "day"), [
    ("Last Friday evening, nearly 500 guests attended a gala in Rotterdam for forty years of the partnership.",
     "2019-07-19"),
    ("The gala, which will open on Friday, expects 500 guests in Rotterdam for forty years of the partnership.",
     "2019-07-22"),  # a plan: the page's own day
])
def test_a_weekday_dates_a_story_only_in_the_past(opening, day):
    page = f"Port twins meet\nTime: 2019-07-22 10:31\n\n{opening}\n"
    assert extract(page, "news.txt").events.start_date.iloc[0].date().isoformat() == day


def test_markdown_entries_take_their_title_and_upcoming_ones_go_to_the_rejects():
    page = ("# Network diary\n\nLast updated: 10 May 2024\n\n## Coming up\n\n### Summer school on wetlands\n\n"
            "**When:** 20 June 2024\n**Where:** Kunming\nThirty rangers will meet for a week.\n\n## Past\n\n"
            "### Webinar on river basins\n\n**When:** 3 April 2024\n**Where:** Online\n"
            "Speakers from Laos and Cambodia compared notes on flood warnings.\n\n"
            "### Tree planting in Luang Prabang\n\n**When:** 12 March 2024\n**Where:** Luang Prabang, Laos\n"
            "Some sixty pupils and their teachers planted mango trees with volunteers from Yunnan.\n")
    result = extract(page, "diary.md")
    events = result.events
    assert [d.date().isoformat() for d in events.start_date] == ["2024-04-03", "2024-03-12"]
    assert events.event_type.tolist()[0] == "conference"  # "Webinar", said only in the entry's title
    assert events.host_iso3.tolist()[1] == "LAO"
    assert result.rejects.reason.tolist() == ["dated after the page's publication date (a plan, not a report)"]


def test_a_mail_newsletter_dates_its_titled_items_from_its_header():
    # Lines wrapped near 70 characters, as a plain-text mail is: a line break inside a paragraph is a wrap.
    page = ("Subject: Harbour city newsletter, issue 3\nFrom: Foreign Affairs Office <news@example.org>\n"
            "To: subscribers@example.org\nDate: Tue, 14 Mar 2023 08:15:02 +0800\n\n"
            "PORT COURSE ENDS\n"
            "Twenty customs officers from Laos finished a course on port logistics\n"
            "at the harbour college on 3 March, after two weeks of classes and\n"
            "visits to the container terminal and the bonded logistics zone.\n\n"
            "BOOKS FOR A SISTER SCHOOL\n"
            "On 6 March the friendship association donated some 300 picture books\n"
            "to a primary school in Vientiane, where the city's teachers also ran\n"
            "a reading class for the pupils of the first two grades.\n\n"
            "TEA WITH NEIGHBOURS\n"
            "Last Thursday some sixty women from nine countries who live in town\n"
            "met members of the municipal women's federation over tea and a\n"
            "demonstration of the tea ceremony at the old customs house.\n")
    events = extract(page, "newsletter.txt").events
    # the first item, titled as the others are, is one though its date stands inside its sentence
    assert [d.date().isoformat() for d in events.start_date] == ["2023-03-03", "2023-03-06", "2023-03-09"]
    # the head-count reads across the line that wraps its sentence
    assert events.participants.tolist()[::2] == [20, 60]


def test_a_review_released_the_next_year_dates_its_items_to_the_year_it_names():
    page = ("Harbour City Office\n\nSummary of Foreign Exchanges of Harbour City in 2018\n"
            "Release date: 2019-01-22\n\n"
            "In late April, a delegation of twelve councillors from Kitakyushu paid a visit to the port.\n\n"
            "On 8 November, a photo exhibition on Le Havre opened at the city museum.\n")
    events = extract(page, "review.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2018-04-01", "2018-11-08"]


def test_a_page_of_posts_dates_each_post_from_its_own_line():
    # A blog: menus and tags between posts, each post's paragraphs wrapped near 90 characters, dates told
    # counting back from the day the post went up.
    page = ("Notes from the hill school\n\nHome | About | Photos\n\n"
            "Guests from Kunming\n\nPosted on 26 November 2019 by Wang Fei\n\n"
            "On Sunday our hall was full for the county's Chinese speech contest for secondary pupils, and\n"
            "some thirty pupils from nine schools spoke about their favourite Chinese festival.\n\n"
            "Tags: contest, pupils\nLeave a comment\n\n"
            "A week of visitors\n\nPosted on 27 October 2019 by Li Na\n\n"
            "Two weeks ago today, eight Thai principals from our partner schools flew to Kunming for a\n"
            "five-day study tour hosted by the provincial department of education.\n\n"
            "Yesterday the school held a calligraphy exhibition for parents, with works by sixty pupils\n"
            "hung along the corridor of the library building next to the sports field.\n\n"
            "Tags: study tour\n2 Comments\n")
    events = extract(page, "blog.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2019-11-24", "2019-10-13", "2019-10-26"]
    assert events.participants.tolist()[0] == 30  # read across the wrap ("and\nsome thirty pupils")


def test_a_list_page_with_an_address_footer_dates_items_by_their_own_sentences():
    page = ("Embassy news\n\nHome > News > Activities\n\n"
            "Solar Lamps for Households in Chongwe\n"
            "On the morning of 16 June, the ambassador handed over 500 solar lamps to farming households in Chongwe, "
            "and more than 200 villagers attended the ceremony.\n(2022-06-17)\n\n"
            "Chinese Bridge Final Held at the University\n"
            "The national final of the Chinese Bridge competition took place at the University of Zambia on 11 June, "
            "with fourteen contestants from two universities.\n(2022-06-13)\n\n"
            "Back to top\n\n"
            "Address: Plot 7430, United Nations Avenue, Longacres, P.O. Box 31975, Lusaka, Zambia, on the corner\n"
            "Office hours: Monday to Friday 08:30-12:00 and 14:30-17:00, closed on public holidays of both countries\n")
    events = extract(page, "news.txt").events
    # each date line closes its item; the event's own day, not the day it was posted
    assert [d.date().isoformat() for d in events.start_date] == ["2022-06-16", "2022-06-11"]
    assert [page[s:s + 12] for s in events.source_start] == ["Solar Lamps ", "Chinese Brid"]


def test_bullets_in_a_hard_wrapped_page_are_items_of_their_own():
    # Every line wrapped near 95 characters: single line breaks are wraps, except before a bullet.
    page = ("FRIENDSHIP DIGEST (MARCH 2019)\n\n"
            "Compiled from the regional press by the research office of the association; names are given as\n"
            "the sources spell them, with our own rendering in brackets after them where it seems to help.\n\n"
            "04.03.2019 | Bishkek\n"
            "Eighteen doctors and nurses of a hospital in Urumqi held a day of free consultations at a city\n"
            "clinic in Bishkek, and left an ultrasound unit for the clinic's children's ward before leaving.\n\n"
            "BRIEFLY\n"
            "* On March 27th, a friendship fund and a policy institute held a round table in Bishkek on rural\n"
            "  development; more than 40 experts and officials from both countries took part in the talks.\n"
            "* Throughout March, four volunteer teachers from Urumqi ran free evening Chinese classes for the\n"
            "  staff of the city hall of Osh, twice a week, with a small test and certificates at the end.\n")
    events = extract(page, "digest.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2019-03-04", "2019-03-27", "2019-03-01"]
    assert [page[s - 2:s + 2] for s in events.source_start][1:] == ["* On", "* Th"]  # each item starts after its bullet


def test_a_feed_dates_each_post_from_its_header_and_skips_posts_that_report_nothing():
    page = ("Feed export 2022 - Youth Exchange Network\n\n"
            "[X] @YouthNet · Nov 28\n"
            "Apply now! Places on our 2023 summer camp for young engineers are open until the 15th of December,\n"
            "for students aged 18 to 30 from any partner university. #Camp\n\n"
            "[X] @YouthNet · Nov 25\n"
            "Today in Nairobi some forty volunteers from Chinese firms planted a thousand seedlings along a trail\n"
            "in the forest with pupils of two schools nearby. #Green\n\n"
            "[Facebook] Youth Exchange Network — 19 Aug 2022, 09:15\n"
            "Yesterday a delegation of twelve young journalists met the youth envoy of the African Union\n"
            "in Addis Ababa to talk about reporting on the continent's youth. #Media\n\n"
            "[X] @YouthNet · Oct 20\n"
            "Happy national day to all our friends and partners in Kenya, with our best wishes! #Friends\n\n"
            "[Facebook] Youth Exchange Network — 30 Jul 2022, 16:40\n"
            "Signed! This afternoon in Beijing our secretary-general and the head of a youth council of Ghana signed\n"
            "a memorandum on student exchanges for 2023-2025. More on our website. #Ghana\n")
    events = extract(page, "feed.txt").events
    # the term of what was signed ("for 2023-2025") is no day to come
    assert [d.date().isoformat() for d in events.start_date] == ["2022-11-25", "2022-08-18", "2022-07-30"]
    assert events.participants.tolist()[:2] == [40, 12]


def test_dated_headlines_under_a_story_are_no_posts():
    page = ("Delegation visits Hangzhou\nUpdated: 2023-05-06\n\n"
            "On May 4, a 14-member delegation of a Kenyan friendship association visited Hangzhou and met the "
            "vice-governor to talk about farming cooperation and student exchanges.\n\n"
            "Related news\n\n"
            "Governor meets consul general of Singapore 2023-04-30\n\n"
            "Provincial partnership with Hesse marks 40 years 2023-04-25\n")
    events = extract(page, "story.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2023-05-04"]


def test_later_paragraphs_of_a_story_are_dated_from_the_event_before_or_the_page():
    page = ("Friendship forum opens in Kunming\nUpdated: 2023-11-18 08:36   Source: Provincial Daily\n\n"
            "The regional friendship forum opened in Kunming on November 16, bringing together more than 300 guests "
            "from twelve countries for two days of talks.\n\n"
            "On the same day, a photo exhibition on life along the Mekong opened at the provincial museum with works "
            "by photographers from Laos and Thailand.\n\n"
            "Also on Thursday, the provincial Red Cross handed over 3,000 hygiene kits to its Myanmar counterpart "
            "at a ceremony in Muse.\n\n"
            "The day before, the vice governor met a delegation of a Nepalese friendship society in Kunming and "
            "talked about tourism.\n\n"
            "On the 17th, some sixty young delegates from Laos and Cambodia visited a flower-growing cooperative "
            "near the city.\n\n"
            "The exchange builds on earlier work. Last November, twenty Kenyan extension officers attended a "
            "training course on irrigation in Yangling.\n")
    events = extract(page, "forum.txt").events
    assert [d.date().isoformat() for d in events.start_date] == [
        "2023-11-16", "2023-11-16", "2023-11-16", "2023-11-15", "2023-11-17", "2022-11-01"]


def test_a_timeline_reads_bold_month_labels_and_skips_the_update_line():
    page = ("# Milestones\n\n*Page last updated 3 February 2020 · Maintained by the secretariat of the association*\n\n"
            "### 2016\n\n"
            "- **March** — Founding assembly of the friendship association at the city hall, with the charter "
            "adopted by its members.\n"
            "- 18 November: A twelve-member string ensemble from Pécs played to a full house at the city's grand "
            "theatre.\n")
    events = extract(page, "milestones.md").events
    assert [d.date().isoformat() for d in events.start_date] == ["2016-03-01", "2016-11-18"]
    assert events.date_precision.tolist() == ["month", "day"]
    assert events.participants.tolist()[1] == 12  # an ensemble's size


def test_a_seasonal_issue_dates_last_year_s_months_to_last_year():
    page = ("[Home](/) | [About us](/about) | [Join](/join)\n\n# Newsletter — Spring 2024 (Issue 41)\n\n## Events\n\n"
            "**Film evening, 7 December.** The Aberdeen branch closed its autumn programme with a screening of a "
            "documentary about village schools in Yunnan.\n\n"
            "**Lunar New Year dinner, 10 February.** More than 120 members and guests packed a restaurant in Leith "
            "for the annual dinner and a lion dance.\n")
    events = extract(page, "newsletter.md").events
    assert [d.date().isoformat() for d in events.start_date] == ["2023-12-07", "2024-02-10"]


def test_a_season_on_a_mastheads_second_line_dates_the_issue():
    # A hard-wrapped newsletter keeps its masthead's lines in one block. The plans further down name the next year
    # more often than the masthead names its own: the season decides.
    page = ("RIVERTON–YANGZHOU TWINNING SOCIETY\nAutumn 2024 Newsletter · Volume 12, No. 3\n\n"
            "Kite afternoon\nOn 14 September, forty children flew kites made with a\n"
            "kite maker from Weifang in Riverside Park, and the guests\nfrom Yangzhou joined in for a picnic.\n\n"
            "Teachers' visit\nOn 2 October, six teachers from Yangzhou arrived for a\n"
            "week of classes at Riverton High and stayed with families\nof the society's members.\n\n"
            "Coming up\nLunar New Year dinner, Saturday 1 February 2025, at the\n"
            "town hall. The 2025 student trip to Yangzhou: sign up by\n1 March 2025.\n")
    events = extract(page, "newsletter.txt").events
    assert [d.date().isoformat() for d in events.start_date][:2] == ["2024-09-14", "2024-10-02"]


def test_a_wire_item_is_dated_by_the_weekday_its_lead_names_before_the_dateline():
    # A digest of wire items: the dateline is the day of filing, the lead says the day of the event; a later
    # paragraph that opens on the same event ("The workshop, which opened on ...") says when it began.
    page = ("WEEKLY EXCHANGE DIGEST | No. 12 | 2-8 October 2022\n\n"
            "Lantern makers teach in Vilnius\n"
            "VILNIUS, Oct. 5 (ELTA) -- Eight lantern makers from Zigong taught a craft workshop for about fifty "
            "design students at the Vilnius Academy of Arts on Monday, the academy said.\n"
            "The workshop, which opened on Sept. 28, ended with a parade of the students' lanterns through "
            "the old town.\n\n"
            "Seedlings for a school in Dodoma\n"
            "Dodoma/Oct. 7/ A Chinese charity last Thursday handed over 2,000 fruit-tree seedlings to a secondary "
            "school, where pupils planted the first hundred.\n\n"
            "Choir sings in Tallinn\n"
            "TALLINN, Oct. 8 (ERR) -- A youth choir from Chongqing gave a concert in the city's concert hall "
            "to a full house.\n")
    events = extract(page, "digest.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-09-28", "2022-10-06", "2022-10-08"]
    assert [d.date().isoformat() for d in events.end_date][0] == "2022-10-03"  # Monday 3 October


def test_a_page_that_writes_the_month_first_reads_its_numeric_dates_so():
    # 10/27/2021 can only be month first: so is every other date the page writes in numbers.
    page = ("Community Partners Blog\n\nHome | News | Contact\n\n"
            "Clinic week in Tamale\nPosted 10/27/2021 by Admin\n\n"
            "A medical team from a hospital in Guangxi treated more than 300 patients at the regional hospital "
            "in Tamale during a week of free clinics.\n\n"
            "Desks for two schools\nPosted 08/03/2021 by Admin\n\n"
            "A Chinese company donated 200 desks to two primary schools near Tamale on the last day of term, and the "
            "pupils sang for the guests.\n")
    events = extract(page, "blog.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2021-10-27", "2021-08-03"]
    assert dates.month_first("on 10/27/2021 and 08/03/2021")
    assert not dates.month_first("on 27/10/2021 and 08/03/2021")
    assert not dates.month_first("on 10/27/2021 and 27/10/2021")  # a page that writes both says nothing


def test_a_post_header_may_open_with_its_date_and_name_its_categories():
    page = ("Riverside Friendship Club\n\n"
            "Our volunteers in Chiang Mai\nMarch 4th, 2022 | News, Volunteering\n\n"
            "Ten club members volunteered for a fortnight at a village school near Chiang Mai, teaching English and "
            "Chinese and repainting two classrooms.\n\n"
            "Calligraphy evening\nFebruary 19th, 2022 | News, Culture\n\n"
            "Some sixty members and guests attended a calligraphy evening with a visiting master from Hangzhou at "
            "the club's hall.\n")
    events = extract(page, "club.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-03-04", "2022-02-19"]
    assert events.participants.tolist()[1] == 60


def test_numbered_date_lines_given_twice_or_without_a_year_head_their_items():
    page = ("湖北省友协工作简报（2021年第3期）\n"
            "HUBEI FRIENDSHIP NEWSLETTER, Issue 3, 2021\n\n"
            "1. July 6 (2021年7月6日)\n"
            "A delegation of the association visited the Lower Saxony friendship society in Hanover and discussed "
            "student exchanges for the coming year.\n\n"
            "2. 2021年7月15日至18日\n"
            "Some thirty Ugandan teachers attended a seminar on vocational education in Wuhan.\n\n"
            "3. 9 August\n"
            "A photo exhibition on the Yangtze opened at the library of the University of Ghana in Accra, with more "
            "than 120 guests at the opening.\n")
    events = extract(page, "newsletter.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2021-07-06", "2021-07-15", "2021-08-09"]
    assert [page[s:s + 10] for s in events.source_start] == ["A delegati", "Some thirt", "A photo ex"]


def test_a_place_named_in_full_after_from_is_where_people_come_from():
    page = ("Exchange notes, 2022\n\n"
            "On 4 May, a choir of forty pupils from Collège Jean Moulin in Lille opened a week of concerts in Wuhan "
            "with a performance at the city's children's palace.\n")
    events = extract(page, "notes.txt").events
    assert events.host_iso3.tolist() == ["CHN"]


def test_rows_of_a_table_in_a_page_are_read_by_their_header():
    # A report page whose activities are a Markdown table: the date, venue and participants columns say what the
    # prose rules would have to guess (a month alone, a count without a noun, a venue after the partner's city).
    page = ("# Exchange activities of the province, first quarter of 2023\n\n"
            "Published 2023-04-10\n\n"
            "| No. | Date | Activity | Partner | Venue | Participants |\n"
            "|---|---|---|---|---|---|\n"
            "| 1 | 2023.01.20 | Spring festival concert for students from Laos | Vientiane Youth Union | Kunming | about 300 |\n"
            "| 2 | Feb. | Training course for Zambian nurses | Ministry of Health, Lusaka | Changsha | 25 |\n"
            "| 3 | March 6-9 | Teachers' delegation visits partner schools | Nagoya city board | Nagoya, Japan | 12+ |\n\n"
            "Notes: figures are as reported by the organizers.\n")
    events = extract(page, "table.md").events
    assert [d.date().isoformat() for d in events.start_date] == ["2023-01-20", "2023-02-01", "2023-03-06"]
    assert events.date_precision.tolist() == ["day", "month", "day"]
    assert events.host_iso3.tolist() == ["CHN", "CHN", "JPN"]
    assert events.participants.tolist() == [300, 25, 12]
    assert events.participants_qualifier.tolist() == ["about", "exact", "more_than"]


def test_a_table_drawn_in_text_reads_rows_whose_cells_wrap():
    # Text extracted from a PDF: no frame, a rule of dashes and pluses, cells wrapped onto lines whose first cell
    # is empty; a run-in head ("Winter school. From ...") opens a paragraph item before the table.
    page = ("ANNUAL REPORT 2021\n\n"
            "Winter school. From 10 to 21 January some thirty Chinese students of Finnish took part in a winter\n"
            "school at the University of Turku, with courses in language, design and sauna culture.\n\n"
            "Table 2. Activities with partners in China, 2021\n\n"
            "Date      | Activity                        | Partner                 | Participants\n"
            "----------+---------------------------------+-------------------------+-------------\n"
            "3 Mar     | Online seminar on forest        | Beijing Forestry        | 140\n"
            "          | schools for children            | University              |\n"
            "Jun       | Book donation to rural schools  | Gansu Provincial        | -\n"
            "          | in Gansu                        | Education Department    |\n"
            "7-9 Oct   | Teachers' delegation to Tampere | Hangzhou Normal         | 12 (teachers)\n"
            "          | and Helsinki, Finland           | University              |\n")
    events = extract(page, "report.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2021-01-10", "2021-03-03", "2021-06-01",
                                                                  "2021-10-07"]
    assert events.date_precision.tolist()[2] == "month"
    assert events.participants.fillna(-1).tolist()[1:] == [140, -1, 12]
    rows = events.source_start.tolist()[1:]
    assert [page[s:s + 6] for s in rows] == ["3 Mar ", "Jun   ", "7-9 Oc"]
    assert events.host_iso3.tolist()[3] == "FIN"


def test_a_fortnight_later_dates_the_paragraph_from_the_one_before():
    page = ("Chair's letter, 2022\n\n"
            "On 3 May our choir sang at a friendship concert in Busan for an audience of some four hundred.\n\n"
            "A fortnight later it was our turn to host. Ten members of a Ghanaian friendship society held talks with us "
            "on school partnerships.\n")
    events = extract(page, "letter.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-05-03", "2022-05-17"]


@pytest.mark.parametrize(("contents", "year"), [
    ("Diary: annual dinner, 12 January 2024", 2023),  # a later year on the page: the winter at the end of 2023
    ("Diary: annual dinner, 12 January", 2022),  # none: the winter that ends in 2023 looks back to 2022
])
def test_a_winter_issue_is_the_one_its_page_points_to(contents, year):
    page = ("Friends of Qingdao Newsletter - Winter 2023\n\n"
            "On 14 October forty members visited the friendship garden in Qingdao with guests from Japan.\n\n"
            "On 2 December the society held a reception in Qingdao for twenty students from Korea.\n\n"
            + contents + "\n")
    events = extract(page, "winter.txt").events
    assert events.start_date.iloc[0].year == year


def test_a_year_that_labels_a_timeline_entry_dates_it_to_the_year():
    page = ("# Twin town Lanzhou\n\n## Milestones\n\n"
            "**2011** – The two mayors sign the twinning agreement in Lanzhou before a delegation of councillors.\n\n"
            "**June 2014** – Forty pupils from our grammar school spend two weeks with host families in Lanzhou.\n\n"
            "2016: A friendship society is founded with 25 members at the town library.\n")
    events = extract(page, "milestones.md").events
    assert [d.date().isoformat() for d in events.start_date] == ["2011-01-01", "2014-06-01", "2016-01-01"]
    assert events.date_precision.tolist() == ["year", "month", "year"]


def test_a_town_venue_gives_the_town_and_its_coordinates():
    page = ("Exchange notes 2022\n\n"
            "On 4 May, forty volunteers from Qingdao planted trees at a school in Esbjerg with Danish pupils.\n")
    row = extract(page, "notes.txt").events.iloc[0]
    assert (row.host_iso3, row.host_city) == ("DNK", "Esbjerg")
    assert abs(row.lat - 55.47) < 0.1 and abs(row.lon - 8.45) < 0.1  # the town's, not Denmark's centre


def test_records_parted_by_rules_are_items_and_unheld_ones_are_rejects():
    # An events export: records of labelled lines parted by rule lines, not blank lines; its "Export generated"
    # line dates the page and is no event; a record whose status says it did not take place is a reject.
    page = ("YOUTH NETWORK - EVENTS 2022\n"
            "Export generated: 2022-11-30 10:02 | Secretariat, Wuhan\n"
            "==========================================================\n"
            "Title: Robotics weekend\nWhen: 12-13 Nov 2022\nWhere: Wuhan University, Wuhan\n"
            "Attendance: approx. 80\nStatus: held\n"
            "----------------------------------------------------------\n"
            "Title: Friendship football match\nWhen: 22 Oct 2022\nWhere: Lusaka, Zambia\n"
            "Attendance: n/a\nStatus: cancelled\n"
            "----------------------------------------------------------\n"
            "Title: Tea culture evening with Zambian students\nWhen: 8 Oct 2022\nWhere: Wuhan\n"
            "Attendance: some forty students\nStatus: held\n")
    result = extract(page, "export.txt")
    assert [d.date().isoformat() for d in result.events.start_date] == ["2022-11-12", "2022-10-08"]
    assert result.rejects.reason.tolist() == ["not held (status: cancelled)"]


def test_an_italic_caption_with_a_date_and_a_place_dates_and_places_the_paragraph_under_it():
    page = ("# Our year in pictures - 2022\n\n"
            "![A lion dance](img/01.jpg)\n\n"
            "*Brno, 5 February 2022 - Spring Festival evening*\n\n"
            "More than 150 guests came to our evening of music and dumplings at the city library.\n\n"
            "![Teachers in a classroom](img/02.jpg)\n\n"
            "*June 2022, Olomouc*\n\n"
            "Twelve teachers from Changsha ran a week of Chinese classes for pupils at a grammar school.\n")
    events = extract(page, "pictures.md").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-02-05", "2022-06-01"]
    assert events.host_iso3.tolist()[0] == "CZE" and events.host_city.tolist()[0] == "Brno"


def test_a_press_release_is_dated_by_its_story_before_its_dateline():
    page = ("FOR IMMEDIATE RELEASE\n\nCity choir tours Busan\n\n"
            "WUHAN, China, Oct. 12, 2022 /Newswire/ -- From September 28 to October 3, a youth choir from Wuhan sang "
            "in Busan at the invitation of the city's friendship society.\n\n###\n\n"
            "FOR IMMEDIATE RELEASE\n\nForum on river cities\n\n"
            "WUHAN, China, Oct. 20, 2022 /Newswire/ -- More than 200 guests from nine river cities took part in a "
            "forum on flood control that closed on Tuesday at Wuhan University.\n")
    events = extract(page, "releases.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-09-28", "2022-10-18"]


def test_short_items_that_open_with_their_dates_stay_items_though_one_dates_the_page():
    # The first item is short enough to read as the page's date line; it is still an item, and the next is no plan.
    page = ("Notes 2022\n\n12 May 2022: Kenyan teachers visited Hangzhou.\n\n"
            "20 May 2022: a choir from Lusaka sang in Wuhan.\n")
    events = extract(page, "notes.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-05-12", "2022-05-20"]


def test_an_item_that_opens_like_a_back_reference_but_is_later_stays_an_item():
    page = ("Bulletin 2022\n\nOn 3 May, a delegation from Kenya visited Hangzhou and met the city's friendship "
            "association.\n\nThe exhibition, which opened on 12 June in Lusaka, drew more than 300 visitors to "
            "photographs of Hangzhou.\n")
    events = extract(page, "bulletin.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2022-05-03", "2022-06-12"]


def test_a_wire_item_of_the_weekend_is_dated_to_the_weekend_before_its_dateline():
    page = ("FOR IMMEDIATE RELEASE\n\nOpera troupe in Kobe\n\n"
            "KOBE, Japan, April 22, 2024 /Newswire/ -- Some thirty performers of a Tianjin opera troupe gave two "
            "shows in Kobe over the weekend to mark forty years of friendship between the two port cities.\n\n###\n\n"
            "FOR IMMEDIATE RELEASE\n\nTeachers visit Tianjin\n\n"
            "TIANJIN, China, May 6, 2024 /Newswire/ -- Twelve teachers from Kobe visited three Tianjin schools on "
            "Friday and gave classes in Japanese.\n")
    row = extract(page, "releases.txt").events.iloc[0]
    assert (row.start_date.date().isoformat(), row.end_date.date().isoformat()) == ("2024-04-20", "2024-04-21")


@pytest.mark.parametrize("line", ["08/03/2023", "13/03/2023", "03/13/2023", "8.3.2023", "Date: 08/03/2023",
                                  "1. 08/03/2023", "08-03-2023", "31/02/2023", "02/31/2023", "Posted 08/03/2023 by us",
                                  "12 May 2023", "Share"])
def test_whether_a_line_is_a_date_does_not_hang_on_the_page(line):
    """_is_date_line keeps its answers from page to page: only which date a line is may change with the page's
    order of numeric dates, not whether it is one."""
    answers = set()
    for page in ("Posted 10/27/2023, updated 11/30/2023.", "Posted 27/10/2023, updated 30/11/2023."):
        with dates.numeric_order(page):
            answers.add(text_source._line_date(line, text_source._ANY_YEAR) is not None)
    assert len(answers) == 1
    assert text_source._is_date_line(line) in answers


def test_a_report_title_under_the_publishers_name_gives_the_year():
    # The masthead's first line is the publisher; the second, the report and its half-year.  The footer's later year
    # (when the report was written up) appears as often as the title's, and must not date the items.
    page = ("COASTAL FORUM OF VOLUNTEER GROUPS\n"
            "Half-Yearly Work Report, January - June 2021\n\n"
            "Page 1 of 2\n\n"
            "On 3 March, twelve volunteer doctors from Fuzhou began a fortnight of free clinics in Colombo.\n\n"
            "From 10 to 14 May, the forum hosted eighteen Malagasy youth workers for a course on disaster relief.\n\n"
            "Plans for 2022 are under discussion. Written up by the secretariat in February 2022.\n")
    events = extract(page, "report.txt").events
    assert [d.date().isoformat() for d in events.start_date] == ["2021-03-03", "2021-05-10"]
    # One title line of a single day is a date line, not the report's period: it gives no year here.
    dated = page.replace("Half-Yearly Work Report, January - June 2021", "Issued 2 July 2022")
    assert text_source._masthead_year(text_source._readable_blocks(dated)[:3]) is None
