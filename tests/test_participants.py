"""Head-counts in running text and in table cells: table-driven cases, properties and the dev gold."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.normalize import participants
from etl.normalize.participants import (
    MAX_HEADCOUNT,
    HeadCount,
    find_headcount,
    parse_count_cell,
    parse_count_series,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# (text, expected (value, qualifier) or None)
HEADCOUNT_CASES = [
    # plain counts, with adjectives between number and noun
    ("In May, 24 young teachers of the fifth cohort reached Laos to teach for a year.", (24, "exact")),
    ("Some 40 retired doctors joined the clinic week.", (40, "about")),
    ("In June, twelve of our retired teachers taught summer classes in Vientiane.", (12, "exact")),  # the side's own
    ("Two of the delegates spoke at the opening.", None),  # a subset of others: no head-count
    ("Five acupuncturists from Guangzhou gave free treatment for three weeks.", (5, "exact")),
    ("Over three days, September 13-15, nine presidents and vice-presidents of Thai colleges toured two campuses.",
     (9, "exact")),
    ("In late August, more than 30 historians and archaeologists from Oman met in Muscat.", (30, "more_than")),
    # a labelled field of an entry
    ("Venue: Bratislava\nParticipants: 150\nSummary: Tea masters met importers.", (150, "exact")),
    ("Attendance: about 1,200", (1200, "about")),
    ("The forum drew 200-odd guests from Mandalay.", (200, "more_than")),
    # members counted with others who came are a turnout, not a roll
    ("More than 120 members and guests packed the restaurant for the dinner.", (120, "more_than")),
    ("The historian spoke to some sixty members and friends at the hall.", (60, "about")),
    # a number that names a class or a batch counts nobody
    ("Some thirty pupils spoke; two of my Grade 10 girls came second.", (30, "about")),
    ("Batch 3 trainees, 25 nurses in all, finished the course.", (25, "exact")),
    ("About 150 travel agents attended the signing.", (150, "about")),
    # a title's last words and the summary under it: the count does not run across the line break
    ("Camp welcomes guests from Three Continents\nSixty teenagers from Peru and Kenya spent a week.", (60, "exact")),
    # a group's size is no running total, though its sentence holds one
    ("The 10-member team, here since October, has so far treated 9,000 patients.", (10, "exact")),
    ("About 2,500 visitors came to the lantern show.", (2500, "about")),
    ("Nearly 600 people attended the opening.", (600, "nearly")),
    ("Almost 90 Kenyan and Chinese students took part.", (90, "nearly")),
    ("Over 250 delegates gathered in Astana.", (250, "more_than")),
    ("More than 45 journalists covered the talks.", (45, "more_than")),
    ("Up to 300 athletes will compete in the relay.", (300, "up_to")),
    ("As many as 1,200 volunteers helped at the games.", (1200, "up_to")),
    ("Roughly 75 scholars presented papers.", (75, "about")),
    ("The gala was attended by 3.400 guests.", (3400, "exact")),
    ("There were 300+ participants at the camp.", (300, "more_than")),
    # word numbers, delegations and teams
    ("Twelve entrepreneurs from Ghana visited the park.", (12, "exact")),
    ("Two hundred children sang at the ceremony.", (200, "exact")),
    ("A dozen artists painted a joint mural.", (12, "about")),
    ("A five-member delegation of the youth league visited Hanoi.", (5, "exact")),
    ("The 18-member medical team flew to Dakar.", (18, "exact")),
    ("A delegation of 14 travelled to Lima for talks.", (14, "exact")),
    ("It received a delegation of about 20 from Nepal.", (20, "about")),
    ("The province sent a delegation of\n16 to the trade fair.", (16, "exact")),  # the line break of a wrapped text
    ("Just a   dozen teachers attended the clinic.", (12, "about")),  # "a dozen" with several spaces
    # a qualifier is a whole word: the "over" of "moreover", the "some" of "handsome"
    ("Moreover 45 volunteers planted trees along the river.", (45, "exact")),
    ("A friendly match in Lahore brought together 40 players from both sides.", (40, "exact")),
    ("Some 25 retired surgeons and 10 midwives ran a free clinic.", (25, "about")),
    ("It paid a handsome 30 interns a stipend.", (30, "exact")),
    # the headline is the count that took part
    ("Eight volunteers landed in Fiji; the scheme has sent over 900 volunteers to 30 countries so far.", (8, "exact")),
    ("More than 50 envoys from over 60 countries joined the reception.", (50, "more_than")),
    ("Over 200 guests attended, including 41 guests from abroad.", (200, "more_than")),
    ("Some 60 interns were chosen from 900 applicants and went to Geneva.", (60, "about")),
    ("The fund will send 7 nurses to Chad; in 2016 it sent a 10-member team.", (7, "exact")),
    ("The centre will serve 2,000 pupils. Around 150 people attended the launch.", (150, "about")),
    # not people, or not a head-count at all
    ("Delegates from 32 countries signed the accord.", None),
    ("The alliance now has 250 member organizations in 40 countries.", None),
    ("The 31st session of the council opened.", None),
    ("About 20% of them were women.", None),
    ("The fund raised 5,000 dollars for 12 schools.", None),
    ("The 2019 volunteers programme was launched.", None),
    ("Dozens of students came.", None),
    ("It donated 800 bags to two villages.", None),
    ("The plan covers 16+1 cooperation and ICD-11 coding.", None),
    ("Some 1,200 person-times of volunteers served.", None),
    ("So far, more than 400 students have benefited from the scheme.", None),
    ("18-year-old students may apply.", None),
    ("A total of 48 national associations joined 76 bodies.", None),
    # a year that ends a date is no count, but a count of that size stays one
    ("On 4 May 2021 volunteers from the club cleaned a beach.", None),
    ("On May 4, 2021 students from Hue toured the port.", None),
    ("In Sept. 2020 teachers from Vientiane arrived.", None),
    ("By the 30th of June 2018 doctors had left.", None),
    ("In spring 2019 students from Oslo came to Xiamen.", None),
    ("During 2021 volunteers planted mangroves.", None),
    ("On 20 May 2023, 1,200 runners took part.", (1200, "exact")),
    ("2,023 volunteers took part in the clean-up.", (2023, "exact")),
    ("The marathon drew some 2000 runners.", (2000, "about")),
    # a multiplier before a scale word, "and" after a hundred, ranges in words and "or so"
    ("Two dozen nurses landed in Suva.", (24, "about")),
    ("Some three dozen pupils sang at the fair.", (36, "about")),
    ("Half a dozen engineers flew to Lusaka.", (6, "about")),
    ("A half-dozen potters showed their work.", (6, "about")),
    ("One hundred and twenty students attended.", (120, "exact")),
    ("Half a million spectators lined the route.", (500000, "exact")),
    ("Thirty or forty elders met the mayor.", (30, "more_than")),
    ("20 or 30 trainees joined each session.", (20, "more_than")),
    ("Two to three hundred villagers gathered.", (200, "more_than")),
    ("Forty or so pupils joined the choir.", (40, "about")),
    ("Several dozen spectators came.", None),
    ("They met 12 or so times.", None),
    # people nouns of sport, crafts and farming; a group with no noun
    ("Nearly 900 spectators watched the final.", (900, "nearly")),
    ("The institute trained 24 Sri Lankan tea planters.", (24, "exact")),
    ("Forty handicraft exhibitors from Lahore set up stalls.", (40, "exact")),
    ("Fifteen young civil servants from Thimphu attended.", (15, "exact")),
    ("About 60 audience members stayed for the talk.", (60, "about")),
    ("Fifteen herders from Mongolia visited the ranch.", (15, "exact")),
    ("Around 30 coffee growers joined the fair.", (30, "about")),
    ("A group of 18 furniture makers toured the workshops.", (18, "exact")),
    ("A small group of 8 from Lima arrived on Monday.", (8, "exact")),
    ("A group of about fifty toured the site.", (50, "about")),
    ("A group of 20 paintings went on show.", None),
    ("The Group of 77 and China issued a statement.", None),
    ("A group of 12 countries signed the charter.", None),
    # members and residents count when an event is for them, not as a membership
    ("A pottery class for 25 members was held on Sunday.", (25, "exact")),
    ("A dinner was held for 60 residents of the estate.", (60, "exact")),
    ("The club's 40 members voted.", None),
    ("The town has 5,000 inhabitants.", None),
    # still no count: vague, or things
    ("Hundreds of residents lined the streets.", None),
    ("Thousands of fans cheered.", None),
    ("It printed 300 copies of the guide.", None),
    ("Some 45 dairy cooperatives sent samples.", None),
    ("Some 2,000 school bags were handed out.", None),
]


# (words, value): multipliers, "half" and "and" in numbers written out
WORD_VALUES = [
    ("a dozen", 12), ("two dozen", 24), ("half a dozen", 6), ("a half-dozen", 6), ("half a million", 500_000),
    ("one hundred and twenty", 120), ("a hundred and five", 105), ("twenty-five", 25), ("three hundred", 300),
    ("two thousand", 2000),
]


@pytest.mark.parametrize(("words", "value"), WORD_VALUES)
def test_word_value(words, value):
    assert participants._word_value(words) == value


@pytest.mark.parametrize(("text", "expected"), HEADCOUNT_CASES)
def test_find_headcount(text, expected):
    found = find_headcount(text)
    assert (found and (found.value, found.qualifier)) == expected


def test_headcount_span_covers_qualifier_number_and_noun():
    text = "On June 3, more than 150 people took part."
    found = find_headcount(text)
    assert text[found.char_start : found.char_end] == "more than 150 people"


# (cell, expected value)
COUNT_CELLS = [
    ("1,200", 1200),
    ("1.200", 1200),
    ("1 200", 1200),
    ("12", 12),
    (" 45 ", 45),
    (12, 12),
    (12.0, 12),
    ("12.0", 12),
    (np.int64(7), 7),
    ("about 300", 300),
    ("300+", 300),
    (">300", 300),
    ("200-300", 200),
    ("up to 500", 500),
    ("more than 1,000 people", 1000),
    ("three hundred", 300),
    ("0", 0),
    ("N/A", None),
    ("-", None),
    ("", None),
    ("-99", None),
    (None, None),
    (float("nan"), None),
    (pd.NA, None),
    ("dozens", None),
]


@pytest.mark.parametrize(("cell", "expected"), COUNT_CELLS)
def test_parse_count_cell(cell, expected):
    assert parse_count_cell(cell) == expected


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("-5", "negative head-count"),
        (-5, "negative head-count"),
        ("20000000", "implausible head-count"),
        (MAX_HEADCOUNT + 1, "implausible head-count"),
        ("1.5", "not a whole number"),
        (12.5, "not a whole number"),
        ("1.234,5", "not a whole number"),
        ("lots of people", "not a head-count"),
        (True, "not a head-count"),
    ],
)
def test_parse_count_cell_rejects_with_reason(cell, reason):
    with pytest.raises(ValueError, match=reason):
        parse_count_cell(cell)


def test_parse_count_series():
    s = pd.Series(["300+", "12", None, "-5", "about 40", 12], index=list("abcdef"))
    values, qualifier, error = parse_count_series(s)
    assert str(values.dtype) == "Int64" and list(values.index) == list("abcdef")
    assert values.tolist() == [300, 12, pd.NA, pd.NA, 40, 12]
    assert qualifier.tolist() == ["more_than", "exact", pd.NA, pd.NA, "about", "exact"]
    assert error["d"] == "negative head-count: -5" and error.drop("d").isna().all()


def test_parse_count_series_million_rows():
    rng = np.random.default_rng(2)
    pool = np.array(["1,200", "about 300", "N/A", "x", None, *map(str, range(3000))], dtype=object)
    s = pd.Series(pool[rng.integers(0, len(pool), 1_000_000)])
    values, _, error = parse_count_series(s)
    assert values.notna().sum() > 990_000 and (error == "not a head-count: x").sum() > 0


# ----------------------------------------------------------------------------- properties

_WORDS = st.sampled_from(
    [
        *("more", "than", "over", "about", "nearly", "some", "up", "to", "a", "dozen", "three-member", "13-member"),
        *("people", "volunteers", "delegation", "of", "countries", "attended", "including", "so", "far", "2018"),
        *("1,345", "3.400", "120", "9", "0", "99999999", "twenty-five", "two", "hundred", "million", "5", "%", "+"),
        *(".", ",", "\n", "16+1", "142th", "İ", "Ⅻ", "²"),
    ]
)
_TEXTS = st.one_of(st.text(max_size=200), st.lists(_WORDS, max_size=40).map(" ".join))


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_find_headcount_never_raises_and_offsets_hold(text):
    found = find_headcount(text)
    if found is not None:
        assert isinstance(found, HeadCount)
        assert 0 <= found.char_start < found.char_end <= len(text)
        assert 0 < found.value <= MAX_HEADCOUNT
        assert found.qualifier in ("exact", "more_than", "nearly", "about", "up_to")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.none(), st.booleans()))
def test_parse_count_cell_raises_only_value_error(value):
    try:
        result = parse_count_cell(value)
    except ValueError:
        return
    assert result is None or 0 <= result <= MAX_HEADCOUNT


# ----------------------------------------------------------------------------- the fast paths against plain ones

# Every cue of the cumulative pattern in a sentence, and every subset cue as the words before a count.
CUMULATIVE_SENTENCES = [
    "so far 40 came", "to date, 40", "in total 40", "totally 40", "altogether 40", "cumulatively 40", "since 2015 it",
    "over the past year", "over the years", "has now totally dispatched 40", "have now benefited", "benefits",
    "will directly serve", "covering 40 towns", "boasts 40", "population", "employs 40", "each year", "annually",
    "every year",
]
SUBSET_BEFORE = ["including more than ", "among them some ", "among whom ", "of whom ", "of them ", "such as ", "another "]
_CUE_WORDS = st.sampled_from([*" ".join(CUMULATIVE_SENTENCES + SUBSET_BEFORE).split(), "\n", "\t", "  ", "fars",
                              "sofar", "years'"])
_CUE_TEXTS = st.lists(_CUE_WORDS, max_size=12).map(" ".join)


@pytest.mark.parametrize("sentence", CUMULATIVE_SENTENCES)
def test_cumulative_words_are_necessary(sentence):
    # A sentence the pattern matches holds one of its words: the substring test never hides a statistic.
    assert participants._CUMULATIVE.search(sentence)
    assert any(w in sentence for w in participants._CUMULATIVE_WORDS)


@pytest.mark.parametrize("before", SUBSET_BEFORE)
def test_subset_words_are_necessary(before):
    assert participants._SUBSET_BEFORE.search(before)
    assert any(w in before for w in participants._SUBSET_WORDS)


@settings(max_examples=400, deadline=None)
@given(_CUE_TEXTS)
def test_cue_words_are_necessary_anywhere(text):
    if participants._CUMULATIVE.search(text):
        assert any(w in text for w in participants._CUMULATIVE_WORDS)
    if participants._SUBSET_BEFORE.search(text[-40:]):
        assert any(w in text[-40:] for w in participants._SUBSET_WORDS)


_MIXED = st.one_of(_TEXTS, _CUE_TEXTS, st.lists(st.one_of(_WORDS, _CUE_WORDS), max_size=30).map(" ".join),
                   st.lists(st.one_of(_WORDS, _CUE_WORDS), max_size=30).map("".join))


# The plain definitions the fast paths of find_headcount are held to.
_SENTENCE_END_PLAIN = participants._SENTENCE_END
_PARTICIPATE_AFTER_FLAT = re.compile(rf"\b(?:{'|'.join(participants._PARTICIPATE_AFTER_WORDS)})\b")
_PARTICIPATE_BEFORE_FLAT = re.compile(
    rf"\b(?:{'|'.join(participants._PARTICIPATE_BEFORE_WORDS)})\b(?:\s+\S+){{0,3}}\s*$")


def _qualifier_plain(text: str, start: int) -> tuple[str, int]:
    before = participants._QUALIFIER_BEFORE.search(text, max(0, start - 24), start)
    return (before.lastgroup, before.start()) if before else ("exact", start)


def _sentence_bounds_plain(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around a candidate, by searching ``_SENTENCE_END`` each side."""
    reach = participants._SENTENCE_REACH
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    right = _SENTENCE_END_PLAIN.search(text, end, hi)
    left = max((m.end() for m in _SENTENCE_END_PLAIN.finditer(text, lo, start)), default=lo)
    return left, right.start() if right else hi


