"""Dates in running English text and in table cells -> :class:`DateSpan`.

Text rules (:func:`find_dates`, :func:`leading_date`)
-----------------------------------------------------
* Month names count only when capitalised (``May``, ``MAY``): lowercase ``may`` and
  ``march`` are verbs far more often than months.
* A day is never invented.  A month without a day is a ``"month"`` span (1st to last
  day); a year without a month is a ``"year"`` span (1 January to 31 December).
* A month alone ("In March", "Late May", "April witnessed") needs a cue: a word such as
  in/during/since/by/this/from before it, an early/mid/late/end-of modifier, a year after
  it, or "witnessed"/"saw" after it.  Otherwise "Theresa May" would be a date.
* A year alone needs a temporal word before it (in, since, from, during, by, of, until,
  before, after, early, late, mid-, end of ...) or parentheses, so that names such as
  "Agenda 2063", "the 2030 Agenda" or "Expo 2022" are not dates.  A year range
  ("2019-2023", "from 2020 to 2022") is always returned; the caller decides whether it
  dates an event.
* An expression without a year takes ``default_year``; with no default it is skipped,
  never guessed.  A range without years that runs backwards ("December 28 to
  January 3") ends in the following year.
* Impossible dates (30 February, month 13) are not matched.  An all-numeric date whose
  order neither number settles (03/04/2018) is read day first, as most of the world writes
  it, unless the page's own dates show it writes the month first (see :func:`numeric_order`).
  Year-first numeric dates (2018-06-13, 2018/6/13, 2018.6.13) are always read as ISO.

Table cells (:func:`parse_date_cell`, :func:`parse_series`) raise ``ValueError`` with a
reason instead of skipping, so a table adapter can reject the row and say why.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import re
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import pandas as pd

from etl.records import frozen

MIN_DATE = dt.date(1900, 1, 1)
# Planned events are announced ahead; more than a year ahead is a typo or a code.
MAX_FUTURE = dt.timedelta(days=366)
# Excel's day 0 is 1899-12-30 because it treats 1900 as a leap year.
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serials below 1950 collide with plain years and counts, so they are not read as dates.
EXCEL_SERIAL_MIN = (dt.date(1950, 1, 1) - EXCEL_EPOCH).days
EXCEL_SERIAL_MAX = (dt.date(2100, 1, 1) - EXCEL_EPOCH).days
MISSING_TOKENS = frozenset(
    {"", "-", "--", "---", "—", "–", ".", "?", "n/a", "na", "n.a.", "nan", "nat", "none", "null", "nil",
     "unknown", "missing", "not known", "-9", "-99", "-999", "-9999", "0000-00-00", "00/00/0000", "tbd", "tba"}
)

MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")
_FULL = MONTH_NAMES
_MONTH_NUM = {name: i for i, name in enumerate(_FULL, 1)}
_MONTH_NUM.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
                   "oct": 10, "nov": 11, "dec": 12})


def _month_alternation() -> str:
    alts = []
    for name in sorted(_MONTH_NUM, key=len, reverse=True):
        dot = "" if name in _FULL else r"\.?"
        alts.append(f"{name.title()}{dot}|{name.upper()}{dot}")
    return "|".join(alts)


_MON = _month_alternation()
# Whitespace with at most one line break: a date may wrap, but never crosses a blank line.
_SP = r"(?:[^\S\n]++(?:\n[^\S\n]*+)?|\n[^\S\n]*+)"
_OSP = rf"(?:{_SP})?"
_RANGE = rf"(?:{_OSP}[-–—~]{_OSP}|{_SP}(?:to|through|thru|until|till){_SP})"
_RANGE_OR_AND = rf"(?:{_RANGE}|{_SP}and{_SP})"
_NO_NUM_BEFORE = r"(?=\d)(?<![\w.,/$€£¥+-])"


def _m(g: str) -> str:
    return rf"(?=[JFMASOND])(?<!\w)(?P<{g}>{_MON})(?!\w)"


def _d(g: str) -> str:
    return rf"(?P<{g}>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\w|[.,:]\d)"


def _y(g: str) -> str:
    return rf"(?P<{g}>(?:19|20)\d\d)(?!\w|[.,]\d)"


def _cy(g: str) -> str:
    # "On June 7, 2000 people came": a count after the comma, not a year.
    return rf"(?:,{_OSP}|{_SP}){_y(g)}(?![^\S\n]+(?:people|persons|participants|guests|visitors|delegates)\b)"


_OF = rf"(?:of{_SP})?"
# "the 3rd to the 25th of August": the second day of a range may take "the" too.
_THE = rf"(?:the{_SP})?"

# (kind, pattern).  Each is tried where a digit run or a month name starts; the longest valid one wins.
_PATTERNS = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("md_md", rf"{_m('m1')}{_SP}{_d('d1')}(?:{_cy('y1')})?{_RANGE}{_m('m2')}{_SP}{_d('d2')}(?:{_cy('y2')})?"),
        ("md_d", rf"{_m('m1')}{_SP}{_d('d1')}{_RANGE_OR_AND}{_THE}{_d('d2')}(?:{_cy('y2')})?"),
        ("md", rf"{_m('m1')}{_SP}{_d('d1')}(?:{_cy('y1')})?"),
        ("dm_dm", rf"(?=\d)(?<![\w.,/-]){_d('d1')}{_SP}{_OF}{_m('m1')}(?:{_cy('y1')})?{_RANGE}{_d('d2')}{_SP}{_OF}"
                  rf"{_m('m2')}(?:{_cy('y2')})?"),
        ("d_dm", rf"(?=\d)(?<![\w.,/-]){_d('d1')}{_RANGE_OR_AND}{_THE}{_d('d2')}{_SP}{_OF}{_m('m2')}(?:{_cy('y2')})?"),
        ("dm", rf"(?=\d)(?<![\w.,/-]){_d('d1')}{_SP}{_OF}{_m('m1')}(?:{_cy('y1')})?"),
        ("m_m", rf"{_m('m1')}(?:{_cy('y1')})?(?P<sep>{_RANGE_OR_AND}){_m('m2')}(?:{_cy('y2')})?(?!{_OSP}\d)"),
        ("m", rf"{_m('m1')}(?:{_cy('y1')})?(?!{_OSP}\d)"),
        ("iso", rf"{_NO_NUM_BEFORE}(?P<y1>(?:19|20)\d\d)(?P<sep>[-/.])(?P<mo>1[0-2]|0?[1-9])(?P=sep)"
                rf"(?P<d1>3[01]|[12]\d|0?[1-9])(?![0-9A-SU-Za-z_]|[./-]\d)"),
        # "2016.4.2-4.8", "2016.1.25-30", "2022-08-01 to 2022-08-12": the end says what it does not share (a day
        # alone only right after the dash: "2016.3.5 — 12 teachers came" is no range).
        ("iso_iso", rf"{_NO_NUM_BEFORE}(?P<y1>(?:19|20)\d\d)(?P<sep>[-/.])(?P<mo>1[0-2]|0?[1-9])(?P=sep)"
                    rf"(?P<d1>3[01]|[12]\d|0?[1-9])(?:(?P<tight>[-–~])|{_RANGE})(?:(?:(?P<y2>(?:19|20)\d\d)(?P=sep))?"
                    rf"(?P<mo2>1[0-2]|0?[1-9])(?P=sep))?(?P<d2>3[01]|[12]\d|0?[1-9])(?![0-9A-SU-Za-z_]|[./-]\d)"),
        ("iso_month", rf"{_NO_NUM_BEFORE}(?P<y1>(?:19|20)\d\d)-(?P<mo>0[1-9]|1[0-2])(?!\w|[-/.]?\d)"),
        ("dmy", rf"{_NO_NUM_BEFORE}(?P<a>\d{{1,2}})(?P<sep>[-/.])(?P<b>\d{{1,2}})(?P=sep)(?P<y1>(?:19|20)\d\d)"
                rf"(?![0-9A-SU-Za-z_]|[./-]\d)"),
        # "28.02 – 02.03.2019", "12.03-15.03.2019": dotted dates read day first, a range with its year at the end.
        ("dmy_dmy", rf"{_NO_NUM_BEFORE}(?P<a>\d{{1,2}})\.(?P<b>\d{{1,2}})(?:\.(?P<y1>(?:19|20)\d\d))?{_OSP}[-–—]{_OSP}"
                    rf"(?P<c>\d{{1,2}})\.(?P<d>\d{{1,2}})\.(?P<y2>(?:19|20)\d\d)(?![0-9A-SU-Za-z_]|[./-]\d)"),
        ("zh", r"(?<!\d)(?P<y1>(?:19|20)\d\d)\s*年(?:\s*(?P<mo>1[0-2]|0?[1-9])\s*月(?:\s*(?P<d1>3[01]|[12]\d|0?[1-9])"
               r"\s*[日号](?:\s*[至到~\-–—]\s*(?:(?P<mo2>1[0-2]|0?[1-9])\s*月)?\s*(?P<d2>3[01]|[12]\d|0?[1-9])"
               r"\s*[日号])?)?)?"),
        ("y_y", rf"{_NO_NUM_BEFORE}{_y('y1')}(?P<sep>{_RANGE_OR_AND}){_y('y2')}"),
        # A hyphen may precede a lone year ("mid-2018"); the cue check still has to pass.
        ("y", rf"(?=\d)(?<![\w.,/$€£¥+]){_y('y1')}(?!%)"),
    )
)
_CUE_BEFORE_MONTH = re.compile(
    r"(?:^|\W)(?:in|during|since|by|until|till|through|throughout|this|last|next|before|after|from|early|late|mid"
    r"|around|between)[^\S\n]+$",
    re.I,
)
_CUE_AFTER_MONTH = re.compile(r"[^\S\n]+(?:witnessed|saw|sees|witnesses|marked|marks)\b")
_CUE_BEFORE_YEAR = re.compile(
    r"(?:^|\W)(?:in|since|from|during|by|of|until|till|through|throughout|before|after|year|early|late|mid"
    r"|end of|beginning of|start of|as of)(?:[^\S\n]+|-)$",
    re.I,
)
# "Late May", "mid-April", "the end of May": part of the expression, and a cue on its own.
_MOD_BEFORE = re.compile(
    r"(?:(?<!\w)(?:[Ee]arly|[Mm]id|[Ll]ate|EARLY|MID|LATE)(?:-|[^\S\n]+)"
    r"|(?<!\w)(?:end|beginning|start|middle|close)[^\S\n]+of[^\S\n]+)$"
)
_BETWEEN_BEFORE = re.compile(r"(?:^|\W)between[^\S\n]+$", re.I)


@frozen  # a dataclass(frozen=True), cheaper to build: see etl.records
class DateSpan:
    """A date or date range found in text or read from a cell.

    ``start``/``end`` are inclusive; with a coarser ``precision`` they are the first and
    last day of the month or year.  ``text[char_start:char_end]`` of the searched string
    is ``text``.
    """

    start: dt.date
    end: dt.date
    precision: str  # "day" | "month" | "year"
    char_start: int
    char_end: int
    text: str


@functools.lru_cache(maxsize=4096)  # the same few dates recur in a corpus
def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except (ValueError, OverflowError):
        return None


@functools.lru_cache(maxsize=4096)  # calendar.monthrange costs several Python calls
def _month_end(y: int, m: int) -> dt.date | None:
    try:
        return dt.date(y, m, calendar.monthrange(y, m)[1])
    except (ValueError, OverflowError, calendar.IllegalMonthError):
        return None


@functools.lru_cache(maxsize=256)  # a regex group holds one of a few dozen spellings
def _month_of(name: str) -> int:
    return _MONTH_NUM[name.rstrip(".").lower()]


def _mon(match: re.Match, group: str) -> int:
    return _month_of(match.group(group))


def _int(match: re.Match, group: str) -> int | None:
    value = match.group(group)
    return int(value) if value else None


def _range_years(y1, y2, key1, key2, default_year):
    """Fill the missing years of a range; a range that runs backwards crosses New Year."""
    if y1 is None and y2 is None:
        if default_year is None:
            return None
        y1 = default_year
    if y1 is None:
        y1 = y2 if key1 <= key2 else y2 - 1
    if y2 is None:
        y2 = y1 if key1 <= key2 else y1 + 1
    return y1, y2


def _day_range(y1, m1, d1, y2, m2, d2, default_year):
    years = _range_years(y1, y2, (m1, d1), (m2, d2), default_year)
    if years is None:
        return None
    start, end = _date(years[0], m1, d1), _date(years[1], m2, d2)
    return (start, end, "day") if start and end and start <= end else None


def _build_md(m, kind, text, default_year):
    g = m.groupdict()
    y1, y2 = g.get("y1"), g.get("y2")
    y1, y2 = int(y1) if y1 else None, int(y2) if y2 else None
    d1 = int(g["d1"])
    d2 = int(g["d2"]) if g.get("d2") else d1
    m1 = _month_of(g["m1"]) if g.get("m1") else _month_of(g["m2"])
    m2 = _month_of(g["m2"]) if g.get("m2") else m1
    if kind in ("md", "dm"):
        y2 = y1
    return _day_range(y1, m1, d1, y2, m2, d2, default_year)


def _mod_before(text: str, start: int) -> int:
    """Where a modifier such as "Late " or "the end of " before a month starts, else ``start``."""
    return start - _modifier_len(text[max(0, start - _MOD_REACH):start])


# The two cues before a month are read from the few characters before it, and the same few recur ("In ",
# "During ", "At the end of "): their answers are kept, keyed by those characters.
@functools.lru_cache(maxsize=4096)
def _modifier_len(before: str) -> int:
    """The length of the modifier ("Late ", "the end of ") that ``before`` ends with, else 0."""
    mod = _MOD_BEFORE.search(before)
    return len(mod.group()) if mod else 0


@functools.lru_cache(maxsize=4096)
def _cue_before(before: str) -> bool:
    """Whether the ``_CUE_REACH`` characters before a month cue it: a modifier, or a word such as "in"."""
    return bool(_modifier_len(before[-_MOD_REACH:]) or _CUE_BEFORE_MONTH.search(before))


def _month_cue(m, text) -> bool:
    start = m.start()
    return (_cue_before(text[max(0, start - _CUE_REACH):start]) or bool(_CUE_AFTER_MONTH.match(text, m.end()))
            or _month_label(m, text))


def _month_label(m, text) -> bool:
    """Whether the month (or a year) opens its line as a label does ("June: the society ran a camp", "- **August** —
    ...", "**2013** – ..."), or fills the first cell of a table row ("| April | Donation of masks | ... |")."""
    if not _LABEL_AFTER_MONTH.match(text, m.end()):
        return False
    line_start = text.rfind("\n", 0, m.start()) + 1
    return not text[line_start:m.start()].strip(_OPENERS + "-•·–—|")


_LABEL_AFTER_MONTH = re.compile(r"[*_]{0,2}[^\S\n]*(?:[:：|]|[-–—][^\S\n])")  # "**March** — ..." too


def _build_month(m, kind, text, default_year):
    m1 = _mon(m, "m1")
    y1 = _int(m, "y1")
    if kind == "m":
        if y1 is None and not _month_cue(m, text):
            return None
        m2, y2 = m1, y1
    else:
        m2, y2 = _mon(m, "m2"), _int(m, "y2")
        if m.group("sep").strip() == "and" and not _BETWEEN_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
            return None
        if y2 is None and not _month_cue(m, text):
            return None
    years = _range_years(y1, y2 if kind != "m" else y1, m1, m2, default_year)
    if years is None:
        return None
    start, end = _date(years[0], m1, 1), _month_end(years[1], m2)
    return (start, end, "month") if start and end and start <= end else None


def _build_numeric(m, kind, text, default_year):
    if kind == "dmy_dmy":
        y2 = int(m.group("y2"))
        first = _date(_int(m, "y1") or y2, int(m.group("b")), int(m.group("a")))
        last = _date(y2, int(m.group("d")), int(m.group("c")))
        return (first, last, "day") if first and last and first <= last else None
    y = int(m.group("y1"))
    if kind == "iso_month":
        start, end = _date(y, int(m.group("mo")), 1), _month_end(y, int(m.group("mo")))
        return (start, end, "month") if start and end else None
    if kind == "dmy":
        a, b = int(m.group("a")), int(m.group("b"))
        # In running text an order neither number settles ("10/09/2019") is read as the page writes the dates that
        # settle it (numeric_order), else day first, as most of the world writes it (a table column infers its
        # order from its unambiguous cells, else rejects the cell).
        order = _dmy_order(a, b, _page_day_first() if a <= 12 and b <= 12 else None)
        if order is None:
            return None
        day = _date(y, order[1], order[0])
        return (day, day, "day") if day else None
    day = _date(y, int(m.group("mo")), int(m.group("d1")))
    if kind == "iso_iso":
        if m.group("tight") is None and m.group("mo2") is None:
            return None
        last = _date(_int(m, "y2") or y, _int(m, "mo2") or int(m.group("mo")), int(m.group("d2")))
        return (day, last, "day") if day and last and day <= last else None
    return (day, day, "day") if day else None


# The page being read and, once a date needs it, whether it writes all-numeric dates day first (see numeric_order):
# a context variable, because every date search of the page, however deep, must read "08/03/2023" alike.
_PAGE: ContextVar[list | None] = ContextVar("page", default=None)
_NUMERIC_DATE = re.compile(r"(?<![\w./-])(\d{1,2})([/.-])(\d{1,2})\2(?:19|20)\d\d(?![\w/-]|\.\d)")


def month_first(text: str) -> bool:
    """Whether ``text`` writes its all-numeric dates month first: some of them can only be read so ("10/27/2023")
    and none only day first ("27/10/2023")."""
    month, day = False, False
    for m in _NUMERIC_DATE.finditer(text):
        a, b = int(m.group(1)), int(m.group(3))
        month, day = month or (b > 12 >= a), day or (a > 12 >= b)
    return month and not day


@contextmanager
def numeric_order(text: str):
    """Inside the ``with`` block, every date search reads an all-numeric date that neither number settles
    ("08/03/2023") in the order ``text`` (a page) writes the dates that settle it: month first when
    :func:`month_first`."""
    token = _PAGE.set([text, None])
    try:
        yield
    finally:
        _PAGE.reset(token)


def _page_day_first() -> bool:
    # Worked out the first time a date needs it: most pages have no date whose numbers leave the order open.
    page = _PAGE.get()
    if page is None:
        return True
    if page[1] is None:
        page[1] = not month_first(page[0])
    return page[1]


def _build_zh(m, kind, text, default_year):
    y = int(m.group("y1"))
    mo, d1 = _int(m, "mo"), _int(m, "d1")
    if mo is None:
        return _date(y, 1, 1), _date(y, 12, 31), "year"
    if d1 is None:
        start, end = _date(y, mo, 1), _month_end(y, mo)
        return (start, end, "month") if start and end else None
    d2 = _int(m, "d2") or d1
    start, end = _date(y, mo, d1), _date(y, _int(m, "mo2") or mo, d2)
    return (start, end, "day") if start and end and start <= end else None


def _build_year(m, kind, text, default_year):
    y1 = int(m.group("y1"))
    if kind == "y_y":
        y2 = int(m.group("y2"))
        sep = m.group("sep").strip()
        if not y1 < y2 <= y1 + 100:
            return None
        if sep == "and" and not _BETWEEN_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
            return None
        return dt.date(y1, 1, 1), dt.date(y2, 12, 31), "year"
    s, e = m.start(), m.end()
    parenthesized = text[s - 1:s] == "(" and text[e:e + 1] == ")"
    if not parenthesized and not _CUE_BEFORE_YEAR.search(text[max(0, s - 16):s]) and not _month_label(m, text):
        return None  # (_month_label: a year that labels its line as a month can, "**2013** – The agreement ...")
    return dt.date(y1, 1, 1), dt.date(y1, 12, 31), "year"


_BUILDERS = {
    "md_md": _build_md, "md_d": _build_md, "md": _build_md, "dm_dm": _build_md, "d_dm": _build_md, "dm": _build_md,
    "m_m": _build_month, "m": _build_month, "iso": _build_numeric, "iso_iso": _build_numeric,
    "iso_month": _build_numeric, "dmy": _build_numeric, "dmy_dmy": _build_numeric,
    "zh": _build_zh, "y_y": _build_year, "y": _build_year,
}
_MONTH_HEADS = frozenset(name[:3] for name in _MONTH_NUM)


def _trigger_pattern() -> re.Pattern:
    """Where a date may start: a digit run, or a capital opening a month name ("Jan", "MAY") at a word start.

    Each branch opens with a plain character, so the engine skips to digits and capitals fast, and the
    capitals that open no month name cost no trip through Python.  A capital followed by digits ("M12")
    stays a place to try, so that its digits are skipped as before.  A digit run is spelt one branch per
    first digit ("0[0-9]*|1[0-9]*|..."), not "[0-9]+": only when every branch opens with a literal does the
    engine scan for the branches' first characters instead of trying the whole pattern at every position.
    """
    branches = [f"{digit}[0-9]*" for digit in "0123456789"]
    for first in sorted({head[0] for head in _MONTH_HEADS}):
        rests = sorted("".join(f"[{c.upper()}{c}]" for c in h[1:]) for h in _MONTH_HEADS if h[0] == first)
        branches.append(rf"{first.upper()}(?:[0-9]+|(?<!\w.)(?={'|'.join(rests)}))")
    return re.compile("|".join(branches))


_TRIGGER = _trigger_pattern()
# How far before a month a modifier may start ("the beginning of "): see _mod_before.
_MOD_REACH = 24
# How far before a month a cue word is looked for; it takes in the modifier's reach.
_CUE_REACH = 25
_P = dict(_PATTERNS)
_DIGIT_RUN = re.compile(r"\d+")
# Whether a range separator may start here: after spaces, the first character of "-", "to", "through",
# "thru", "until", "till" (_RANGE), and of "and" too for a pair (_RANGE_OR_AND).  Held to them by tests.
_RANGE_AHEAD = re.compile(r"\s*[-–—~tu]")
_RANGE_OR_AND_AHEAD = re.compile(r"\s*[-–—~tua]")
# After a month word: a year ("1999", ", 2018") or a separator, as "m_m" needs before its second month.
_PAIR_AHEAD = re.compile(r"\.?\s*(?:,\s*)?[-–—~tua12]")
_DAY_SUFFIXES = frozenset(("st", "nd", "rd", "th"))
_NUMERIC_SEPS = frozenset("-/.")


# Which patterns are worth a match at a trigger.  Every pattern costs a trip through the regex engine, and
# most fail, so a pattern is skipped where it cannot match or cannot win, for one of two reasons:
# * a character it needs is not there: a range separator, a numeric separator, 年;
# * patterns share a beginning: "md_md" and "md_d" begin with all of "md", and "dm_dm" with all of "dm", so
#   they fail where it fails.  Where "md" (a month and a day) matches, "m_m" cannot (a day stands where its
#   year or range would), and "m" ends before the day, so it matters only when no day date is valid.  Where
#   "dm" matches, a space and a month follow the day, so "d_dm" and "dmy" (a range or "-/." there) cannot.
#   Where "m" fails, a digit follows the month, so "m_m" fails too.
# The patterns left are tried in their order in _PATTERNS, as before: see _pick.


def _pick(text: str, pos: int, default_year: int | None, found, best=None):
    """The longest (kind, match) in ``found`` that builds a date, earlier kinds winning ties, as (start, end, built)."""
    for kind, match in found:
        if match and (best is None or match.end() > best[1]):
            built = _BUILDERS[kind](match, kind, text, default_year)
            if built is not None:
                start = _mod_before(text, pos) if kind in ("m", "m_m") else pos
                best = (start, match.end(), built)
    return best


def _day_first(text: str, pos: int, run_end: int):
    """(kind, match) of the patterns opening with a day, the digits ``text[pos:run_end]``."""
    dm = _P["dm"].match(text, pos)
    if dm:
        dm_dm = _P["dm_dm"].match(text, pos) if _RANGE_AHEAD.match(text, dm.end()) else None
        return ("dm_dm", dm_dm), ("dm", dm)
    day_end = run_end + 2 if text[run_end:run_end + 2] in _DAY_SUFFIXES else run_end
    d_dm = _P["d_dm"].match(text, pos) if _RANGE_OR_AND_AHEAD.match(text, day_end) else None
    dmy = _P["dmy"].match(text, pos) if text[run_end:run_end + 1] in _NUMERIC_SEPS else None
    dmy_dmy = _P["dmy_dmy"].match(text, pos) if text[run_end:run_end + 1] == "." else None
    return ("d_dm", d_dm), ("dmy", dmy), ("dmy_dmy", dmy_dmy)


def _year_first(text: str, pos: int, run_end: int):
    """(kind, match) of the patterns opening with a year, the digits ``text[pos:run_end]``."""
    after = text[run_end:run_end + 1]
    return (
        ("iso", _P["iso"].match(text, pos) if after in _NUMERIC_SEPS else None),
        ("iso_iso", _P["iso_iso"].match(text, pos) if after in _NUMERIC_SEPS else None),
        ("iso_month", _P["iso_month"].match(text, pos) if after == "-" else None),
        ("zh", _P["zh"].match(text, pos) if after == "年" or after.isspace() else None),
        ("y_y", _P["y_y"].match(text, pos) if _RANGE_OR_AND_AHEAD.match(text, run_end) else None),
        ("y", _P["y"].match(text, pos)),
    )


def _month_first(text: str, pos: int, default_year: int | None):
    """The longest valid expression opening with the month word at ``pos``, as in _longest_at."""
    md = _P["md"].match(text, pos)
    if md:
        if _RANGE_OR_AND_AHEAD.match(text, md.end()):
            found: tuple[tuple[str, re.Match[str] | None], ...] = (
                ("md_md", _P["md_md"].match(text, pos)), ("md_d", _P["md_d"].match(text, pos)), ("md", md))
        else:
            found = (("md", md),)
        best = _pick(text, pos, default_year, found)
        return best if best is not None else _pick(text, pos, default_year, (("m", _P["m"].match(text, pos)),))
    m = _P["m"].match(text, pos)
    if m is None:
        return None
    m_m = _P["m_m"].match(text, pos) if _PAIR_AHEAD.match(text, m.end("m1")) else None
    return _pick(text, pos, default_year, (("m_m", m_m), ("m", m)))


def _longest_at(text: str, pos: int, default_year: int | None):
    """The longest valid date expression starting at ``pos``, as (start, end, built), else None.

    Day- or year-first patterns at a digit run (a run's length tells which: other lengths start no date),
    month-first ones at a month word.
    """
    prev = text[pos - 1] if pos else " "
    if text[pos].isdigit():
        if prev.isdigit():
            return None
        run_end = _DIGIT_RUN.match(text, pos).end()
        if run_end - pos <= 2:
            return _pick(text, pos, default_year, _day_first(text, pos, run_end))
        if run_end - pos == 4:
            return _pick(text, pos, default_year, _year_first(text, pos, run_end))
        return None
    if prev.isalnum() or prev == "_" or text[pos:pos + 3].lower() not in _MONTH_HEADS:
        return None
    return _month_first(text, pos, default_year)


def find_dates(text: str, default_year: int | None = None) -> list[DateSpan]:
    """All date expressions in running English text, in order.

    Parameters
    ----------
    text : str
        Running text.
    default_year : int, optional
        The year of expressions that give none ("On January 10"); without it they are skipped.

    Examples
    --------
    >>> [(d.start.isoformat(), d.end.isoformat(), d.precision) for d in find_dates("From May 30 to June 2, 2018")]
    [('2018-05-30', '2018-06-02', 'day')]
    """
    return list(_spans(text, default_year))


def _spans(text: str, default_year: int | None, stop: int | None = None):
    """The spans of :func:`find_dates`, lazily; none whose expression starts at ``stop`` or later.

    A span can begin up to ``_MOD_REACH`` characters before where its expression starts ("Late May").
    """
    pos, last_end = 0, 0
    # One scan for places a date can start (a digit run or a month's capital), then the patterns there:
    # several times faster than a scan per pattern.
    while (trigger := _TRIGGER.search(text, pos)) and (stop is None or trigger.start() < stop):
        best = _longest_at(text, trigger.start(), default_year)
        if best is None:
            pos = trigger.end()
            continue
        start, end, (d1, d2, precision) = best
        start = max(start, last_end)
        yield DateSpan(d1, d2, precision, start, end, text[start:end])
        pos = last_end = end


# Each branch opens with a plain character rather than a class, so that the engine skips ahead to them.
_SENTENCE_BREAK = re.compile(r"\.(?:\s|$)|!(?:\s|$)|\?(?:\s|$)|。(?:\s|$)|\n\s*\n")


_BREAK_FIRST = re.compile(r"[.!?。\n]")
# The number or letter a numbered list puts before an item: "1. ", "12) ", "(3) ", "iv. ", "b) ", "2、".
ITEM_NUMBER = re.compile(r"\s*\(?(?:\d{1,2}|[ivx]{1,4}|[IVX]{2,4}|[a-h])(?:[.)]\s|、\s*)")


def _break_before(head: str, within: int, start: int = 0) -> int:
    """Where the first sentence break of ``head`` past ``start`` begins if that is before ``within``, else ``within``.

    Only a break before ``within`` matters, so only the characters that open one there are tried: searching
    the whole head for the first break read past ``within`` on most items.
    """
    opener = _BREAK_FIRST.search(head, start, within)
    while opener:
        if _SENTENCE_BREAK.match(head, opener.start()):
            return opener.start()
        opener = _BREAK_FIRST.search(head, opener.start() + 1, within)
    return within


def leading_date(text: str, default_year: int | None = None, within: int = 80) -> DateSpan | None:
    """The date expression an item starts with, else None.

    The date must begin within ``within`` characters and before the first sentence
    break.  A day or month date there wins over a year or year range ("The 2019-2023
    plan was adopted on May 3" -> May 3).

    >>> leading_date("On January 10, the dialogue was held.", default_year=2018).start
    datetime.date(2018, 1, 10)
    """
    head = text[: within + 120]
    # "1. On March 5, ...": the full stop of an item's number ends no sentence.
    number = ITEM_NUMBER.match(head)
    limit = _break_before(head, within, number.end() if number else 0)
    first = None
    # Expressions starting past the limit and a modifier's reach cannot begin before it: no need to read them.
    for span in _spans(head, default_year, stop=limit + _MOD_REACH):
        if span.char_start >= limit:
            continue
        if span.precision != "year":
            return span
        first = first or span
    return first


_TITLE_DOTTED = re.compile(
    r"(?<!\d)(?P<y1>(?:19|20)\d\d)[./](?P<m1>1[0-2]|0?[1-9])\s*[-–—~至到]\s*(?:(?P<y2>(?:19|20)\d\d)[./])?"
    r"(?P<m2>1[0-2]|0?[1-9])(?![\d])"
)
_TITLE_HALF = re.compile(r"\b(?:(?P<h>first|second|1st|2nd)\s+half\s+(?:of\s+)?|H(?P<hn>[12])\s*|Q(?P<q>[1-4])\s*)"
                         r"(?P<y>(?:19|20)\d\d)\b", re.I)
_ANY_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?![\d%]|[.,]\d)")


