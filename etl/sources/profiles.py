"""Organization profile pages ("About us", "Mission", "Our partners") -> the organizations table.

A profile page describes one organization, its *subject*, and names others:
partners it works with, bodies it belongs to, organizations it describes in
passing.  The adapter returns

* one row for the subject, with its partners, country, founding year and
  stated fields of work;
* one row for each other organization the page defines ("X (ABC) is a
  national people's organization ...") or gives an alias for.

Profiles rarely date anything, so no events are returned: the narrative
adapter (``etl/sources/text.py``) is the one that extracts dated activities.

Everything here is generic: the subject is found from the page's headings,
its self-describing sentences ("The X is dedicated to ...") or its first
person ("our association"), never from a list of known pages.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from etl.normalize import countries
from etl.normalize.orgs import AliasTable, OrgMention, clean_name, find_organizations, normalize_key
from etl.normalize.orgs import default_table as default_alias_table
from etl.schema import ORGANIZATION_COLUMNS as ORG_COLUMNS
from etl.schema import codebook, conform, empty_events
from etl.sources.base import Options, Result, reject_rows

SHORT_PAGE_SENTENCES = 12

# --- cues ---------------------------------------------------------------------

_HEADING_CUES = re.compile(
    r"(?im)^[ \t•*#\-]*(?:about(?: us)?|who we are|mission(?: statement)?|vision(?: and mission)?|objectives|"
    r"aims|our (?:partners|members|mission|history|work|team|story)|history|profile|introduction|overview)"
    r"[ \t]*:?[ \t]*$"
)
_SELF_CUES = re.compile(
    r"(?i)\b(?:was|were)\s+(?:officially\s+|formally\s+)?(?:established|founded|set up)\b"
    r"|\bis\s+(?:dedicated|committed|devoted)\s+to\b"
    r"|\bour\s+(?:association|organi[sz]ation|society|network|foundation|federation|mission|members|partners)\b"
    r"|\b(?:aims|seeks|strives)\s+to\b"
    r"|\bis\s+an?\s+(?:[\w'’-]+\s+){0,4}(?:organi[sz]ation|association|society|ngo|network|foundation|institution)\b"
    r"|\bsince\s+its\s+(?:establishment|founding|foundation)\b|\b(?:with\s+the|its|our)\s+mission\b"
)
_SELF_CUES_LOWER = re.compile(_SELF_CUES.pattern.removeprefix("(?i)"))  # for lowercased ASCII
# "the Association" standing for the page's own organization, again and again.
_BACK_REFERENCE = re.compile(
    r"\b[Tt]he\s+(?:Association|Society|Federation|Foundation|Network|Council|Institute|Alliance|Club|Union|"
    r"League|Chamber|Academy|Centre|Center)\b(?!\s+(?:of|for)\b|\s+[A-Z])"
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Day dates as bulletins write them: "May 5", "5 May", "5th May", "the 12th of May", "May 12th", "2017-05-05", "2017.5.5".
_DATED = re.compile(
    rf"\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b"
    r"|\b(?:19|20)\d\d([-./])\d{1,2}\1\d{1,2}\b|^Date:",
    re.MULTILINE,
)

_DEFINES = re.compile(
    r"[ \t]*(?:\([^)\n]{1,40}\)[ \t]*)?(?:,[^,.\n]{1,80},[ \t]*)?"
    r"(?:is|was|has\s+been|serves|aims|works|strives|seeks|promotes|boasts)\b"
)
_FIRST_PERSON = re.compile(r"(?i)\b(?:we|our|us)\b")
_OUR_ORG = re.compile(
    r"(?i)\bour\s+(association|organi[sz]ation|society|network|foundation|federation|institute|council|club|"
    r"union|alliance|group|cent(?:er|re)|committee|league|chamber)\b"
)
_PARTNER_CUES = re.compile(
    r"(?i)\b(?:partner\w*|co-?operat\w*|collaborat\w*|coordinat\w*|co-organi[sz]\w*|jointly|"
    r"join(?:s|ed|ing)?\s+(?:forces\s+)?with|work(?:s|ed|ing)?\s+(?:closely\s+|together\s+)?with|"
    r"reached\s+out\s+to|together\s+with|in\s+association\s+with|affiliated\s+with|member\s+of|"
    r"(?:supported|sponsored|funded)\s+by|signed\s+(?:[\w-]+\s+){0,4}with)\b"
)
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"
_FOUNDED = (
    re.compile(
        r"(?i)\b(?:was|were|has\s+been|had\s+been)\s+(?:officially\s+|formally\s+|first\s+)?"
        rf"(?:established|founded|set\s+up|created|formed|registered|inaugurated)\s+(?:in|on)\s+[^.;\n]{{0,25}}?\b{_YEAR}\b"
    ),
    re.compile(rf"(?i)\b(?:founded|established)\s+in\s+(?:[A-Za-z]+\s+){{0,2}}{_YEAR}\b"),
    re.compile(rf"(?i)\b(?:establishment|founding|foundation|creation)\s+of\s+(?:our|the|its)\s+[\w-]+\s*\(\s*{_YEAR}\s*\)"),
    re.compile(rf"(?i)\bsince\s+(?:its|our)\s+(?:establishment|founding|foundation|creation)\s+in\s+{_YEAR}\b"),
)
_BASED_IN = re.compile(r"(?i)\b(?:based|headquartered|located|registered|seated)\s+in\s+$")
_OF_PLACE = re.compile(r"(?i)(?:\bof|\bfrom|\bin)\s+(?:the\s+)?$")
_IS_A = re.compile(r"(?i)\bis\s+an?\s+(?:[\w'’-]+\s+){0,2}$")
_PAIR = re.compile(r"\s+and\s+(?:the\s+)?")
_PAIR_LEAD = re.compile(r"(?i)\b(?:in|between|of)\s+(?:the\s+)?$")
_NAME_FILLER = frozenset({"of", "for", "and", "on", "in", "with", "province", "city", "municipality", "the"})
# "who" is a keyword for the World Health Organization, not the pronoun.
_CASE_SENSITIVE_KEYWORDS = frozenset({"who"})


# --- reading --------------------------------------------------------------------


def looks_like_profile(text: str) -> bool:
    """Does the text read like an organization's profile rather than a news bulletin?

    Profiles have "About us"/"Mission"/"Objectives" headings and self-describing
    sentences ("was established", "is dedicated to", "our association");
    bulletins have many dated items ("On January 10, ...").
    """
    headings = len(_HEADING_CUES.findall(text))
    # Plain ASCII (most pages) lowercased matches the case-sensitive pattern as (?i) would, three times faster.
    phrases = len(_SELF_CUES_LOWER.findall(text.lower()) if text.isascii() else _SELF_CUES.findall(text))
    back_references = len(_BACK_REFERENCE.findall(text))
    score = 2 * headings + min(phrases, 6) + min(back_references // 2, 3)
    # Counting dates costs as much as the rest: only a page that scores as a profile needs it.
    return score >= 3 and len(_DATED.findall(text)) <= max(3, score // 2)


def sniff(path, head) -> bool:
    """``--format auto``: is this text file (its first bytes or text) an organization profile?"""
    text = head.decode("utf-8", errors="replace") if isinstance(head, bytes | bytearray) else str(head)
    return looks_like_profile(text)


def read(path: Path, options: Options) -> Result:
    """A profile page -> ``Result`` with no events and the organizations it describes."""
    from etl.io import read_text  # the project's decoding: BOMs, legacy encodings, newlines

    text = read_text(Path(path))
    orgs = extract_organizations(text, source=str(path), home=options.home)
    rejects = reject_rows([] if not orgs.empty else [(str(path), "offset 0", "no organization found", text[:80])])
    return Result(events=empty_events(), rejects=rejects, organizations=orgs)


def empty_organizations() -> pd.DataFrame:
    return conform(pd.DataFrame({c.name: [] for c in ORG_COLUMNS}), ORG_COLUMNS)


def org_id(name: str) -> str:
    """Stable id of an organization: a hash of its canonical name's matching key."""
    return hashlib.sha1(normalize_key(name).encode("utf-8")).hexdigest()[:16]


