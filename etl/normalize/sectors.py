"""Sector and event-type codes from text, scored with the codebook's keywords.

The keywords live in ``etl/codebook.yaml``.  Two ideas carry the scoring:

* the lead (an item's first sentence) says what the event *is*; later
  sentences add background, so lead matches weigh more;
* an organization's name says who acted, not what happened ("X Association
  for Friendship" can host a law forum), so matches inside organization
  names weigh less, and so do a sector's weak keywords (words a publisher
  uses of itself: "the network received ...").

The event type is the first *strong* type keyword of the lead, then of the
whole text, then the first weak one: "a delegation attended the conference"
is a conference, while "the delegation visited the expo" is a visit.  Two
refinements: a cue in a phrase naming the setting ("on the sidelines of the
expo, the society held a forum") counts only when no other does, and a type
may yield to a later cue ("volunteers handed over books" is aid).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import groupby, islice
from operator import itemgetter
from typing import NamedTuple

from etl.normalize._chunks import ChunkScan
from etl.records import frozen
from etl.schema import codebook

LEAD_WEIGHT = 3.0
ORG_WEIGHT = 0.5
WEAK_WEIGHT = 0.25  # a sector's weak keyword: in the lead it still weighs less than an organization name there
SECONDARY_SHARE = 0.5  # a sector joins `sectors` when it scores at least this share of the top one


@frozen  # a dataclass(frozen=True), cheaper to build: see etl.records
class Classification:
    sector: str
    sectors: tuple[str, ...]
    event_type: str
    confidence: float


@cache
def _type_pattern(strength: str) -> re.Pattern:
    """One alternation over every type's keywords, named groups by type, longest first."""
    return re.compile(rf"\b(?:{_type_body(strength)})\b", re.IGNORECASE)


def _type_body(strength: str) -> str:
    pairs = []
    for code, spec in codebook()["event_types"].items():
        pairs += [(code, kw) for kw in spec.get(strength, [])]
    pairs.sort(key=lambda p: -len(p[1]))
    return "|".join(f"(?P<{code}_{i}>{kw})" for i, (code, kw) in enumerate(pairs))


# --- the fast path ----------------------------------------------------------
#
# Case-insensitive alternations are slow in Python's re, and a pattern that opens with \b is tried at
# every position.  The fast path finds the same matches: it matches lower-cased text case-sensitively
# (keywords are lower-case; a pattern with one that is not keeps re.IGNORECASE), and tries patterns
# only at word starts where one of their keywords' literal beginnings stands.

# Besides str.lower, the pairs re.IGNORECASE equates for ASCII letters ("İ".lower() is two characters).
_CASE_FOLD = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})
# A keyword opening with a choice of plain words: "(was|were|been) established".
_LEADING_CHOICE = re.compile(r"\((?:\?:)?([a-z0-9]+(?:\|[a-z0-9]+)+)\)(?![?*{])")


def fold(text: str) -> str:
    """``text`` lower-cased for the fast path, with its length (and so every offset) kept."""
    # A word-final "Σ" lowers to "ς" in Python; the compiled str.lower (mypyc, etl/native.py) gives "σ" instead, so
    # such text is lowered by Python's own method.  The test is free for text without Greek capitals.
    low = text.lower() if "Σ" not in text else _LOWER(text)
    # The common cases: translating every character costs more than the lower-casing.  An ASCII result (a
    # flag of the string, no scan) holds no "ı" or "ſ", and no character became longer: only "İ" does, and
    # into non-ASCII.
    if low.isascii() or (len(low) == len(text) and "ı" not in low and "ſ" not in low):
        return low
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text.translate(_CASE_FOLD))


_LOWER = str.lower  # called through a name, never compiled into mypyc's own lower-casing


@dataclass(frozen=True)
class _Scan:
    """Patterns (keyword alternations without the leading \b) and where in folded text to try them."""

    patterns: tuple[re.Pattern, ...]
    # A literal beginning of some keyword ("" when one has none: try every word boundary) -> the patterns
    # that may match where it stands at a word start (see _cues, which looks for all of them at once).
    tried: dict[str, tuple[int, ...]]
    keywords: tuple[tuple[str, ...], ...]  # each pattern's keywords