def _score_plain(low: str, cand, cumulative: dict | None) -> int:
    _, _, start, end, noun, num_start = cand
    left, right = _sentence_bounds_plain(low, num_start, end)
    before, after = low[left:start], low[end:right]
    score = 0
    if _PARTICIPATE_AFTER_FLAT.search(after[:160]) or _PARTICIPATE_BEFORE_FLAT.search(before[-90:]):
        score += 2
    if cumulative is not None and noun not in participants._GROUP_NOUNS and participants._CUMULATIVE.search(low, left, right):
        score -= 4
    if participants._SUBSET_BEFORE.search(before[-40:]):
        score -= 1
    # a membership noun with others joined to it ("members and guests") is no roll
    joined = re.match(r"\s+(?:and|or|&)\s+(?:their\s+|other\s+)?(\w+)", low[end:])
    if noun in participants._WEAK_PEOPLE and not (
            joined and joined.group(1) in participants._PEOPLE and joined.group(1) not in participants._WEAK_PEOPLE):
        score -= 1
    return score


def _best_plain(low: str, cands: list, cumulative: dict | None):
    """The first count of the highest score, if that is 0 or more: every term of every count read."""
    scored = [(_score_plain(low, c, cumulative), -i, c) for i, c in enumerate(cands)]
    best_score, _, best = max(scored)
    return best if best_score >= 0 else None


