"""Narrative sources (.txt, .md, .html) -> events.

A page is cut into blocks (paragraphs), page chrome is set aside, and the page
is read as one of these layouts:

* **bulletin** – many blocks open with their own date ("On 3 May, ...",
  "From June 5 to 8, ...", "Late May saw ..."); each such block is an event,
  and so is a later block whose date stands inside a sentence with an event
  cue ("... opened in Suzhou on 12 July 2019");
* **bulletin in monthly sections** – month headings ("April 2021") over items
  that say when in that month ("On the 6th,", "Mid-month,") or report an
  event without a date (they take the month);
* **list page** – items each with a date line of their own, after them or
  before them as headings;
* **news page** – a title and a publication-date line, then prose; a block is
  an event when one sentence holds both a date and an event cue, or opens with
  a time told from the page's day or the story's previous event ("Yesterday",
  "On Monday", "The day before", "On the same day"), and a page with none of
  those is one event dated by the opening date of its first paragraph (a
  dateline, "NAIROBI, Nov. 27 --"), else by its publication line;
* **page of posts** – a blog or an exported social feed: each post, under its
  own publication line ("Posted on 9 August 2021 by ...") or header
  ("@Network · Nov 25"), is read as a news story dated from it; a post that
  reports nothing (a greeting, "Apply now!", "Coming soon") gives no event.

A table written in the text, in Markdown or as a PDF's text gives it (a rule
of dashes under the header, cells wrapped onto lines whose first cell is
empty), is a bulletin whose rows are the items: its header says which cell
dates the row, names the venue and counts the participants.

Items dated after the page's own publication date (a calendar's "Upcoming"
entries) go to the rejects as plans.  Hard-wrapped text is read across its
wraps, and snippets stay the text as written.  A wire item ("LIMA, June 8
(Agency) -- ... on Tuesday") is dated by the weekday its lead names, counted
back from its dateline.

A page that yields no event at all leaves one reject ("no dated event found"),
so that it is not lost silently.

Offsets (``source_start``/``source_end``) index the decoded text for .txt and
.md, and the extracted text for HTML (see :func:`page_text`).
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from etl.arrays import gc_paused
from etl.errors import InputError
from etl.io import read_text
from etl.normalize import countries as ctry
from etl.normalize.dates import (
    ITEM_NUMBER,
    MONTH_NAMES,
    DateSpan,
    day_in_month,
    find_dates,
    leading_date,
    month_heading,
    numeric_order,
    publication_date,
    shift_span,
    title_period,
)
from etl.normalize.groups import find_groups
from etl.normalize.orgs import find_organizations
from etl.normalize.participants import (
    GROUP_NOUNS,
    NUMBER_BELOW_HUNDRED,
    VISITOR_NOUNS,
    find_headcount,
    number_value,
)
from etl.normalize.sectors import classify, find_type_cue, fold
from etl.records import frozen
from etl.schema import EVENT_COLUMNS
from etl.sources._text_tables import is_row, row_count, row_date, row_place, table_columns, table_rows
from etl.sources.base import EventRows, Options, Result, reject_rows

SNIPPET_MAX = 600
LEADING_DATE_WITHIN = 40  # an item "opens with" a date that starts this close to its first character
MIN_EVENT_CHARS = 80  # shorter blocks are headings or captions, not event reports...
SHORT_EVENT_CHARS = 40  # ...unless they are a whole sentence of six words or more ("On 8 May, 20 dancers sang in Suva.")
EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm")

# Whole words only: "Signing", "registered" and "film copyright" are words of a report, not chrome.
_CHROME = re.compile(
    r"\b(?:log\s?-?in|sign\s?(?:in|up)|register|password|user\s?name|font\s?-?size|big\s+middle\s+small|"
    r"previous\s+(?:article|page|post)|next\s+(?:article|page|post)|all rights reserved|"
    r"share\s+(?:to|on|this)|print\s+this|close\s+window|visitor\s+stats|"
    r"back\s+to\s+top|skip\s+to|subscribe|cookies?)\b|^\s*(?:read\s+more|continue\s+reading|more)\W{0,3}$|\bviews?\s*:|©|^\s*copyright\b|lượt xem|^\s*online\s*:|"
    r"^\s*(?:home|menu|search|print|close|share)\s*$|"
    r"^\s*(?:source|editor|author|reporter|responsible editor|time|date|published|updated)\s*[:：]|"
    r"^\s*[a-z]{2}_[A-Z]{2}",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?。](?=[\"”’)]?\s+[\"“(]?[A-Z0-9]|[\"”’)]?\s*$)")
# Abbreviations whose full stop does not end a sentence ("Washington D.C. hosted", "Sept. 5").
_ABBREVIATIONS = frozenset(["no", "st", "mr", "ms", "mrs", "dr", "prof", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vs", "etc", "co", "ltd", "inc"])
_EVENT_WORDS = (
    r"Forum|Conference|Symposium|Seminar|Summit|Congress|Expo|Exhibition|Festival|Games|Dialogue|Camp|Fair|"
    r"Convention|Reception|Roundtable|Round Table|Workshop|Gala|Meeting|Course|Ceremony"
)
_EVENT_NAME = re.compile(
    r"(?:[“\"]([^”\"]{6,90})[”\"])|"
    r"((?:the\s+)?(?:[A-Z0-9][\w&'’.-]*\s+(?:(?:of|on|for|and|in|the|&|between|with)\s+)*){1,10}"
    rf"(?:{_EVENT_WORDS})\b)"
)
# What _EVENT_NAME cannot match without: a quick test that spares most leads its backtracking.  Every branch
# opens with a plain character (no class), so that the engine skips to those characters fast.
_EVENT_NAME_HINT = re.compile(rf"“|\"|{_EVENT_WORDS}")


@frozen  # a dataclass(frozen=True), cheaper to build: see etl.records
class Block:
    start: int
    end: int
    text: str


def sniff(path: Path, head: bytes = b"") -> bool:
    return path.suffix.lower() in EXTENSIONS


def page_text(raw: str, path: Path) -> str:
    """The text we extract from: HTML is stripped to its readable blocks."""
    if path.suffix.lower() in (".html", ".htm") or re.match(r"\s*<(?:!doctype|html)", raw[:200], re.IGNORECASE):
        return html_to_text(raw)
    return raw


def html_to_text(html: str) -> str:
    """Readable text of an HTML page, one block per paragraph-level element.

    Scripts, styles, navigation, forms and footers are dropped: they are
    chrome, never events.  Tags nested deeply or left unclosed are handled by
    the HTML5 parser.
    """
    tree = HTMLParser(html)
    tree.strip_tags(["script", "style", "noscript", "template", "nav", "form", "footer", "header", "aside",
                     "iframe", "svg", "button", "select", "input"])
    root = tree.body or tree.root
    if root is None:
        return ""
    blocks = []
    for node in root.traverse(include_text=False):
        if node.tag in _BLOCK_TAGS and not _has_block_ancestor(node, root):
            blocks.append(" ".join(node.text(separator=" ").split()))
    if not blocks:
        blocks = [line.strip() for line in root.text(separator="\n").splitlines()]
    return "\n\n".join(b for b in blocks if b)


_BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "blockquote", "pre",
                         "figcaption", "time", "caption"})


def _has_block_ancestor(node, root) -> bool:
    parent = node.parent
    while parent is not None and parent is not root:
        if parent.tag in {"p", "li", "td", "th", "blockquote", "pre", "dd"}:
            return True
        parent = parent.parent
    return False


def read(path: Path, options: Options) -> Result:
    """Events from one narrative file, as rows the build types with every other file's; see the module
    docstring."""
    text = page_text(read_text(path), path)
    rows, rejects = extract_rows(text, str(path), options)
    return Result(events=EventRows(rows, ROW_COLUMNS), rejects=reject_rows(rejects))


def extract(text: str, source: str, options: Options = Options()) -> Result:
    """Events from already-decoded text, as a typed frame (see :func:`extract_rows`)."""
    rows, rejects = extract_rows(text, source, options)
    return Result(events=EventRows(rows, ROW_COLUMNS).frame(), rejects=reject_rows(rejects))


@gc_paused
def extract_rows(text: str, source: str, options: Options = Options()) -> tuple[list[dict], list[tuple]]:
    """Events from already-decoded text (the pure core of :func:`read`): plain rows in :data:`ROW_COLUMNS`
    (see :func:`etl.schema.typed_frame`), and rejects as ``(source, location, reason, detail)``."""
    with numeric_order(text):  # "10/27/2023" on the page says how its "08/03/2023" reads
        return _rows(text, source, options)


def _rows(text: str, source: str, options: Options) -> tuple[list[dict], list[tuple]]:
    blocks = _readable_blocks(text)
    if not blocks:
        raise InputError(source, "no readable text (only page chrome or nothing at all)")
    context = _Context.of(text, blocks, options.home)
    items, rejects = _items(text, blocks, context, source)
    items, rejects = _held(*_notices(*_announced(items, rejects, blocks, source), source), source)
    items = _split_parts(items, context)
    if not items and not rejects:  # nothing to read is worth saying: a page that yields nothing is not dropped silently
        rejects = [(source, f"offset {blocks[0].start}", "no dated event found", shorten(blocks[0].text, 120))]
    return [_event(text, block, date, method, context, source) for block, date, method in items], rejects


# What _event fills in: every column but the two the build adds for all adapters.
ROW_COLUMNS = tuple(c for c in EVENT_COLUMNS if c.name not in ("event_id", "sources"))


def _readable_blocks(text: str) -> list[Block]:
    """The page's blocks without its chrome.

    A labelled date line ("Date: 2021-07-09") is chrome on a news page (the publication line, read apart) but
    dates its item on a list page: it is kept where other date lines make the page a list.  A Markdown heading
    that opens with a date, or titles an entry of labelled fields, comes joined to the block under it (see
    _with_headings).
    """
    every = _with_headings(text, split_blocks(text))
    dated = [_is_date_line(b.text) for b in every]
    if sum(dated) < 2:
        kept = [b for b in every if not is_chrome(b.text)]
    else:
        kept = [b for b, date_line in zip(every, dated, strict=True) if date_line or not is_chrome(b.text)]
    # What reads the blocks reads phrases across the line breaks that only wrap a sentence (see _unwrapped); a table's
    # row keeps its lines, which hold its cells' wrapped parts column by column (see _text_tables.row_cells).
    return [Block(b.start, b.end, _unwrapped(b.text)) if "\n" in b.text and not is_row(b.text) else b for b in kept]


def _with_headings(text: str, blocks: list[Block]) -> list[Block]:
    """Blocks with a heading joined to the block under it when the heading titles an item:

    * a Markdown heading that opens with a date ("## 14 March 2022 — Teachers finish a course") joins its paragraph:
      the heading dates the item and the paragraph tells it (a heading that is a date alone, "### 8 March 2022",
      is a list page's date line);
    * a heading or a one-line title joins an entry of labelled fields under it ("### Youth forum" over
      "**When:** 12–14 Sep 2023 / **Where:** Nairobi / ..."): the title says what the entry was;
    * a caption in italics with a date ("*Kraków, 18 March 2023 — Lunar New Year gala*") joins the paragraph under
      it, as in a page of photos.
    """
    out, i = [], 0
    while i < len(blocks):
        block = blocks[i]
        if i + 1 < len(blocks) and _titles(block.text, blocks[i + 1].text):
            end = blocks[i + 1].end
            out.append(Block(block.start, end, text[block.start:end]))
            i += 2
        else:
            out.append(block)
            i += 1
    return out


def _titles(heading: str, below: str) -> bool:
    if below.startswith("#") or "\n" in heading:
        return False
    if _is_caption(heading):
        return (len(below) >= MIN_EVENT_CHARS and not is_chrome(heading)  # ("*Page last updated 3 May 2020*")
                and leading_date(heading.strip("*_ "), 2000, within=LEADING_DATE_WITHIN) is not None)
    if heading.startswith("#"):
        dated = leading_date(heading, 2000, within=LEADING_DATE_WITHIN) is not None and not _is_date_line(heading)
        if dated:
            return True
    elif len(heading) > _TITLE_MAX or heading.endswith((".", ":", "：")):
        return False
    # A title line with a year in it is the page's ("Exchange digest, second half of 2022"), not an entry's; a
    # subheading ("### Webinar: NGOs and the 2030 Agenda") is an entry's.
    return ("\n" in below and _FIELD_LINE.match(below) is not None and _DATE_FIELD_LINE.search(below) is not None
            and (heading.startswith("##") or _YEAR.search(heading) is None))


_TITLE_MAX = 120


def _is_caption(line: str) -> bool:
    """A line set in italics on its own, as a photo's caption is ("*Kraków, 18 March 2023 — Lunar New Year gala*"):
    with a date near its start it dates the paragraph under it."""
    return len(line) <= _TITLE_MAX and line[:1] in "*_" and line[-1:] == line[:1] and line[:2] != "**"


def split_blocks(text: str) -> list[Block]:
    """Paragraphs with their offsets.

    A blank line always ends a block.  Single line breaks end one too, unless
    the file is hard-wrapped prose (lines of similar, short length), where
    they are only line wraps.
    """
    chunks = [span for m in _CHUNK.finditer(text) for span in _between_rules(text, *m.span())]
    wrapped = _hard_wrapped(text)
    out = []
    for start, end in chunks:
        # A chunk without a line break is its one line (most paragraphs are): no need to look for lines in it.
        if text.find("\n", start, end) < 0:
            pieces = [(start, end)]
        elif (rows := table_rows(text, _lines(text, start, end))) is not None:
            pieces = rows
        else:
            pieces = _bulleted(text, _lines(text, start, end)) if wrapped else _lines(text, start, end)
        if len(pieces) > 2 and _is_record(text, pieces) or len(pieces) > 1 and _wraps_one_paragraph(text, pieces):
            pieces = [(start, end)]
        elif len(pieces) > 2 and _wraps_one_paragraph(text, pieces[1:]) and _heads(text[pieces[0][0]:pieces[0][1]]):
            # A post's header ("@Network · Nov 25") stands apart from the post; a title stays with its paragraph.
            first = text[pieces[0][0]:pieces[0][1]]
            pieces = [pieces[0], (pieces[1][0], end)] if post_header(first, None) else [(start, end)]
        elif len(pieces) > 1:
            pieces = _with_continuations(text, pieces)
        for s, e in pieces:
            s, e = _strip_span(text, s, e)
            if e > s:
                out.append(Block(s, e, text[s:e]))
    return out


def _between_rules(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A chunk cut at its rule lines ("-----", "====="), which part records as blank lines part paragraphs; a
    rule under a table's header stays (it is the table's)."""
    if "---" not in text[start:end] and "===" not in text[start:end]:
        return [(start, end)]
    lines = _lines(text, start, end)
    out, piece = [], start
    for k, (s, e) in enumerate(lines):
        if _RULE.fullmatch(text, s, e) and not (0 < k < len(lines) - 1 and is_row(text[slice(*lines[k - 1])])
                                                   and is_row(text[slice(*lines[k + 1])])):
            if s > piece:
                out.append((piece, s - 1))
            piece = e + 1
    if piece < end:
        out.append((piece, end))
    return out


_RULE = re.compile(r"[ \t]*[-=_~*]{3,}[ \t]*")
_CHUNK = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
_LINE = re.compile(r"[^\n]+")


def _date_field(text: str, ctx: _Context) -> DateSpan | None:
    """The date an entry of labelled fields gives on its date line ("Event: ... / Date: 2022-09-15 to 2022-09-30")."""
    field = _DATE_FIELD_LINE.search(text) if "\n" in text else None
    span = leading_date(field.group("value"), ctx.default_year, within=8) if field else None
    if span is None:
        return None
    return shift_span(span, field.start("value"))


def _with_continuations(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Lines with each indented line joined to the line above it: "2022-06-28 · Tree planting — Society" over
    "    Some 150 volunteers planted ..." is one entry, its summary set in under its title.  An indented line that
    opens an item of its own (a bullet, a number, a date: "Activities / ··12 March: ... / ··5 April: ...") stays
    a line."""
    out = [lines[0]]
    for s, e in lines[1:]:
        if text[s] in " \t" and text[out[-1][0]] not in " \t" and not _opens_item(text[s:e].lstrip()):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _opens_item(line: str) -> bool:
    return line[:1] in _BULLETS or bool(ITEM_NUMBER.match(line)) or leading_date(line, 2000, within=12) is not None


_BULLETS = frozenset("-–—•·*▪►○●")


def _bulleted(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A hard-wrapped chunk's lines joined into paragraphs, with a bulleted or numbered line starting a new one
    ("BRIEFLY / * On March 27th, ... / ··wrapped on / * Throughout March, ..." is a heading and two items)."""
    out = [lines[0]]
    for s, e in lines[1:]:
        if _BULLET_LINE.match(text, s, e):
            out.append((s, e))
        else:
            out[-1] = (out[-1][0], e)
    return out


_BULLET_MARK = re.compile(r"[-–•·*▪►○●][^\S\n]+")
_BULLET_LINE = re.compile(r"[^\S\n]*(?:[-–—•·*▪►○●][^\S\n]+|\(?\d{1,2}[.)、][^\S\n]+)")


def _wraps_one_paragraph(text: str, lines: list[tuple[int, int]]) -> bool:
    """Whether a chunk's lines are one paragraph wrapped at a width, in a page that is not wrapped throughout (a
    blog's posts between menus, tags and short lines): every line but the last runs nearly as long as the longest,
    most of them stop inside a sentence, some break as only a wrap does, few are labelled fields, and none after the
    first opens an item of its own (one item a line, each a sentence, stays apart)."""
    lengths = [e - s for s, e in lines]
    width = max(lengths)
    if width < _WRAP_MIN_WIDTH or any(n < 0.75 * width for n in lengths[:-1]):
        return False
    breaks = len(lines) - 1
    inside = sum(text[e - 1] not in ".!?。" for _, e in lines[:-1])
    # A wrap falls between any two words, so some lines go on in lower case or after "of", "the" (see _WRAP); a
    # footer's or a form's lines of similar length ("Address: ... / Tel: ... / Office hours: ...") do neither.
    wraps = sum(_WRAP.search(text, e, s2 + 1) is not None for (_, e), (s2, _) in zip(lines, lines[1:], strict=False))
    fields = sum(_FIELD_LINE.match(text, s, e) is not None for s, e in lines[1:])  # "More: example.org/news" may close it
    return (2 * inside >= breaks and wraps >= 1 and 2 * fields <= breaks
            and not any(_opens_item(text[s:e].lstrip()) for s, e in lines[1:]))


_WRAP_MIN_WIDTH = 60


def _is_record(text: str, lines: list[tuple[int, int]]) -> bool:
    """Whether lines are the fields of one entry ("Event: ... / Date: 2022-09-15 / Venue: Budapest / Summary: ..."):
    three or more labelled lines, most of the lines, one of them a date."""
    labelled = [text[s:e] for s, e in lines if _FIELD_LINE.match(text, s, e)]
    return (len(labelled) >= 3 and 2 * len(labelled) >= len(lines)
            and any(_DATE_FIELD.match(line) for line in labelled))


def _field(labels: str) -> str:
    """A line's label, maybe set in Markdown bold or italics ("Date:", "**When:**", "*Venue*:")."""
    return rf"[^\S\n]*[*_]{{0,2}}(?:{labels})[^\S\n]*[*_]{{0,2}}[:：][*_]{{0,2}}"


_FIELD_LINE = re.compile(_field(r"[A-Z][\w ]{1,24}"))
_DATE_FIELD = re.compile(_field("date|dates|time|when|period"), re.IGNORECASE)
_DATE_FIELD_LINE = re.compile("^" + _DATE_FIELD.pattern + r"[^\S\n]*(?P<value>[^\n]*)", re.IGNORECASE | re.MULTILINE)


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in _LINE.finditer(text, start, end)]


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _hard_wrapped(text: str) -> bool:
    lengths = [len(line) for line in text.splitlines() if line.strip()]
    if len(lengths) < 6:
        return False
    lengths.sort()
    # Wrapped prose: most lines stop near one width, and none runs far past it.
    p90 = lengths[int(0.9 * (len(lengths) - 1))]
    return p90 <= 110 and lengths[-1] <= 130 and sum(p90 - 25 <= n <= p90 + 5 for n in lengths) >= 0.5 * len(lengths)


def is_chrome(block: str) -> bool:
    """Log-in boxes, font widgets, article navigation, copyright and metadata lines (never a dated report
    such as "On 2 May, 30 pupils subscribed to a pen-pal scheme.")."""
    if block[:1] in "FSTDRMCfstdrmc" and _is_mail_header(block) or _UPDATED_LINE.match(block):
        return True
    if len(block) < 160 and _RIGHTS.search(block):
        return True  # its years ("© 2012-2024 ...") date no report
    return len(block) < 160 and bool(_CHROME.search(block)) and not (
        _reports(block) and leading_date(block, 2000, within=LEADING_DATE_WITHIN) is not None)


# A rights notice: "film copyright" in a sentence is a report's words (as in _CHROME).
_RIGHTS = re.compile(r"©|^\W*copyright\b|\ball rights reserved\b", re.IGNORECASE)
# "*Page last updated 3 February 2020 · Maintained by ...": when the page changed, however long the line.
_UPDATED_LINE = re.compile(r"[^\w\n]*(?:page\s+)?(?:last\s+)?(?:updated|modified)\b(?![^\n]*\n)", re.IGNORECASE)


def _is_mail_header(block: str) -> bool:
    """An e-mail's header ("From: ... / To: ... / Subject: ... / Date: ..."), as a newsletter saved as text opens."""
    names = [m.group(1).lower() for m in _MAIL_FIELD.finditer(block)]
    return len(names) >= 3 and "from" in names and ("to" in names or "subject" in names) and (
        2 * len(names) >= block.count("\n") + 1)


_MAIL_FIELD = re.compile(r"^(from|to|cc|bcc|subject|date|sent|reply-to|message-id|mime-version|content-type"
                         r"|content-transfer-encoding|x-[\w-]+)[^\S\n]*:", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class _Context:
    home: str
    period: tuple | None
    pub: DateSpan | None
    default_year: int | None
    # Block start -> what the cells of that table row hold (see etl.sources._text_tables.table_columns).
    columns: dict[int, tuple[str | None, ...]] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(cls, text: str, blocks: list[Block], home: str) -> _Context:
        head = text[: blocks[min(len(blocks) - 1, 5)].end] if blocks else text[:500]
        period = title_period(head)
        pub = publication_date(text[:2000])
        if period is None and pub is not None:
            period = _year_reviewed(blocks[:6], pub)
        if period is None or (period[0].month, period[0].day, period[1].month, period[1].day) == (1, 1, 12, 31):
            period = _season_issue(blocks[:8], text) or period  # a season's year says less than the season
        year = period[1].year if period else pub.start.year if pub else _masthead_year(blocks[:3]) or _common_year(text)
        return cls(home, period, pub, year, table_columns(blocks) if "|" in text else {})


def _masthead_year(head: list[Block]) -> int | None:
    """The year of a report whose title stands under its publisher's name ("YUNNAN PROVINCIAL NGO NETWORK" over
    "Semi-Annual Work Report, July - December 2023"): from a line of the masthead after the first (title_period read
    that) that covers a month or more; a single day there is a date line.  Only the year: what the title covers
    ("Events calendar 2023" covers plans too) is left to the first line, as for every page."""
    lines = [line for block in head for line in block.text.split("\n")]
    for line in itertools.takewhile(lambda line: len(line) <= _TITLE_MAX, lines[1:4]):
        if (period := title_period(line)) and (period[1] - period[0]).days >= 27:
            return period[1].year
    return None


def _year_reviewed(head: list[Block], pub: DateSpan) -> tuple | None:
    """The year a review names in its title line when it came out the year after ("Summary of Foreign Exchanges of
    Dalian in 2018", released 2019-01-22): its items are of that year, not of the release's."""
    for block in head:
        if "\n" not in block.text and _is_title(block.text) and (period := title_period(block.text)):
            whole_year = period[0] == date(period[0].year, 1, 1) and period[1] == date(period[0].year, 12, 31)
            if whole_year and period[0].year == pub.start.year - 1:
                return period
    return None


def _season_issue(head: list[Block], text: str) -> tuple | None:
    """The twelve months a seasonal issue's title looks back on ("Newsletter — Spring 2024 (Issue 41)": June 2023 to
    May 2024): its items dated "7 December" are of 2023.  Seasons as the northern hemisphere counts them by months;
    "Winter 2023" is the winter that ends in 2023, unless the page (``text``) names 2024."""
    # A masthead's lines may share a block ("SISTER CITY COMMITTEE / Fall 2023 Newsletter · Volume 30, No. 3").
    for line in (line for block in head for line in block.text.split("\n")):
        if len(line) > _TITLE_MAX:
            continue
        m = _SEASON_TITLE.search(line)
        if m:
            year = int(m.group("y2") or m.group("y"))
            if m.group("y2") and len(m.group("y2")) == 2:
                year = int(m.group("y")[:2] + m.group("y2"))
            last_month = _SEASON_ENDS[m.group("season").lower()]  # never December: the month after is in `year`
            if last_month == 2 and not m.group("y2") and str(year + 1) in text:
                year += 1  # "Winter 2023" with "subscriptions for 2024" inside: the winter that ends in 2024
            after = date(year, last_month + 1, 1)
            return after.replace(year=year - 1), after - timedelta(days=1)
    return None


_SEASON_ENDS = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 2}
_SEASON_TITLE = re.compile(r"\b(?P<season>spring|summer|autumn|fall|winter)\s+(?P<y>(?:19|20)\d\d)(?:[/–-](?P<y2>\d{2}|\d{4}))?\b",
                           re.IGNORECASE)


def _common_year(text: str) -> int | None:
    years = Counter(re.findall(r"\b(19[5-9]\d|20\d\d)\b", text))
    # Ties go to the latest year: a story's background names earlier years than its news.  (A max over a set
    # alone would let the hash seed pick among them, and the same input must give the same output.)
    return int(max(years, key=lambda y: (years[y], y))) if years else None


def _items(text: str, blocks: list[Block], ctx: _Context, source: str):
    """(block, date, method) for every event block, and rejects for dated blocks we cannot use."""
    leads = [(b, _leading(b, c)) for b, c in zip(blocks, _year_sections(blocks, ctx), strict=True)]
    dated = [(b, d) for b, d in leads if d is not None]
    posts = _post_lines(blocks, ctx.default_year)
    if len(posts) >= 2:
        return _post_items(blocks, posts, ctx), []
    date_lines = [b for b in blocks if _is_date_line(b.text)]
    if len(date_lines) >= 2 and len(date_lines) >= len(dated):
        return _without_plans(_list_items(text, blocks, ctx.default_year), [], ctx, source)
    headings = {b.start: span for b in blocks if len(b.text) <= 32 and (span := month_heading(b.text, ctx.default_year))}
    if len(headings) >= 2 and _sections_with_reports(blocks, headings) >= 2:
        return _without_plans(_section_items(leads, headings), _undated_items(leads, ctx, source), ctx, source)
    if len(dated) >= 2:
        return _without_plans(_bulletin_items(leads, ctx), _undated_items(leads, ctx, source), ctx, source)
    return _news_items(blocks, ctx), _undated_items(leads, ctx, source)


def _without_plans(items, rejects, ctx: _Context, source: str):
    """Items and rejects, with the items that start after the page's publication date moved to the rejects: an
    events calendar's "Upcoming" entries, a newsletter's "Coming up", have not happened.

    Only a date that stands above the items dates the page, and only when few items come after it: most of a page
    reports what is past, so a date that most items follow is the first day of the issue, not its release.  A
    period in the title ("(2018.1-2018.6)") says what the page covers: then nothing is moved.
    """
    pub = ctx.pub
    if not items or pub is None or pub.precision != "day" or ctx.period is not None or pub.char_start >= items[0][0].start:
        return items, rejects
    later = [item for item in items if item[1].start > pub.start]
    if not later or 2 * len(later) >= len(items):
        return items, rejects
    planned = [(source, f"offset {block.start}", "dated after the page's publication date (a plan, not a report)",
                shorten(block.text, 120)) for block, _, _ in later]
    return [item for item in items if item[1].start <= pub.start], rejects + planned


def _held(items, rejects, source: str):
    """Items and rejects, with the entries whose status line says they did not take place ("Status: cancelled",
    "Status: upcoming") moved to the rejects."""
    if not any("tatus" in block.text for block, _, _ in items):
        return items, rejects
    held, unheld = [], []
    for item in items:
        m = _NOT_HELD.search(item[0].text)
        if m is None:
            held.append(item)
        else:
            unheld.append((source, f"offset {item[0].start}", f"not held (status: {m.group('status').lower()})",
                           shorten(item[0].text, 120)))
    return held, rejects + unheld


def _split_parts(items, ctx: _Context):
    """Items with every report or bulletin paragraph that tells two events cut in two before the sentence that opens
    the second (see :func:`_parts`)."""
    return [part for item in items for part in (_parts(*item, ctx) if item[2] in _SPLIT_METHODS else (item,))]


_SPLIT_METHODS = frozenset({"text:bulletin-item", "text:bulletin-sentence", "text:news-dated-sentence",
                            "text:news-dateline", "text:news-first-date"})


def _parts(block: Block, span: DateSpan, method: str, ctx: _Context) -> list[tuple]:
    """A paragraph's events: one, unless a later sentence opens on a time of its own and reports an event that is
    not the first one's continuation.

    Such a sentence opens with a date ("On 22 October, ..."), a weekday before the page's date ("On Friday"), a day
    counted from the one before ("Two days later", "The next day", "On the 15th") or the same day ("In the
    afternoon", "Meanwhile"), and has an event cue; what follows its time is no back-reference ("they", "the
    delegation", "both sides"): "The next day the delegation toured a farm" goes on with the visit, "Two days later,
    the exhibition of Lao Cai's photographers opened" does not; nor does a plan ("... will ...").  A part runs to
    the next one; its date is its own, and what it says (places, head-count, sector) is read from its own words.
    """
    body = block.text
    if len(body) < 2 * MIN_EVENT_CHARS or not _PART_HINT.search(body, span.char_end):
        return [(block, span, method)]
    ends = _sentence_ends(body)
    parts, cut, last = [], 0, span
    for end in ends[:-1]:
        at = _SPACES.match(body, end).end()  # where the next sentence starts
        if at <= span.char_end or at >= len(body):
            continue
        when = _part_time(body, at, last, ctx)
        if when is None or _CONTINUING.match(body, when.char_end) or _CONTINUING.match(body, at):
            continue
        sentence = body[at:lead_end(body, at, ends)]
        if _FUTURE.search(sentence) or find_type_cue(fold(sentence)) is None:
            continue  # a plan ("The camp will last to 29 April"), or no event told
        parts.append((cut, end, last))
        cut, last = at, when
    if not parts:
        return [(block, span, method)]
    parts.append((cut, len(body), last))
    return [(Block(block.start + a, block.start + b, body[a:b]), shift_span(dated, -a), method if not a else _PART_METHOD)
            for a, b, dated in parts]


_PART_METHOD = "text:paragraph-part"
_SPACES = re.compile(r"\s*")
# What may open a part: a connective, a time of day, a date's first words, a day counted from another.
_PART_HINT = re.compile(r"[.!?。]\s+(?:On|From|In|At|During|That|The|Two|Three|A|Later|Meanwhile|Also|Then|And|Between|"
                        r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|\d)")
# The words that go on with the event before: who did it is who the sentence before spoke of.
_CONTINUING = re.compile(
    r"[,\s]*(?:(?:he|she|they|it|we|both|each|all)\b|(?:the|this|these|those|its|their|our|his|her)\s+"
    r"(?:[\w'’-]+\s+){0,2}?(?:delegation|delegates|group|team|guests|visitors|participants|members|sides|two|party|"
    r"mission|troupe|students|trainees|officials|experts|doctors|teachers|artists|volunteers|camp|course|forum|"
    r"exhibition|event|festival|tour|visit|programme|program|week|conference|seminar|workshop)\b)",
    re.IGNORECASE)


def _part_time(body: str, at: int, last: DateSpan, ctx: _Context) -> DateSpan | None:
    """The time a sentence at ``at`` opens with, when it may open an event of its own (see :func:`_parts`)."""
    if last.precision == "day" and last.start == last.end and (m := _SAME_DAY.match(body, at)):
        return DateSpan(last.start, last.end, "day", m.start("when"), m.end(), m.group("when"))
    if last.precision == "day" and (m := _LATER.match(body, at)):
        return _later_day(m, last)
    if ctx.pub is not None and ctx.pub.precision == "day" and _LAST_WEEKDAY.match(body, at):
        day = _weekday_before(body[at:at + _OPENING_WEEKDAY], ctx.pub.start)  # "On Friday, ..." in a dated story
        return day and shift_span(day, at)
    opening = leading_date(body[at:], ctx.default_year, within=_PART_DATE_WITHIN)
    if opening is None or opening.precision == "year" or not _new_item(opening, last, ctx):
        return None
    return shift_span(opening, at)


_PART_DATE_WITHIN = 24  # "On the morning of September 13, ..."


def _announced(items, rejects, blocks: list[Block], source: str):
    """Items and rejects, with the entries of an "Upcoming" box or list moved to the rejects: the blocks right after
    a heading such as "Coming up", "Upcoming events" or "Save the date" that carry one mark, the quote's "> " of a
    boxed heading or the bullet of a list ("> **May 21-23** · Civil Society Dialogue, Changsha")."""
    ahead = _announcement_spans(blocks)
    if not ahead:
        return items, rejects
    kept, plans = [], []
    for item in items:
        (plans if any(a <= item[0].start < b for a, b in ahead) else kept).append(item)
    return kept, rejects + [(source, f"offset {block.start}", "listed under a heading of things to come (a plan, not a "
                             "report)", shorten(block.text, 120)) for block, _, _ in plans]


def _announcement_spans(blocks: list[Block]) -> list[tuple[int, int]]:
    """(start, end) of each run of marked blocks under an "Upcoming" heading (see :func:`_announced`)."""
    spans = []
    for i, block in enumerate(blocks[:-1]):
        if len(block.text) > _HEADING_MAX or not _UPCOMING_HEADING.fullmatch(block.text):
            continue
        mark = ">" if block.text.startswith(">") else blocks[i + 1].text[:1]
        if mark not in _LIST_MARKS:
            continue
        j = i + 1
        while j < len(blocks) and blocks[j].text[:1] == mark:
            j += 1
        if j > i + 1:
            spans.append((blocks[i + 1].start, blocks[j - 1].end))
    return spans


_HEADING_MAX = 60
_LIST_MARKS = frozenset(">*-•·–")
_UPCOMING_HEADING = re.compile(
    r"[>#*_=\s-]*(?:upcoming(?:\s+events)?|coming\s+(?:up|soon)|forthcoming(?:\s+events)?|future\s+events"
    r"|save\s+the\s+dates?|what'?s\s+(?:next|ahead)|dates\s+for\s+your\s+diary|looking\s+ahead|on\s+the\s+horizon)"
    r"[\s*_:!.=-]*",
    re.IGNORECASE)


def _notices(items, rejects, source: str):
    """Items and rejects, with the entries titled as notices ("Notice on the 2024 call for proposals", "Office hours
    during the holiday", "PUBLIC NOTICE: ...") moved to the rejects: their dates are deadlines and closures."""
    kept, notices = [], []
    for item in items:
        (notices if _NOTICE_TITLE.match(item[0].text) else kept).append(item)
    return kept, rejects + [(source, f"offset {block.start}", "a notice, not a report of an event", shorten(block.text, 120))
                            for block, _, _ in notices]


_NOTICE_TITLE = re.compile(
    r"[^\w\n]*(?:(?:public|official|important)\s+)?(?:notice|announcement|notification)\b"
    r"|[^\w\n]*(?:office|opening|business)\s+hours\b"
    r"|[^\w\n]*call\s+for\s+(?:applications|papers|proposals|entries|nominations|volunteers)\b"
    r"|[^\w\n]*holiday\s+(?:closure|notice|arrangements?|schedule)\b",
    re.IGNORECASE)


_NOT_HELD = re.compile("^" + _field("status") + r"[^\S\n]*(?P<status>cancell?ed|postponed|upcoming|planned|scheduled)\b",
                       re.IGNORECASE | re.MULTILINE)


def _bulletin_items(leads, ctx: _Context):
    """Every block that opens with its date; after the first of them, also a block whose date stands in a
    sentence with an event cue ("... opened in Xi'an on 2 July 2019"), to a day or a month: an item need not
    open with its date.  (Blocks before the first dated one are the page's title and introduction, unless they open
    with a title line as items do: "DAEGU DELEGATION RETURNS" over "A delegation ... was in Qingdao on 2 March.")"""
    items, last = [], None
    for block, lead in leads:
        if lead is not None and items and _BACK_REFERENCE.fullmatch(block.text, 0, lead.char_start) and (
                begun := _begun(items[-1], lead)) is not None:
            items[-1] = begun  # "The camp, which opened on May 30, ...": more on the item before
        elif lead is not None:
            items.append((block, lead, "text:bulletin-item"))
            last = lead
        elif len(block.text) >= MIN_EVENT_CHARS and (last is not None or _is_title(block.text.split("\n", 1)[0])):
            span = (_event_sentence_date(block.text, ctx) or _relative_opening(block.text, ctx)
                    or (last and _days_later(block.text, last)))
            if span is not None and span.precision != "year" and _new_item(span, last, ctx):
                items.append((block, span, "text:bulletin-sentence"))
                last = span
    return items


# A paragraph that opens on what the item before told, with when it began ("The camp, which opened on May 30, ...").
_BACK_REFERENCE = re.compile(r"(?:the|this|that|its|their)\s+(?:[\w'’-]+\s+){0,2}[\w'’-]+,\s+which\s+(?:[\w'’-]+\s+){1,3}",
                             re.IGNORECASE)


def _begun(item: tuple, began: DateSpan) -> tuple | None:
    """An item whose story says, further on, the day it began: its date becomes a range from that day (a week or
    a month before its closing day at most); None when ``began`` cannot be that day."""
    block, span, method = item
    if span.precision != "day" or not 0 < (span.start - began.start).days <= 31:
        return None
    return block, DateSpan(began.start, span.end, "day", span.char_start, span.char_end, span.text), method


def _new_item(span: DateSpan, last: DateSpan | None, ctx: _Context) -> bool:
    """Whether a dated sentence in an undated block starts an item of its own: not a date inside the previous
    item's ("The seminar closed on 24 June" after "From 13 to 24 June, ..."), nor one outside the bulletin's
    period or year ("... at next year's fair in August 2023")."""
    if last is not None and last.start <= span.start and span.end <= last.end:
        return False
    if ctx.period is not None:
        return ctx.period[0] <= span.start <= ctx.period[1]
    return ctx.default_year is None or span.start.year == ctx.default_year


def _sections_with_reports(blocks: list[Block], headings: dict[int, DateSpan]) -> int:
    """How many month headings a report follows: an archive menu ("May 2023 / April 2023 / ...") is headings with
    nothing under them, and must not turn a news page into sections."""
    return sum(1 for block, after in zip(blocks, blocks[1:], strict=False) if block.start in headings
               and after.start not in headings and _reports(after.text))


def _year_sections(blocks: list[Block], ctx: _Context) -> list[_Context]:
    """The context of each block: a line that is a year alone ("2015") gives the items under it their year, as in
    a chronicle ("2015 / March 12: ... / June: ... / 2016 / Jan. 15: ...")."""
    out, current = [], ctx
    for block in blocks:
        if len(block.text) <= 12 and (m := _YEAR_HEADING.fullmatch(block.text)):
            current = replace(ctx, default_year=int(m.group(1)))
        out.append(current)
    return out


_YEAR_HEADING = re.compile(r"[#*_\s]*((?:19|20)\d\d)[#*_:：\s]*")


def _section_items(leads, headings: dict[int, DateSpan]):
    """Bulletins in monthly sections: a heading line names the month ("April 2021"), and its items say when in
    it ("On the 6th,", "Mid-month,"), give a full date of their own, or, reporting an event, take the month."""
    items, month = [], None
    for block, lead in leads:
        if block.start in headings:
            month = headings[block.start]
            continue
        if lead is not None:  # its own date (in the section's year), as in any bulletin
            span = leading_date(block.text, month.start.year, within=LEADING_DATE_WITHIN) if month else None
            items.append((block, span or lead, "text:bulletin-item"))
        elif month is None or not _reports(block.text):
            continue
        elif (span := day_in_month(block.text, month)) is not None:
            items.append((block, span, "text:month-section"))
        elif find_type_cue(fold(block.text[: lead_end(block.text)])) is not None:
            items.append((block, DateSpan(month.start, month.end, "month", 0, 0, ""), "text:month-section"))
    return items


def _reports(text: str) -> bool:
    """Whether a block is long enough to report an event: a paragraph, or one whole sentence of six words."""
    if len(text) >= MIN_EVENT_CHARS:
        return True
    return len(text) >= SHORT_EVENT_CHARS and text[-1] in ".!。" and text.count(" ") >= 5


def _undated_items(leads, ctx: _Context, source: str) -> list[tuple]:
    # An item opening with "On May 3" in a page that never names a year cannot be dated:
    # say so instead of guessing the year or dropping it silently.
    if ctx.default_year is not None:
        return []
    probe = [b for b, d in leads if d is None and len(b.text) >= MIN_EVENT_CHARS
             and leading_date(b.text, 2000, within=LEADING_DATE_WITHIN) is not None]
    return [(source, f"offset {b.start}", "date without a year", shorten(b.text, 120)) for b in probe]


def _leading(block: Block, ctx: _Context) -> DateSpan | None:
    text = block.text
    if block.start in ctx.columns:
        return row_date(text, ctx.columns[block.start], ctx.default_year)
    if not _reports(text) or (text[0] in "TtOo" and _ABOUT_THE_PAGE.match(text)):
        return None
    span = (leading_date(text, ctx.default_year, within=LEADING_DATE_WITHIN) or _date_field(text, ctx)
            or _under_title(text, ctx) or _after_run_in_head(text, ctx))
    if span is None or (ctx.pub is not None and span.char_start > 0 and "\n" not in text
                        and block.start + span.char_start == ctx.pub.char_start):
        # A labelled line of its own that dates the page ("Export generated: 2023-11-20 09:14 | Secretariat"); a
        # short item that opens with its date ("12 May: ...") may date the page too, and stays an item.
        return None
    # Every plan phrase ends in "to": most items have none there, and the search is spared.
    end = span.char_end
    if "to" in text[end:end + 48].lower() and _PLAN.search(text, end, end + 48):
        return None
    return _in_period(_dispatched(text, span), ctx)


def _dispatched(text: str, span: DateSpan) -> DateSpan:
    """The day a wire item reports: its dateline gives the day it was filed ("ULAANBAATAR, June 5 (MONTSAME) --",
    "Lima/June 8/"), and a weekday in its lead ("on Monday", "last Thursday") the day of the event, counted back
    from it."""
    if span.precision != "day":
        return span
    line = text.rfind("\n", 0, span.char_start) + 1
    if _DISPATCH_PLACE.fullmatch(text, line, span.char_start) is None:
        return span
    # The story's own opening date ("... /PRNewswire/ -- From December 1 to 6, a delegation ..."), else a weekday.
    opening = _DISPATCH_TAIL.match(text, span.char_end).end()
    own = leading_date(text[opening:], span.start.year, within=LEADING_DATE_WITHIN)
    if own is not None and own.precision != "year" and own.start <= span.start:
        return DateSpan(own.start, own.end, own.precision, span.char_start, span.char_end, span.text)
    window = text[span.char_end:span.char_end + _DISPATCH_LEAD]
    if "day" not in window and "weekend" not in window:
        return span  # every weekday ends in "day": most items name none
    lead = text[span.char_end:lead_end(text, span.char_end)]
    day = _weekday_before(lead, span.start)
    if day is None and _WEEKEND.search(lead) and not _FUTURE.search(lead):
        saturday = _saturday_before(span.start)
        return DateSpan(saturday, saturday + timedelta(days=1), "day", span.char_start, span.char_end, span.text)
    return span if day is None else DateSpan(day.start, day.end, "day", span.char_start, span.char_end, span.text)


_WEEKEND = re.compile(r"\b(?:over|during|at|on)\s+the\s+weekend\b", re.IGNORECASE)


_DISPATCH_LEAD = 400
# A dateline's place: one to four capitalised words, maybe with its country ("XIAMEN, China,"), then a comma, a
# dash or a slash before the date; after the date, the agency and a dash ("(Xinhua) --", "/PRNewswire/ --").
_PLACE_WORDS = r"[A-Z][\w'’.-]*(?:[ ][A-Z][\w'’.-]*){0,3}"
_DISPATCH_PLACE = re.compile(rf"{_PLACE_WORDS}(?:,[ ]{_PLACE_WORDS})?\s*(?:,|—|–|--|/)\s*")
_DISPATCH_TAIL = re.compile(r",?[^\S\n]*(?:(?:19|20)\d\d)?[^\S\n]*(?:\([^)\n]{1,40}\)|/[^/\n]{1,40}/)?[^\S\n]*(?:--|—|–|-|:)?[^\S\n]*")


def _under_title(text: str, ctx: _Context) -> DateSpan | None:
    """The date that opens the body under an item's title line ("DAEGU DELEGATION RETURNS" over "On 2 March, ..."),
    or a weekday that does ("Last Thursday, ...", "On Monday, ..."), read back from a page dated to the day."""
    title = text.find("\n")
    if title < 0 or not _is_title(text[:title]):
        return None
    body = title + 1
    span = leading_date(text[body:], ctx.default_year, within=LEADING_DATE_WITHIN)
    span = span or _relative_opening(text[body:], ctx, cued=False)  # its title makes it an item: no cue needed
    return None if span is None else shift_span(span, body)


def _after_run_in_head(text: str, ctx: _Context) -> DateSpan | None:
    """The date that opens the sentence after an item's run-in head, as reports set them ("Return to China. Between
    7 and 18 November a delegation ...")."""
    stop = text.find(". ", 0, _RUN_IN_MAX)
    if stop < 0:
        return None
    head = text[:stop]  # in title case, or short and in sentence case ("Winter school.")
    if not (_is_title(head) or head[:1].isupper() and head.count(" ") < 4):
        return None
    span = leading_date(text[stop + 2:], ctx.default_year, within=LEADING_DATE_WITHIN)
    return None if span is None else shift_span(span, stop + 2)


_RUN_IN_MAX = 60


def _is_title(line: str) -> bool:
    """A title line: short, no sentence end, and set in capitals or with most words capitalised (a wrapped line of
    prose is neither)."""
    words = line.split()
    if not words or len(line) > _TITLE_MAX or line.rstrip()[-1] in ".!?;:,。":
        return False
    return line.isupper() or sum(w[0].isupper() or not w[0].isalpha() for w in words) >= 0.6 * len(words)


_OPENING_WEEKDAY = 24  # "On Monday", "This past Saturday": a weekday that opens the body


# "This issue covers July to October 2022": the page describing itself, not an event.
_ABOUT_THE_PAGE = re.compile(
    r"(?:this|the\s+present|our)\s+(?:issue|bulletin|newsletter|edition|report|digest|number|page|section|column)\b",
    re.IGNORECASE,
)
# "In 2015 the association plans to ...": right after its date, an item that states a plan reports no event yet.
_PLAN = re.compile(
    r"\b(?:plans|intends|aims|hopes|expects|is\s+(?:scheduled|expected|set|due)|are\s+(?:scheduled|expected|set|due)"
    r"|looks\s+forward|look\s+forward)\s+to\b",
    re.IGNORECASE,
)


def _in_period(span: DateSpan, ctx: _Context) -> DateSpan:
    # A bulletin titled "(2017.7-2018.6)" dates "On March 3" to 2018, "On Sept. 9" to 2017.
    if not ctx.period or span.start.year != ctx.default_year:
        return span
    lo, hi = ctx.period
    if span.start > hi and lo.year < hi.year:
        return _shift_year(span, lo.year - hi.year)
    return span


def _shift_year(span: DateSpan, years: int) -> DateSpan:
    try:
        return DateSpan(span.start.replace(year=span.start.year + years), span.end.replace(year=span.end.year + years),
                        span.precision, span.char_start, span.char_end, span.text)
    except ValueError:  # 29 February
        return span


def _is_date_line(text: str) -> bool:
    return len(text) <= _DATE_LINE_MAX and _short_date_line(text)


# Each step of reading a page asks this of its short blocks again ("12 May 2023", "Share", "Print"), and the same
# ones recur from page to page.  Whether a line is a date does not hang on the page's order of numeric dates (only
# which date it is does: "08/03/2023" is a date either way), so the answer is the line's alone.
@lru_cache(maxsize=4096)
def _short_date_line(text: str) -> bool:
    return _line_date(text, _ANY_YEAR) is not None


_ANY_YEAR = 2000  # for telling a date line, not for dating it


def _line_date(text: str, default_year: int | None) -> DateSpan | None:
    """The date of a line that is a date and little else: "12 May 2023", "Date: 2023-05-12", a numbered one ("1.
    April 12", "3. May 2023"), one given again in another script ("April 12 (2023年4月12日)"), one without a year
    ("19 June": in ``default_year``); else None."""
    if len(text) > _DATE_LINE_MAX:
        return None
    span = publication_date(text) if len(text) <= 40 else None
    if span is None:
        number = ITEM_NUMBER.match(text)
        at = number.end() if number else 0
        found = find_dates(text[at:], default_year) if default_year is not None else []
        if not found or found[0].precision != "day" and not (number and found[0].precision == "month"):
            return None
        span = shift_span(found[0], at)
    else:
        at = 0
    rest = text[at:]
    for other in find_dates(rest, span.start.year):  # the date, and the same date again
        rest = rest.replace(other.text, "")
    return span if len(re.sub(r"[\W_]", "", rest)) <= 6 else None


_DATE_LINE_MAX = 48


def _list_items(text: str, blocks: list[Block], default_year: int | None):
    """List pages: items each with a date line of their own, after the item, before it as a heading, or
    between its title and its summary (a news listing).

    Where no paragraph follows the last date line (only a footer such as "Older entries", an address, or nothing), dates
    come after their items; else, when most date lines stand between a short title and a paragraph, between;
    else before.  An item is at most the two blocks next to its date line (a title and a summary): further
    ones are the page's own heading and intro, or its footer.
    """
    lines = [i for i, b in enumerate(blocks) if _is_date_line(b.text)]
    after = all(_no_summary(b.text) for b in blocks[lines[-1] + 1:])
    if after:
        groups = [(d, members[-2:]) for d, members in _date_groups(blocks)]
    elif _between(blocks, lines):
        groups = [(blocks[i], _title_and_summary(blocks, i)) for i in lines]
    else:
        groups = [(d, members[-2:][::-1]) for d, members in _date_groups(blocks[::-1])][::-1]
    items = []
    for date_block, members in groups:
        span = _line_date(date_block.text, default_year)
        if members and span is not None:
            start, end = members[0].start, members[-1].end
            block = Block(start, end, _unwrapped(text[start:end]))  # read across wraps; the snippet is taken as written
            items.append((block, _own_date(members[-1], start, span) or _relative_to(span), "text:list-item"))
    return items


def _no_summary(block: str) -> bool:
    """Whether a block after a list's last date line is no item's summary: a short line, or a footer's field
    ("Address: Plot 7430, United Nations Avenue, ...", "Office hours: ..."), or a rule ("-----")."""
    return len(block) < MIN_EVENT_CHARS or _FIELD_LINE.match(block) is not None or not any(map(str.isalpha, block))


def _between(blocks: list[Block], lines: list[int]) -> bool:
    """Whether most date lines stand between a title and a summary ("Title / 12 May 2023 / Summary ..."), the
    usual layout of a news listing: a short block before each, a paragraph after."""
    def title_then_summary(i: int) -> bool:
        return (0 < i < len(blocks) - 1 and len(blocks[i - 1].text) < MIN_EVENT_CHARS
                and len(blocks[i + 1].text) >= MIN_EVENT_CHARS)
    return 2 * sum(map(title_then_summary, lines)) > len(lines)


def _title_and_summary(blocks: list[Block], i: int) -> list[Block]:
    """The title before date line ``i`` and the summary after it (whichever of them is there)."""
    before = [blocks[i - 1]] if i and len(blocks[i - 1].text) < MIN_EVENT_CHARS and not _is_date_line(blocks[i - 1].text) else []
    after = [blocks[i + 1]] if i + 1 < len(blocks) and not _is_date_line(blocks[i + 1].text) else []
    return before + after


def _own_date(summary: Block, start: int, posted: DateSpan) -> DateSpan | None:
    """The date an item's summary gives the event, when dated apart from the day it was posted: the date it opens
    with ("From 14 to 18 June, ..."), else the date of its first sentence that reports an event ("The final took
    place at the university on 11 June"), else the first day or month its opening names ("Some sixty students came
    together on 2 December ...", "... yesterday signed ..."); on or before the day of posting, within a year of it.
    A date without a year that would fall after the posting is the year before's when that is a few months at
    most before it ("December 27 to January 2" posted on 5 January; "2 to 6 May" posted in March is a plan).
    Offsets index the item (from ``start``)."""
    ctx = _Context("", None, posted, posted.start.year)
    own = leading_date(summary.text, posted.start.year, within=LEADING_DATE_WITHIN)
    if own is None:
        told = _event_sentence_date(summary.text, ctx, news=True)
        own = told if told is not None and told.precision != "year" else _first_date(summary.text, ctx)
    if own is None:
        return None
    if own.start > posted.end and (posted.start - (before := _not_after(own, posted)).start).days <= _NEW_YEAR_DAYS:
        own = before
    if own.start > posted.end or (posted.start - own.start).days > 366:
        return None
    return shift_span(own, summary.start - start)


_NEW_YEAR_DAYS = 92  # how long before its posting an item across the new year may have begun


def _date_groups(blocks: list[Block]) -> list[tuple[Block, list[Block]]]:
    """Each date line with the blocks read since the previous one (for a reversed page: the blocks after it)."""
    groups, pending = [], []
    for block in blocks:
        if _is_date_line(block.text):
            groups.append((block, pending))
            pending = []
        else:
            pending.append(block)
    return groups


def _post_lines(blocks: list[Block], default_year: int | None) -> dict[int, DateSpan]:
    """Index -> date of each block that is a post's publication line ("Posted on 26 November 2019 by Zhao Min") or
    header ("[X] @YouthNet · Nov 25", "Youth Network — 30 Sep 2022, 16:40")."""
    out = {}
    for i, block in enumerate(blocks):
        text = block.text
        if "\n" in text:  # a headline over the line ("Solar lamps for Kpando schools / Posted 08/03/2023 by Admin")
            title, _, text = text.partition("\n")
            if "\n" in text or not _is_title(title):
                continue
        if len(text) > _POST_LINE_MAX or not _HAS_DIGIT.search(text):
            continue  # a post's line names its day in digits
        span = publication_date(text) if _POST_LINE.match(text) else post_header(text, default_year)
        if span is not None and span.precision == "day":
            out[i] = span
    # A post has a text under its line: a list of dated headlines ("Related news", "Most read") has none.
    return {i: span for i, span in out.items()
            if i + 1 < len(blocks) and i + 1 not in out and len(blocks[i + 1].text) >= MIN_EVENT_CHARS}


_POST_LINE = re.compile(r"[^\S\n]*(?:posted|published|written)\b", re.IGNORECASE)
_HAS_DIGIT = re.compile(r"\d")
_POST_LINE_MAX = 120


def post_header(line: str, default_year: int | None) -> DateSpan | None:
    """The day a post's header line ends with, after who posted it ("[X] @YouthNet · Nov 25", "Youth Network —
    30 Sep 2022, 16:40"), else None.  A line that is a date alone is a list page's date line, not a header."""
    if len(line) > _POST_LINE_MAX or "\n" in line or _is_date_line(line):
        return None
    found = find_dates(line, default_year if default_year is not None else 2000)
    if not found or found[0].precision != "day":
        return None
    if found[0].char_start == 0 and _HEADER_FIELDS.match(line, found[0].char_end):
        return found[0]  # the date first, then the post's categories or author ("December 4th, 2023 | News, Health")
    last = found[-1]
    if last.precision != "day" or not _HEADER_TAIL.fullmatch(line, last.char_end):
        return None
    before = line[: last.char_start]
    return last if sum(ch.isalpha() for ch in before) >= 3 else None


# What may follow a header's date: a time, separators.
_HEADER_TAIL = re.compile(r"[\s,·|–—-]*(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)?[\s)\]]*", re.IGNORECASE)
# What may follow a date that opens a header: a bar or a dot, then words (a dash would open an item's text).
_HEADER_FIELDS = re.compile(r"[^\S\n]*[|·•][^\S\n]*[^\W\d]")


def _heads(line: str) -> bool:
    """Whether a chunk's first line heads the paragraph under it: a title, or a post's header."""
    return _is_title(line) or post_header(line, None) is not None


def _post_items(blocks: list[Block], posts: dict[int, DateSpan], ctx: _Context):
    """A page of posts (a blog, a news archive shown in full): each post read as a news story of its own, dated
    from its own publication line ("Yesterday, ..." in a post of 27 October is 26 October)."""
    items = []
    starts = sorted(posts)
    for k, i in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(blocks)
        if end - 1 > i + 1 and end < len(blocks) and len(blocks[end - 1].text) < MIN_EVENT_CHARS:
            end -= 1  # the next post's title, above its publication line
        own = replace(ctx, pub=posts[i], default_year=posts[i].start.year)
        items.extend(_news_items(blocks[i + 1:end], own, only_reports=True))
    return items


def _news_items(blocks: list[Block], ctx: _Context, only_reports: bool = False):
    """A story's events.  ``only_reports``: a post of a feed or a blog, which need not report anything ("Apply now!",
    "Happy New Year!", "Coming soon: ..."): it is dated from its publication only when its lead has an event cue
    and names no later day."""
    body = [b for b in blocks if len(b.text) >= MIN_EVENT_CHARS]
    items = []
    for block in body:
        span = _opening_or_told(block.text, ctx)
        if span is None and items:
            span = _days_later(block.text, items[-1][1])
        # Without a publication date, the story's first reported event dates its news: what lies long before that
        # is background too ("the forum, first held in 2018, ...").
        if span is not None and not (items and _long_before(span, items[0][1].end)):
            items.append((block, span, "text:news-dated-sentence"))
    if items or not body or only_reports and not _reports_now(body[0].text, ctx):
        return items
    # No sentence both dated and cued: the first paragraph's own opening date ("NAIROBI, Nov. 27 --", a
    # dateline), else the first date its opening sentences give ("..., last Tuesday (March 14), they ..."),
    # else the page's publication date.
    first = body[0]
    opening = _leading(first, ctx)
    if opening is not None:
        return [(first, _not_after(opening, ctx.pub), "text:news-dateline")]
    told = _first_date(first.text, ctx)
    if told is not None:
        return [(first, _not_after(told, ctx.pub), "text:news-first-date")]
    if ctx.pub is not None:
        return [(first, _relative_to(ctx.pub), "text:news-publication-date")]
    return []


def _opening_or_told(text: str, ctx: _Context) -> DateSpan | None:
    """The date of a story's paragraph: the time its opening gives from the page's day ("Yesterday", "Earlier this
    month", "Last Saturday"; a date further on is another time, "the course, which began on 25 September"), else
    the first sentence dated and cued, else a weekday its first sentence names ("... arrived on Monday for a study
    tour")."""
    return (_relative_opening(text, ctx) or _event_sentence_date(text, ctx, news=True)
            or _weekday_lead(text, ctx))


def _weekday_lead(text: str, ctx: _Context) -> DateSpan | None:
    """The day a weekday in a paragraph's first sentence names, counted back from a page dated to the day, when that
    sentence has an event cue ("A group of Vietnamese officials arrived on Monday ...")."""
    if ctx.pub is None or ctx.pub.precision != "day":
        return None
    lead = text[: lead_end(text)]
    if find_type_cue(fold(lead)) is None:
        return None
    return _weekday_before(lead, ctx.pub.start)


def _days_later(text: str, last: DateSpan) -> DateSpan | None:
    """The day a paragraph's opening gives from the story's previous dated event, when that is dated to the day and
    the paragraph reports an event too: "Two days later", "The next day", "On the same day", "The day before",
    "A week earlier", "On the 17th" (of the same month)."""
    m = _LATER.match(text)
    # The event may be told in the sentence after the time ("A fortnight later it was our turn to host. Eleven
    # guests ... held talks ..."): a cue in the first two sentences.
    if m is None or last.precision != "day" or find_type_cue(fold(text[: lead_end(text, lead_end(text))])) is None:
        return None
    return _later_day(m, last)


def _later_day(m: re.Match, last: DateSpan) -> DateSpan | None:
    """The day a match of _LATER gives from ``last`` (a span to the day)."""
    if m.group("same"):
        day = last.start
    elif m.group("nth"):
        try:
            day = last.start.replace(day=int(m.group("nth")))
        except ValueError:  # "the 31st" of a 30-day month
            return None
    elif m.group("before"):
        day = last.start - timedelta(days=1)
    else:
        day = last.start - _length(m) if m.group("back") else last.end + _length(m)
    return DateSpan(day, day, "day", m.start("when"), m.end(), m.group("when"))


def _length(m: re.Match) -> timedelta:
    """The time a match of _LATER or _AGO counts: its number ("Two", "a", "12"; none: one) of days, weeks or
    fortnights."""
    n = 1 if m.group("n") is None else number_value(m.group("n").lower())
    unit = (m.group("unit") or "").lower()
    return timedelta(days=n * (7 if unit.startswith("week") else 14 if unit.startswith("fortnight") else 1))


# What may open the paragraph before its time: "Also on Thursday", "Meanwhile, the next day".
_CONNECTIVE = r"(?:(?:also|and|then|meanwhile|in\s+addition)[,\s]+)?"
_OPENING_CONNECTIVE = re.compile(_CONNECTIVE, re.IGNORECASE)
_LATER = re.compile(
    _CONNECTIVE
    + rf"(?P<when>(?P<n>an?|{NUMBER_BELOW_HUNDRED}|\d{{1,2}})\s+(?P<unit>days?|weeks?|fortnights?)\s+(?:later|(?P<back>earlier|before))"
    r"|the\s+(?:next|following)\s+(?P<unit1>day)|(?:on\s+)?(?P<same>the\s+same\s+day|that\s+day)"
    r"|the\s+(?P<before>day\s+before|previous\s+day|preceding\s+day)|on\s+the\s+(?P<nth>[1-3]?\d)(?:st|nd|rd|th))\b",
    re.IGNORECASE)


_SAME_DAY = re.compile(
    _CONNECTIVE + r"(?P<when>(?:in|during)\s+the\s+(?:afternoon|evening|morning)|that\s+(?:afternoon|evening|morning|night)"
    r"|later\s+(?:that|the\s+same)\s+day|at\s+the\s+same\s+time|meanwhile)\b[,\s]*",
    re.IGNORECASE)


def _first_date(text: str, ctx: _Context) -> DateSpan | None:
    """The first day or month the opening of a story names as the time of what it reports, or the day a weekday
    names before the publication date ("last Friday" in a page of Monday 22 July is Friday 19 July)."""
    opening = text[:_STORY_OPENING]
    told = next((d for d in _reported_dates(opening, ctx) if d.precision != "year"), None)
    if told is not None or ctx.pub is None or ctx.pub.precision != "day":
        return told
    return _weekday_before(opening, ctx.pub.start) or _yesterday_in(opening[: lead_end(opening)], ctx.pub.start)


def _yesterday_in(sentence: str, published: date) -> DateSpan | None:
    """The day before ``published`` where a sentence says "yesterday" ("The two sides yesterday signed ...")."""
    m = _YESTERDAY.search(sentence)
    if m is None or _FUTURE.search(sentence, 0, m.start()):
        return None
    day = published - timedelta(days=2 if m.group("before") else 1)
    return DateSpan(day, day, "day", m.start(), m.end(), m.group())


_YESTERDAY = re.compile(r"\b(?P<before>the\s+day\s+before\s+)?yesterday\b", re.IGNORECASE)


def _reports_now(text: str, ctx: _Context) -> bool:
    """Whether a post's first paragraph reports an event of its day: an event cue in its lead, no call ("Apply now
    for our summer camp"), and no day after the post's ("the forum (online, 8 Dec)" is to come)."""
    lead = text[: lead_end(text)]
    if find_type_cue(fold(lead)) is None or _CALL.search(lead):
        return False
    # A day or a month to come, that is: "exchanges for 2023–2025" is the term of what was signed.
    return ctx.pub is None or all(d.start <= ctx.pub.end or d.precision == "year"
                                  for d in find_dates(lead, ctx.default_year))


_CALL = re.compile(
    r"\b(?:apply\s+now|applications?\s+(?:are\s+)?(?:now\s+)?open|registration\s+(?:is\s+)?(?:now\s+)?open"
    r"|call\s+for\s+(?:applications|papers|participants|proposals|volunteers)|sign\s+up|register\s+now|coming\s+soon"
    r"|save\s+the\s+date|stay\s+tuned)\b",
    re.IGNORECASE,
)


def _relative_opening(text: str, ctx: _Context, cued: bool = True) -> DateSpan | None:
    """The day (or month) a paragraph's opening words give counting back from a page dated to the day, when the
    paragraph reports an event (``cued``: its lead has an event cue): "Yesterday", "Two weeks ago", "Last month",
    "Earlier this month", "Last weekend", "On Monday"."""
    pub = ctx.pub
    if pub is None or pub.precision != "day" or cued and find_type_cue(fold(text[: lead_end(text)])) is None:
        return None
    at = _OPENING_CONNECTIVE.match(text).end()  # "Also on Thursday, ..."
    m = _AGO.match(text, at)
    if m is None:
        if not _LAST_WEEKDAY.match(text, at):
            return None
        span = _weekday_before(text[at:at + _OPENING_WEEKDAY], pub.start)
        return span and shift_span(span, at)
    day = pub.start
    if m.group("unit"):
        day -= _length(m)
    elif m.group("yesterday"):
        day -= timedelta(days=2 if m.group("before") else 1)
    elif m.group("month"):
        last = day.replace(day=1) - timedelta(days=1)
        return DateSpan(last.replace(day=1), last, "month", m.start(), m.end(), m.group())
    elif m.group("this_month"):
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return DateSpan(day.replace(day=1), following - timedelta(days=1), "month", m.start(), m.end(), m.group())
    elif m.group("weekend"):
        saturday = _saturday_before(day)
        return DateSpan(saturday, saturday + timedelta(days=1), "day", m.start(), m.end(), m.group())
    return DateSpan(day, day, "day", m.start(), m.end(), m.group())


def _saturday_before(day: date) -> date:
    """The Saturday of the last weekend before ``day`` (a Saturday's or a Sunday's own weekend counts as before)."""
    return day - timedelta(days=(day.weekday() - 5) % 7 or 7)


_AGO = re.compile(
    rf"[^\S\n]*(?:(?P<n>an?|{NUMBER_BELOW_HUNDRED}|\d{{1,2}})\s+(?P<unit>days?|weeks?|fortnights?)\s+ago"
    r"|(?P<yesterday>(?P<before>the\s+day\s+before\s+)?yesterday|last\s+night)|(?P<today>today|this\s+(?:morning|afternoon|evening))"
    r"|(?P<month>last\s+month)|(?P<this_month>(?:earlier\s+)?this\s+month)|(?P<weekend>(?:last|this\s+past)\s+weekend))\b",
    re.IGNORECASE,
)


def _weekday_before(text: str, published: date) -> DateSpan | None:
    m = _LAST_WEEKDAY.search(text)
    plan = _FUTURE.search(text, 0, m.start()) if m else None
    if m is None or plan is not None:  # "the fair will open on Friday" is no past Friday
        return None
    back = (published.weekday() - _WEEKDAYS.index(m.group("day").lower())) % 7
    # "Friday" in a Friday's paper is that day, "last Friday" the week before.
    day = published - timedelta(days=back or (7 if m.group("last") else 0))
    return DateSpan(day, day, "day", m.start("day"), m.end("day"), m.group("day"))


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_LAST_WEEKDAY = re.compile(
    rf"\b(?:(?P<last>last|this\s+past)\s+|on\s+)(?P<day>{'|'.join(_WEEKDAYS)})\b"
    # not a weekday that a date follows ("Sunday (5 Feb.)", "Sunday 5 February", "Sunday, February 5"): that date says
    # the day ("Saturday 120 volunteers ..." has none)
    r"(?!\s*,?\s*(?:\(|\d{1,2}(?:st|nd|rd|th)?(?:\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|[/.-]\d)|[A-Z][a-z]+\s+\d))",
    re.IGNORECASE,
)


_STORY_OPENING = 320  # characters: a story's first sentence or two


def _not_after(span: DateSpan, pub: DateSpan | None) -> DateSpan:
    # A dateline without a year took the page's: one later than the page itself belongs to the year before
    # ("Dec. 30" in a page published on 2 January).
    if pub is None or span.start <= pub.end or _YEAR.search(span.text):
        return span
    return _shift_year(span, -1)


_YEAR = re.compile(r"(?:19|20)\d\d")


def _relative_to(span: DateSpan) -> DateSpan:
    # Publication-date spans index the page head, not the block: drop offsets.
    return DateSpan(span.start, span.end, span.precision, 0, 0, "")


def _event_sentence_date(text: str, ctx: _Context, news: bool = False) -> DateSpan | None:
    """The date of the first sentence that has both a date and a strong event cue (``news``: not a date long
    before the page's publication, "the two cities signed their agreement in 1979" being the story's background,
    nor one after it, "a return concert in Chengdu in October 2023" being a plan)."""
    start, low = 0, fold(text)
    for end in _sentence_ends(text):
        sentence = text[start:end]
        dates = _reported_dates(sentence, ctx) or _edition_year(sentence)
        if news and ctx.pub is not None:
            dates = [d for d in dates if not _long_before(d, ctx.pub.start) and d.start <= ctx.pub.end]
        if dates and find_type_cue(low[start:end]) is not None:  # a strong event cue
            return shift_span(dates[0], start)
        start = end
    return None


def _long_before(span: DateSpan, reference: date) -> bool:
    """Whether ``span`` ended more than a year before ``reference``: past news, not this story's."""
    return (reference - span.end).days > _BACKGROUND_DAYS


_BACKGROUND_DAYS = 366


def _reported_dates(text: str, ctx: _Context) -> list[DateSpan]:
    """The dates of ``text`` that can date what it reports: none after a plan ("The show will run to 10
    October"; a plan stated after the date, "On 3 May both sides said they will ...", leaves it standing),
    nor after "since" or "until"."""
    plan = _FUTURE.search(text)
    plan_at = plan.start() if plan else len(text)
    return [_last_one(text, d, ctx) for d in find_dates(text, ctx.default_year)
            if d.start.year >= 1900 and d.char_start < plan_at and not _since_before(text, d.char_start)]


def _last_one(text: str, span: DateSpan, ctx: _Context) -> DateSpan:
    """"Last November" in a page of March 2023, or of November 2023, is November 2022: a month that has not ended
    before the page, in the page's year, is last year's."""
    if (ctx.pub is not None and text[max(0, span.char_start - 5):span.char_start].lower() == "last "
            and span.end >= ctx.pub.start and not _YEAR.search(span.text)):
        return _shift_year(span, -1)
    return span


def _since_before(sentence: str, at: int) -> bool:
    # See _SINCE.  Read in a window: a sentence may hold thousands of dates (a page without line breaks), and
    # each must cost the same.
    return _SINCE.search(sentence, max(0, at - 24), at) is not None


# "since 2019" says how long something has gone on, "until 10 October" when it ends: neither when it took place.
_SINCE = re.compile(r"\b(?:since|until|till)\s+$", re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|shall|(?:is|are)\s+(?:planned|scheduled|set|due|expected)|plans?\s+to"
                     r"|(?:planned|scheduled|slated)\s+for)\b", re.IGNORECASE)
# "Floriade Expo 2022", "CIFTIS 2021", "(CIFTIS) 2021": a named edition dates its event to the year.
_EDITION = re.compile(
    r"\b(?:Expo|Forum|Summit|Conference|Fair|Festival|Games|Olympics|Week|Cup|Biennale|Congress|Dialogue|"
    r"[A-Z]{3,}\)?)\s+((?:19|20)\d\d)\b(?![-–/.]\d)"
)


def _edition_year(sentence: str) -> list[DateSpan]:
    m = _EDITION.search(sentence)
    if not m:
        return []
    year = int(m.group(1))
    return [DateSpan(date(year, 1, 1), date(year, 12, 31), "year", m.start(1), m.end(1), m.group(1))]


def _sentence_ends(text: str) -> list[int]:
    # Most items end their sentences with full stops only: the pattern that opens with a plain "." lets the
    # engine jump from one to the next instead of testing every character against the set of four.
    stops = _SENTENCE_END_KEPT if "!" in text or "?" in text or "。" in text else _FULL_STOP_END_KEPT
    ends = [m.end() for m in stops.finditer(text)]
    return ends if ends and ends[-1] == len(text) else ends + [len(text)]


def _abbreviation_lookbehinds() -> str:
    """Negative look-behinds (two per word length) that refuse a stop after an abbreviation.

    The word before a stop is the run of ASCII letters that ends at it, or just before a line break that ends
    at it (``$`` matches there too); it is an abbreviation when it is one capital or in _ABBREVIATIONS, and
    none of those is longer than 4 letters (tests hold it to the plain definition, kept there).
    """
    by_length: dict[int, list[str]] = {1: ["[A-Z]"]}
    for word in sorted(_ABBREVIATIONS):
        by_length.setdefault(len(word), []).append("".join(f"[{c.upper()}{c}]" for c in word))
    return "".join(rf"(?<!(?<![A-Za-z])(?:{'|'.join(alts)}){brk}[.!?。])"
                   for alts in by_length.values() for brk in ("", r"\n"))


# _SENTENCE_END without the stops that follow an abbreviation: one pass in the regex engine instead of a
# Python call per stop (tests hold the two to the same answer).  The look-behinds come after the stop so that
# the engine still skips to the stop characters fast.
_SENTENCE_END_KEPT = re.compile(_SENTENCE_END.pattern + _abbreviation_lookbehinds())
# The same for text without "!", "?" or "。" (tests hold it to _SENTENCE_END_KEPT and check the prefix it replaces).
_FULL_STOP_END_KEPT = re.compile(r"\." + _SENTENCE_END_KEPT.pattern.removeprefix("[.!?。]"))


def sentence_start(text: str, at: int, ends: list[int] | None = None) -> int:
    """Where the sentence holding position ``at`` starts (``ends``: ``_sentence_ends(text)``, if known)."""
    ends = _sentence_ends(text) if ends is None else ends
    i = bisect_right(ends, at)  # ends ascend: the last one at or before ``at``
    return ends[i - 1] if i else 0


def lead_end(text: str, after: int = 0, ends: list[int] | None = None) -> int:
    """Where the first sentence that ends after ``after`` ends (``ends``: ``_sentence_ends(text)``, if known)."""
    ends = _sentence_ends(text) if ends is None else ends
    i = bisect_right(ends, after)  # the first end past ``after``
    return ends[i] if i < len(ends) else len(text)


def _event(text: str, block: Block, date: DateSpan, method: str, ctx: _Context, source: str) -> dict:
    body = block.text  # unwrapped already (see _readable_blocks, _list_items)
    # The sentence that carries the date says what happened and where; for a bulletin item it is the first.
    ends = _sentence_ends(body)
    first, lead = sentence_start(body, date.char_start, ends), lead_end(body, date.char_end, ends)
    mentions = ctry.find_mentions(body)
    orgs = find_organizations(body)
    columns = ctx.columns.get(block.start)
    host = ((columns and row_place(body, columns, mentions)) or _dateline_place(body, mentions, date)
            or ("|" in body and _last_cell_place(body, mentions))
            or (":" in body and _venue_field_place(body, mentions)) or _host(body, first, lead, mentions, ctx.home)
            or _home_venue(body, mentions, ctx.home))
    counterparts = _counterparts(mentions, host, ctx.home)
    kind = classify(body[first:], lead - first, [(o.start - first, o.end - first) for o in orgs if o.start >= first])
    head = row_count(body, columns) if columns and "participants" in columns else find_headcount(body)
    lat, lon = _coordinates(host)
    # The item starts after its bullet ("- 12 March: ..."): the mark is the list's layout, not the item's text.
    start = block.start + (bullet.end() if (bullet := _BULLET_MARK.match(body)) else 0)
    return {
        "title": _title(body[first:lead], kind.event_type, orgs, host),
        "start_date": date.start,
        "end_date": date.end,
        "date_precision": date.precision,
        "event_type": kind.event_type,
        "sector": kind.sector,
        "sectors": list(kind.sectors),
        "host_iso3": host.iso3 if host else None,
        "host_city": host.surface if host and host.kind == "city" else None,
        "lat": lat,
        "lon": lon,
        "home_iso3": ctx.home,
        "countries": counterparts,
        "groups": find_groups(body),
        "participants": head.value if head else None,
        "participants_qualifier": head.qualifier if head else None,
        "organizations": list(dict.fromkeys(o.name for o in orgs)),
        "source": source,
        "source_start": start,
        "source_end": block.end,
        "snippet": shorten(text[start:block.end]),  # as written, line breaks and all
        "source_kind": "text",
        "confidence": _confidence(kind.confidence, host, date, method),
        "method": method,
    }


def _unwrapped(text: str) -> str:
    """``text`` with the line breaks that only wrap a sentence made spaces ("some forty university\nstudents from
    ..." in a hard-wrapped mail or a PDF's text), so that what reads a phrase reads across them.  A break after a
    sentence's end, or before a capital (a title's last words over the first line of its summary), stays, unless
    the line ends with a word such as "of" or "the".  The length, and so every offset, is unchanged."""
    return _WRAP.sub(" ", text) if "\n" in text else text


# A break before a lower-case word, or after a word that cannot end a line of its own ("the Youth Council of\nGhana"):
#   (?<![.!?:;。\n])\n(?=[ \t]*[a-z])  |  (?:(?<=\sof)|(?<=\sthe)|...)\n(?=[ \t]*\S)
# written with the break first, its look-behinds taking it in, so that the engine leaps from break to break instead of
# trying a dozen look-behinds at every character (50 times faster over our probe pages; tests hold it to the above).
_LINKING_WORDS = ("of", "the", "and", "in", "to", "for", "an", "at", "on", "with", "from", "by")
_WRAP = re.compile(r"\n(?:(?<![.!?:;。\n]\n)(?=[ \t]*[a-z])|(?:" + "|".join(rf"(?<=\s{w}\n)" for w in _LINKING_WORDS)
                   + r")(?=[ \t]*\S))")


def shorten(text: str, limit: int = SNIPPET_MAX) -> str:
    """The text itself when short enough, else its first ``limit`` characters and '…'."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# A mention is the venue when the words just before it say so ("a visiting group of Chilean ..." does not: there
# "visiting" describes the guests).
_VENUE_BEFORE = re.compile(r"\b(?:in|at|inside)\s+(?:the\s+)?$", re.IGNORECASE)
_VENUE_CHAIN = re.compile(
    r"\b(?:(?:held|staged|hosted|convened|opened|took place|located|launched|organi[sz]ed|kicked off|started|"
    r"gathered|met|carried out|conducted)\s+(?:in|at)|visit(?:ed|s)?|(?<!\ba\s)(?<!\bthe\s)visiting|toured|arrived\s+in"
    r"|went\s+to)\b"
    r"[^.;]{0,80}$",
    re.IGNORECASE,
)
_DESTINATION = re.compile(
    r"\b(?:sent|send|sends|dispatch\w*|went|go|goes|travel\w*|came|returned|flew|delegations?)\b[^.;]{0,40}"
    r"\bto\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# _VENUE_BEFORE and _DESTINATION read backwards (the two above stay their readable definition; tests hold these
# to them): both end at the end of the text, so a match of the reversed pattern at the start of the reversed
# text answers at once what a search would try at every position.
_VENUE_BEFORE_REVERSED = re.compile(r"(?:\s+eht)?\s+(?:ni|ta|edisni)\b", re.IGNORECASE)
_DESTINATION_REVERSED = re.compile(
    r"(?:\s+eht)?\s+ot\b[^.;]{0,40}\b(?:tnes|dnes|sdnes|\w*hctapsid|tnew|og|seog|\w*levart|emac|denruter|welf|"
    r"s?noitageled)\b",
    re.IGNORECASE,
)
# Quick tests on folded text that rule most mentions out before the three patterns above run: the last
# word _VENUE_BEFORE or _DESTINATION needs, and the cue words of _VENUE_CHAIN (each of its cues begins
# with one of them, so none starts before the first of them).
_CUE_ENDINGS = ("in", "at", "inside", "the", "to")
_CHAIN_STEMS = ("held", "staged", "hosted", "convened", "opened", "took", "located", "launched", "organi", "kicked",
                "started", "gathered", "met", "carried", "conducted", "visit", "toured", "arrived", "went")


def _by_first_letter(words: tuple[str, ...]) -> str:
    """An alternation of ``words`` grouped by first letter ("h(?:eld|osted)|..."): fewer branches to try per place."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{re.escape(letter)}(?:{'|'.join(rests)})" for letter, rests in groups.items())