def _scan(keyword_lists: list[list[str]], bodies: list[str] | None = None) -> _Scan:
    """A scan over one pattern per keyword list (``bodies``: the alternations, when not the plain ones)."""
    patterns: list[re.Pattern] = []
    owners: dict[str, set[int]] = {}
    for i, keywords in enumerate(keyword_lists):
        body = bodies[i] if bodies else "|".join(sorted(keywords, key=len, reverse=True))
        flags = 0 if all(kw == kw.lower() for kw in keywords) else re.IGNORECASE  # \W, \S... are upper-case too
        patterns.append(re.compile(rf"(?:{body})\b", flags))
        for kw in keywords:
            for start in _literal_starts(kw):
                owners.setdefault(start, set()).add(i)
    lists = tuple(map(tuple, keyword_lists))
    if "" in owners:  # some keyword has no literal beginning: try everything at every word boundary
        return _Scan(tuple(patterns), {"": tuple(range(len(patterns)))}, lists)
    tried = {}
    for start in owners:
        # Where a long beginning stands, so does every beginning that is a prefix of it.
        shorter = [owners[start[:k]] for k in range(1, len(start) + 1) if start[:k] in owners]
        tried[start] = tuple(sorted(set().union(*shorter)))
    return _Scan(tuple(patterns), tried, lists)


def _starts_pattern(beginnings) -> re.Pattern:
    # One branch per first letter, longest first: a match is the longest beginning standing there.  The
    # look-behind goes first: keywords begin with most letters, so skipping ahead to them gains nothing.
    branches = []
    for first, group in groupby(sorted(beginnings), key=lambda b: b[0]):
        rests = sorted((re.escape(b[1:]) for b in group), key=len, reverse=True)
        branches.append(f"{re.escape(first)}(?:{'|'.join(rests)})")
    return re.compile(r"(?<!\w)(?:" + "|".join(branches) + ")")


def _literal_starts(keyword: str) -> set[str]:
    """Beginnings (letters and digits) one of which every match of ``keyword`` has; {""} when unknown."""
    if _top_level_bar(keyword):
        return {""}  # its branches begin differently
    choice = _LEADING_CHOICE.match(keyword)
    if choice:
        return set(choice.group(1).split("|"))
    out = ""
    for i, ch in enumerate(keyword):
        if not (ch.isascii() and ch.isalnum()) or keyword[i + 1 : i + 2] in ("?", "*", "{"):
            break
        out += ch
    return {out.lower()}


def _top_level_bar(keyword: str) -> bool:
    """Whether ``keyword`` may be an alternation outside any group ("a|b"), erring towards yes."""
    if "|" not in keyword:
        return False
    # Escaped characters and sets hold no group and no alternation: drop them, then the groups.
    keyword = _SET.sub("", _ESCAPE.sub("", keyword))
    if "[" in keyword or "]" in keyword or "\\" in keyword:
        return True  # a set we did not read: do not guess
    while (inner := re.sub(r"\([^()]*\)", "", keyword)) != keyword:
        keyword = inner
    return "|" in keyword


_ESCAPE = re.compile(r"\\.")
_SET = re.compile(r"\[\^?\]?[^\]]*\]")  # after _ESCAPE: a "]" right after "[" or "[^" is a member


class _SectorScan(NamedTuple):
    codes: tuple[str, ...]  # the sectors, in codebook order
    scan: _Scan  # one pattern per sector's keywords, then one per sector's weak keywords (those that have some)
    sector_of: tuple[int, ...]  # per pattern: its sector's index in ``codes``
    weight: tuple[float, ...]  # per pattern: what one match of it scores before the lead and organization factors


@cache
def _sector_scan() -> _SectorScan:
    specs = codebook()["sectors"]
    lists, sector_of, weight = [], [], []
    for strength, factor in (("keywords", 1.0), ("weak_keywords", WEAK_WEIGHT)):
        for i, spec in enumerate(specs.values()):
            if spec.get(strength):
                lists.append(spec[strength])
                sector_of.append(i)
                weight.append(factor)
    return _SectorScan(tuple(specs), _scan(lists), tuple(sector_of), tuple(weight))