# --- the page's structure ---------------------------------------------------------


@dataclass
class _Page:
    text: str
    source: str
    home: str
    mentions: list[OrgMention]
    sentences: list[tuple[int, int]]
    table: AliasTable

    def __post_init__(self) -> None:
        self._starts = [start for start, _ in self.sentences]

    def sentence_of(self, pos: int) -> tuple[int, int]:
        """The sentence holding ``pos`` (an empty span between sentences)."""
        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0 and pos < self.sentences[i][1]:
            return self.sentences[i]
        return pos, pos

    def in_sentence(self, span: tuple[int, int]) -> list[OrgMention]:
        return [m for m in self.mentions if span[0] <= m.start < span[1]]


@dataclass
class _Org:
    name: str
    role: str
    start: int
    end: int
    named: bool = True
    head: str = "organization"
    acronym: str | None = None
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    founded: int | None = None
    sectors: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")
_BULLET = re.compile(r"^[ \t]*(?:[•*\-–]|\d{1,2}[.)])?[ \t]*")


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: every line is split at sentence ends; bullets and numbering are skipped."""
    out = []
    pos = 0
    for line in text.split("\n"):
        start = pos + _BULLET.match(line).end()
        end = pos + len(line.rstrip())
        pos += len(line) + 1
        if end <= start:
            continue
        cut = start
        for m in _SENTENCE_END.finditer(text, start, end):
            out.append((cut, m.start()))
            cut = m.end()
        out.append((cut, end))
    return out


# --- the extraction ----------------------------------------------------------------


def extract_organizations(
    text: str, source: str = "", home: str = "CHN", table: AliasTable | None = None
) -> pd.DataFrame:
    """The organizations table of one profile page (a pure function of its text).

    Parameters
    ----------
    text : the decoded page.
    source : the file, for the ``source`` column and an unnamed subject's name.
    home : the reporting side's ISO3; an unnamed organization pairing its country with ``home`` is the other one.
    table : alias table for canonical names (the shared one by default).
    """
    table = table if table is not None else default_alias_table()
    page = _Page(text, source, home, find_organizations(text, table), _sentences(text), table)
    subject = _subject(page)
    others = _others(page, subject)
    rows = [] if subject is None else [subject]
    rows += others
    if not rows:
        return empty_organizations()
    return conform(pd.DataFrame([_row(o, source) for o in rows]), ORG_COLUMNS)


def _row(org: _Org, source: str) -> dict:
    return {
        "org_id": org_id(org.name),
        "name": org.name,
        "acronym": org.acronym,
        "aliases": org.aliases,
        "country_iso3": org.country,
        "founded_year": org.founded,
        "sectors": org.sectors,
        "partners": org.partners,
        "description": _describe(org),
        "role": org.role,
        "source": source,
        "source_start": org.start,
        "source_end": org.end,
    }


# --- the subject ---------------------------------------------------------------------


def _subject(page: _Page) -> _Org | None:
    name = _title_org(page) or _self_described(page)
    if name is not None:
        org = _Org(name, "subject", 0, len(page.text), head=_head_word(name))
        org.country = _name_country(name) or _definition_country(page, name)
    else:
        org = _unnamed(page) or _most_mentioned(page)
        if org is None:
            return None
    own = _own_mentions(page, org)
    org.aliases = _aliases(page, org.name, own)
    org.acronym = _acronym(page, org.name, own)
    org.founded = _founded(page, org, own)
    org.partners = _partners(page, org)
    spans = _subject_sentences(page, org)
    # On a short page one mention is a statement; on a long one it may be a passing word.
    org.sectors = _sectors(page, spans, minimum=1 if len(spans) <= SHORT_PAGE_SENTENCES else 2)
    return org


def _title_org(page: _Page) -> str | None:
    """The first organization named in a heading among the page's first lines."""
    lines, pos = 0, 0
    for line in page.text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        lines += 1
        if lines > 10:
            break
        if len(line.strip()) <= 150 and not line.rstrip().endswith((".", ",", ";")):
            for m in page.mentions:
                if start <= m.start < start + len(line):
                    return m.name
    return None