# The first stem, in one search that reads a window of the folded item in place (where the alternation starts
# is where the first of the stems starts; tests hold it to a str.find per stem).
_CHAIN_STEM = re.compile(_by_first_letter(_CHAIN_STEMS))


def _host(body: str, first: int, lead: int, mentions, home: str):
    """The venue: the first cued mention in the lead, else the first foreign one that is nobody's origin, else
    the first (a home one, when foreign ones are only origins)."""
    in_lead = [m for m in mentions if first <= m.start < lead]
    if not in_lead:
        return None
    # Folded once for the whole item: fold works character by character (its one exception, a Greek final
    # sigma, is no ASCII letter), so a slice of it reads every ASCII cue word as folding the slice would.
    low = fold(body)
    for m in in_lead:
        lo = max(0, m.start - 100)
        before = body[lo: m.start]
        if (_cue_before(before, low, lo) or _cued_chain(before, low, lo, m, in_lead)) and not _in_from_phrase(before):
            return m
    if all(m.iso3 == home for m in in_lead):
        return in_lead[0]
    # Where visitors come from is no venue ("Uzbek journalists", "the ambassador of Nepal", "guests from Laos,
    # Cambodia and Myanmar"): better no host than their home country.
    last = None  # the last origin: names listed right after it are origins too
    for m in in_lead:
        if _is_origin(body, m, last):
            last = m
        elif m.iso3 != home:
            return m
    return next((m for m in in_lead if m.iso3 == home and m.kind in ("city", "name")), None)