def _first_line(text: str) -> str:
    for line in text[:2000].splitlines():
        if line.strip():
            return line.strip()
    return ""


def title_period(text: str) -> tuple[dt.date, dt.date] | None:
    """The period a document's title covers, as (first day, last day), or None.

    Reads the first non-blank line: "(2018.1-2018.6)", "January–June 2018",
    "first half of 2018", "Q3 2020", "2019-2021", "2019 annual report".

    >>> title_period("Latest News (2018.1-2018.6)")
    (datetime.date(2018, 1, 1), datetime.date(2018, 6, 30))
    """
    title = _first_line(text)
    if m := _TITLE_DOTTED.search(title):
        y1 = int(m.group("y1"))
        start, end = _date(y1, int(m.group("m1")), 1), _month_end(int(m.group("y2") or y1), int(m.group("m2")))
        if start and end and start <= end:
            return start, end
    if m := _TITLE_HALF.search(title):
        return _part_of_year(m)
    spans = find_dates(title)
    if spans:
        return min(s.start for s in spans), max(s.end for s in spans)
    years = [int(y) for y in _ANY_YEAR.findall(title)]
    return (dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)) if years else None


def _part_of_year(m: re.Match) -> tuple[dt.date, dt.date]:
    y = int(m.group("y"))
    if m.group("q"):
        q = int(m.group("q"))
        return dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q)
    second = (m.group("h") or "").lower() in ("second", "2nd") or m.group("hn") == "2"
    return (dt.date(y, 7, 1), dt.date(y, 12, 31)) if second else (dt.date(y, 1, 1), dt.date(y, 6, 30))


