"""Organization names in running text -> one canonical name each.

Three passes over a text, merged so that the longest span wins:

1. a generic pattern: a run of capitalized words (with the connectors
   of/for/on/in/with/and/the/&) whose *head noun* -- the last word of a run
   of capitalized words -- is an organization word such as Association,
   Federation or University.  Titles before the name ("Vice President of")
   and complements after it ("... for the Promotion of International Trade")
   are handled by working on runs of words between connectors;
2. every known name and variant in the alias table (``data/aliases/
   organizations.csv`` plus whatever :func:`register` added), so that names
   without an organization word ("United Nations Development Programme") are
   found too;
3. acronyms: known ones from the table, and ones the text defines itself in
   parentheses, "Silk Road NGO Cooperation Network (SIRONET)".

Names whose head is an event word (Forum, Conference, Summit, Expo...) are
never returned unless the alias table knows them.  Precision is preferred over
recall: an uncertain run of words is dropped rather than guessed at.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

from etl.normalize import ROOT, countries
from etl.records import frozen

ALIASES_PATH = ROOT / "data" / "aliases" / "organizations.csv"


@frozen  # a dataclass(frozen=True), cheaper to build: see etl.records
class OrgMention:
    """An organization found in text: canonical name, the words that named it and their span."""

    name: str
    surface: str
    start: int
    end: int


# --- vocabularies -----------------------------------------------------------

# Head nouns that make a name on their own with a complement ("Union of
# Friendship Organizations of ...", "Ministry of Commerce").
_BARE_HEADS = frozenset(
    (
        "association", "federation", "foundation", "society", "council", "network", "institute", "institution",
        "university", "college", "school", "academy", "committee", "center", "centre", "league", "organization",
        "organisation", "union", "alliance", "confederation", "chamber", "office", "ministry", "commission", "bureau",
        "secretariat", "department", "embassy", "consulate"
    )
)
# Head nouns that need a modifier before them: "Group of Friends" or
# "Administration of Activities" is not an organization, "CGCOC Group" is.
_MODIFIED_HEADS = frozenset(
    (
        "group", "government", "party", "fund", "agency", "authority", "company", "corporation", "limited", "club",
        "consortium", "hospital", "headquarters", "administration", "cooperative"
    )
)
_HEADS = _BARE_HEADS | _MODIFIED_HEADS
# Events are not organizations; a run ending in one of these is never joined to a following name.
_EVENT_WORDS = frozenset(
    (
        "forum", "forums", "conference", "conferences", "summit", "expo", "exposition", "fair", "festival", "symposium",
        "seminar", "convention", "meeting", "dialogue", "games", "gala", "ceremony", "exhibition", "workshop",
        "roundtable", "camp", "week", "day", "program", "programme", "project", "initiative", "competition", "contest",
        "cup", "session", "course", "training", "tour", "award", "awards", "olympics", "championship", "championships",
        "lecture", "celebration", "carnival", "show", "concert", "race", "marathon"
    )
)
# A name made only of these plus a head ("Executive Committee") is too vague to keep.
_GENERIC_MODIFIERS = frozenset(
    (
        "executive", "central", "standing", "national", "international", "provincial", "municipal", "local", "regional",
        "general", "joint", "organizing", "organising", "steering", "permanent", "governing", "advisory", "preparatory",
        "working", "new"
    )
)
# Sentence-initial and function words trimmed from the front of a candidate.
_LEADING_STOP = frozenset(
    (
        "the", "a", "an", "in", "on", "at", "by", "from", "during", "since", "after", "before", "under", "via", "with",
        "for", "of", "to", "as", "when", "while", "and", "but", "or", "many", "all", "our", "its", "their", "his",
        "her", "this", "that", "these", "those", "both", "each", "every", "some", "other", "such", "any", "annually",
        "meanwhile", "besides", "also", "then", "recently", "today", "later", "finally", "however", "moreover",
        "although", "though", "if", "because", "thus", "therefore", "hence", "whereas", "dear", "mr", "mrs", "ms", "dr",
        "prof", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "first",
        "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"
    )
)
_COMPLEMENT_CONNECTORS = frozenset({"of", "for", "on", "in", "with"})
# A word starting the run after "and" that makes it a new phrase: "Chairman of A and President of B".
_TITLES = frozenset(
    (
        "president", "vice", "chairman", "chairwoman", "chair", "director", "secretary", "deputy", "head", "member",
        "members", "minister", "mayor", "governor", "ambassador", "representative", "representatives", "envoy",
        "adviser", "advisor", "professor", "chief", "consul", "premier", "counsellor", "counselor", "dean", "founder",
        "officer", "spokesperson", "commissioner", "delegate", "delegates"
    )
)
_NOT_ORG_PAIRS = frozenset(
    [(m, "group") for m in ("study", "tour", "working", "focus", "discussion", "reading", "delegation")]
    + [(m, h) for m in ("convention", "exhibition", "conference", "expo", "shopping", "sports") for h in ("center", "centre")]
)
_NOT_ORGS = frozenset({"soviet union", "united kingdom", "holy see"})
_PLACE_HEADS = re.compile(r"\b(?:federation|union)\b")

# --- patterns ---------------------------------------------------------------

_UP = "A-ZÀ-ÖØ-ÞĐŁŚŠŽČ"
_WORD = rf"(?:[{_UP}0-9][\w]*)(?:[-‐–'’.][\w]+)*(?:['’]s?)?"
_CONN = r"(?:of|for|and|the|on|in|with|&)"
_GAP = r"(?:[ \t]*\n[ \t]*|[ \t]+)"  # one line break at most: a blank line ends a name
_DASH = r"[ \t]+[-–—][ \t]+"
_FIRST_WORD = rf"(?:[{_UP}0-9](?<![\w'’-].)[\w]*)(?:[-‐–'’.][\w]+)*(?:['’]s?)?"
# A capitalized sequence: _FIRST_WORD, then words after a gap, connectors or a spaced dash, i.e.
#     {_FIRST_WORD}(?:(?:{_GAP}(?:{_CONN}{_GAP})*|{_DASH}){_WORD})*
# written below with possessive quantifiers and the blanks in front of a gap or a dash taken once.  Nothing after
# a word can fail (the sequence just ends there), and a gap, connector or dash can only be followed by what it
# was followed by, so the engine would never find a use for what it keeps to backtrack into: the matches are the
# same (a test compares the two patterns), for about a quarter less work on every paragraph.
_FAST_GAP = r"(?:[ \t]++(?:\n[ \t]*+)?+|\n[ \t]*+)"  # _GAP
_FAST_CONNS = rf"(?:{_CONN}{_FAST_GAP})*+"


def _seq_pattern(up: str, joints: str, quotes: str, dashes: str, flags: int = 0) -> re.Pattern:
    # The fast sequence pattern over the given character classes: capitals, word joints, apostrophes and dashes.
    word = rf"[{up}0-9]\w*+(?:[{joints}]\w++)*+(?:[{quotes}]s?+)?+"  # _WORD
    return re.compile(
        rf"[{up}0-9](?<![\w{quotes}-].)\w*+(?:[{joints}]\w++)*+(?:[{quotes}]s?+)?+"  # _FIRST_WORD
        rf"(?:(?:[ \t]++(?:\n[ \t]*+{_FAST_CONNS}|{_FAST_CONNS}|[{dashes}][ \t]++)|\n[ \t]*+{_FAST_CONNS}){word})*+",
        flags,
    )


_SEQ_RE = _seq_pattern(_UP, "-‐–'’.", "'’", "-–—")
# The same pattern for an ASCII text: a class's other characters never occur in one, and ASCII \w is Unicode \w
# on ASCII characters, so the matches are the same (a test holds it), for ~10% less work: a bitmap for each
# class and no Unicode look-ups for \w.
_SEQ_RE_ASCII = _seq_pattern("A-Z", "-'.", "'", "-", re.ASCII)
_SEQ_START = re.compile(rf"[{_UP}0-9]")  # the characters _SEQ_RE can begin with
_CONNECTORS = frozenset(("of", "for", "and", "the", "on", "in", "with", "&"))  # _CONN's words
_DASHES = frozenset("-–—")
_HEAD_HINT_WORDS = sorted({f(w) for w in _HEADS for f in (str.capitalize, str.upper)})


def _by_first_letter(words: list[str]) -> str:
    # One branch per first letter, so that a search tries a handful of branches at each capital, not all 90.
    # Only whether the pattern matches is used, and the words it matches are the same.
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(re.escape(w[1:]))
    return "(?:" + "|".join(f"{re.escape(c)}(?:{'|'.join(rest)})" for c, rest in groups.items()) + ")"


_HEAD_HINT = re.compile(_by_first_letter(_HEAD_HINT_WORDS))
# The look-behinds come after the first character so that the engine can skip to capitals fast.
_ACRONYM_RE = re.compile(r"[A-Z](?<![\w-].)[A-Z0-9&]{1,11}(?![\w-])")
_WORD_CHAR = re.compile(r"[\w'’-]")
_ACRONYM_DEF = re.compile(r"[ \t]*\([ \t]*([A-Z][A-Za-z0-9&\-]{0,10}[A-Z0-9])[ \t]*\)")
_APPOSITIVE = re.compile(rf"[ \t]+[–—][ \t]+({_WORD}(?:[ \t]+{_WORD}){{0,5}})[ \t]+[–—](?=\s)")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "‐": "-", "‑": "-", "–": "-", "—": "-"})
_SPELLING = {"organisation": "organization", "centre": "center", "programme": "program", "labour": "labor"}
_TOKEN_VARIANTS = {
    "organization": "organi[sz]ation",
    "organisation": "organi[sz]ation",
    "center": "cent(?:er|re)",
    "centre": "cent(?:er|re)",
    "program": "program(?:me)?",
    "programme": "program(?:me)?",
    "labor": "labou?r",
    "labour": "labou?r",
}
_NON_WORD = re.compile(r"[^\w]+")
_SPACED_HYPHEN = re.compile(r"(?<=\w)\s+[-–]\s+(?=\w)")
_SPACES = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_ACRONYM_SHAPE = re.compile(r"[A-Z][A-Z0-9&\-]+")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
_NUMERIC = re.compile(r"[\d.,/:]+")  # "2019.05.12", "12/05": a date or figure that opens an item, not a name
_TRIE_GAP = r"(?:[ \t]*[-‐–][ \t]*|[ \t]*\n?[ \t]+|\n)"


# --- keys and cleaning ------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def normalize_key(name: str) -> str:
    """The matching key of a name: case, apostrophes, hyphens, '&' and British spelling folded.

    >>> normalize_key("The Chinese People’s Association") == normalize_key("chinese peoples association")
    True
    """
    if not name.isascii() or "`" in name:  # ASCII is its own NFKC form, and '`' is the one ASCII character to fold
        name = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES)
    s = name.lower()
    s = s.replace("'", "").replace("&", " and ")
    # "the" is dropped everywhere: "Department of the Central Committee" = "Department of Central Committee".
    return " ".join(_SPELLING.get(t, t) for t in _NON_WORD.split(s) if t and t != "the")


def clean_name(surface: str) -> str:
    """A name as displayed: one space between words, straight apostrophes, no leading 'the'."""
    if _already_clean(surface):
        return surface  # most names found in text: the steps below would give it back unchanged
    return _clean(surface)


def _already_clean(s: str) -> bool:
    # Each test rules out one step of _clean: ASCII needs no NFKC nor curly quotes; printable ASCII has no
    # blank but the space; no hyphen, no spaced hyphen; nothing to strip at the ends; no leading "the"; a
    # lower-case letter, so no heading in capitals.
    return (
        s.isascii()
        and s.isprintable()
        and "  " not in s
        and "-" not in s
        and s[:1] not in " ,;:"
        and s[-1:] not in " ,;:"
        and not s.startswith(("the", "The", "THE"))
        and s.upper() != s
    )


def _clean(surface: str) -> str:
    s = unicodedata.normalize("NFKC", surface).replace("’", "'").replace("‘", "'")
    s = _SPACED_HYPHEN.sub("-", s)  # "Vietnam - China" -> "Vietnam-China"
    s = _SPACES.sub(" ", s).strip(" ,;:")
    s = _LEADING_THE.sub("", s)
    if " " in s and not any(ch.islower() for ch in s):  # a heading in capitals, not an acronym
        s = _title_case(s)
    return s


def _title_case(s: str) -> str:
    # Headings in capitals: keep short acronyms, lower the connectors.
    words = []
    for w in s.split(" "):
        if w.lower() in {"of", "for", "and", "the", "on", "in", "with"}:
            words.append(w.lower())
        elif len(w) <= 3:  # likely an acronym
            words.append(w)
        else:
            words.append(w.capitalize())
    return " ".join(words)


def _is_acronym(alias: str) -> bool:
    return _ACRONYM_SHAPE.fullmatch(alias) is not None


# --- the alias table --------------------------------------------------------


class AliasTable:
    """Known names, variants and acronyms, each mapped to one canonical name.

    ``lookup`` folds case, apostrophes and spelling; acronyms are matched in
    text only as written (all capitals), so "who" is never the WHO.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()):
        self._by_key: dict[str, str] = {}
        self._acronyms: dict[str, str] = {}
        self._aliases: dict[str, list[str]] = {}
        self._regex: re.Pattern | None = None
        self._starts_re: re.Pattern | None = None  # see starts_re
        self.span_cache: dict[str, _Parsed] = {}  # see _named_spans
        self.name_cache: dict[str, str | None] = {}  # see _parse_sequence
        for canonical_name, alias in pairs:
            self.add(canonical_name, alias)

    def __len__(self) -> int:
        return len(self._aliases)

    def add(self, canonical_name: str, alias: str | None = None) -> None:
        """Record ``alias`` (or just the canonical name) in place; the first canonical for a key wins."""
        canonical_name = clean_name(canonical_name)
        if not canonical_name:
            return
        canonical_name = self.lookup(canonical_name) or canonical_name
        alias = clean_name(alias) if alias else ""
        known = self._aliases.get(canonical_name)
        if known is not None and (not alias or alias == canonical_name or alias in known):
            return  # nothing new: keep the compiled pattern and the parse cache
        known = self._aliases.setdefault(canonical_name, [])
        self._by_key.setdefault(normalize_key(canonical_name), canonical_name)
        if alias and alias != canonical_name:
            known.append(alias)
            if _is_acronym(alias):
                self._acronyms.setdefault(alias, canonical_name)
            self._by_key.setdefault(normalize_key(alias), canonical_name)
        self._forget()

    def _forget(self) -> None:
        self._regex = None
        self.span_cache.clear()
        self.name_cache.clear()

    def extended(self, pairs: Iterable[tuple[str, str]]) -> AliasTable:
        """A new table with ``pairs`` added; this one is left as it was."""
        new = AliasTable()
        for canonical_name, aliases in self._aliases.items():
            new.add(canonical_name)
            for alias in aliases:
                new.add(canonical_name, alias)
        for canonical_name, alias in pairs:
            new.add(canonical_name, alias)
        return new

    def lookup(self, name: str) -> str | None:
        """The canonical name of a known name, variant or acronym, else None."""
        if name in self._acronyms:
            return self._acronyms[name]
        return self._by_key.get(normalize_key(name))

    def canonical(self, name: str) -> str:
        """The canonical name if known, else the cleaned name itself."""
        return self.lookup(name) or clean_name(name)

    def acronym(self, name: str) -> str | None:
        """The name's acronym if the table has one."""
        for alias in self._aliases.get(self.canonical(name), ()):
            if _is_acronym(alias):
                return alias
        return None

    def aliases(self, name: str) -> list[str]:
        return list(self._aliases.get(self.canonical(name), ()))

    def acronym_target(self, token: str) -> str | None:
        return self._acronyms.get(token)

    def pairs(self) -> list[tuple[str, str]]:
        return [(c, a) for c, aliases in self._aliases.items() for a in [c, *aliases]]

    @property
    def regex(self) -> re.Pattern | None:
        """One trie-shaped pattern for every known name that is not an acronym."""
        if self._regex is None and self._aliases:
            names = {n for c, aliases in self._aliases.items() for n in [c, *aliases] if not _is_acronym(n)}
            root = _trie(names)
            self._regex = _trie_regex(root)
            starts = _literal_starts(root)
            self._starts_re = None if starts is None else re.compile("|".join(map(re.escape, starts)))
        return self._regex

    @property
    def starts_re(self) -> re.Pattern | None:
        """Matches the plain strings one of which begins every match of ``regex`` (None: none are known)."""
        return self._starts_re if self.regex is not None else None