def _home_venue(body: str, mentions, home: str):
    """The reporting side as the venue of an item that names none, when it names no foreign place but where its
    guests come from ("Twenty Kenyan teachers finished a course run by our college", "the Association received a
    delegation from Almaty"): what a bulletin reports without a place happened at home.  None when the item names a
    place the indexes do not know ("in Stirling", "in the Volta region"): that may be the venue.  None when it names
    no country at all: "representatives attended the WHO board's meeting" says nothing of where."""
    if not mentions:
        return None
    last = None
    for m in mentions:
        if _is_origin(body, m, last):
            last = m
        elif m.iso3 != home and m.kind in ("name", "city"):
            return None
    known = {m.start for m in mentions}
    if any(m.start("place") not in known and m.group("place") not in _NOT_PLACES for m in _IN_CAPITALISED.finditer(body)):
        return None
    return ctry.Mention(home, 0, 0, "", "home")


# "in Stirling", "in the Volta and Oti regions": a place the indexes may not know.
_IN_CAPITALISED = re.compile(r"\bin\s+(?:the\s+)?(?P<place>[A-Z][\w'’-]+)")
_NOT_PLACES = frozenset(name.capitalize() for name in (*MONTH_NAMES, *_SEASON_ENDS)) | frozenset((  # "in March"
    "Chinese", "English", "French", "Spanish", "Russian", "Arabic", "German", "Japanese", "Korean", "Portuguese",
    "Mandarin", "Cantonese",  # "taught in Chinese"
    "Total", "Addition", "Particular", "Person", "Response", "Honour", "Honor", "Memory", "Support", "Return", "Turn",
    "Order", "Line", "Time",  # title case: "Concert in Memory of ...", "Forum in Support of ..."
))