def _sorted_candidates(text: str):
    low = participants._lower(text)
    words = participants._anchor_words(low)
    cands = sorted((c for c in participants._candidates(low, words) if 0 < c[0] <= MAX_HEADCOUNT), key=lambda c: c[2])
    return low, cands, None if words.isdisjoint(participants._CUMULATIVE_WHOLE_WORDS) else {}


@settings(max_examples=600, deadline=None)
@given(_MIXED)
def test_the_best_count_is_the_one_of_the_highest_score(text):
    low, cands, cumulative = _sorted_candidates(text)
    if cands:
        assert participants._best(low, cands, cumulative) == _best_plain(low, cands, cumulative)


_SCORE_CASES = [
    "Some 40 volunteers came. Including 12 members, so far 300 people have benefited; 50 students attended.",
    "The club has 200 members and 30 staff; 45 members took part.", "Another 20 students; 12 experts attended.",
    "In total 500 people, among them 30 teachers, were trained. 40 pupils met the mayor.",
    # The first count scores 1 (membership), the second 2; then 0, -1 and -4 before a 2.
    "Over 500 members attended; 40 students attended.", "The 12 staff went; then 30 experts came.",
    "There are 40 students and 12 members. So far 9 people went. 70 guests arrived.",
]


@pytest.mark.parametrize("text", [t for t, _ in HEADCOUNT_CASES] + _SCORE_CASES)
def test_the_best_count_on_the_table(text):
    low, cands, cumulative = _sorted_candidates(text)
    if cands:
        assert participants._best(low, cands, cumulative) == _best_plain(low, cands, cumulative)