def _trie(names: Iterable[str]) -> dict:
    # A trie keeps the pattern fast however many names the table holds: the
    # regex engine never retries a shared prefix.  Case-sensitive (a name
    # starts with a capital) except for the first letter of later words.
    root: dict = {}
    for name in names:
        node = root
        words = [w for w in re.split(r"[\s\-‐–]+", name.translate(_APOSTROPHES)) if w]
        for i, word in enumerate(words):
            node = node.setdefault(_trie_token(word, first=i == 0), {})
        node[""] = {}
    return root


def _trie_regex(root: dict) -> re.Pattern:
    # No look-behind in front: it would cost a test at every position; callers check the left edge.
    return re.compile(_trie_node(root) + r"(?![\w-])")


def _literal_starts(root: dict) -> tuple[str, ...] | None:
    """For each first word of the trie, the letters and digits its pattern begins with, taken as written.

    Every match begins with one of them.  None if a first word's pattern begins otherwise, or with a
    character that cannot begin a capitalized sequence (see _named_spans, which relies on both).
    """
    starts = set()
    for piece in root:
        literal = re.match(r"[A-Za-z0-9]*", piece).group()
        if piece[len(literal) : len(literal) + 1] in ("?", "*", "{", "+"):
            literal = literal[:-1]  # "labou?r": the quantifier makes the letter before it optional
        if not literal or not _SEQ_START.match(literal):
            return None  # also the empty name, which would match anywhere
        starts.add(literal)
    # One that begins with another is redundant: where it stands, so does the shorter one.
    return tuple(sorted(s for s in starts if not any(s != t and s.startswith(t) for t in starts)))