@cache
def _type_scan(strength: str) -> _Scan:
    keywords = [kw for spec in codebook()["event_types"].values() for kw in spec.get(strength, [])]
    return _scan([keywords], [_type_body(strength)])


class _Cue(NamedTuple):
    """What a chunk's analysis records at one word start where some keyword beginning stands.

    Where every keyword that may match there lies within the chunk (it matches no space, see
    :func:`_within_chunk`), the chunk alone says whether and how far it matches: the same as in any text
    that holds the chunk (a match ends by the chunk's end, where ``\\b`` sees a space or the text's end
    alike).  Elsewhere the pattern has to run on the whole text (``None`` / :data:`_WHOLE`).
    """

    beginning: str
    tail: int  # characters from here to the chunk's end
    sectors: tuple[tuple[int, int | None], ...]  # (sector index, match length or None) where one may match
    keywords: str | object | None  # the strong type cue's type, "" when none matches, None when none may start here
    weak_keywords: str | object | None  # the same for the weak one


# A type cue that the chunk alone cannot settle (a keyword of its vocabulary may span a space).  A sentinel
# object, compared by identity: no type's name can be taken for it.
_WHOLE = object()


@dataclass(frozen=True)
class _Cues:
    """One scan for the beginnings of every sector and event-type keyword, instead of one per vocabulary.

    At a word start the scan finds the longest beginning of any vocabulary; the beginnings of one
    vocabulary standing there are the prefixes of it, so ``tried[name][beginning]`` says which of its
    patterns to try there (empty: none of its keywords can start there).  Each distinct chunk is
    analysed once (see :class:`_Cue`).
    """

    scans: dict[str, _Scan]  # "sectors", "keywords", "weak_keywords"
    tried: dict[str, dict[str, tuple[int, ...]]]
    hits: ChunkScan  # folded text -> (offset, _Cue) at every word start where some beginning stands


@cache
def _cues() -> _Cues:
    scans = {"sectors": _sector_scan()[1], "keywords": _type_scan("keywords"),
             "weak_keywords": _type_scan("weak_keywords")}
    if any("" in scan.tried for scan in scans.values()):
        # Some keyword has no literal beginning: try every vocabulary at every word boundary.
        starts = re.compile(r"\b")
        tried = {name: {"": tuple(range(len(scan.patterns)))} for name, scan in scans.items()}
    else:
        beginnings = {b for scan in scans.values() for b in scan.tried}
        starts = _starts_pattern(beginnings)
        tried = {name: {b: _tried_at(b, scan.tried) for b in beginnings} for name, scan in scans.items()}
    # Per vocabulary and beginning: the patterns to try there, each with whether it must run on the whole text.
    plan = {name: _plan(scan, tried[name]) for name, scan in scans.items()}
    # The beginnings hold no blank and the pattern looks one character behind: it finds in a chunk what it
    # finds there in the whole text (see etl.normalize._chunks).
    hits = ChunkScan(lambda chunk: _chunk_cues(chunk, starts, scans, plan))
    return _Cues(scans, tried, hits)


def _chunk_cues(chunk: str, starts: re.Pattern, scans: dict[str, _Scan], plan) -> list[tuple[int, _Cue]]:
    if chunk.isalnum():  # a plain word has one word start, its first character: one try is enough
        m = starts.match(chunk)
        found = [(0, m.group())] if m else []
    else:
        found = [(m.start(), m.group()) for m in starts.finditer(chunk)]
    return [(offset, _Cue(b, len(chunk) - offset, _sectors_at(chunk, offset, scans["sectors"], plan["sectors"][b]),
                          *(_type_at(chunk, offset, scans[name], plan[name][b]) for name in _TYPE_VOCABULARIES)))
            for offset, b in found]


_TYPE_VOCABULARIES = ("keywords", "weak_keywords")  # in the order of _Cue's fields
_FIELD = {name: _Cue._fields.index(name) for name in _TYPE_VOCABULARIES}