# ----------------------------------------------------------------------------- the word gates against the patterns


def _phrases(pattern: re.Pattern) -> list[str]:
    """Every string ``pattern`` matches, taking a space for \\s, "0" for \\d, "x" for \\S, and the fewest repeats or one
    more."""
    from re import _constants as c
    from re import _parser

    def seq(items) -> list[str]:
        out = [""]
        for op, av in items:
            out = [a + b for a in out for b in one(op, av)]
        return out

    def one(op, av) -> list[str]:
        if op is c.LITERAL:
            return [chr(av)]
        if op is c.IN:
            kind, value = av[0]
            if kind is c.LITERAL:
                return [chr(value)]
            return {c.CATEGORY_SPACE: [" "], c.CATEGORY_DIGIT: ["0"], c.CATEGORY_NOT_SPACE: ["x"]}[value]
        if op is c.BRANCH:
            return [s for alt in av[1] for s in seq(alt)]
        if op is c.SUBPATTERN:
            return seq(av[3])
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, sub = av
            return sorted({s * n for s in seq(sub) for n in {low, min(high, low + 1)}})
        if op in (c.AT, c.ASSERT_NOT):
            return [""]
        raise AssertionError(f"_phrases does not read {op}")

    return seq(_parser.parse(pattern.pattern, pattern.flags))