def _self_described(page: _Page) -> str | None:
    """An organization that opens a defining sentence and that the page calls 'the Association' etc."""
    first_person = len(_FIRST_PERSON.findall(page.text)) >= 2
    for m in _defining_mentions(page):
        back_reference = re.search(rf"(?i)\b(?:the|this)\s+{re.escape(_head_word(m.name))}\b", page.text)
        if back_reference or not first_person:
            return m.name
    return None


def _defining_mentions(page: _Page) -> list[OrgMention]:
    """Mentions that open a sentence and are followed by 'is/was/serves...': the page defines them."""
    out = []
    for m in page.mentions:
        start, _ = page.sentence_of(m.start)
        opener = page.text[start : m.start].strip()
        if opener.lower() in ("", "the") and _DEFINES.match(page.text, m.end):
            out.append(m)
    return out


def _unnamed(page: _Page) -> _Org | None:
    """A page written as 'our association' that never names itself."""
    m = _OUR_ORG.search(page.text)
    if m is None or len(_FIRST_PERSON.findall(page.text)) < 2:
        return None
    head = m.group(1).lower()
    pair = _country_pair(page)
    own = next((c for c in pair if c != page.home), pair[0]) if pair else None
    places = "–".join(countries.country_name(c) for c in pair) + " " if pair else ""
    stem = Path(page.source).stem or "text"
    org = _Org(f"Unnamed {places}{head} ({stem})", "subject", 0, len(page.text), named=False, head=head)
    org.country = own
    return org