def _trie_node(node: dict) -> str:
    branches = [piece + _trie_tail(child) for piece, child in sorted(node.items()) if piece]
    return "(?:" + "|".join(branches) + ")"


def _trie_tail(child: dict) -> str:
    rest = {k: v for k, v in child.items() if k}
    if not rest:
        return ""
    inner = _TRIE_GAP + _trie_node(rest)
    return f"(?:{inner})?" if "" in child else inner


def _trie_token(word: str, first: bool) -> str:
    low = word.lower()
    if any(ch.isupper() for ch in word[1:]):  # "NGO", "UN", "McDonald": as written
        return re.escape(word).replace("'", "['’]")
    body = _TOKEN_VARIANTS.get(low) or re.escape(low).replace("'", "['’]")
    if not low[:1].isalpha():
        return body
    initial = low[0].upper() if first else f"[{low[0].upper()}{low[0]}]"
    return initial + body[1:]


def load_aliases(path: Path | str = ALIASES_PATH) -> AliasTable:
    """The alias table from a ``canonical,alias`` CSV (blank alias = the name alone)."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        rows = [(r.get("canonical") or "", r.get("alias") or "") for r in csv.DictReader(fh)]
    return AliasTable((c, a) for c, a in rows if c.strip() and not c.startswith("#"))


_DEFAULT: AliasTable | None = None


def default_table() -> AliasTable:
    """The shared table: the project CSV plus everything :func:`register` added."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_aliases()
    return _DEFAULT