def test_phrases_reads_the_patterns():
    assert set(_phrases(re.compile(r"a\s+(?:b|c\.)?\d\b"))) == {"a 0", "a b0", "a c.0", "a  0", "a  b0", "a  c.0"}
    assert len(_phrases(participants._CUMULATIVE)) > 30 and len(_phrases(participants._QUALIFIER_BEFORE)) > 30


def test_every_cumulative_cue_holds_a_whole_word():
    for phrase in _phrases(participants._CUMULATIVE):
        assert participants._CUMULATIVE.search(phrase), phrase
        assert not participants._anchor_words(phrase).isdisjoint(participants._CUMULATIVE_WHOLE_WORDS), phrase
    assert participants._CUMULATIVE_WHOLE_WORDS <= participants._ANCHOR_WORDS


def test_every_qualifier_ends_in_a_last_word():
    for phrase in _phrases(participants._QUALIFIER_BEFORE):
        assert phrase.rstrip().endswith(participants._QUALIFIER_LAST_WORDS), phrase


def test_qualifier_pattern_as_written_out():
    assert participants._QUALIFIER_BEFORE.pattern == (
        r"(?<!\w)(?:(?P<more_than>more\s+than|over|above|upwards\s+of|in\s+excess\s+of|at\s+least|no\s+(?:fewer|less)\s+than|"
        r"exceeding|beyond)|(?P<nearly>nearly|almost|close\s+to|just\s+under|approaching|nearing)|(?P<about>about|around|"
        r"some|approximately|approx\.|roughly|an\s+estimated|estimated|circa|c\.|~)|(?P<up_to>up\s+to|as\s+many\s+as|"
        r"a\s+maximum\s+of))\s*$")