_PUB_LABEL = re.compile(
    r"[^\S\n]*(?:(?:release|publication|published|posted|updated|issue|issued|generated|exported|printed)"
    r"(?:[^\S\n]+(?:date|on|at))?|time|date"
    r"|发布时间|发布日期|时间|日期)[^\S\n]*[:：]?[^\S\n]*",
    re.I,
)
_PUB_LINES = 20
_PUB_UNLABELLED_MAX_LEN = 60
# A label later in a short metadata line ("Source: Xinhua | Updated: 2023-11-28 09:15"): after a separator and
# with its colon, so that running text ("the date of ...") is never read as one.
_PUB_LABEL_INLINE = re.compile(r"(?:(?<=\s)|(?<=[|｜/·]))" + _PUB_LABEL.pattern.replace("[:：]?", "[:：]"), re.I)
_PUB_INLINE_MAX_LEN = 120
_WEEKDAY_FIRST = re.compile(r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?[^\S\n]+", re.I)
# What may stand before a date that opens a line: "[2022-04-12]", "(2022-04-12)", "【2022-04-12】", and the marks of a
# Markdown heading or bold text ("### 8 March 2022", "**8 March 2022**").
_OPENERS = " \t([【〔（「#*_"


def publication_date(text: str) -> DateSpan | None:
    """The publication date from a date line near the top of a document, else None.

    A labelled line ("Date: 2023-01-29", "Time:2018-06-13", "Published: 13 June 2018")
    wins; otherwise a short line that starts with a day-precise date ("2018/06/13",
    "June 13, 2018", "Saturday, 21 October 2023").  Offsets index ``text``.

    >>> publication_date("Title\\nDate: 2023-01-29\\nBody").start
    datetime.date(2023, 1, 29)
    """
    unlabelled = None
    offset = 0
    lines = text[:4000].split("\n")[:_PUB_LINES]
    for line in lines:
        label = _PUB_LABEL.match(line)
        rest_at = label.end() if label and label.end() > len(line) - len(line.lstrip()) else None
        if rest_at is None and len(line) <= _PUB_INLINE_MAX_LEN and (inline := _PUB_LABEL_INLINE.search(line)):
            rest_at = inline.end()
        if rest_at is not None and (weekday := _WEEKDAY_FIRST.match(line, rest_at)):
            rest_at = weekday.end()  # "Date: Tue, 14 Mar 2023 08:15:02 +0800", as mail headers give it
        short = unlabelled is None and len(line.strip()) <= _PUB_UNLABELLED_MAX_LEN
        # Only a line's first date can date the page, and only on a labelled or a short line: a long
        # paragraph near the top is not read for dates it cannot give.
        first = next(_spans(line, None), None) if rest_at is not None or short else None
        if rest_at is not None and first and first.char_start == rest_at:
            return shift_span(first, offset)
        if rest_at is None and len(line) <= _PUB_INLINE_MAX_LEN and (cell := _dated_cell(line)):
            return shift_span(cell, offset)
        lead = len(line) - len(line.lstrip(_OPENERS))
        if short and first and first.char_start != lead and (weekday := _WEEKDAY_FIRST.match(line, lead)):
            lead = weekday.end()  # "Saturday, 21 October 2023" under a column's byline
        if short and first and first.char_start == lead and first.precision == "day":
            unlabelled = shift_span(first, offset)
        offset += len(line) + 1
    return unlabelled


def _dated_cell(line: str) -> DateSpan | None:
    """The day-precise date that fills a cell of a metadata line on its own, with its time perhaps
    ("Source: Xinhua | 2024-09-03 20:41:17 | Editor: Li", "By our reporter | 2023-03-20 09:14"), else None.
    Cells set apart by wide spaces instead of bars ("Original  Friendship Society  2023-11-06 18:20", as a
    social-media post exports) count only with the time: without it, such a line may be a row of a table."""
    bars = "|" in line or "｜" in line
    if bars and line.lstrip().startswith(("|", "｜")):
        return None  # a table's row ("| 2021-03-12 | Seminar | ... |"), not a page's metadata
    if not bars and "  " not in line and "\t" not in line:
        return None  # no cells
    cells, tail = (_META_CELL, _TIME_ONLY) if bars else (_SPACED_CELL, _CLOCK)
    for cell in cells.finditer(line):
        first = next(_spans(cell.group(), None), None)
        if first and first.char_start == 0 and first.precision == "day" and tail.fullmatch(cell.group(), first.char_end):
            return shift_span(first, cell.start())
    return None


_META_CELL = re.compile(r"[^|｜\s][^|｜]*")  # a cell, from its first visible character to the next bar
_TIME_ONLY = re.compile(r"(?:[^\S\n]+\d{1,2}:\d\d(?::\d\d)?)?[^\S\n]*")
_SPACED_CELL = re.compile(r"\S+(?: \S+)*")  # words with single spaces between them
_CLOCK = re.compile(r" \d{1,2}:\d\d(?::\d\d)?")  # the time a stamp gives after its date


# A heading that is a month alone ("April 2021", "MAY", "June 2021:"), opening a section of items.
_MONTH_HEADING = re.compile(rf"[#*_\s]*(?P<m1>{_MON})(?:,?[^\S\n]+(?P<y1>(?:19|20)\d\d))?[^\S\n]*[:：]?[#*_\s]*")
# How an item under such a heading says when in that month it happened: "On the 6th", "From the 8th to the
# 12th", "On the 19th and 20th", or a part of the month ("Mid-month", "Late in the month").
_NTH = r"(?P<{}>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)"
_DAY_OF_MONTH = re.compile(
    rf"(?:(?:on|from|between|by)[^\S\n]+)?the[^\S\n]+{_NTH.format('d1')}(?![\w-])"
    rf"(?:{_RANGE_OR_AND}(?:the[^\S\n]+)?{_NTH.format('d2')}(?![\w-]))?",
    re.IGNORECASE,
)
_PART_OF_MONTH = re.compile(
    r"(?:(?:in|at|during|towards?)[^\S\n]+)?(?:the[^\S\n]+)?(?:mid-?month|(?:early|late|later|earlier)[^\S\n]+in[^\S\n]+"
    r"(?:the|that)[^\S\n]+month|(?:end|beginning|start|middle|close|second[^\S\n]+half|first[^\S\n]+half)[^\S\n]+"
    r"of[^\S\n]+(?:the|that)[^\S\n]+month|same[^\S\n]+month|that[^\S\n]+month)\b",
    re.IGNORECASE,
)


def month_heading(text: str, default_year: int | None = None) -> DateSpan | None:
    """The month a heading line names on its own ("April 2021", "MAY" in a 2019 bulletin), else None.

    >>> month_heading("April 2021").end
    datetime.date(2021, 4, 30)
    """
    if len(text) > 32:
        return None
    m = _MONTH_HEADING.fullmatch(text)
    year = int(m.group("y1")) if m and m.group("y1") else default_year
    if m is None or year is None:
        return None
    month = _month_of(m.group("m1"))
    start, end = _date(year, month, 1), _month_end(year, month)
    return DateSpan(start, end, "month", m.start("m1"), m.end(), text[m.start("m1"):m.end()]) if start and end else None


def day_in_month(text: str, month: DateSpan, within: int = 40) -> DateSpan | None:
    """When an item under a month heading happened, from an opening that names no month: "On the 6th,"
    "From the 8th to the 12th," (days of ``month``), "Mid-month," "At the end of the month," (``month``
    itself).  None when the item opens otherwise.

    >>> day_in_month("On the 6th, a choir sang.", month_heading("May 2020")).start
    datetime.date(2020, 5, 6)
    """
    head = text[: within + 40]
    lead = len(head) - len(head.lstrip(_OPENERS + "-•·–—"))
    if m := _DAY_OF_MONTH.match(head, lead):
        y, mo = month.start.year, month.start.month
        start, end = _date(y, mo, int(m.group("d1"))), _date(y, mo, int(m.group("d2") or m.group("d1")))
        if start and end and start <= end:
            return DateSpan(start, end, "day", m.start(), m.end(), m.group())
        return None
    if m := _PART_OF_MONTH.match(head, lead):
        return DateSpan(month.start, month.end, "month", m.start(), m.end(), m.group())
    return None


def shift_span(span: DateSpan, offset: int) -> DateSpan:
    """``span`` with its character offsets moved by ``offset`` (a date found in a slice, placed in the whole)."""
    return DateSpan(span.start, span.end, span.precision, span.char_start + offset, span.char_end + offset, span.text)


def document_years(text: str) -> Counter:
    """How often each explicit year dates something in ``text`` (years in date expressions only).

    >>> document_years("In 2021 and in March 2022, then on 5 May 2022.")
    Counter({2022: 2, 2021: 1})
    """
    return Counter(s.start.year for s in find_dates(text))


def context_year(text: str) -> int | None:
    """The year to assume for dates without one: title period, else publication date, else the commonest year.

    >>> context_year("Latest News (2018.1-2018.6)\\n\\nOn January 10, a forum opened.")
    2018
    """
    period = title_period(text)
    if period:
        return period[0].year
    pub = publication_date(text)
    if pub:
        return pub.start.year
    years = document_years(text)
    return years.most_common(1)[0][0] if years else None


# ---------------------------------------------------------------------------- table cells

_TIME = r"(?:[T ]\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"
_CELL_ISO = re.compile(rf"(?P<y>\d{{4}})(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}}){_TIME}")
_CELL_ISO_MONTH = re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})")
_CELL_DMY = re.compile(rf"(?P<a>\d{{1,2}})(?P<sep>[-/.])(?P<b>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}|\d{{2}}){_TIME}")
_CELL_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?,?\s+)?"
_CELL_WORDS = re.compile(
    rf"{_WEEKDAY}(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?[\s-]+(?:of\s+)?(?P<m1>[a-z]+)\.?|(?P<m2>[a-z]+)\.?\s+"
    rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?|(?P<m3>[a-z]+)\.?)[\s,-]+(?P<y>\d{{4}})",
    re.I,
)
_CELL_ZH = re.compile(r"(?P<y>\d{4})\s*年\s*(?:(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*[日号])?)?")
_LEFTOVER = re.compile(r"[\s,.;:()\[\]]*")
_LEAD_WORDS = re.compile(r"[\s,.;:()\[\]]*(?:(?:from|between|on|in|during|since)\s+)?", re.I)