def alias_pairs(names) -> list[tuple[str, str]]:
    """``(canonical, alias)`` pairs from any of the shapes :func:`register` accepts."""
    if hasattr(names, "columns"):  # a DataFrame
        return _pairs_from_frame(names)
    pairs = []
    for item in names:
        if isinstance(item, str):
            pairs.append((item, item))
        else:
            canonical_name, alias = item
            pairs.append((canonical_name, alias or canonical_name))
    return pairs


def _pairs_from_frame(df) -> list[tuple[str, str]]:
    if {"canonical", "alias"} <= set(df.columns):
        return [(c, a if isinstance(a, str) else c) for c, a in zip(df["canonical"], df["alias"], strict=True)]
    pairs = []
    for row in df.to_dict("records"):  # an organizations table: name, acronym, aliases
        name = row.get("name")
        if not isinstance(name, str) or not name or name.startswith("Unnamed "):
            continue  # a page that never names its organization gives nothing to match in text
        aliases = row.get("aliases")
        aliases = [] if aliases is None or isinstance(aliases, str | float) else list(aliases)  # list or array
        pairs.append((name, name))
        pairs.extend((name, a) for a in [row.get("acronym"), *aliases] if isinstance(a, str) and a)
    return pairs


def register(names, table: AliasTable | None = None) -> AliasTable:
    """Add names to a table in place (the shared one by default) and return it.

    ``names`` is a DataFrame with ``canonical, alias`` columns, an
    organizations table (``name, acronym, aliases``), ``(canonical, alias)``
    pairs, or plain names.  For a copy instead, use ``table.extended(alias_pairs(names))``.
    """
    table = table if table is not None else default_table()
    for canonical_name, alias in alias_pairs(names):
        table.add(canonical_name, alias)
    return table