def _most_mentioned(page: _Page) -> _Org | None:
    counts: dict[str, int] = {}
    for m in page.mentions:
        counts[m.name] = counts.get(m.name, 0) + 1
    if not counts or max(counts.values()) < 3:
        return None
    name = max(counts, key=counts.get)
    org = _Org(name, "subject", 0, len(page.text), head=_head_word(name))
    org.country = _name_country(name) or _definition_country(page, name)
    return org


def _country_pair(page: _Page) -> list[str]:
    """The two countries of the first 'in/between X and Y' phrase ("partners in Norway and China")."""
    found = [c for c in countries.find_mentions(page.text) if c.kind in ("name", "demonym")]
    for a, b in zip(found, found[1:], strict=False):
        paired = a.iso3 != b.iso3 and _PAIR.fullmatch(page.text, a.end, b.start)
        if paired and _PAIR_LEAD.search(page.text[max(0, a.start - 30) : a.start]):
            return [a.iso3, b.iso3]
    return []


# --- facts about one organization ----------------------------------------------------------


def _head_word(name: str) -> str:
    words = [w for w in re.split(r"[\s(]+", name) if w]
    for w in reversed(words):
        base = w.rsplit("-", 1)[-1].lower()
        if base in _ORG_HEADS:
            return base
    return "organization"


_ORG_HEADS = frozenset(
    (
        "association", "federation", "foundation", "society", "council", "network", "institute", "university",
        "college", "academy", "committee", "center", "centre", "league", "organization", "organisation", "union",
        "alliance", "confederation", "chamber", "club", "group", "office", "ministry", "commission", "bureau",
        "secretariat", "department", "agency", "fund", "corporation", "company", "party"
    )
)


def _content_words(name: str) -> frozenset[str]:
    return frozenset(w for w in normalize_key(name).split() if w not in _NAME_FILLER)


