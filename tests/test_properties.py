"""Property tests: the extractors never fail on odd input, keep their offsets honest and give valid, stable rows.

Strategies produce bulletin-like text (month names, numbers, countries, cities, organization-like
capitalised phrases, punctuation, unicode, newlines) as well as fully random text.  Every test is
bounded by ``max_examples`` so the module runs in well under a minute.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from etl.build import _identify, build
from etl.errors import InputError
from etl.normalize import countries
from etl.normalize.dates import find_dates, parse_date_cell
from etl.schema import conform
from etl.sources import table, text
from etl.sources.base import Options
from etl.validate import validate

# ATLAS_PROPERTY_SCALE=10 runs ten times as many examples (a longer bug hunt than the suite's default).
SCALE = int(os.environ.get("ATLAS_PROPERTY_SCALE", "1"))
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
FAST = settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=_QUIET)
SLOW = settings(max_examples=25 * SCALE, deadline=None, suppress_health_check=_QUIET)
TABLES = settings(max_examples=50 * SCALE, deadline=None, suppress_health_check=_QUIET)
BUILDS = settings(max_examples=6 * SCALE, deadline=None, suppress_health_check=_QUIET)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December", "Jan.", "Feb", "Sept.", "Dec", "MAY", "march", "may"]
COUNTRIES = ["Kenya", "Peru", "Viet Nam", "Vietnam", "Côte d'Ivoire", "Korea, Republic of", "South Korea", "Türkiye",
             "Burma", "the Netherlands", "Congo", "Niger", "Nigeria", "Guinea-Bissau", "Hong Kong", "Taiwan", "Macau",
             "Kosovo", "Sino-Japanese", "Pak-China", "Japanese", "Africa", "Latin America", "Georgia", "Jordan",
             "Chad", "Turkey", "UK", "USA", "U.S.", "PRC", "KEN", "ke", "Atlantis", "Narnia"]
CITIES = ["Nairobi", "Kunming", "Lima", "Hanoi", "Beijing", "São Paulo", "Accra", "Washington D.C.", "Paris",
          "Yunnan Province", "Guangzhou", "Da Nang", "Sydney", "Florence", "Victoria", "Santiago"]
ORGS = ["the Hillside Friendship Society", "China-Africa Business Council", "CPAFFC", "the Ministry of Culture, "
        "Sports and Tourism", "Kenya-China Friendship Association (KCFA)", "UNESCO", "the ASEAN Secretariat",
        "Beijing Foreign Affairs Office", "SCO Youth Council", "the BRICS Think Tank Forum"]
CUES = ["a delegation visited", "a forum was held in", "signed an agreement with", "attended a training course in",
        "opened an exhibition in", "donated supplies to", "met with", "hosted a seminar for", "toured",
        "volunteers served in", "launched a friendship association in", "said"]
PEOPLE = ["more than 40 guests", "nearly 300 students", "about 1,200 people", "up to 25 teachers", "a six-member team",
          "12 delegates", "dozens of volunteers", "2019 participants", "-5 people", "99999999999 visitors",
          "12 ' delegates", "40 ’ guests", "the 300 's members"]
JUNK = ["", "  ", "\n", "\n\n", "\t", "…", "—", "–", "«", "»", "“", "”", "©", "Log in", "Share to", "中国", "北京",
        "年", "月", "日", "\u200b", "\ufeff", "🙂", "مرحبا", "é", "e\u0301", "Ⅻ", "½", "١٢", "(", ")", ";", "|", ",",
        ".", "!", "?", "\u2028", "\x0b", "\r\n", "\r"]


UTF8 = st.characters(codec="utf-8")  # no lone surrogates: generated pages are also written to files


@st.composite
def date_phrase(draw) -> str:
    month = draw(st.sampled_from(MONTHS))
    day = draw(st.integers(0, 33))
    day2 = draw(st.integers(0, 33))
    year = draw(st.integers(1850, 2100))
    m = draw(st.integers(0, 14))
    forms = [
        f"On {month} {day}, {year}", f"On {day} {month} {year}", f"From {month} {day} to {day2}",
        f"From {day} to {day2} {month} {year}", f"{month} {day}-{day2}, {year}", f"In {month} {year}",
        f"Late {month}", f"mid-{month}", f"in {year}", f"({year})", f"{year}-{year + 3}", f"{year}.{m}",
        f"{year}.{m}-{year + 1}.{m}", f"{day}/{m}/{year}", f"{m}/{day}/{year}", f"{year}-{m:02d}-{day:02d}",
        f"{year}年{m}月{day}日", f"between {month} {day} and {month} {day2}", f"{month} saw",
        f"the first half of {year}", f"Q{m % 5} {year}", f"on {month} {day}",
    ]
    return draw(st.sampled_from(forms))


@st.composite
def sentence(draw) -> str:
    parts = [
        draw(st.sampled_from(ORGS)), draw(st.sampled_from(CUES)), draw(st.sampled_from(COUNTRIES + CITIES)),
        draw(st.sampled_from(PEOPLE)), draw(date_phrase()), draw(st.sampled_from(CITIES + COUNTRIES)),
        draw(st.sampled_from(JUNK)), draw(st.text(UTF8, max_size=12)),
    ]
    order = draw(st.permutations(parts))
    keep = draw(st.integers(2, len(order)))
    end = draw(st.sampled_from([".", ".", "!", "?", "", "。", ";", " …"]))
    return " ".join(order[:keep]).strip() + end


@st.composite
def bulletin(draw) -> str:
    """A page: an optional title with a period, then paragraphs separated by blank lines or single breaks."""
    title = draw(st.sampled_from(["", "News of the Hillside Friendship Society (2017.7-2018.6)\n\n",
                                  "Bulletin No. 3, 2019\n\n", "Home | News | Log in\n", "EXCHANGE NEWS\n"]))
    paragraphs = draw(st.lists(st.lists(sentence(), min_size=1, max_size=4).map(" ".join), min_size=1, max_size=6))
    separators = draw(st.lists(st.sampled_from(["\n\n", "\n", "\n \n", "\n\n\n"]), min_size=len(paragraphs),
                               max_size=len(paragraphs)))
    leads = draw(st.lists(date_phrase(), min_size=len(paragraphs), max_size=len(paragraphs)))
    body = "".join(f"{lead}, {p}{sep}" for lead, p, sep in zip(leads, paragraphs, separators, strict=True))
    return title + body


any_text = st.one_of(bulletin(), st.text(max_size=400), st.text(UTF8, max_size=200))
_serial = itertools.count()
_TMP = Path(tempfile.mkdtemp(prefix="atlas-properties-"))


def _file(data: bytes, suffix: str) -> Path:
    path = _TMP / f"case{next(_serial)}{suffix}"
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- text extractor


def _extract(page: str):
    try:
        return text.extract(page, "generated.txt")
    except InputError:
        return None


@FAST
@given(any_text)
def test_extract_offsets_and_snippets(page):
    result = _extract(page)
    event("no readable text" if result is None else f"events: {min(len(result.events), 3)}")
    if result is None:
        return
    events = result.events
    for row in events.itertuples():
        assert 0 <= row.source_start <= row.source_end <= len(page)
        if not row.snippet.endswith("…"):
            assert row.snippet == page[row.source_start:row.source_end]
        else:
            assert len(row.snippet) <= text.SNIPPET_MAX
        assert row.start_date <= row.end_date
    for reject in result.rejects.itertuples():
        assert reject.reason and reject.location.startswith("offset ")
        assert 0 <= int(reject.location.split()[1]) <= len(page)


@SLOW
@given(bulletin())
def test_extracted_rows_pass_the_schema(page):
    result = _extract(page)
    if result is None or result.events.empty:
        return
    path = _file(page.encode("utf-8"), ".txt")
    validate(conform(_identify(result.events, path, "text")))


# ---------------------------------------------------------------- dates


@FAST
@given(st.one_of(bulletin(), st.text(max_size=300), date_phrase()), st.one_of(st.none(), st.integers(1, 9999)))
def test_find_dates_spans(value, default_year):
    spans = find_dates(value, default_year)
    last = 0
    for span in spans:
        assert 0 <= span.char_start <= span.char_end <= len(value)
        assert value[span.char_start:span.char_end] == span.text
        assert span.char_start >= last
        last = span.char_end
        assert span.start <= span.end and span.precision in ("day", "month", "year")


cell_values = st.one_of(
    date_phrase(), st.text(max_size=30), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
    st.dates(), st.datetimes(), st.none(), st.booleans(), st.sampled_from(["N/A", "-99", "", "2018-02-30", "03/04/2018",
                                                                          "13/06/2018", "2018.6", "2018.0", "43264"]),
)


@FAST
@given(cell_values, st.sampled_from([None, True, False]))
def test_parse_date_cell_raises_only_value_error(value, dayfirst):
    try:
        span = parse_date_cell(value, dayfirst=dayfirst)
    except ValueError as exc:
        assert str(exc)
        return
    if span is None:
        return
    assert span.start <= span.end and span.precision in ("day", "month", "year")
    assert dt.date(1900, 1, 1) <= span.start
    if isinstance(value, str):
        assert value[span.char_start:span.char_end] == span.text


# ---------------------------------------------------------------- countries


country_strings = st.one_of(
    st.sampled_from(COUNTRIES + CITIES + ORGS),
    st.lists(st.sampled_from(COUNTRIES + CITIES + JUNK), min_size=1, max_size=4).map(
        lambda parts: ", ".join(parts)),
    st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=4).map("|".join),
    st.text(max_size=40),
)


@FAST
@given(country_strings)
def test_resolve_gives_iso3_or_none(value):
    code = countries.resolve(value)
    assert code is None or (len(code) == 3 and code.isupper() and code.isalpha())


@pytest.mark.parametrize("value", ["(", ")(", "Atlantis (", "((Kenya", "Korea (Republic of"])
def test_resolve_unbalanced_parentheses(value):
    """An unclosed parenthesis used to recurse without end (RecursionError) and take the whole build down."""
    code = countries.resolve(value)
    assert code is None or len(code) == 3


@FAST
@given(country_strings)
def test_split_cell_parts(value):
    parts = countries.split_cell(value)
    assert isinstance(parts, list) and all(isinstance(p, str) and p.strip() for p in parts)


@FAST
@given(st.one_of(bulletin(), st.text(max_size=300)))
def test_find_mentions_offsets(page):
    last = -1
    for m in countries.find_mentions(page):
        assert 0 <= m.start < m.end <= len(page)
        assert page[m.start:m.end] == m.surface
        assert len(m.iso3) == 3 and m.iso3.isupper()
        assert m.start >= last
        last = m.start


# ---------------------------------------------------------------- table reader

ISO_DATES = st.dates(dt.date(1890, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
KINDS = {
    "date": st.one_of(ISO_DATES, ISO_DATES, date_phrase(), st.sampled_from(["N/A", "", "2018-02-30", "03/04/2018",
                                                                            "13/06/2018", "2018", "43264", "2018.6"])),
    "country": st.one_of(st.sampled_from(COUNTRIES), st.lists(st.sampled_from(COUNTRIES), max_size=3).map("; ".join)),
    "city": st.sampled_from(CITIES + [""]),
    "title": sentence(),
    "type": st.sampled_from(["visit", "Forum", "MoU", "study tour", "seminar", "", "other", "???"]),
    "sector": st.sampled_from(["education", "culture & youth", "Sport", "trade", "", "NGO", "misc"]),
    "participants": st.one_of(st.sampled_from(PEOPLE + ["N/A", "-99", "", "1,200", "300+", "1.5", "many"]),
                              st.integers(-10, 10**8).map(str)),
    "notes": st.one_of(st.text(UTF8, max_size=40), sentence()),
}
HEADERS = {"date": ["date", "Date", "start_date", "Event date", "year"], "country": ["country", "Countries", "partner",
           "host country", "country1"], "city": ["city", "Venue", "city2"], "title": ["title", "Event", "name"],
           "type": ["type", "Activity"], "sector": ["sector", "field"], "participants": ["participants", "Attendees"],
           "notes": ["notes", "", "???", "date", "visits"]}
CELLS = st.one_of(st.sampled_from(COUNTRIES + CITIES + ORGS + PEOPLE + JUNK + CUES), st.text(UTF8, max_size=15),
                  st.sampled_from(['"quoted, cell"', '"', '""', '5"', "a\nb", '"multi\nline"', "N/A", "-99", "1,200"]))


@st.composite
def csv_bytes(draw) -> bytes:
    """A delimited table: mostly well-formed typed columns, with junk cells, ragged rows and odd encodings."""
    kinds = draw(st.lists(st.sampled_from(list(KINDS)), min_size=1, max_size=7))
    if draw(st.integers(0, 9)):
        kinds = ["date", *kinds]
    header = [draw(st.sampled_from(HEADERS[k])) for k in kinds]
    delimiter = draw(st.sampled_from([",", ",", ";", "\t", "|"]))
    rows = []
    for _ in range(draw(st.integers(0, 10))):
        cells = [draw(st.one_of(KINDS[k], KINDS[k], KINDS[k], CELLS)) for k in kinds]
        cells = [f'"{c}"' if (delimiter in c or "\n" in c) and '"' not in c else c for c in cells]
        ragged = draw(st.integers(0, 9))
        if ragged == 0:
            cells = cells[: draw(st.integers(0, len(cells)))]
        elif ragged == 1:
            cells = cells + draw(st.lists(CELLS, min_size=1, max_size=2))
        rows.append(cells)
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    body = newline.join(lines) + draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "gb18030", "latin-1"]))
    return body.encode(encoding, errors="replace")


def _accounted(result) -> int:
    """Rows that came out somewhere: events, rejects, or rows of a side table (links, country-year counts)."""
    side = result.aggregates
    aggregated = side["source_row"].nunique() if side is not None and "source_row" in side else 0
    return len(result.events) + aggregated + len(result.rejects)


def _read_table(data: bytes, suffix: str = ".csv"):
    path = _file(data, suffix)
    try:
        return path, table.read(path, Options())
    except InputError as exc:
        assert exc.path == str(path) and exc.reason
        event(f"input error: {exc.reason[:30]}")
        return path, None


@TABLES
@given(st.one_of(csv_bytes(), csv_bytes(), csv_bytes(), st.binary(max_size=600)))
def test_table_reader_accounts_for_every_row(data):
    path, result = _read_table(data)
    event("input error" if result is None else f"events: {min(len(result.events), 3)}, "
          f"rejects: {min(len(result.rejects), 3)}")
    if result is None:
        return
    assert result.rows_read == _accounted(result)
    assert result.rejects["reason"].notna().all() and result.rejects["location"].str.match(r"row \d+$").all()
    if not result.events.empty:
        validate(conform(_identify(result.events, path, "table")))


@SLOW
@given(csv_bytes())
def test_tsv_and_gz_suffixes(data):
    import gzip

    for suffix, payload in ((".tsv", data), (".csv.gz", gzip.compress(data, mtime=0))):
        _, result = _read_table(payload, suffix)
        if result is not None:
            assert result.rows_read == _accounted(result)


# ---------------------------------------------------------------- GDELT reader

GDELT_CELLS = st.one_of(st.sampled_from(["", "CHN", "KEN", "AFR", "EUR", "OS", "ZZ", "042", "190", "04", "abc", "20190315",
                                         "18500101", "29990101", "4", "3", "-1.28", "999", "NGO", "\x1f", "A\x1fB"]),
                        st.text(st.characters(codec="utf-8", exclude_characters="\t\n\r"), max_size=12))


@st.composite
def gdelt_bytes(draw) -> bytes:
    from etl.sources.gdelt import LAYOUTS
    from tests.matrix_cases import gdelt_row

    lines = []
    for i in range(draw(st.integers(1, 8))):
        width = draw(st.sampled_from([57, 58, 61, 61, 40]))
        if width == 40:
            lines.append("\t".join(draw(st.lists(GDELT_CELLS, min_size=40, max_size=40))))
            continue
        names = draw(st.lists(st.sampled_from(LAYOUTS[width]), max_size=6))
        lines.append(gdelt_row(width, **{"GLOBALEVENTID": str(i + 1), **{n: draw(GDELT_CELLS) for n in names}}))
    return ("\n".join(lines) + "\n").encode("utf-8")


@SLOW
@given(gdelt_bytes())
def test_gdelt_reader_accounts_for_every_row(data):
    from etl.sources import gdelt

    path = _file(data, ".export.CSV")
    try:
        result = gdelt.read(path, Options())
    except InputError:
        return
    assert result.rows_read == len(result.events) + len(result.rejects)
    if not result.events.empty:
        validate(conform(_identify(result.events, path, "gdelt")))


# ---------------------------------------------------------------- whole builds are repeatable


@BUILDS
@given(st.lists(bulletin(), min_size=1, max_size=2), st.lists(csv_bytes(), min_size=0, max_size=2))
def test_rebuilding_gives_the_same_event_ids(pages, tables):
    paths = [_file(p.encode("utf-8"), ".txt") for p in pages] + [_file(t, ".csv") for t in tables]
    first = build(paths, progress=False)
    second = build(paths, progress=False)
    assume(not first.events.empty)
    assert first.events["event_id"].is_unique
    assert list(first.events["event_id"]) == list(second.events["event_id"])
    pd.testing.assert_frame_equal(first.events, second.events)
    pd.testing.assert_frame_equal(first.rejects, second.rejects)


@pytest.fixture(scope="module", autouse=True)
def _cleanup():
    yield
    import shutil

    shutil.rmtree(_TMP, ignore_errors=True)