def canonical(name: str, table: AliasTable | None = None) -> str:
    """One canonical name per organization: the full English name if known, else the cleaned name.

    >>> canonical("CPAFFC")
    "Chinese People's Association for Friendship with Foreign Countries"
    """
    return (table if table is not None else default_table()).canonical(name)


# --- the generic pass -------------------------------------------------------


@lru_cache(maxsize=1 << 14)
def _base(word: str) -> str:
    # The word without a possessive, lower-cased, last part of a hyphenated word ("Sub-Council" -> "council").
    w = word.translate(_APOSTROPHES)
    if w.endswith("'s"):
        w = w[:-2]
    w = w.rstrip("'")
    return w.rsplit("-", 1)[-1].lower()


@lru_cache(maxsize=1 << 14)  # asked of the same few hundred words over and over
def _is_head(word: str) -> bool:
    return word[:1].isupper() and _base(word) in _HEADS


_POSSESSIVE_ENDS = ("'s", "’s", "'", "’")  # a word ending so is a possessive


def _tokens(seq: str) -> list[tuple[str, str, int, int]]:
    """(kind, token, start, end) for each word ("w"), connector ("c") and spaced dash ("d") of a sequence.

    ``seq`` is a match of ``_SEQ_RE``: its tokens stand apart with blanks (spaces, tabs, one line break)
    between them and nothing else, so splitting on whitespace finds the very tokens that matching words,
    connectors followed by a blank and dashes between blanks would (the tests hold the two together), for
    much less than a regex match apiece.
    """
    tokens = []
    if "  " in seq or "\t" in seq or "\n" in seq:
        end = 0
        for token in seq.split():
            start = seq.find(token, end)
            end = start + len(token)
            tokens.append(("c" if token in _CONNECTORS else "d" if token in _DASHES else "w", token, start, end))
        return tokens
    start = 0  # one space between tokens, the usual case: each starts one after the end of the one before
    for token in seq.split(" "):
        end = start + len(token)
        tokens.append(("c" if token in _CONNECTORS else "d" if token in _DASHES else "w", token, start, end))
        start = end + 1
    return tokens


@dataclass
class _Runs:
    """One capitalized sequence cut into runs of words (``chunks``) and the connectors between them."""

    text: str
    table: AliasTable
    tokens: list[tuple[str, str, int, int]]
    chunks: list[list[int]]
    links: list[tuple[str, ...]]

    def word(self, k: int, i: int = -1) -> str:
        return self.tokens[self.chunks[k][i]][1]

    def head(self, k: int) -> str | None:
        return _head_kind(self.word(k))

    def span_text(self, first: int, last: int) -> str:
        start = self.tokens[self.chunks[first][0]][2]
        return self.text[start : self.tokens[self.chunks[last][-1]][3]]


def _runs(text: str, table: AliasTable) -> _Runs:
    tokens = _tokens(text)
    chunks: list[list[int]] = []
    links: list[tuple[str, ...]] = []
    pending: list[str] = []
    current: list[int] | None = None
    joined = False
    for i, (kind, word, _, _) in enumerate(tokens):
        if kind == "w":
            if current is not None and not pending:
                current.append(i)
            else:
                if current is not None:
                    chunks.append(current)
                    links.append(tuple(pending))
                pending, current = [], [i]
            joined = False
            if word.endswith(_POSSESSIVE_ENDS) and _is_head(word):
                # "the Association's Executive Board": the possessor ends its run.
                pending = ["'s"]
        elif kind == "d" and not pending and not joined and _one_word(tokens, current):
            joined = True  # "Vietnam - China Friendship Association": one compound word
        else:
            pending.append(word.lower() if kind == "c" else "-")
    if current is not None:
        chunks.append(current)
    return _Runs(text, table, tokens, chunks, links)


def _one_word(tokens, run: list[int] | None) -> bool:
    return run is not None and sum(tokens[i][1].lower() not in _LEADING_STOP for i in run) == 1


@lru_cache(maxsize=1 << 14)  # the same few hundred words, several times per sequence
def _head_kind(word: str) -> str | None:
    base = _base(word)
    if not word[:1].isupper():
        return None
    if base in _BARE_HEADS:
        return "bare"
    if base in _MODIFIED_HEADS:
        return "modified"
    if base in _EVENT_WORDS:
        return "event"
    return None