def _last_cell_place(body: str, mentions):
    """In a row of a table written as text ("14 May 2019 | Youth forum | Partner | Nanning"), the place the last
    cell names, else None."""
    if body.count(" | ") < 2:
        return None
    cell = body.rfind(" | ")
    return next((m for m in mentions if m.start > cell and m.kind in ("city", "name")), None)


def _venue_field_place(body: str, mentions):
    """In an entry of labelled fields, the place its venue line names ("Venue: Shanghai, China"), else None."""
    field = _VENUE_FIELD.search(body)
    if field is None:
        return None
    value = range(field.start("value"), field.end())
    return next((m for m in mentions if m.start in value and m.kind in ("city", "name")), None)


_VENUE_FIELD = re.compile("^" + _field("venue|location|place|where") + r"(?P<value>[^\n]*)", re.IGNORECASE | re.MULTILINE)


def _dateline_place(body: str, mentions, date: DateSpan):
    """The place an item is filed from: its dateline ("Lusaka, 12 March 2021 — ...", "NAIROBI, Nov. 27 --",
    "HANGZHOU — ...") or the bracket after its title ("... (Haikou, 5 May)").  The venue as a rule.  Else None."""
    return _opening_place(body, mentions, date) or _bracketed_place(body, mentions, date)


def _opening_place(body: str, mentions, date: DateSpan):
    at = 1 if body[:1] in "*_" and body[1:2] not in "*_" else 0  # a caption's italics ("*Kraków, 18 March — ...*")
    m = _DATELINE.match(body, at)
    if m is None:
        return None
    after = _DATELINE_AFTER.match(body, m.end())
    if after is None or (after.group(1) is None and date.char_start != after.end()):
        return None  # "Kenya, Uganda and Tanzania ...": a list, not a dateline
    if mentions and mentions[0].start == at and mentions[0].end == m.end():
        return mentions[0] if mentions[0].kind == "city" else None  # "Kenya, 12 May": no place of filing
    place = m.group()
    if not place.isupper():
        return None
    found = ctry.find_mentions(place.title())  # wire style writes the place in capitals
    if found and found[0].start == 0 and found[0].end == len(place) and found[0].kind == "city":
        return ctry.Mention(found[0].iso3, at, at + len(place), found[0].surface, "city")
    return None