def _max_date() -> dt.date:
    return dt.date.today() + MAX_FUTURE


def _dmy_order(a: int, b: int, dayfirst: bool | None) -> tuple[int, int] | None:
    """(day, month) of an all-numeric date, or None when the order cannot be told."""
    if dayfirst is not None:
        return (a, b) if dayfirst else (b, a)
    if a > 12 >= b:
        return a, b
    if b > 12 >= a:
        return b, a
    if a == b:
        return a, b
    return None


def _checked_day(y: int, m: int, d: int, raw: str) -> dt.date:
    if not 1 <= m <= 12:
        raise ValueError(f"impossible date {raw}: month {m}")
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise ValueError(f"impossible date {raw}: {calendar.month_name[m]} has no day {d}") from None


def _checked_month(y: int, m: int, raw: str) -> tuple[dt.date, dt.date]:
    if not 1 <= m <= 12:
        raise ValueError(f"impossible date {raw}: month {m}")
    return dt.date(y, m, 1), _month_end(y, m)


def _from_number(x, raw: str) -> tuple[dt.date, dt.date, str]:
    if isinstance(x, float | np.floating) and not math.isfinite(x):
        raise ValueError(f"not a date: {raw}")
    n = int(x)
    if n == x and 1000 <= n <= 2999:
        return dt.date(n, 1, 1), dt.date(n, 12, 31), "year"
    if n == x and 10000101 <= n <= 29991231:
        day = _checked_day(n // 10000, n // 100 % 100, n % 100, raw)
        return day, day, "day"
    if EXCEL_SERIAL_MIN <= x < EXCEL_SERIAL_MAX:
        day = EXCEL_EPOCH + dt.timedelta(days=n)
        return day, day, "day"
    serials = f"{EXCEL_SERIAL_MIN}-{EXCEL_SERIAL_MAX - 1}"
    raise ValueError(f"not a date: {raw} is neither a year nor an Excel serial day ({serials})")


def _from_words(m: re.Match, raw: str) -> tuple[dt.date, dt.date, str]:
    name = (m.group("m1") or m.group("m2") or m.group("m3")).lower()
    month = _MONTH_NUM.get(name)
    if month is None:
        raise ValueError(f"not a date: {raw}")
    y = int(m.group("y"))
    day = m.group("d1") or m.group("d2")
    if day is None:
        return *_checked_month(y, month, raw), "month"
    d = _checked_day(y, month, int(day), raw)
    return d, d, "day"


def _from_string(s: str, dayfirst: bool | None) -> tuple[dt.date, dt.date, str]:
    # "2018.6" in a date column is June 2018, but "2018.0" is a year written out by a float column.
    if _CELL_NUMBER.fullmatch(s) and not (_CELL_ISO_MONTH.fullmatch(s) and s.rstrip("0")[-1] != "."):
        return _from_number(float(s), s)
    if m := _CELL_ISO.fullmatch(s):
        d = _checked_day(int(m.group("y")), int(m.group("m")), int(m.group("d")), s)
        return d, d, "day"
    if m := _CELL_ISO_MONTH.fullmatch(s):
        return *_checked_month(int(m.group("y")), int(m.group("m")), s), "month"
    if m := _CELL_DMY.fullmatch(s):
        return _from_dmy(m, s, dayfirst)
    if m := _CELL_ZH.fullmatch(s):
        return _from_zh(m, s)
    if m := _CELL_WORDS.fullmatch(s):
        return _from_words(m, s)
    return _from_text(s)


def _from_dmy(m: re.Match, s: str, dayfirst: bool | None) -> tuple[dt.date, dt.date, str]:
    if len(m.group("y")) == 2:
        raise ValueError(f"two-digit year: {s}")
    a, b = int(m.group("a")), int(m.group("b"))
    order = _dmy_order(a, b, dayfirst)
    if order is None:
        if a > 12 and b > 12:
            raise ValueError(f"impossible date {s}: no month")
        raise ValueError(f"ambiguous day/month: {s}")
    d = _checked_day(int(m.group("y")), order[1], order[0], s)
    return d, d, "day"


def _from_zh(m: re.Match, s: str) -> tuple[dt.date, dt.date, str]:
    y = int(m.group("y"))
    if m.group("m") is None:
        return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    if m.group("d") is None:
        return *_checked_month(y, int(m.group("m")), s), "month"
    d = _checked_day(y, int(m.group("m")), int(m.group("d")), s)
    return d, d, "day"


def _from_text(s: str) -> tuple[dt.date, dt.date, str]:
    """A cell holding one date expression of running text, such as a range "12-16 January 2019"."""
    # Cells are often lower- or upper-case; text matching only knows capitalised months.
    titled = re.sub(r"[A-Za-z]+", lambda w: w.group().title() if w.group().lower() in _MONTH_NUM else w.group(), s)
    spans = find_dates(titled)
    if len(spans) == 1:
        span = spans[0]
        if _LEAD_WORDS.fullmatch(titled[: span.char_start]) and _LEFTOVER.fullmatch(titled[span.char_end:]):
            return span.start, span.end, span.precision
    raise ValueError(f"not a date: {s}")


def _check_range(start: dt.date, raw: str) -> None:
    if start < MIN_DATE or start > _max_date():
        raise ValueError(f"date out of range {raw}: allowed {MIN_DATE} to {_max_date()}")


def _is_missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    if isinstance(value, str):
        return value.strip().lower() in MISSING_TOKENS
    return False


def _parse_cell(value, dayfirst: bool | None) -> tuple[dt.date, dt.date, str] | None:
    if _is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"not a date: {value!r}")
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, dt.datetime):
        raw, parsed = value.isoformat(), (value.date(), value.date(), "day")
    elif isinstance(value, dt.date):
        raw, parsed = value.isoformat(), (value, value, "day")
    elif isinstance(value, int | float | np.integer | np.floating):
        raw = repr(value.item() if isinstance(value, np.generic) else value)
        parsed = _from_number(value, raw)
    elif isinstance(value, str):
        raw = value.strip()
        parsed = _from_string(raw, dayfirst)
    else:
        raise ValueError(f"not a date: {value!r}")
    _check_range(parsed[0], raw)
    return parsed