def _right_extent(runs: _Runs, k: int, first: int) -> int:
    """Index of the last run the name headed at run ``k`` takes as its complement."""
    last, prev_conn = k, None
    while last + 1 < len(runs.chunks):
        link = runs.links[last]
        conn = link[0] if link else None
        ok_shape = len(link) == 1 or (len(link) == 2 and link[1] == "the")
        if conn in _COMPLEMENT_CONNECTORS and ok_shape and (conn != "with" or prev_conn == "for"):
            if runs.head(last + 1) == "event" and runs.table.lookup(runs.span_text(last + 1, last + 1)) is None:
                break  # "... of the Russian Federation Conference": an event is no part of a name
            last, prev_conn = last + 1, conn
            if conn == "in":  # "Office in Beijing": a place ends the name
                break
            continue
        if link in (("and",), ("&",)) and last > k and _inner_and(runs, first, last):
            last += 1  # "for Science and Technology": inside the complement
            continue
        break
    return last


def _inner_and(runs: _Runs, first: int, last: int) -> bool:
    """Does the 'and' after run ``last`` join two words of one name rather than two names?"""
    nxt = last + 1
    if runs.head(nxt) in ("bare", "modified") or _base(runs.word(nxt, 0)) in _TITLES:
        return False  # "... and Beijing Association", "... and President of ..."
    if _is_acronym(runs.word(nxt, 0)) and len(runs.chunks[nxt]) == 1:
        return False  # "... Exchanges and UNDP"
    # A known name is complete: "China International Center for Economic and Technical Exchanges and Chris Wood".
    return runs.table.lookup(runs.span_text(first, last)) is None


def _left_extent(runs: _Runs, k: int, taken: int) -> int:
    """Index of the first run of the name headed at run ``k``."""
    if k - 1 > taken and runs.links[k - 1] in (("and",), ("&",)) and runs.head(k - 1) is None:
        prev = runs.span_text(k - 1, k - 1)
        if not _whole_place(prev):  # not "between China and Black Sea ... Organization"
            return k - 1  # "China Biodiversity Conservation and Green Development Foundation"
    return k


def _trim_front(tokens, chunk: list[int]) -> list[int]:
    i = 0
    while i < len(chunk):
        word = tokens[chunk[i]][1]
        low = word.lower()
        if low in _LEADING_STOP or word.isdigit() or _ORDINAL.fullmatch(low) or _NUMERIC.fullmatch(word):
            i += 1
            continue
        break
    return chunk[i:]


def _generic_spans(words: str, table: AliasTable) -> list[tuple[int, int]]:
    """Spans of organization names in one capitalized sequence, relative to it."""
    if " " not in words and "\n" not in words or not _HEAD_HINT.search(words):
        return []  # one word is never a name here; no head noun, no name
    runs = _runs(words, table)
    spans: list[tuple[int, int]] = []
    taken = -1  # runs up to this index belong to a name already
    for k in range(len(runs.chunks)):
        if k <= taken or runs.head(k) not in ("bare", "modified"):
            continue
        span = _name_at(runs, k, taken)
        if span is None:
            continue
        first, last = span
        taken = last
        start = runs.tokens[_trim_front(runs.tokens, runs.chunks[first])[0]][2]
        spans.append((start, _end_without_possessive(runs.tokens, runs.chunks[last])))
    return spans


def _name_at(runs: _Runs, k: int, taken: int) -> tuple[int, int] | None:
    first = _left_extent(runs, k, taken)
    if first < k and not _trim_front(runs.tokens, runs.chunks[first]):
        first = k
    head_run = _trim_front(runs.tokens, runs.chunks[k])
    if not head_run or (len(head_run) == 1 and runs.word(k, 0).isdigit()):
        return None  # "2020 Foundation": the number was part of the name, trimming it leaves a bare word
    last = _right_extent(runs, k, first)
    modifiers = [_base(runs.tokens[i][1]) for i in head_run[:-1]]
    if first < k:
        modifiers.append("and")
    if not modifiers:
        if runs.head(k) != "bare" or last == k or _after_event(runs, k):
            return None
    elif last == k and all(m in _GENERIC_MODIFIERS for m in modifiers):
        return None
    if modifiers and (modifiers[-1], _base(runs.word(k))) in _NOT_ORG_PAIRS:
        return None  # a "Study Group" is a delegation, a "Convention Center" a venue
    return first, last


def _after_event(runs: _Runs, k: int) -> bool:
    # "Forum of Federation for ...": a bare head right after an event's "of" is the event's title.
    return k > 0 and runs.links[k - 1][:1] in (("of",), ("for",)) and runs.head(k - 1) == "event"


def _end_without_possessive(tokens, chunk: list[int]) -> int:
    word, end = tokens[chunk[-1]][1], tokens[chunk[-1]][3]
    if word.endswith(("'s", "’s")) and _is_head(word):
        return end - 2
    if word.endswith(("'", "’")):
        return end - 1
    return end


# --- putting the passes together ---------------------------------------------


# A name found by one of the passes: (start, end, canonical name, surface).  A plain tuple, not a small class:
# a paragraph yields a few of them and building them was a visible part of the cost.
_Found = tuple[int, int, str, str]
# The parse of one capitalized sequence, cached by its words: names as (start, end, name) and acronym candidates
# as (start, end, token), both relative to the sequence, and whether a name of the table may begin in it.
_Parsed = tuple[tuple[tuple[int, int, str], ...], tuple[tuple[int, int, str], ...], bool]
_NOTHING: _Parsed = ((), (), False)  # what most sequences hold, shared
_ONLY_KNOWN_START: _Parsed = ((), (), True)