def _relation(name: str, subject: _Org) -> str:
    """How a named organization relates to the subject: 'same', 'part' (a reference or an organ) or 'other'."""
    if not subject.named:
        return "other"
    if name == subject.name:
        return "same"
    words, own = _content_words(name), _content_words(subject.name)
    if words == own:
        return "same"  # "Vietnam-China Friendship Association of Cao Bang" = "Cao Bang Vietnam-China ..."
    if words < own or own < words:
        return "part"  # "the Vietnam-China Friendship Association", "Executive Committee of <subject>"
    return "other"


def _own_mentions(page: _Page, org: _Org) -> list[OrgMention]:
    return [m for m in page.mentions if _relation(m.name, org) == "same"]


def _aliases(page: _Page, name: str, own: list[OrgMention]) -> list[str]:
    """Other names the page uses for ``name``; spelling variants (apostrophes, spaces, case) are not aliases."""
    seen: dict[str, str] = {normalize_key(name): name}
    for m in own:
        for variant in (m.name, clean_name(m.surface)):
            if not _is_acronym_like(variant):
                seen.setdefault(normalize_key(variant), variant)
    return list(seen.values())[1:]


def _is_acronym_like(s: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Z0-9&\-]+", s))


def _acronym(page: _Page, name: str, own: list[OrgMention]) -> str | None:
    for m in own:
        if _is_acronym_like(m.surface):
            return m.surface
    for m in own:
        after = re.match(r"\s*\(\s*([A-Z][A-Z0-9&\-]{1,11})\s*\)", page.text[m.end : m.end + 20])
        if after:
            return after.group(1)
    return page.table.acronym(name)


def _name_country(name: str) -> str | None:
    """The country in an organization's name; of a pair ("Vietnam-China"), the first is its own."""
    found = countries.find_mentions(name)
    return found[0].iso3 if found else None


def _definition_country(page: _Page, name: str) -> str | None:
    """A country from the sentences defining ``name``: 'based in X', '... organization of X', 'is a Norwegian ...'."""
    org_spans = [(m.start, m.end) for m in page.mentions]
    for m in _defining_mentions(page):
        if m.name != name:
            continue
        start, end = page.sentence_of(m.start)
        for c in countries.find_mentions(page.text[m.end : end]):
            pos = m.end + c.start
            if any(s <= pos < e for s, e in org_spans) or c.kind == "organization":
                continue
            before = page.text[max(start, pos - 40) : pos]
            if _BASED_IN.search(before) or _OF_PLACE.search(before) or (c.kind == "demonym" and _IS_A.search(before)):
                return c.iso3
    return None


def _founded(page: _Page, org: _Org, own: list[OrgMention]) -> int | None:
    """The year of a founding phrase about ``org``: it names ``org`` (or, for the subject, no one) before the verb."""
    for pattern in _FOUNDED:
        for m in pattern.finditer(page.text):
            about = _founding_subject(page, m.start())
            if about is None and org.role == "subject":
                return int(m.group("year"))
            if about is not None and (about == org.name or (org.role == "subject" and _relation(about, org) == "same")):
                return int(m.group("year"))
    return None


def _founding_subject(page: _Page, pos: int) -> str | None:
    """The organization a founding phrase at ``pos`` is about: the last one named before it in its sentence."""
    start, _ = page.sentence_of(pos)
    before = [m for m in page.mentions if start <= m.start < pos]
    return before[-1].name if before else None


def _partners(page: _Page, subject: _Org) -> list[str]:
    """Organizations named in sentences that say the subject works with them."""
    out: dict[str, None] = {}
    for span in page.sentences:
        sentence = page.text[span[0] : span[1]]
        if not _PARTNER_CUES.search(sentence):
            continue
        for m in page.in_sentence(span):
            if _relation(m.name, subject) == "other":
                out.setdefault(m.name, None)
    return list(out)


def _subject_sentences(page: _Page, subject: _Org) -> list[tuple[int, int]]:
    """Sentences about the subject: all but those that open with another organization."""
    out = []
    for span in page.sentences:
        inside = page.in_sentence(span)
        opener = inside[0] if inside and inside[0].start - span[0] <= 25 else None
        if opener is None or _relation(opener.name, subject) != "other":
            out.append(span)
    return out