def parse_date_cell(value, *, dayfirst: bool | None = None) -> DateSpan | None:
    """One table cell -> DateSpan, or None if empty or a missing-value code.

    Precision is inferred: "2018" is a year, "2018-06" and "June 2018" a month,
    "2018-06-13", "13 June 2018", Excel serial 43264 and date objects a day.  Integers
    from 1000 to 2999 are years; Excel serials count only from 1950 to 2099.

    Parameters
    ----------
    value : str, number, date, datetime, Timestamp or missing
    dayfirst : bool, optional
        Order of all-numeric d/m/y dates.  None reads the order from the value and
        raises for one that could be either (03/04/2018); True/False forces the order.

    Raises
    ------
    ValueError
        With the reason: "ambiguous day/month: ...", "impossible date ...",
        "date out of range ...", "two-digit year: ..." or "not a date: ...".

    Examples
    --------
    >>> parse_date_cell("June 2018").precision
    'month'
    >>> parse_date_cell(43264).start
    datetime.date(2018, 6, 13)
    """
    parsed = _parse_cell(value, dayfirst)
    if parsed is None:
        return None
    text = value.strip() if isinstance(value, str) else str(value)
    start = value.find(text) if isinstance(value, str) else 0
    return DateSpan(parsed[0], parsed[1], parsed[2], start, start + len(text), text)