def find_organizations(text: str, table: AliasTable | None = None) -> list[OrgMention]:
    """Organizations named in ``text``, in order of appearance, each under its canonical name.

    Acronyms defined in the text ("... Network (SIRONET)") and dash appositives
    ("Norwegian Entrepreneurs Alliance – Norges Gründerforening –") are
    aliases for this text only; register them to make them global.

    >>> [m.name for m in find_organizations("A Red Cross Society of China team met WHO staff.")]
    ['Red Cross Society of China', 'World Health Organization']
    """
    table = table if table is not None else default_table()
    found, acronym_spots, may_know = _named_spans(text, table)
    if may_know:  # else no known name can stand in the text: its pattern need not be tried at every capital
        found.extend(_table_names(text, table))
    blocked: set[int] = set()  # where a defining "(ACRONYM)" stands: not a mention of its own
    local: dict[str, str] = {}
    for _, end, name, _ in list(found):
        if _DEFINITION_MARK.match(text, end):  # else _definitions finds nothing; a call per name saved
            _definitions(text, end, name, local, blocked, found)
    local_re = _local_alias_re(local) if local else None  # most texts define no alias
    if local_re is not None:
        for m in local_re.finditer(text):
            if not (m.start() and _WORD_CHAR.match(text, m.start() - 1)):
                found.append((m.start(), m.end(), local[m.group()], m.group()))
    found.extend(_acronyms(text, table, local, blocked, _all_acronym_spots(text, acronym_spots)))
    return _unify(_resolve_overlaps(found), table)


def organization_names(text: str, table: AliasTable | None = None) -> list[str]:
    """Distinct canonical names in ``text``, in order of first mention (for an event's list column)."""
    seen: dict[str, None] = {}
    for m in find_organizations(text, table):
        seen.setdefault(m.name, None)
    return list(seen)


def _named_spans(text: str, table: AliasTable) -> tuple[list[_Found], list[tuple[int, int, str]], bool]:
    """Names the generic pass finds, every place ``_ACRONYM_RE`` matches inside a capitalized sequence, and
    whether a name of the table may stand in ``text``.

    A name ``_table_names`` keeps begins with a match of ``table.starts_re``, a run of letters and digits whose first
    character can begin a sequence, after a character that cannot stand before one: so where it begins, a
    sequence begins or goes on, and holds the whole run.  A text none of whose sequences holds one of them
    has no such name.
    """
    found: list[_Found] = []
    spots: list[tuple[int, int, str]] = []
    may_know = False
    cache = table.span_cache
    for seq in (_SEQ_RE_ASCII if text.isascii() else _SEQ_RE).finditer(text):
        words = seq.group()
        parsed = cache.get(words)
        if parsed is None:
            # The same run of words recurs all through a corpus: parse it once.
            parsed = _parse(words, table)
            if len(cache) < 200_000:
                cache[words] = parsed
        if parsed == _NOTHING:  # most runs of capitalized words name nothing
            continue
        if parsed == _ONLY_KNOWN_START:  # the next most: a word a known name begins with ("China")
            may_know = True
            continue
        spans, acronyms, may_begin = parsed
        may_know |= may_begin
        offset = seq.start()
        if spans:
            found.extend([(offset + start, offset + end, name, words[start:end]) for start, end, name in spans])
        if acronyms:
            if acronyms[-1][1] == len(words) and text.startswith("-", seq.end()):
                acronyms = acronyms[:-1]  # "ABC-": the hyphen the sequence left out makes it no acronym
            spots.extend([(offset + start, offset + end, token) for start, end, token in acronyms])
    return found, spots, may_know


def _parse(words: str, table: AliasTable) -> _Parsed:
    spans = tuple(_parse_sequence(words, table))
    acronyms: tuple[tuple[int, int, str], ...] = ()
    if _ACRONYM_RE.search(words):  # most runs hold none: no generator to run for them
        acronyms = tuple([(m.start(), m.end(), m.group()) for m in _ACRONYM_RE.finditer(words)])
    starts_re = table.starts_re
    may_begin = starts_re is None or starts_re.search(words) is not None
    if spans or acronyms:
        return spans, acronyms, may_begin
    return _ONLY_KNOWN_START if may_begin else _NOTHING