def _sectors_at(chunk: str, offset: int, scan: _Scan, plan) -> tuple[tuple[int, int | None], ...]:
    """The sectors that match (or may: None) at ``chunk[offset:]``, with their match lengths."""
    out = []
    for i, whole in plan:
        if whole:
            out.append((i, None))
        elif m := scan.patterns[i].match(chunk, offset):
            out.append((i, m.end() - offset))
    return tuple(out)


def _type_at(chunk: str, offset: int, scan: _Scan, plan) -> str | object | None:
    """A type vocabulary's field of :class:`_Cue` at ``chunk[offset:]``."""
    if not plan:
        return None
    if plan[0][1]:
        return _WHOLE
    m = scan.patterns[0].match(chunk, offset)
    return _type_of(m) if m else ""


def _type_of(match: re.Match) -> str:
    return match.lastgroup.rsplit("_", 1)[0]


def _plan(scan: _Scan, tried: dict[str, tuple[int, ...]]) -> dict[str, tuple[tuple[int, bool], ...]]:
    """Beginning -> the patterns of ``scan`` to try there, each with whether it must run on the whole text.

    It must where some keyword that may match there may reach past the chunk.  A keyword may match
    only where one of its literal beginnings stands, a prefix of the beginning found there (the longest
    one standing there); with no literal beginnings (the beginning found is ""), every keyword may.
    """
    reaching = [{start for kw in keywords if not _within_chunk(kw) for start in _literal_starts(kw)}
                for keywords in scan.keywords]  # per pattern: where its keywords that may reach past a chunk begin
    return {b: tuple((i, any(not b or b.startswith(start) for start in reaching[i])) for i in at)
            for b, at in tried.items()}


def _within_chunk(keyword: str) -> bool:
    """Whether no match of ``keyword`` holds a space and its matching reads nothing around the match.

    Said of keywords written only with lower-case letters, digits, "-", "_", ``\\w``, ``\\d``, groups, "|",
    sets and the quantifiers "?*+": none of them matches a space (the lowest of these characters, "(",
    comes after it, so no set's range holds it) and none looks around.  Anything else ("." , a blank,
    "{", "^", "(?", any other escape) is not guessed at.
    """
    return "(?" not in keyword and _WITHIN_CHUNK.fullmatch(keyword) is not None


_WITHIN_CHUNK = re.compile(r"(?:\\[wd]|[a-z0-9_\-?*+()|\[\]])*")