@cache
def _sector_patterns() -> tuple[tuple[str, re.Pattern, re.Pattern | None], ...]:
    out = []
    for code, spec in codebook()["sectors"].items():
        words = sorted(spec.get("keywords", []), key=len, reverse=True)
        folded = [w for w in words if w not in _CASE_SENSITIVE_KEYWORDS]
        exact = [w.upper() for w in words if w in _CASE_SENSITIVE_KEYWORDS]
        ci = re.compile(r"\b(?:" + "|".join(folded) + r")\b", re.IGNORECASE) if folded else None
        cs = re.compile(r"\b(?:" + "|".join(exact) + r")\b") if exact else None
        out.append((code, ci, cs))
    return tuple(out)


def _sectors(page: _Page, spans: list[tuple[int, int]], minimum: int = 2) -> list[str]:
    """Sectors named in at least ``minimum`` of the sentences, strongest first; names of organizations masked."""
    masked = list(page.text)
    for m in page.mentions:
        masked[m.start : m.end] = " " * (m.end - m.start)
    text = "".join(masked)
    counts: dict[str, int] = {}
    for start, end in spans:
        sentence = text[start:end]
        for code, ci, cs in _sector_patterns():
            if (ci is not None and ci.search(sentence)) or (cs is not None and cs.search(sentence)):
                counts[code] = counts.get(code, 0) + 1
    order = list(codebook()["sectors"])
    ranked = sorted((c for c, n in counts.items() if n >= minimum), key=lambda c: (-counts[c], order.index(c)))
    return ranked


# --- the other organizations ------------------------------------------------------------------


def _others(page: _Page, subject: _Org | None) -> list[_Org]:
    """Rows for organizations the page defines or gives an alias for."""
    partners = set(subject.partners) if subject else set()
    defining = {m.name: m for m in reversed(_defining_mentions(page))}
    out: list[_Org] = []
    for name in dict.fromkeys(m.name for m in page.mentions):
        if subject is not None and _relation(name, subject) != "other":
            continue
        own = [m for m in page.mentions if m.name == name]
        aliases = _aliases(page, name, own)
        acronym = _acronym(page, name, own) if name in defining or aliases else None
        if name not in defining and not aliases and not _local_acronym(page, own):
            continue
        out.append(_other(page, name, own, defining.get(name), aliases, acronym, name in partners))
    return out


def _local_acronym(page: _Page, own: list[OrgMention]) -> bool:
    return any(re.match(r"\s*\(\s*[A-Z][A-Z0-9&\-]{1,11}\s*\)", page.text[m.end : m.end + 20]) for m in own)


def _other(page, name, own, definition, aliases, acronym, is_partner) -> _Org:
    span = page.sentence_of(definition.start) if definition else (own[0].start, own[0].end)
    org = _Org(name, "partner" if is_partner else "mentioned", span[0], span[1], head=_head_word(name))
    org.aliases = aliases
    org.acronym = acronym or _acronym(page, name, own)
    org.country = _name_country(name) or _definition_country(page, name)
    org.founded = _founded(page, org, own)
    if definition is not None:
        org.sectors = _sectors(page, [span], minimum=1)
    return org


# --- description -------------------------------------------------------------------------------


def _describe(org: _Org) -> str:
    """A one-line description in the extractor's words, from the row's own fields."""
    kind = org.head.capitalize()
    if org.head == "association" and "friendship" in normalize_key(org.name).split():
        kind = "Friendship association"
    parts = [kind]
    if org.country:
        parts.append(f"based in {countries.country_name(org.country)}")
    text = " ".join(parts)
    if org.founded:
        text += f", founded {org.founded}"
    if org.sectors:
        text += "; sectors: " + ", ".join(org.sectors[:5])
    if org.partners:
        text += f"; {len(org.partners)} partner{'s' if len(org.partners) > 1 else ''} named"
    return text