_QUALIFIER_WORDS = st.sampled_from(
    [*_phrases(participants._QUALIFIER_BEFORE), "moreover", "handsome", "to", "of", "as", "an", "no", "c", ".", "x",
     "\n", "\t", "  ", "\xa0", "more", "up", "", "é"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_QUALIFIER_WORDS, max_size=6).map(" ".join), st.sampled_from(["", " ", "  ", "\n", "\t "]))
def test_qualifier_by_last_character_as_the_whole_pattern(before, gap):
    text = before + gap + "40 people"
    start = len(before) + len(gap)
    assert participants._qualifier(text, start) == _qualifier_plain(text, start)


@pytest.mark.parametrize("phrase", _phrases(participants._QUALIFIER_BEFORE))
def test_every_qualifier_phrase_by_last_character(phrase):
    for text in (f"{phrase} 40", f"so {phrase}  40", f"({phrase}\n40"):
        start = text.index("40")
        assert participants._qualifier(text, start) == _qualifier_plain(text, start) != ("exact", start)


_CUE_PHRASES = [*_phrases(_PARTICIPATE_AFTER_FLAT), *_phrases(_PARTICIPATE_BEFORE_FLAT)]
_CUE_MIX = st.sampled_from([*_CUE_PHRASES, "the", "by", "of", "x", "sent.", "(took", "part)", "re", "é", "\n", ","])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_CUE_MIX, max_size=8).map(" ".join), st.lists(_CUE_MIX, max_size=8).map("".join))
def test_participation_cues_grouped_as_the_flat_alternations(spaced, glued):
    for text in (spaced, glued):
        for grouped, flat in ((participants._PARTICIPATE_AFTER, _PARTICIPATE_AFTER_FLAT),
                              (participants._PARTICIPATE_BEFORE, _PARTICIPATE_BEFORE_FLAT)):
            assert _span(grouped.search(text)) == _span(flat.search(text))