def _bracketed_place(body: str, mentions, date: DateSpan):
    """The place a bracket gives with the date, after an item's title ("GROWERS LEARN GRAFTING (Haikou, 5 May)
    ..."), else None."""
    if date.char_start < 4 or body[date.char_start - 2:date.char_start] != ", ":
        return None
    return next((m for m in mentions if m.end == date.char_start - 2 and body[m.start - 1:m.start] == "("
                 and m.kind in ("city", "name")), None)


# A place of one to four words opening the item, then a comma and the date, or a dash.
_DATELINE = re.compile(_PLACE_WORDS + r"(?=\s*(?:,|—|–|--|\())")
_DATELINE_AFTER = re.compile(r"\s*(?:(—|–|--)|,\s*|\(\s*)")


_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
_OF_BEFORE = re.compile(r"\b([A-Za-z]+)\s+of\s+(?:the\s+)?$")
_LIST_GLUE = re.compile(r"\s*(?:,|,?\s+and|,?\s+or)\s+(?:the\s+)?$")
_LETTERS = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")  # "primary-school teachers": two words, the noun second
_CLAUSE_AFTER = re.compile(r"[^.,;:!?()\n]{0,40}")


def _is_origin(body: str, m, last) -> bool:
    """Whether mention ``m`` says where people come from, not where something happens (``last``: the last
    mention before it that does).

    A demonym right before a noun for people or a group ("Kenyan students"), a name right before a group noun
    ("a Japan youth delegation"; "Ethiopia women" may name a programme's place), a name after "from" or after
    such a noun and "of" ("the ambassador of Nepal"), and the names listed after one of those ("from Laos,
    Cambodia and Myanmar").
    """
    # (The glue of a list is a few characters: a longer gap is no list, and is not read.)
    if last is not None and m.start - last.end <= 12 and _LIST_GLUE.fullmatch(body, last.end, m.start):
        return True
    before = body[max(0, m.start - 40): m.start]
    if _FROM_BEFORE.search(before):
        return True
    of = _OF_BEFORE.search(before)
    if of and of.group(1).lower() in VISITOR_NOUNS:
        return True
    nouns = VISITOR_NOUNS if m.kind == "demonym" else GROUP_NOUNS if m.kind == "name" else ()
    # "Kenyan students", not "Kenya. Teams": the next two words of the clause
    words = _LETTERS.findall(_CLAUSE_AFTER.match(body, m.end).group())[:2]
    return bool(nouns) and any(w.lower().rpartition("-")[2] in nouns for w in words)  # "youth-delegation" too