def _all_acronym_spots(text: str, in_sequences: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Every match of ``_ACRONYM_RE`` in ``text``, in order, mostly from the sequences' cached parses.

    Without '&' an acronym match is a whole run of capitals and digits with neither a word character nor a
    hyphen on either side.  Its first letter then starts a capitalized sequence or lies inside one, unless an
    apostrophe stands before it ("'WHO'"), and the sequence holds the whole run; only the character after the
    sequence is outside it, which ``_named_spans`` checks.  '&' is an acronym character but no word character
    ("AT&T" spans two sequences), so a text with one is scanned whole.
    """
    if "&" in text:
        return [(m.start(), m.end(), m.group()) for m in _ACRONYM_RE.finditer(text)]
    if "'" not in text and "’" not in text:
        return in_sequences
    after_quotes = [
        (m.start(), m.end(), m.group())
        for quote in ("'", "’")
        for i in _positions(text, quote)
        if (m := _ACRONYM_RE.match(text, i + 1))
    ]
    # One inside a sequence ("Foo'BAR") is found both ways, the same.
    return sorted({*in_sequences, *after_quotes}) if after_quotes else in_sequences


def _positions(text: str, char: str) -> list[int]:
    out = []
    i = text.find(char)
    while i >= 0:
        out.append(i)
        i = text.find(char, i + 1)
    return out


def _parse_sequence(words: str, table: AliasTable) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    names = table.name_cache
    for start, end in _generic_spans(words, table):
        surface = words[start:end]
        # A name recurs in many sequences ("X and the Y", "X and Z"): settle what it stands for once.
        try:
            name = names[surface]
        except KeyError:
            name = _name_of(surface, table)
            if len(names) < 100_000:
                names[surface] = name
        if name is not None:
            out.append((start, end, name))
    return out


_UNSEEN = object()


def _name_of(surface: str, table: AliasTable) -> str | None:
    """The canonical name of a name the generic pass found, None if it is a place after all."""
    name = table.lookup(surface) or clean_name(surface)
    return None if _is_place(name) else name


def _is_place(name: str) -> bool:
    key = normalize_key(name)
    # Only "Federation" and "Union" end both organization and country names ("Russian Federation").
    return key in _NOT_ORGS or (_PLACE_HEADS.search(key) is not None and _whole_place(name))


@lru_cache(maxsize=1 << 14)
def _whole_place(words: str) -> bool:
    """Is ``words`` exactly one country or place name ("Russian Federation"), not a name containing one?"""
    found = countries.find_mentions(words)
    return len(found) == 1 and found[0].start == 0 and found[0].end == len(words.rstrip())


_DEFINITION_MARK = re.compile(r"[ \t]*[(–—]")  # what _definitions looks for after a name: blanks, then '(' or a dash


def _definitions(text, end, name, local, blocked, found) -> None:
    """Aliases the text gives right after a name: '(ACRONYM)' or '– Other Name –'."""
    # Both start after blanks with '(' or a dash: look at that character before trying either pattern.
    after = end
    while text.startswith((" ", "\t"), after):
        after += 1
    mark = text[after : after + 1]
    if mark == "(":
        m = _ACRONYM_DEF.match(text, end)
        if m and _plausible_acronym(m.group(1), name):
            local.setdefault(m.group(1), name)
            blocked.add(m.start(1))
    elif mark in ("–", "—") and after > end:
        m = _APPOSITIVE.match(text, end)
        if m and not _is_head(m.group(1).split()[-1]):
            local.setdefault(m.group(1), name)
            found.append((m.start(1), m.end(1), name, m.group(1)))


def _plausible_acronym(acronym: str, name: str) -> bool:
    # "(Lebanon)" after a name is a place, "(CPAFFC)" an acronym: it shares the first letter.
    upper = sum(ch.isupper() for ch in acronym)
    first = _LEADING_THE.sub("", name)[:1].upper()
    return upper >= 2 and acronym[0] == first


def _table_names(text: str, table: AliasTable) -> list[_Found]:
    regex = table.regex
    if regex is None:
        return []
    out = []
    for m in regex.finditer(text):
        if m.start() and _WORD_CHAR.match(text, m.start() - 1):
            continue
        name = table.lookup(m.group())
        if name:
            out.append((m.start(), m.end(), name, m.group()))
    return out


def _local_alias_re(local: dict[str, str]) -> re.Pattern | None:
    names = [n for n in local if not _is_acronym(n)]
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?:{alternatives})(?![\w-])")  # left edge checked by the caller


def _acronyms(text: str, table: AliasTable, local: dict[str, str], blocked, spots) -> list[_Found]:
    out = []
    for start, end, token in spots:
        name = local.get(token) or table.acronym_target(token)
        if not name or start in blocked or _in_heading(text, start, end):
            continue
        out.append((start, end, name, token))
    return out


def _in_heading(text: str, start: int, end: int) -> bool:
    # "WHO WE ARE" is a heading, not the World Health Organization.
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    other = line[: start - line_start] + line[end - line_start :]
    return bool(re.search(r"[A-Za-z]", other)) and not any(ch.islower() for ch in line)


def _unify(mentions: list[OrgMention], table: AliasTable) -> list[OrgMention]:
    # Names the table does not know: variants within one text share the first spelling seen.
    first: dict[str, str] = {}
    out = []
    for m in mentions:
        name = m.name
        if table.lookup(name) is None:
            name = first.setdefault(normalize_key(name), name)
        out.append(m if name == m.name else OrgMention(name, m.surface, m.start, m.end))
    return out


def _resolve_overlaps(found: list[_Found]) -> list[OrgMention]:
    # As sorting on _first_and_longest, with two sorts whose keys need no call to Python: by end, the later
    # first, then by start.  Both are stable (reverse=True too), so among equal spans the earlier pass wins.
    found.sort(key=_END, reverse=True)
    found.sort(key=_START)
    out: list[OrgMention] = []
    last_end = -1
    for start, end, name, surface in found:
        if start >= last_end:
            out.append(OrgMention(name, surface, start, end))
            last_end = end
    return out


_START = itemgetter(0)
_END = itemgetter(1)


def _first_and_longest(f: _Found) -> tuple[int, int]:
    return f[0], f[0] - f[1]