_DMY_VOTE = re.compile(r"\s*(\d{1,2})[-/.](\d{1,2})[-/.]\d{2,4}\b.*")


def infer_dayfirst(values) -> bool | None:
    """True/False when a column's unambiguous d/m/y values all agree on the order, else None.

    >>> infer_dayfirst(["13/06/2018", "03/04/2018"])
    True
    """
    votes = set()
    for value in values:
        if isinstance(value, str) and (m := _DMY_VOTE.fullmatch(value)):
            a, b = int(m.group(1)), int(m.group(2))
            if a > 12 >= b:
                votes.add(True)
            elif b > 12 >= a:
                votes.add(False)
    return votes.pop() if len(votes) == 1 else None


def parse_series(s: pd.Series, *, dayfirst: bool | None = None) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """A column of date cells -> (start, end, precision, error), each aligned with ``s``.

    Each distinct value is parsed once, so a million rows with repeated dates take a
    second or two.  When ``dayfirst`` is None it is inferred from the column's
    unambiguous values (:func:`infer_dayfirst`).  ``start``/``end`` are
    ``datetime64[s]`` (NaT when missing or bad), ``precision`` and ``error`` are
    strings (``error`` is NA when the cell parsed or was empty).

    >>> start, end, precision, error = parse_series(pd.Series(["2018-06", "13/06/2018", "N/A", "2018-02-30"]))
    >>> list(precision.astype(object))
    ['month', 'day', <NA>, <NA>]
    """
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return _parse_datetime_series(s)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    uniques = list(uniques)
    if dayfirst is None:
        dayfirst = infer_dayfirst(uniques)
    n = len(uniques)
    starts = np.full(n + 1, np.datetime64("NaT"), dtype="datetime64[D]")
    ends = starts.copy()
    precision = np.full(n + 1, None, dtype=object)
    error = np.full(n + 1, None, dtype=object)
    for i, value in enumerate(uniques):
        try:
            parsed = _parse_cell(value, dayfirst)
        except ValueError as exc:
            error[i] = str(exc)
            continue
        if parsed is not None:
            starts[i], ends[i], precision[i] = parsed
    codes = np.where(codes < 0, n, codes)
    index = s.index
    return (
        pd.Series(starts[codes].astype("datetime64[s]"), index=index, name="start_date"),
        pd.Series(ends[codes].astype("datetime64[s]"), index=index, name="end_date"),
        pd.Series(precision[codes], index=index, name="date_precision", dtype="string"),
        pd.Series(error[codes], index=index, name="date_error", dtype="string"),
    )


def _parse_datetime_series(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    day = s.dt.normalize().astype("datetime64[s]")
    bad = day.notna() & ((day < pd.Timestamp(MIN_DATE)) | (day > pd.Timestamp(_max_date())))
    ok = day.notna() & ~bad
    day = day.where(ok)
    precision = pd.Series(np.where(ok, "day", None), index=s.index, dtype="string", name="date_precision")
    error = pd.Series(np.where(bad, "date out of range", None), index=s.index, dtype="string", name="date_error")
    if bad.any():
        raw = s[bad].dt.date.astype(str)
        error[bad] = "date out of range " + raw + f": allowed {MIN_DATE} to {_max_date()}"
    return day.rename("start_date"), day.rename("end_date"), precision, error