def _tried_at(beginning: str, tried: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    """The patterns of one vocabulary to try where ``beginning`` stands: those of its own prefixes."""
    prefixes = [beginning[:k] for k in range(len(beginning), 0, -1) if beginning[:k] in tried]
    return tried[prefixes[0]] if prefixes else ()  # a vocabulary's tried[] already unites shorter prefixes


def find_type_cue(low: str, strength: str = "keywords") -> re.Match | None:
    """``_type_pattern(strength).search`` for folded text (see :func:`fold`): the first event-type cue."""
    found = _first_cue(low, _cues().hits(low), strength, len(low))
    return found and _cues().scans[strength].patterns[0].match(low, found[0])


def _first_cue(low: str, hits, strength: str, end: int, after: int = -1) -> tuple[int, str] | None:
    """Where the first type cue of ``strength`` within ``low[:end]`` (and past ``after``) starts, and its type.

    ``hits``: the cue scan of all of ``low``.  A beginning found in all of ``low`` may run past ``end``;
    its keyword cannot match within ``low[:end]`` then, while every keyword that can has a beginning that
    stands within it.  Where ``end`` cuts a chunk short, what its whole was found to hold may not hold: the
    pattern runs on the text there, as it does where the chunk alone cannot tell.
    """
    field = _FIELD[strength]
    pattern = None
    for pos, cue in hits if after < 0 else islice(hits, bisect_right(hits, after, key=itemgetter(0)), None):
        if pos >= end:
            break
        found, within = cue[field], pos + cue[1] <= end  # cue[1]: its tail; cut short, the chunk's answer may not hold
        if not found:
            if found is None or within:
                continue  # nothing of this vocabulary may start here, or nothing matches
        elif within and found is not _WHOLE:
            return pos, found
        pattern = pattern or _cues().scans[strength].patterns[0]
        if hit := pattern.match(low, pos, end):
            return pos, _type_of(hit)
    return None


def _sector_matches(low: str, hits=None):
    """``(start, pattern index)`` of every sector match in folded text, in text order: for each pattern (see
    :class:`_SectorScan`), what its ``finditer`` gives.

    ``hits``: ``_cues().hits(low)``, when the caller has it.
    """
    free_from: dict[int, int] = {}  # matches of one pattern do not overlap
    for pos, (_, _, sectors, _, _) in _cues().hits(low) if hits is None else hits:  # a _Cue, unpacked: cheaper
        for i, length in sectors:
            if pos < free_from.get(i, 0):
                continue
            if length is None:  # the chunk alone does not tell
                if not (hit := _sector_scan()[1].patterns[i].match(low, pos)):
                    continue
                free_from[i] = hit.end()
            else:
                free_from[i] = pos + length
            yield pos, i


def classify(text: str, lead_end: int | None = None, org_spans: Sequence[tuple[int, int]] = ()) -> Classification:
    """Sector(s) and event type of one event's text.

    Parameters
    ----------
    text : the event's text.
    lead_end : where its first sentence ends (defaults to the whole text).
    org_spans : character spans of organization names in ``text``.

    Examples
    --------
    >>> classify("A delegation of journalists attended a media forum in Hanoi.").event_type
    'conference'
    """
    lead_end = len(text) if lead_end is None else lead_end
    low = fold(text)
    hits = _cues().hits(low)  # one scan serves the sectors and the event type
    ranked = _ranked_sectors(lead_end, org_spans, low, hits)
    event_type, type_strength = _event_type(text, lead_end, low, hits, org_spans)
    if not ranked:  # no sector word: the sector the event's type implies, else civil_society
        fallback = _fallback_sectors().get(event_type, "civil_society")
        return Classification(fallback, (fallback,), event_type, 0.2)
    codes, top = _sector_scan().codes, -ranked[0][0]
    sectors = tuple([codes[i] for minus, _, i in ranked if -minus >= SECONDARY_SHARE * top])
    return Classification(codes[ranked[0][2]], sectors, event_type, _confidence(top, type_strength == "keywords"))


@lru_cache(maxsize=1024)  # top scores are sums of a few weights: few distinct ones recur, and round() is slow
def _confidence(top: float, strong_type: bool) -> float:
    return round(min(1.0, 0.3 + 0.1 * top) * (1.0 if strong_type else 0.8), 3)


def _ranked_sectors(lead_end: int, org_spans, low: str, hits) -> list[tuple[float, int, int]]:
    """``(-score, first match, sector index)`` of every sector that matches, best first.

    The lead's matches weigh more, those inside organization names less.  Ties go to the earliest first
    match, then to codebook order.  ``low`` is the folded text and ``hits`` its cue scan.  Matches are scored
    as they are found: one pass, no lists of starts.
    """
    totals: dict[int, float] = {}
    firsts: dict[int, int] = {}
    # Matches come in text order, so one walk along the sorted spans says whether a match lies in one: ``reach``
    # is the furthest end of the spans that start at or before it (cheaper than a search per match).
    spans, k, reach = sorted(org_spans), 0, -1
    _, _, sector_of, weights = _sector_scan()
    for pos, pattern in _sector_matches(low, hits):
        while k < len(spans) and spans[k][0] <= pos:
            reach = max(reach, spans[k][1])
            k += 1
        i = sector_of[pattern]
        weight = weights[pattern] * (LEAD_WEIGHT if pos < lead_end else 1.0) * (ORG_WEIGHT if reach > pos else 1.0)
        if i in totals:
            totals[i] += weight
        else:  # the first match of a sector is its earliest
            totals[i], firsts[i] = weight, pos
    ranked = [(-total, firsts[i], i) for i, total in totals.items()]
    ranked.sort()
    return ranked


def _event_type(text: str, lead_end: int, low: str | None = None, hits=None, org_spans=()) -> tuple[str, str]:
    low = fold(text) if low is None else low
    hits = _cues().hits(low) if hits is None else hits
    lead = slice(lead_end).indices(len(low))[1]  # where low[:lead_end] ends
    # A lead that is the whole text needs no second search of the whole text: it would find the same.
    searches = _SEARCHES if lead < len(low) else _SEARCHES[1:]
    for strength, whole in searches:
        end = len(low) if whole else lead
        found = _first_cue(low, hits, strength, end)
        if found:
            pos, kind = found
            if kind in _yields_to() or _aside(low, pos, org_spans):  # seldom: the first cue may not decide
                kind = _decide(low, hits, strength, end, found, org_spans)
            return kind, strength
    return "other", "none"


def _aside(low: str, pos: int, org_spans) -> bool:
    """Whether a cue at ``pos`` stands aside from what happened: in the setting, or in an organization's name
    ("the Nepal-China Youth Forum organised a peace run" is no conference)."""
    return any(start <= pos < end for start, end in org_spans) or _in_setting(low, pos)


def _decide(low: str, hits, strength: str, end: int, first: tuple[int, str], org_spans=()) -> str:
    """The type a search's cues give when its first cue may not decide (``_first_cue``'s arguments, and its answer).

    * A cue in a phrase naming the setting, or in an organization's name, decides only when no cue outside one
      does: "on the sidelines of the expo, the society held a forum" is a conference.
    * A type yields to a cue of the types it lists (``yields_to`` in the codebook) later in its sentence:
      "volunteers handed over books" is aid.
    """
    found: tuple[int, str] | None = first
    while found and _aside(low, found[0], org_spans):
        found = _first_cue(low, hits, strength, end, found[0])
    pos, kind = found or first
    targets = _yields_to().get(kind)
    if targets:
        stop = low.find(". ", pos, end) % (end + 1)  # not found (-1): the search's end
        while found := _first_cue(low, hits, strength, stop, pos):
            pos = found[0]
            if found[1] in targets and not _aside(low, pos, org_spans):
                return found[1]
    return kind


@cache
def _fallback_sectors() -> dict[str, str]:
    return {code: spec["fallback_sector"] for code, spec in codebook()["event_types"].items()
            if spec.get("fallback_sector")}


@cache
def _yields_to() -> dict[str, frozenset[str]]:
    return {code: frozenset(spec["yields_to"]) for code, spec in codebook()["event_types"].items()
            if spec.get("yields_to")}


def _in_setting(low: str, pos: int) -> bool:
    """Whether ``pos`` stands in a phrase naming the setting of what happened, up to its clause's end: "during
    the festival", "on the sidelines of the expo", "the 70th anniversary of the founding of ...".  An event held
    (or remembered) there is the setting, not the item's event."""
    head = low[:pos]
    # The gate, one part of each opener (a chain of `in`: several times cheaper than any regex here).  "during"
    # before a date ("during 3-5 May") is common: the determiners' first letters keep it out.
    if not ("during t" in head or "during a" in head or "during i" in head or "during h" in head
            or " of" in head and ("sidelines" in head or "margins" in head or "occasion" in head
                                  or "framework" in head or "part of" in head or "anniversar" in head)):
        return False
    return any(m.end() >= pos for m in _SETTING.finditer(low, 0, pos))


# "during" needs a determiner: "during 3-5 May" is a date.  A setting runs to the clause's end (here: to ``pos``).
_SETTING = re.compile(r"\b(?:during (?:the|a|an|its|his|her|their|this)|(?:on|in|at) the (?:sidelines|margins|occasion) of|"
                      r"(?:with)?in the framework of|as (?:a )?part of|anniversar(?:y|ies) of)\b[^,;:.!?()\n]*")


# The event type's searches, in order: (vocabulary, over the whole text rather than the lead).
_SEARCHES = (("keywords", False), ("keywords", True), ("weak_keywords", True))
