"""Sector and event-type codes from text, scored with the codebook's keywords.

The keywords live in ``etl/codebook.yaml``.  Two ideas carry the scoring:

* the lead (an item's first sentence) says what the event *is*; later
  sentences add background, so lead matches weigh more;
* an organization's name says who acted, not what happened ("X Association
  for Friendship" can host a law forum), so matches inside organization
  names weigh less.

The event type is the first *strong* type keyword of the lead, then of the
whole text, then the first weak one: "a delegation attended the conference"
is a conference, while "the delegation visited the expo" is a visit.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, groupby

from etl.normalize._chunks import ChunkScan
from etl.records import frozen
from etl.schema import codebook

LEAD_WEIGHT = 3.0
ORG_WEIGHT = 0.5
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
    low = text.lower()
    if len(low) == len(text) and "ı" not in low and "ſ" not in low:
        return low  # the common case: translating every character costs more than the lower-casing
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text.translate(_CASE_FOLD))


@dataclass(frozen=True)
class _Scan:
    """Patterns (keyword alternations without the leading \b) and where in folded text to try them."""

    patterns: tuple[re.Pattern, ...]
    # A literal beginning of some keyword ("" when one has none: try every word boundary) -> the patterns
    # that may match where it stands at a word start (see _cues, which looks for all of them at once).
    tried: dict[str, tuple[int, ...]]


def _scan(keyword_lists: list[list[str]], bodies: list[str] | None = None) -> _Scan:
    """A scan over one pattern per keyword list (``bodies``: the alternations, when not the plain ones)."""
    patterns, owners = [], {}
    for i, keywords in enumerate(keyword_lists):
        body = bodies[i] if bodies else "|".join(sorted(keywords, key=len, reverse=True))
        flags = 0 if all(kw == kw.lower() for kw in keywords) else re.IGNORECASE  # \W, \S... are upper-case too
        patterns.append(re.compile(rf"(?:{body})\b", flags))
        for kw in keywords:
            for start in _literal_starts(kw):
                owners.setdefault(start, set()).add(i)
    if "" in owners:  # some keyword has no literal beginning: try everything at every word boundary
        return _Scan(tuple(patterns), {"": tuple(range(len(patterns)))})
    tried = {}
    for start in owners:
        # Where a long beginning stands, so does every beginning that is a prefix of it.
        shorter = [owners[start[:k]] for k in range(1, len(start) + 1) if start[:k] in owners]
        tried[start] = tuple(sorted(set().union(*shorter)))
    return _Scan(tuple(patterns), tried)


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
    if "\\" in keyword or "[" in keyword:
        return True  # escaped or bracketed characters: do not guess
    while (inner := re.sub(r"\([^()]*\)", "", keyword)) != keyword:
        keyword = inner
    return "|" in keyword


@cache
def _sector_scan() -> tuple[tuple[str, ...], _Scan]:
    specs = codebook()["sectors"]
    return tuple(specs), _scan([spec["keywords"] for spec in specs.values()])


@cache
def _type_scan(strength: str) -> _Scan:
    keywords = [kw for spec in codebook()["event_types"].values() for kw in spec.get(strength, [])]
    return _scan([keywords], [_type_body(strength)])


@dataclass(frozen=True)
class _Cues:
    """One scan for the beginnings of every sector and event-type keyword, instead of one per vocabulary.

    At a word start the scan finds the longest beginning of any vocabulary; the beginnings of one
    vocabulary standing there are the prefixes of it, so ``tried[name][beginning]`` says which of its
    patterns to try there (empty: none of its keywords can start there).
    """

    scans: dict[str, _Scan]  # "sectors", "keywords", "weak_keywords"
    tried: dict[str, dict[str, tuple[int, ...]]]
    hits: ChunkScan  # folded text -> (offset, beginning) at every word start where some beginning stands


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
    # The beginnings hold no blank and the pattern looks one character behind: it finds in a chunk what it
    # finds there in the whole text (see etl.normalize._chunks).
    hits = ChunkScan(lambda chunk: _chunk_cues(chunk, starts))
    return _Cues(scans, tried, hits)


def _chunk_cues(chunk: str, starts: re.Pattern) -> list[tuple[int, str]]:
    if chunk.isalnum():  # a plain word has one word start, its first character: one try is enough
        m = starts.match(chunk)
        return [(0, m.group())] if m else []
    return [(m.start(), m.group()) for m in starts.finditer(chunk)]


def _tried_at(beginning: str, tried: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    """The patterns of one vocabulary to try where ``beginning`` stands: those of its own prefixes."""
    prefixes = [beginning[:k] for k in range(len(beginning), 0, -1) if beginning[:k] in tried]
    return tried[prefixes[0]] if prefixes else ()  # a vocabulary's tried[] already unites shorter prefixes


def find_type_cue(low: str, strength: str = "keywords") -> re.Match | None:
    """``_type_pattern(strength).search`` for folded text (see :func:`fold`): the first event-type cue."""
    return _first_cue(low, _cues().hits(low), strength, len(low))


def _first_cue(low: str, hits, strength: str, end: int) -> re.Match | None:
    """The first type cue of ``strength`` within ``low[:end]``, from the scan ``hits`` of all of ``low``.

    A beginning found in all of ``low`` may run past ``end``; its keyword cannot match within
    ``low[:end]`` then, while every keyword that can has a beginning that stands within it.
    """
    cues = _cues()
    pattern, tried = cues.scans[strength].patterns[0], cues.tried[strength]
    for pos, beginning in hits:
        if pos >= end:
            break
        if tried[beginning] and (hit := pattern.match(low, pos, end)):
            return hit
    return None


def _sector_matches(low: str, hits=None) -> dict[int, list[int]]:
    """Sector index -> where its matches start in folded text: what ``finditer`` of its pattern gives.

    ``hits``: ``_cues().hits(low)``, when the caller has it.
    """
    cues = _cues()
    patterns, tried = cues.scans["sectors"].patterns, cues.tried["sectors"]
    found: dict[int, list[int]] = {}
    free_from = [0] * len(patterns)  # matches of one sector do not overlap
    for pos, beginning in cues.hits(low) if hits is None else hits:
        for i in tried[beginning]:
            if pos >= free_from[i] and (hit := patterns[i].match(low, pos)):
                found.setdefault(i, []).append(pos)
                free_from[i] = hit.end()
    return found


def classify(text: str, lead_end: int | None = None, org_spans: list[tuple[int, int]] = ()) -> Classification:
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
    scores = _sector_scores(text, lead_end, org_spans, low, hits)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
    event_type, type_strength = _event_type(text, lead_end, low, hits)
    if not ranked:
        return Classification("civil_society", ("civil_society",), event_type, 0.2)
    top = ranked[0][1][0]
    sectors = tuple(code for code, (score, _) in ranked if score >= SECONDARY_SHARE * top)
    confidence = min(1.0, 0.3 + 0.1 * top) * (1.0 if type_strength == "keywords" else 0.8)
    return Classification(ranked[0][0], sectors, event_type, round(confidence, 3))


def _sector_scores(text: str, lead_end: int, org_spans, low: str | None = None,
                   hits=None) -> dict[str, tuple[float, int]]:
    """Sector -> (score, first match); ``low`` is ``fold(text)`` and ``hits`` its cue scan, when the caller has them."""
    codes, scores = _sector_scan()[0], {}
    found = _sector_matches(fold(text) if low is None else low, hits)
    in_org = _inside_any(org_spans) if org_spans else None  # most texts name no organization
    for i in sorted(found):  # codebook order, as ties are broken by the first match, then by this order
        total = 0.0
        for start in found[i]:
            weight = LEAD_WEIGHT if start < lead_end else 1.0
            if in_org is not None and in_org(start):
                weight *= ORG_WEIGHT
            total += weight
        # Matches come in order, so the first is the earliest (found[] holds no empty list).
        scores[codes[i]] = (total, min(len(text), found[i][0]))
    return scores


def _inside_any(spans) -> Callable[[int], bool]:
    """``pos -> any(s <= pos < e for s, e in spans)`` in O(log n): a long page names thousands of organizations."""
    spans = sorted(spans)
    starts = [s for s, _ in spans]
    reach = list(accumulate((e for _, e in spans), max))

    def inside(pos: int) -> bool:
        k = bisect_right(starts, pos)
        return k > 0 and reach[k - 1] > pos

    return inside


def _event_type(text: str, lead_end: int, low: str | None = None, hits=None) -> tuple[str, str]:
    low = fold(text) if low is None else low
    hits = _cues().hits(low) if hits is None else hits
    lead = slice(lead_end).indices(len(low))[1]  # where low[:lead_end] ends
    # A lead that is the whole text needs no second search of the whole text: it would find the same.
    searches = _SEARCHES if lead < len(low) else _SEARCHES[1:]
    for strength, whole in searches:
        m = _first_cue(low, hits, strength, len(low) if whole else lead)
        if m:
            return m.lastgroup.rsplit("_", 1)[0], strength
    return "other", "none"


# The event type's searches, in order: (vocabulary, over the whole text rather than the lead).
_SEARCHES = (("keywords", False), ("keywords", True), ("weak_keywords", True))