def _span(found: re.Match | None):
    return found and found.span()


@pytest.mark.parametrize("phrase", _CUE_PHRASES)
def test_every_participation_cue_grouped_as_flat(phrase):
    for grouped, flat in ((participants._PARTICIPATE_AFTER, _PARTICIPATE_AFTER_FLAT),
                          (participants._PARTICIPATE_BEFORE, _PARTICIPATE_BEFORE_FLAT)):
        for text in (phrase, f"40 people {phrase} 40", f"{phrase}s", f"re{phrase} "):
            assert _span(grouped.search(text)) == _span(flat.search(text))
    assert _PARTICIPATE_AFTER_FLAT.search(phrase) or _PARTICIPATE_BEFORE_FLAT.search(phrase)


@pytest.mark.parametrize(
    "text",
    ["Participants numbered about 300.", "Visitors this year totaled 1,200.", "The guests totalled 45.",
     "Delegates reached 80.", "Volunteers exceeded 500.", "The people there topped 90.", "Guests stood at 120.",
     "Attendance was 300.", "Turnout reached 2,000.", "Attendance of 40 was noted."],
)
def test_noun_first_counts_hold_a_first_word(text):
    low = participants._lower(text)
    assert participants._NOUN_THEN_COUNT.search(low)
    assert not participants._anchor_words(low).isdisjoint(participants._NOUN_THEN_COUNT_FIRST_WORDS)
    assert find_headcount(text) is not None


def test_anchor_words_stand_whole():
    assert participants._anchor_words("twenty-five students, a delegation (of 12)") == {
        "twenty", "five", "students", "delegation"}
    # A non-ASCII character splits a word: "twenty" stands in "twentyé", a false alarm, never a miss.
    assert participants._anchor_words("twentyé team’s \ud800people") == {"twenty", "team", "people"}
    assert participants._anchor_words("steam 2019 peoples") == set()