# "pupils from a school in Suva, Fiji, arrived in Fuzhou": "in Suva" says where they come from, when "from" heads
# a phrase naming a place people belong to ("players from the two cities together in Nanning" is still the venue).
_FROM_IN = re.compile(
    r"\bfrom\s+(?:(?:a|an|the|their|its|three|two|several|local|\d+)\s+)?(?:[\w'’-]+\s+){0,3}?"
    r"(?:schools?|universit(?:y|ies)|colleges?|academ(?:y|ies)|institutes?|hospitals?|clinics?|villages?|towns?|"
    r"count(?:y|ies)|districts?|provinces?|regions?|communit(?:y|ies)|clubs?|companies|company|firms?|farms?|"
    r"ministr(?:y|ies)|departments?|centres?|centers?|associations?|societ(?:y|ies)|organi[sz]ations?|"
    r"federations?|unions?|parishes|parish|municipalit(?:y|ies)|cit(?:y|ies))\s+(?:in|at)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


# ... or from a place named in full ("students from Lycée Saint-Exupéry in Lyon opened a camp in Xi'an").
_FROM_NAME_IN = re.compile(r"\bfrom\s+(?:the\s+)?[A-Z][\w'’.-]*(?:\s+(?:of\s+|de\s+)?[A-Z][\w'’.-]*){1,5}\s+(?:in|at)\s+$")


def _in_from_phrase(before: str) -> bool:
    return ("from" in before or "From" in before) and (
        _FROM_IN.search(before) is not None or _FROM_NAME_IN.search(before) is not None)


def _cue_before(before: str, low: str, lo: int) -> bool:
    """Whether the words just before a mention ("in the", "sent to") make it the venue.

    ``before`` is ``body[lo:lo + len(before)]``, ``low`` is ``fold(body)``.
    """
    end = lo + len(before.rstrip())
    if not low.endswith(_CUE_ENDINGS, max(lo, end - 6), end):  # fold(before.rstrip()[-6:]).endswith(...)
        return False
    backwards = before[::-1]  # see _VENUE_BEFORE_REVERSED: the same answer as _VENUE_BEFORE.search(before)
    return bool(_VENUE_BEFORE_REVERSED.match(backwards) or _DESTINATION_REVERSED.match(backwards))


def _cued_chain(before: str, low: str, lo: int, mention, in_lead) -> bool:
    # "held in a primary school of X Town, Y Division, Myanmar": the first mention after the cue counts.
    m = _CHAIN_STEM.search(low, lo, mention.start)  # the first stem in fold(before)
    m = _VENUE_CHAIN.search(before, m.start() - lo) if m else None
    if not m:
        return False
    cue_at = lo + m.start()
    return not any(cue_at <= other.start < mention.start for other in in_lead)


def _counterparts(mentions, host, home: str) -> list[str]:
    # The host is one of the mentions (see _host): its code is among theirs already.
    return [c for c in dict.fromkeys([m.iso3 for m in mentions]) if c and c != home]


def _coordinates(host) -> tuple[float | None, float | None]:
    if host is None:
        return None, None
    if host.kind == "city":
        place = ctry.city(host.surface) or ctry.town(host.surface)
        if place is not None and place.iso3 == host.iso3:  # else a namesake elsewhere ("Cordoba, Spain")
            return place.lat, place.lon
    point = ctry.centroid(host.iso3)
    return point if point else (None, None)


_TYPE_VERBS = {
    "visit": "visit", "meeting": "meeting", "conference": "conference", "training": "training course",
    "agreement": "agreement signed", "founding": "founding", "aid": "aid mission", "volunteering": "volunteer service",
    "exhibition": "exhibition", "other": "exchange activity",
}


def _title(lead: str, event_type: str, orgs, host) -> str:
    """A short title in our words: the event's own name when it has one, else actor + type + place."""
    place = _place_name(host)
    actor = orgs[0].name if orgs else None
    if place and actor and _names(actor, place):  # "... Center in Buenos Aires": the place is said once
        place = None
    if event_type == "visit" and actor and place:
        return _clip(f"{actor} delegation visits {place}")
    name = _event_name(lead)
    if name:
        return _clip(f"{name} ({place})" if place and place not in name else name)
    label = _TYPE_VERBS.get(event_type, event_type).capitalize()
    parts = [label] + ([f"by {actor}"] if actor else []) + ([f"in {place}"] if place else [])
    return _clip(" ".join(parts))


def _names(name: str, place: str) -> bool:
    """Whether ``place`` stands in ``name`` as whole words ("Niger" is not in "Nigeria-China ...")."""
    i = name.find(place)
    while i != -1:
        end = i + len(place)
        if not name[i - 1 : i].isalnum() and not name[end : end + 1].isalnum():
            return True
        i = name.find(place, i + 1)
    return False


def _event_name(lead: str) -> str | None:
    m = _EVENT_NAME.search(lead) if _EVENT_NAME_HINT.search(lead) else None
    if not m:
        return None
    name = _NAME_OPENING.sub("", (m.group(1) or m.group(2)).strip())
    return name if len(name.split()) >= 2 else None


_NAME_OPENING = re.compile(r"^(?:(?:during|at|in|on|for|from|of|the)\s+)+", re.IGNORECASE)


def _place_name(host) -> str | None:
    if host is None:
        return None
    if host.kind == "city":
        return host.surface
    return ctry.country_name(host.iso3)


def _clip(title: str, limit: int = 120) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _confidence(kind_conf: float, host, date: DateSpan, method: str) -> float:
    score = 0.35 + 0.35 * kind_conf
    score += 0.0 if host is None else 0.05 if host.kind == "home" else 0.15  # a venue read, or only inferred
    score += 0.15 if method == "text:bulletin-item" or date.precision == "day" else 0.05
    if method == "text:news-publication-date":
        score -= 0.2
    elif method in ("text:news-dateline", "text:news-first-date"):
        score -= 0.1  # the day the report was filed, often a day after the event
    return round(max(0.05, min(1.0, score)), 3)