def _found_with_every_stage(text: str):
    """find_headcount with every anchor word taken as present: every stage runs, as before the gates."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(participants, "_anchor_words", lambda low: set(participants._ANCHOR_WORDS))
        return find_headcount(text)


# One text per anchor word or cue, each a count the word's stage finds (or, for cues, turns down).
_GATE_CASES = [
    *(f"In May, {w} students and a {w}-member team came; {w.capitalize()} people attended." for w in
      participants._NUMBER_WORDS),
    *(f"A {w} people came, then an {w} students." for w in ("hundred", "thousand", "million")),
    *(f"They sent a 12-{w} {g} and a {g} of 12 went." for w in participants._MEMBER_WORDS
      for g in ("delegation", "team", "choir")),
    *(f"A {n} of about 30 came to Lima." for n in (*participants._GROUP_OF_NOUNS, "group", "walking group")),
    "In May, half a dozen students and a half-dozen team came; Half people attended.",
    *(f"40 people attended, {p} 2019." for p in _phrases(participants._CUMULATIVE)),
    *(f"Some 40 volunteers came; {p} 2019." for p in _phrases(participants._CUMULATIVE)),
    *(f"{w.capitalize()} {v} 300 at the fair." for w in ("participants", "visitors", "attendance", "turnout")
      for v in ("numbered", "totaled", "totalled", "reached", "exceeded", "topped", "stood at", "was", "of")),
]


@pytest.mark.parametrize("text", _GATE_CASES)
def test_the_word_gates_change_nothing_on_the_table(text):
    assert find_headcount(text) == _found_with_every_stage(text)


_GATE_WORDS = st.sampled_from(
    [*("delegation", "team", "of", "a", "three-member", "13-member", "30-strong", "choir", "party", "members"),
     *("participants numbered", "attendance", "turnout", "reached", "stood at", "totalled", "was", "a dozen"),
     *("twenty", "five", "twenty-five", "dozen", "hundred", "an", "eighteen", "thirteen", "students", "people"),
     *("so far", "has sent", "each year", "covering", "since", "2015", "benefited", "é", "’s", "a delegation of"),
     *("300", "12", "1,200", "about", "over", "nearly", "up", "to", ".", ";", "\n", "attended", "including"),
     *("group", "a group of", "half", "half a", "or", "so", "and", "March", "2023", "spectators")]
)
_GATE_TEXTS = st.one_of(_MIXED, st.lists(_GATE_WORDS, max_size=30).map(" ".join),
                        st.lists(st.one_of(_GATE_WORDS, _CUE_WORDS, _WORDS), max_size=30).map(" ".join))


@settings(max_examples=1000, deadline=None)
@given(_GATE_TEXTS)
def test_the_word_gates_change_nothing(text):
    assert find_headcount(text) == _found_with_every_stage(text)


# ----------------------------------------------------------------------------- the other fast paths

_DIGIT_TEXTS = st.text(alphabet="0123456789 ,.a-٣²\n", max_size=40)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_DIGIT_TEXTS, st.text(max_size=60)))
def test_digit_runs_as_the_pattern(text):
    assert participants._digit_runs(text) == {m.start() for m in participants._DIGITS.finditer(text)}


_SENTENCE_TEXTS = st.text(alphabet="ab .!?;\n\t\xa0\x85", max_size=40)


@settings(max_examples=400, deadline=None)
@given(_SENTENCE_TEXTS)
def test_sentence_ends_as_the_pattern(text):
    assert participants._sentence_ends(text) == [m.start() for m in _SENTENCE_END_PLAIN.finditer(text)]


@settings(max_examples=1000, deadline=None)
@given(_SENTENCE_TEXTS, st.integers(0, 40), st.integers(0, 40), st.integers(0, 12))
def test_sentence_bounds_as_the_searches(text, start, end, reach):
    start, end = sorted((min(start, len(text)), min(end, len(text))))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(participants, "_SENTENCE_REACH", reach)  # short reaches cut sentences, as long texts do
        ends = participants._sentence_ends(text)
        assert participants._sentence_bounds(text, ends, start, end) == _sentence_bounds_plain(text, start, end)


def test_word_roles_stay_bounded(monkeypatch):
    monkeypatch.setattr(participants, "_WORD_ROLES_MAX", 3)
    participants._WORD_ROLES.clear()
    for text, expected in HEADCOUNT_CASES:
        found = find_headcount(text)
        assert (found and (found.value, found.qualifier)) == expected
        assert len(participants._WORD_ROLES) <= 3


# ----------------------------------------------------------------------------- dev gold (optional)


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "eval" / "gold_dev_002.tsv").exists(), reason="../shared is not beside the project")
def test_headcount_against_dev_gold():
    text = next((SHARED / "seeds").glob("002_*.txt")).read_bytes().decode("utf-8")
    with open(SHARED / "eval" / "gold_dev_002.tsv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["participants"].strip()]
    hits = 0
    for row in rows:
        found = find_headcount(text[int(row["char_start"]) : int(row["char_end"])])
        hits += found is not None and found.value == int(row["participants"])
    assert rows and hits / len(rows) >= 0.9


def test_a_qualifier_glued_to_a_word_is_none():
    for glued in ("xover", "moreover", "handsome", "9about", "x~"):
        text = f"{glued} 40 people"
        assert participants._qualifier(text, text.index("40")) == ("exact", text.index("40"))
    # The look-behind sees the character before the window the qualifier is searched in.
    text = "y" * 30 + "about 40 people"
    assert participants._qualifier(text, 35) == ("exact", 35)


def test_participation_windows_hold_whole_words():
    # A cue cut at the window's edge is no cue: "attend" of "attendance", "sent" of "absent".
    assert not participants._participates("", "x" * 154 + " attendance was low")
    assert participants._participates("", "x" * 150 + " attended")
    assert not participants._participates("ab" + "sent" + " " + "y" * 85, "")
    assert participants._participates("they sent " + "y" * 85, "")
