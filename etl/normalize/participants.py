"""Head-counts of people taking part -> :class:`HeadCount` (a lower bound with a qualifier).

Text rules (:func:`find_headcount`)
-----------------------------------
* A count is a number (``1,345``, ``3.400``, ``1.5 million``, ``twenty-five``, ``two hundred``,
  ``one hundred and twenty``, ``a dozen``, ``two dozen``, ``half a dozen``) followed within five
  words by a people noun (people, participants, representatives, volunteers, experts, students,
  officials, spectators ...).  A plural non-people noun
  (countries, organizations, schools, projects, bags ...) or a function word ends the search,
  so "representatives of 21 countries" is not a head-count.  "and"/"or" may join adjectives
  ("90 Kenyan and Chinese students").
* Also counted: "a three-member delegation", "the 13-member team", "a 30-strong choir",
  "a delegation of 12", "a group of 14" (after "a", and with people or nothing after the number),
  "participants numbered 300", "attendance reached 1,200".
* Never counted: ordinals (``142th``), percentages, money, ages ("18-year-old"), a year
  before its noun unless it stands alone ("the 2019 volunteers", "on 9 March 2019 volunteers"
  are dates), "dozens of", and "person-times" (visits, not people).
* Qualifiers: more than/over/above/at least, "300+", "300 or more", "200-300", "thirty or forty" ->
  ``more_than``; nearly/almost/close to -> ``nearly``; about/around/some/approximately/
  "a dozen"/"40 or so" -> ``about``; up to/as many as -> ``up_to``; otherwise ``exact``.  The value is
  always the stated (lowest) number.
* The headline: each count scores +2 when tied to taking part (a participation verb after
  it in the sentence: attended, took part, arrived, presented ...; or a cue just before it:
  "the participation of", "attended by", "drew", "send", "a workshop for"), -4 when its sentence is a
  cumulative statistic ("so far", "has dispatched", "benefited", "covering"), -1 when it is
  a subset ("including 37 ...") and -1 for membership nouns (members, staff, employees).
  The best wins, ties go to the first; when the best is negative there is no head-count,
  since a statistic is worse than a gap.
"""

from __future__ import annotations

import re
from bisect import bisect_left

import numpy as np
import pandas as pd

from etl.records import frozen

# More than the population of most cities taking part in one exchange: a unit or typing error.
MAX_HEADCOUNT = 10_000_000
MISSING_TOKENS = frozenset(
    {"", "-", "--", "—", "–", ".", "?", "n/a", "na", "n.a.", "nan", "none", "null", "nil", "unknown", "missing",
     "not known", "not reported", "-9", "-99", "-999", "-9999"}
)
# Vague on purpose in the source: no number to report, but not an error either.
VAGUE_TOKENS = frozenset(
    {"dozens", "hundreds", "thousands", "several", "many", "numerous", "various", "a few", "few", "some",
     "a number", "a lot", "lots", "multiple", "countless"}
)


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000}

_PEOPLE = _words(
    """people persons person participants participant representatives representative delegates delegate guests
    guest volunteers volunteer members member ambassadors ambassador experts expert scholars scholar students
    student youth youths officials official journalists journalist reporters athletes athlete teachers teacher
    doctors doctor nurses attendees attendee visitors visitor craftsmen craftsman craftspeople artisans children
    kids pupils women men girls boys entrepreneurs entrepreneur leaders leader delegations researchers scientists
    academics professors artists performers musicians dancers singers tourists trainees graduates villagers
    farmers workers residents citizens individuals envoys diplomats ministers parliamentarians legislators
    mayors executives businesspeople businessmen businesswomen specialists professionals teenagers veterans
    speakers panelists panellists observers alumni fellows interns staff employees physicians medics players
    writers poets painters photographers filmmakers actors actresses engineers technicians officers cadets chefs
    monks pilgrims runners cyclists swimmers climbers hikers campers learners apprentices mentors instructors
    trainers lecturers principals headmasters librarians curators architects lawyers judges surgeons dentists
    pharmacists midwives caregivers firefighters rescuers paramedics elders seniors retirees parents mothers
    spectators viewers onlookers audience audiences fans supporters makers winemakers growers herders herdsmen
    fishermen shepherds beekeepers gardeners walkers riders horsemen trekkers skiers skaters rowers sailors divers
    joggers marathoners golfers archers wrestlers boxers gymnasts footballers choristers drummers pianists
    violinists vocalists calligraphers potters weavers designers cooks bakers translators interpreters editors
    bloggers activists campaigners organisers organizers coordinators facilitators moderators educators faculty
    schoolchildren schoolgirls schoolboys undergraduates postgraduates teens adolescents adults youngsters
    locals townspeople worshippers nuns priests travellers travelers backpackers soldiers troops peacekeepers
    policemen servicemen competitors contestants entrants finalists winners laureates pensioners grandparents
    fathers counterparts colleagues personnel staffers inhabitants planters exhibitors servants embroiderers
    agronomists breeders carvers sculptors veterinarians horticulturists consuls lawmakers deputies councillors
    councilors imams pastors acupuncturists herbalists therapists nutritionists economists traders importers
    exporters buyers vendors agents paddlers anglers acrobats rangers innovators inventors founders coaches
    developers programmers friends beginners newcomers enthusiasts presidents vice-presidents rectors deans
    chairpersons chairmen chairwomen historians archaeologists archeologists politicians linguists sinologists
    geologists biologists ecologists botanists chemists physicists mathematicians statisticians sociologists
    anthropologists psychologists educationists educationalists clinicians ophthalmologists optometrists
    paediatricians pediatricians obstetricians gynaecologists cardiologists oncologists anaesthetists
    anesthetists radiologists dietitians electricians mechanics carpenters welders masons plumbers"""
)
# Ranked below other people nouns: they often count an organization's membership or payroll.
_WEAK_PEOPLE = frozenset({"members", "member", "employees", "staff", "workers", "residents", "citizens", "personnel",
                          "staffers", "inhabitants"})
# Plural (or mass) nouns only: singular ones are modifiers as often as not ("40 high school students").
_NOT_PEOPLE = _words(
    """countries regions nations states economies cities provinces organizations organisations institutions
    associations societies agencies ngos companies enterprises firms businesses universities colleges schools
    villages towns projects programs programmes events activities sessions bags positions booths items pieces
    books copies tons tonnes year years months days hours times editions percent yuan dollars euros rmb usd km
    kilometers kilometres meters metres hectares sites media outlets newspapers languages partners chambers
    federations groups teams clubs hospitals person-times person-time person*time person*times man-times visits
    applicants candidates"""
)
_GROUP_NOUNS = _words("delegation team group troupe mission crew contingent squad panel party choir band cohort class "
                      "ensemble orchestra quartet quintet")
# Group nouns with their plurals: a country's name right before one says whose group it is ("a Japan youth
# delegation"); see etl.sources.text._is_origin.
GROUP_NOUNS = _GROUP_NOUNS | _words("delegations teams groups troupes missions crews contingents panels choirs bands "
                                    "ensembles orchestras")
# Nouns for people, groups of them and envoys: what a demonym before one says is where they come from ("Uzbek
# journalists", "the Nepalese ambassador").
VISITOR_NOUNS = _PEOPLE | GROUP_NOUNS | _words(
    """ambassador envoy consul consuls minister president premier mayor governor chairman chairwoman chair
    secretary counsellor attache"""
)
_STOP_WORDS = _words(
    """of from in to at for with by on and or as than who which that were was are is have has had will would
    the a an this these those its their our his her"""
)

# A plain space is no thousands separator in running text: "in 2018 100 people" is two numbers.
_NUM = r"\d{1,3}(?:(?:,|\.|[\u00a0\u202f])\d{3})+(?![\d.,]\d)|\d+\.\d+(?=\s+(?:million|thousand)\b)|\d+(?![.,]\d)"
_UNIT_ALT = "|".join(sorted(_UNITS, key=len, reverse=True))
_TENS_ALT = "|".join(sorted(_TENS, key=len, reverse=True))
_BELOW_HUNDRED = rf"(?:(?:{_TENS_ALT})(?:[- ](?:{_UNIT_ALT}))?|{_UNIT_ALT})"
# A scale word multiplies the number before it ("two dozen", "three hundred"), and "half" halves it ("half a dozen");
# "and" adds the tens after a hundred or thousand ("one hundred and twenty").
# Public for other readers of numbers in words (text.py's "two days later").
NUMBER_BELOW_HUNDRED = _BELOW_HUNDRED
_AND_TENS = rf"(?:\s+and\s+{_BELOW_HUNDRED})?"
_WORD_NUM = (
    rf"{_BELOW_HUNDRED}(?:[- ](?:dozen|million)|[- ](?:hundred|thousand){_AND_TENS})?"
    r"|(?:half[- ]an?|an?[- ]half)[- ](?:dozen|hundred|thousand|million)"
    rf"|an?[- ](?:million|(?:hundred|thousand){_AND_TENS})"
)
# All text patterns run on lowercased text: case-sensitive alternations are several times faster than re.I ones.
_COUNT = re.compile(
    rf"(?<![\w$€£¥.,/+-])(?P<num>{_NUM}|a\s+dozen\b|(?:{_WORD_NUM})\b)(?:\s+(?P<scale>million|thousand)\b)?"
    rf"(?P<tail>\+|[-‐]odd\b|\s+(?:or|and)\s+more\b|(?P<approx>\s+or\s+so\b)|\s*(?:[-–]|to|and|or)\s*(?:{_NUM})\b"
    rf"|\s+(?:to|or)\s+(?P<word2>{_WORD_NUM})\b)?"
    rf"(?!\s*(?:%|percent|per cent)|[-‐]?(?:year|yr|month|week|day|hour)s?[-\s]old|\w)",
)
# The noun first: "participants numbered about 300", "attendance reached 1,200".
_NOUN_THEN_COUNT = re.compile(
    r"\b(?:(?P<noun>participants|attendees|visitors|delegates|guests|people|volunteers)(?:\s+\w+){0,2}?\s+"
    r"(?:numbered|totall?ed|reached|exceeded|topped|stood\s+at)\s+|(?P<mass>attendance|turnout)\s+(?:of|was|reached|"
    r"exceeded|topped|stood\s+at|totall?ed)\s+|(?P<label>participants|attendees|attendance)[^\S\n]*[:：][^\S\n]*)"
    rf"(?P<q>(?:more\s+than|over|about|around|some|nearly|almost|approximately|roughly)\s+)?(?P<num>{_NUM})\b(?![%\w])"
)
_DIGITS = re.compile(r"\d\d*")  # as \d+, but the leading single \d lets the engine skip to digits
# For ASCII text: "1" for an ASCII digit, a space for any other byte, so that digit runs are found with bytes.find.
_DIGIT_MASK = bytes(ord("1") if chr(b).isdigit() and b < 128 else ord(" ") for b in range(256))
_SCALE_WORDS = ("dozen", "hundred", "thousand", "million")
# The words an article may come before in a number: "a dozen", "a half dozen".
_ARTICLE_WORDS = (*_SCALE_WORDS, "half")
_NUMBER_WORDS = (*_UNITS, *_TENS, *_ARTICLE_WORDS)
_MEMBER_WORDS = ("member", "strong", "person", "people", "man")
_MEMBER_SUFFIX = re.compile(rf"[-‐](?:{'|'.join(_MEMBER_WORDS)})\b")
_NUM_BEFORE = re.compile(rf"(?<![\w.,-])(?:\d+|{_WORD_NUM})$")
# Literal searches are fast; the full patterns then run only in a window around each hit.
_OF = re.compile(r"of(?=\s)")  # preceded by white space too: checked by _group_candidates
_NOUN_THEN_COUNT_WORDS = ("numbered", "totaled", "totalled", "reached", "exceeded", "topped", "stood at", "attendance",
                          "turnout", "participants:", "attendees:")  # the last two: a field ("Participants: 150")
_NOUN_THEN_COUNT_HINT = re.compile("|".join(_NOUN_THEN_COUNT_WORDS))
_GROUP_OF_NOUNS = ("delegation", "team", "troupe", "mission", "crowd", "audience", "contingent", "gathering", "party",
                   "crew")
_GROUP_OF = re.compile(rf"\b(?:{'|'.join(_GROUP_OF_NOUNS)})\s+of\s+")
# "a group of 14", "a walking group of 22": only after "a", since "the Group of 77" is a bloc of countries; ends at the
# "of" it is searched before.
_A_GROUP_OF = re.compile(r"\ban?\s+(?:[a-z]+\s+)?group\s+of\s\Z")
_GROUP_SIZE = re.compile(
    rf"(?P<q>(?:more\s+than|over|about|around|some|nearly|almost|up\s+to|approximately|roughly)\s+)?"
    rf"(?P<num>{_NUM}|(?:{_WORD_NUM})\b)(?![\w%])"
)
# The phrases of each qualifier, each ending in a plain character.
_QUALIFIER_PHRASES = {
    "more_than": (r"more\s+than", "over", "above", r"upwards\s+of", r"in\s+excess\s+of", r"at\s+least",
                  r"no\s+(?:fewer|less)\s+than", "exceeding", "beyond"),
    "nearly": ("nearly", "almost", r"close\s+to", r"just\s+under", "approaching", "nearing"),
    "about": ("about", "around", "some", "approximately", r"approx\.", "roughly", r"an\s+estimated", "estimated",
              "circa", r"c\.", "~"),
    "up_to": (r"up\s+to", r"as\s+many\s+as", r"a\s+maximum\s+of"),
}


def _qualifier_pattern(phrases: dict[str, tuple[str, ...]]) -> re.Pattern:
    """A qualifier phrase at the end of the text (then only whitespace), in a group named after the qualifier."""
    groups = "|".join(f"(?P<{name}>{'|'.join(alts)})" for name, alts in phrases.items() if alts)
    # A phrase starts a word: the "over" of "moreover" qualifies nothing.
    return re.compile(rf"(?<!\w)(?:{groups})\s*$")


_QUALIFIER_BEFORE = _qualifier_pattern(_QUALIFIER_PHRASES)
# The same, split by the last character of the phrases: a match ends in the last character before the trailing
# whitespace, so only the phrases ending in it can match, and the search tries a few of them instead of all.
_QUALIFIER_BY_LAST_CHAR = {
    last: _qualifier_pattern({name: tuple(a for a in alts if a[-1] == last) for name, alts in _QUALIFIER_PHRASES.items()})
    for last in {a[-1] for alts in _QUALIFIER_PHRASES.values() for a in alts}
}
# The last word of every qualifier: a number after none of them has none, which str.endswith tells far faster than
# the search, tried at every position of the window.
_QUALIFIER_LAST_WORDS = ("than", "over", "above", "of", "least", "exceeding", "beyond", "nearly", "almost", "to", "under",
                         "approaching", "nearing", "about", "around", "some", "approximately", "approx.", "roughly",
                         "estimated", "circa", "c.", "~", "as")
_WORD = re.compile(r"[A-Za-z][\w'’*]*(?:-[A-Za-z][\w'’*]*)*|\S")

# Verbs after a count, and cues before it, that tie the count to taking part.
_PARTICIPATE_AFTER_WORDS = (
    "attended", "attend", "attending", "participated", "participate", "participating", r"took\s+part", r"take\s+part",
    r"taking\s+part", "joined", "join", "gathered", "gather", "arrived", "arrive", "came", "come", "presented", "present",
    r"were\s+present", r"was\s+present", "went", "visited", "toured", r"travel(?:l)?ed", "competed", "registered",
    r"signed\s+up", r"turned\s+out", r"showed\s+up", "assembled", "met", r"started\s+their", r"began\s+their",
    r"set\s+off", "departed", r"left\s+for", r"were\s+(?:invited|received|welcomed)", "discussed", "exchanged",
    "shared", r"took\s+the\s+stage", "performed", "became", "become", "completed", "graduated",
)
_PARTICIPATE_BEFORE_WORDS = (
    r"participation\s+of", r"attended\s+by", r"joined\s+by", "attracting", "attracted", "attract", "drew", "drawing",
    r"brought\s+together", r"bringing\s+together", "gathered", "gathering", "welcomed", "received", "hosted",
    "involving", "involved", "send", "sent", "sending", "dispatched", "dispatch", r"accompanied\s+by", r"presence\s+of",
    "trained", "training",
    # an event for them: "a workshop for 40 members", "a dinner was held for 60 residents"
    r"workshops?\s+for", r"seminars?\s+for", r"courses?\s+for", r"class(?:es)?\s+for", r"lectures?\s+for",
    r"sessions?\s+for", r"camps?\s+for", r"receptions?\s+for", r"dinners?\s+for", r"banquets?\s+for",
    r"tours?\s+for", r"trips?\s+for", r"held\s+for", r"organi[sz]ed\s+for", r"arranged\s+for",
)


def _by_first_letter(alternatives: tuple[str, ...]) -> str:
    """``alternatives`` (each opening on a plain letter) as one alternation, grouped by that letter.

    The engine tries a branch per first letter at each position instead of one per alternative, and finds the
    same match: only the alternatives that open on the letter there can match, and they keep their order.
    """
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        groups.setdefault(alternative[0], []).append(alternative[1:])
    return "|".join(f"{letter}(?:{'|'.join(rests)})" for letter, rests in groups.items())


_PARTICIPATE_AFTER = re.compile(rf"\b(?:{_by_first_letter(_PARTICIPATE_AFTER_WORDS)})\b")
_PARTICIPATE_BEFORE = re.compile(rf"\b(?:{_by_first_letter(_PARTICIPATE_BEFORE_WORDS)})\b(?:\s+\S+){{0,3}}\s*$")
# (cue, a word every match of the cue contains): a sentence holding none of these words is no statistic,
# and a plain substring test says so far faster than the pattern, which is tried at every position.
_CUMULATIVE_CUES = (
    (r"so\s+far", "far"), (r"to\s+date", "date"), (r"in\s+total", "total"), (r"totally", "total"),
    (r"altogether", "altogether"), (r"cumulative(?:ly)?", "cumulative"), (r"since\s+(?:19|20)\d\d", "since"),
    (r"over\s+the\s+past", "past"), (r"over\s+the\s+years", "year"),
    (r"has\s+(?:now\s+)?(?:totally\s+)?(?:dispatched|sent|trained|benefited|served|helped|reached)", "has"),
    (r"have\s+(?:now\s+)?(?:participated|benefited)", "have"), (r"benefit(?:ed|s)?", "benefit"),
    (r"will\s+(?:directly\s+)?serve", "serve"), (r"covering", "covering"), (r"boasts", "boasts"),
    (r"population", "population"), (r"employ(?:s|ed)?", "employ"), (r"each\s+year", "year"),
    (r"annually", "annually"), (r"every\s+year", "year"),
)
_CUMULATIVE = re.compile(r"\b(?:" + "|".join(cue for cue, _ in _CUMULATIVE_CUES) + r")\b")
_CUMULATIVE_WORDS = tuple(dict.fromkeys(word for _, word in _CUMULATIVE_CUES))
# The words of the cues again, but whole ("totally" is not "total"): each match of a cue holds one of them.
_CUMULATIVE_WHOLE_WORDS = _words(
    """far date total totally altogether cumulative cumulatively since past years has have benefit benefited
    benefits serve covering boasts population employ employs employed year annually"""
)
_SUBSET_BEFORE = re.compile(r"\b(?:including|among\s+(?:them|whom)|of\s+whom|of\s+them|such\s+as|another)\s+"
                            r"(?:(?:more\s+than|over|about|nearly|some)\s+)?$")
_SUBSET_WORDS = ("including", "among", "whom", "them", "such", "another")  # as _CUMULATIVE_WORDS
_YEAR_CONTEXT = re.compile(r"\b(?:the|a|an|this|its|their|in|during|throughout|of|since|from|by|until|to|for)\s+$")
# The rest of a date, or a season, before a year: "9 March 2023", "March 9, 2023", "Sept. 2023", "spring 2023".
_MONTHS = ("january february march april may june july august september october november december "
           "jan feb mar apr jun jul aug sep sept oct nov dec spring summer autumn fall winter")
_DATE_BEFORE_YEAR = re.compile(rf"\b(?:{'|'.join(_MONTHS.split())})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?,?\s+$")
# "[.!?;](?=\s|$)|\n", each branch opening with a plain character so that the engine skips ahead to them.
_SENTENCE_END = re.compile(r"\.(?=\s|$)|!(?=\s|$)|\?(?=\s|$)|;(?=\s|$)|\n")
_SENTENCE_MARKS = ".!?;\n"  # the characters _SENTENCE_END matches
_WINDOW_WORDS = 5
_SENTENCE_REACH = 400

# Each way to state a count needs some word to stand whole in the text, with no letter or digit on either side: a
# number needs a people noun after it, and a number word unless it is in digits ("twenty-five", "a dozen"); "a
# three-member delegation" needs one of _MEMBER_WORDS and a group noun; "a delegation of 12" one of
# _GROUP_OF_NOUNS; "participants numbered 300" the first word of one of _NOUN_THEN_COUNT_WORDS; a cumulative
# statistic one of _CUMULATIVE_WHOLE_WORDS.  Which of these words a paragraph holds is read in one pass (see
# _anchor_words), and the stages whose words are missing are skipped.
_NOUN_THEN_COUNT_FIRST_WORDS = frozenset(hint.split()[0].rstrip(":") for hint in _NOUN_THEN_COUNT_WORDS)
_ANCHOR_WORDS = frozenset().union(_PEOPLE, _NUMBER_WORDS, _MEMBER_WORDS, _GROUP_NOUNS, _GROUP_OF_NOUNS,
                                  _NOUN_THEN_COUNT_FIRST_WORDS, _CUMULATIVE_WHOLE_WORDS)
# ASCII letters and digits stay, every other byte becomes a space: a non-ASCII character then splits a word, which
# can only add words to the set (a false alarm that costs a scan), never hide one.
_ASCII_ALNUM = bytes(b if b < 128 and chr(b).isalnum() else ord(" ") for b in range(256))
_ANCHOR_BYTES = frozenset(word.encode("ascii") for word in _ANCHOR_WORDS)


@frozen  # a dataclass(frozen=True), cheaper to build: see etl.records
class HeadCount:
    """A head-count found in text: the stated number, how it is qualified, and where it is.

    ``char_start``/``char_end`` cover the qualifier, the number and the people noun
    ("More than 150 people").
    """

    value: int
    qualifier: str  # "exact" | "more_than" | "nearly" | "about" | "up_to"
    char_start: int
    char_end: int


_WORD_NUMBER_PARTS = re.compile(r"[-\s]+")


def _word_value(words: str) -> int | None:
    """'twenty-five' -> 25, 'two hundred' -> 200, 'a dozen' -> 12, 'two dozen' -> 24, 'half a dozen' -> 6."""
    parts = _WORD_NUMBER_PARTS.split(words.lower().strip())
    if parts == ["a", "dozen"]:
        return 12
    total, current, half = 0, 0, False
    for part in parts:
        if part in ("a", "an"):
            current = 1
        elif part == "half":
            half = True  # of the scale that follows
        elif part == "and":
            continue  # "one hundred and twenty"
        elif part in _UNITS:
            current += _UNITS[part]
        elif part in _TENS:
            current += _TENS[part]
        elif part in _SCALES:
            current = max(current, 1) * _SCALES[part]
            if half:
                current, half = current // 2, False
            if _SCALES[part] >= 1000:
                total, current = total + current, 0
        else:
            return None
    return total + current


_DECIMAL = re.compile(r"\d+\.\d+")
_SEPARATORS = re.compile(r"[,. \u00a0\u202f']")


def number_value(raw: str, scale: str | None = None) -> int | None:
    """The value of a number in digits or lowercase words ("1,200", "twenty-one", "a dozen"), times ``scale``."""
    factor = _SCALES[scale] if scale else 1
    if scale and _DECIMAL.fullmatch(raw):
        return round(float(raw) * factor)
    if raw.isdecimal():  # the usual case, with no separator to take out
        return int(raw) * factor
    value = int(_SEPARATORS.sub("", raw)) if raw[0].isdigit() else _word_value(raw)
    return None if value is None else value * factor


def _token(word: re.Match) -> str:
    """``_plain_token`` of a ``_WORD`` match."""
    return _plain_token(word.group())


def _plain_token(word: str) -> str:
    """A word lowercased without its possessive: "countries'" and "country's" count as the noun."""
    token = word.lower()
    if token.endswith(("'s", "’s")):
        return token[:-2]
    return token.rstrip("'’")


# What a word does to the search for a people noun after a number: it is the noun, "and"/"or" (which may join
# adjectives), a word that ends the search (a function word, a non-people noun, no word at all, "person-times"),
# or one to read past.
_NOUN, _JOINER, _STOPS, _READ_PAST = range(4)
# (token, role) per distinct word as _WORD matched it: the same few hundred words come back in every paragraph.
_WORD_ROLES: dict[str, tuple[str, int]] = {}
_WORD_ROLES_MAX = 100_000  # cleared when full, so that memory stays bounded


def _word_role(word: str) -> tuple[str, int]:
    role = _WORD_ROLES.get(word)
    if role is None:
        token = _plain_token(word)
        if token in _PEOPLE:
            role = token, _NOUN
        elif token in ("and", "or"):
            role = token, _JOINER
        elif (token in _NOT_PEOPLE or token in _STOP_WORDS or not token[:1].isalpha()
              or token.endswith(("-times", "*time", "*times"))):
            role = token, _STOPS
        else:
            role = token, _READ_PAST
        if len(_WORD_ROLES) >= _WORD_ROLES_MAX:
            _WORD_ROLES.clear()
        _WORD_ROLES[word] = role
    return role


def _people_noun(text: str, pos: int) -> tuple[str, int] | None:
    """The people noun heading the words after ``pos`` (within a few words, on its line), with its end, else None.

    A line break ends the phrase: "... from Three Continents" closing a title does not count the "teenagers" that
    open the next line."""
    stop = text.find("\n", pos, pos + 120)
    words = _WORD.finditer(text, pos, pos + 120 if stop < 0 else stop)
    mine = _OF_OURS.match(text, pos)  # "five of our doctors", "nineteen of us": the reporting side's own people
    if mine is not None:
        if mine.group(1) == "us":
            return "people", mine.end()
        words = _WORD.finditer(text, mine.end(), pos + 120 if stop < 0 else stop)
    for count, word in enumerate(words):
        token, role = _word_role(word.group())
        if role == _NOUN:
            end = word.end()
            # "youth representatives": the phrase runs to the last noun of the compound.
            for nxt in words:
                if _word_role(nxt.group())[1] != _NOUN:
                    break
                end = nxt.end()
            return token, end
        # "90 Kenyan and Chinese students": a conjunction may join adjectives, never the number to a noun.
        if role == _JOINER and count:
            continue
        if count >= _WINDOW_WORDS or role != _READ_PAST:  # "and"/"or" first are function words
            return None
    return None


_OF_OURS = re.compile(r"[^\S\n]+of[^\S\n]+(us|our)\b")


def _group_noun_after(text: str, pos: int) -> int | None:
    for count, word in enumerate(_WORD.finditer(text, pos, pos + 80)):
        token = _token(word)
        if token in _GROUP_NOUNS:
            return word.end()
        if count >= _WINDOW_WORDS - 1 or token in _STOP_WORDS or token in _NOT_PEOPLE or not token[:1].isalpha():
            return None
    return None


def _qualifier(text: str, start: int) -> tuple[str, int]:
    """The qualifier before the number and where the phrase starts."""
    lo = max(0, start - 24)
    stripped = text[lo:start].rstrip()
    if not stripped.endswith(_QUALIFIER_LAST_WORDS):
        return "exact", start
    pattern = _QUALIFIER_BY_LAST_CHAR.get(stripped[-1])  # None: no phrase ends in that character
    # Searched in place rather than in the slice, so that the look-behind sees the character before the window.
    before = pattern.search(text, lo, start) if pattern else None
    if before:
        return before.lastgroup or "exact", before.start()
    return "exact", start


def _lower(text: str) -> str:
    """``text`` lowercased with its length kept, so that offsets carry over."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)  # "İ" lowercases to two characters


def _is_year(raw: str) -> bool:
    return len(raw) == 4 and raw.isdigit() and 1900 <= int(raw) <= 2100


def _anchor_words(low: str) -> set[str]:
    """The words of ``_ANCHOR_WORDS`` that stand whole in ``low`` (plus, rarely, a few that do not).

    One pass at C speed (encode, translate, split) instead of a ``str.find`` per word.
    """
    # Split as bytes, with no decode: only letters, digits and spaces are left, which bytes.split splits as str.split.
    ascii_words = low.encode("utf-8", "surrogatepass").translate(_ASCII_ALNUM).split()
    return {word.decode("ascii") for word in _ANCHOR_BYTES.intersection(ascii_words)}


def _candidates(low: str, words: set[str]):
    """(value, qualifier, start, end, noun, number_start) for every people count in lowercased text.

    ``words`` is ``_anchor_words(low)``.
    """
    if not words.isdisjoint(_PEOPLE):  # _people_noun finds nothing otherwise
        yield from _count_candidates(low, words)
    yield from _group_candidates(low, words)
    if not words.isdisjoint(_NOUN_THEN_COUNT_FIRST_WORDS):
        yield from _noun_first_candidates(low)


def _count_candidates(low: str, words: set[str]):
    """Candidates from ``_COUNT``: a number with a people noun after it."""
    for m in _count_matches(low, words):
        noun = _people_noun(low, m.end())  # first: most numbers (days, years) have none
        if noun is None:
            continue
        raw = m.group("num")
        if raw[0].isdigit() and low[max(0, m.start() - 10):m.start()].rstrip().endswith(_LABEL_WORDS) and (
                _LABEL_BEFORE.search(low, max(0, m.start() - 10), m.start())):
            continue  # "Grade 10 girls", "Batch 3 trainees": the number names the group, it does not count it
        value = number_value(raw, m.group("scale"))
        tail = m.group("tail")
        if value and tail and m.group("word2"):
            value *= _shared_scale(raw, m.group("word2"))
        if value is None or (_is_year(raw) and not _year_is_count(low, m, noun[0])):
            continue
        qualifier, start = _qualifier(low, m.start())
        if qualifier == "exact":
            if tail:
                # "300+", "200-odd", "300 or more", "200-300" and "three or four" state a floor; "40 or so" a round
                # figure.
                qualifier = "about" if m.group("approx") else "more_than"
            elif raw.endswith("dozen"):
                qualifier = "about"  # "a dozen" is a round figure
        yield value, qualifier, start, noun[1], noun[0], m.start()


_LABEL_WORDS = ("grade", "class", "form", "year", "no", "no.", "number", "batch", "cohort", "phase", "level", "room")
_LABEL_BEFORE = re.compile(rf"\b(?:{'|'.join(re.escape(w) for w in _LABEL_WORDS)})[^\S\n]+$")  # tested after the ending


def _shared_scale(first: str, second: str) -> int:
    """The scale a range states once, for both ends: "two to three hundred" is 200 to 300."""
    first_last, second_last = (_WORD_NUMBER_PARTS.split(n)[-1] for n in (first, second))
    if second_last in _SCALES and first_last not in _SCALES:
        return _SCALES[second_last]
    return 1


def _count_matches(low: str, words: set[str]):
    """``_COUNT`` matches, left to right and not overlapping, tried only where a number can start.

    Finding digit runs and number words first (``_digit_runs``, ``str.find``) is several times
    faster than letting the regex engine try every position.  A count in words opens on a number
    word standing whole ("twenty-five", "a dozen": the scale word, "half a dozen"), so only those in
    ``words`` are looked for.
    """
    starts = _digit_runs(low)
    for word in words.intersection(_NUMBER_WORDS):
        i = low.find(word)
        while i != -1:
            if i == 0 or not low[i - 1].isalnum():
                starts.add(i)
                if word in _ARTICLE_WORDS:
                    blank = i  # where the white space before the scale word starts ("a   dozen")
                    while blank and low[blank - 1].isspace():
                        blank -= 1
                    # "a dozen", "a-hundred", "an hundred": where the article would start
                    starts.update(j for j in (i - 2, i - 3, blank - 1, blank - 2) if j >= 0)
            i = low.find(word, i + 1)
    end = 0
    for pos in sorted(starts):
        if pos >= end and (m := _COUNT.match(low, pos)):
            end = m.end()
            yield m


def _digit_runs(low: str) -> set[int]:
    """Where the runs of ``_DIGITS`` start; in ASCII text (the usual case) found without the regex engine."""
    if not low.isascii():
        return {m.start() for m in _DIGITS.finditer(low)}
    mask = low.encode("ascii").translate(_DIGIT_MASK)
    starts = set()
    i = mask.find(b"1")
    while i != -1:
        starts.add(i)
        end = mask.find(b" ", i)
        i = -1 if end == -1 else mask.find(b"1", end)
    return starts


def _noun_first_candidates(low: str):
    seen = set()
    for hint in _NOUN_THEN_COUNT_HINT.finditer(low):
        m = _NOUN_THEN_COUNT.search(low, max(0, hint.start() - 48), hint.end() + 60)
        if m is None or m.start() in seen:
            continue
        seen.add(m.start())
        value = number_value(m.group("num"))
        if value and not _is_year(m.group("num")) and not _counts_things(low, m.end()):
            q = _QUALIFIER_BEFORE.search(m.group("q") or "")
            noun = m.group("noun") or "people"
            yield value, q.lastgroup if q else "exact", m.start(), m.end(), noun, m.start("num")


def _group_candidates(low: str, words: set[str]):
    """Sizes of delegations and teams: "a three-member delegation", "a delegation of 12"."""
    if not words.isdisjoint(_MEMBER_WORDS) and not words.isdisjoint(_GROUP_NOUNS):
        yield from _member_candidates(low)
    group = "group" in words
    if words.isdisjoint(_GROUP_OF_NOUNS) and not group:
        return  # "a delegation of 12" needs one of the nouns
    for of in _OF.finditer(low):
        at = of.start()
        if not low[at - 1 : at].isspace():
            continue
        m = _GROUP_OF.search(low, max(0, at - 14), of.end() + 1)
        loose = m is None and group and low[max(0, at - 7) : at].rstrip().endswith("group")
        if loose:
            m = _A_GROUP_OF.search(low, max(0, at - 32), of.end() + 1)
        size = _GROUP_SIZE.match(low, m.end()) if m else None
        value = number_value(size.group("num")) if size else None
        if value and loose and not _people_or_nothing_after(low, size.end()):
            continue
        if value and not _counts_things(low, size.end()):
            q = _QUALIFIER_BEFORE.search(size.group("q") or "")
            yield value, q.lastgroup if q else "exact", m.start(), size.end(), "delegation", size.start("num")


def _people_or_nothing_after(low: str, pos: int) -> bool:
    """Whether "a group of 14" counts people: people follow ("wine makers"), or the noun phrase ends at the number
    ("arrived", "from"); "a group of 20 paintings" does not."""
    word = _WORD.search(low, pos, pos + 40)
    if word is None or _word_role(word.group())[1] in (_STOPS, _JOINER):
        return True
    return bool(_PARTICIPATE_AFTER.match(low, word.start()) or _people_noun(low, pos))


def _member_candidates(low: str):
    """Sizes stated before the group noun: "a three-member delegation", "a 30-strong choir"."""
    for m in _MEMBER_SUFFIX.finditer(low):
        num = _NUM_BEFORE.search(low, max(0, m.start() - 24), m.start())
        end = _group_noun_after(low, m.end()) if num else None
        value = number_value(num.group()) if end else None
        if value:
            yield value, "exact", num.start(), end, "delegation", num.start()


def _counts_things(text: str, pos: int) -> bool:
    """Whether a non-people noun follows within a few words ("a delegation of 12 countries")."""
    for count, word in enumerate(_WORD.finditer(text, pos, pos + 80)):
        token = _token(word)
        if token in _NOT_PEOPLE:
            return True
        if count >= _WINDOW_WORDS or token in _STOP_WORDS or token in _PEOPLE or not token[:1].isalpha():
            return False
    return False


def _year_is_count(low: str, m: re.Match, noun: str) -> bool:
    """A number such as 2019 counts people only right before the noun, after no article or preposition and
    not as the end of a date ("On 9 March 2023 volunteers planted ...")."""
    word = _WORD.search(low, m.end(), m.end() + 40)
    if not word or word.group() != noun:
        return False
    start = m.start()
    return _YEAR_CONTEXT.search(low, max(0, start - 12), start) is None and (
        _DATE_BEFORE_YEAR.search(low, max(0, start - 24), start) is None)


def _sentence_ends(low: str) -> list[int]:
    """Where ``_SENTENCE_END`` matches in ``low``, in order: found once per text, by ``str.find`` at memchr speed.

    A mark ends a sentence when whitespace or the end of the text follows it; "\\n" always does.
    """
    n = len(low)
    ends = []
    for mark in ".!?;":
        if mark not in low:  # "in" costs less than a find, whose arguments are parsed as a tuple
            continue
        i = low.find(mark)
        while i != -1:
            if i + 1 == n or low[i + 1].isspace():  # str.isspace is the \s of str patterns
                ends.append(i)
            i = low.find(mark, i + 1)
    i = low.find("\n")
    while i != -1:
        ends.append(i)
        i = low.find("\n", i + 1)
    ends.sort()
    return ends


def _sentence_bounds(low: str, ends: list[int], start: int, end: int) -> tuple[int, int]:
    """The sentence around a candidate, capped at ``_SENTENCE_REACH`` characters each side to stay linear.

    As searching ``_SENTENCE_END`` in ``low[lo:start]`` (the last match) and ``low[end:hi]`` (the first), with
    ``ends`` from :func:`_sentence_ends`.  Cut off there, the text ends right after a mark, so a mark just before
    ``start`` or at ``hi - 1`` ends a sentence whatever follows it in ``low``.
    """
    lo, hi = max(0, start - _SENTENCE_REACH), min(len(low), end + _SENTENCE_REACH)
    if start > lo and low[start - 1] in _SENTENCE_MARKS:
        left = start
    else:
        k = bisect_left(ends, start)
        left = ends[k - 1] + 1 if k and ends[k - 1] >= lo else lo
    k = bisect_left(ends, end)
    if k < len(ends) and ends[k] < hi - 1:
        right = ends[k]
    elif end < hi and low[hi - 1] in _SENTENCE_MARKS:
        right = hi - 1
    else:
        right = hi
    return left, right


def _best(low: str, cands: list, cumulative: dict | None):
    """The first of ``cands`` (in text order) with the highest score if that is 0 or more, else None.

    A count scores +2 when tied to taking part, -4 when its sentence is a cumulative statistic, -1 when it is a
    subset and -1 for a membership noun.  Reads only what decides it: the cheap terms first, "taking part" (two
    pattern searches) only when its +2 can change the outcome, and nothing after a count that scores 2, the most
    there is.
    """
    ends = _sentence_ends(low)
    best, best_score = None, -1  # only statistics, subsets or memberships: better no head-count than a wrong one
    last = len(cands) - 1
    for i, cand in enumerate(cands):
        _, _, start, end, noun, num_start = cand
        left, right = _sentence_bounds(low, ends, num_start, end)
        before = low[left:start]
        score = 0  # so far without the +2 of taking part
        if noun in _WEAK_PEOPLE and not _with_others(low, end):
            score -= 1
        if _subset(before):
            score -= 1
        # A group's size ("a 10-member team", "a delegation of 12") says who came, never a running total.
        if score + 2 > best_score and noun not in _GROUP_NOUNS and _cumulative(low, left, right, cumulative):
            score -= 4
        if score + 2 <= best_score:
            continue  # cannot beat the best even taking part
        if score > best_score and i == last:
            return cand  # beats the best either way
        if _participates(before, low[end:right]):
            score += 2
        if score > best_score:
            best, best_score = cand, score
            if score == 2:
                break
    return best


def _with_others(low: str, end: int) -> bool:
    """Whether a membership noun has other people joined to it ("120 members and guests", "members and friends"):
    then the count is of those who came, not of a roll."""
    m = _AND_NOUN.match(low, end)
    return m is not None and m.group(1) in _PEOPLE and m.group(1) not in _WEAK_PEOPLE


_AND_NOUN = re.compile(r"\s+(?:and|or|&)\s+(?:their\s+|other\s+)?(\w+)")


def _participates(before: str, after: str) -> bool:
    # Windows of whole words: a verb cut at the edge ("attend" of "attendance") would read as one.
    head = _WORD_TAIL.match(after, 160).end() if len(after) > 160 else len(after)
    tail = _word_start(before, len(before) - 90) if len(before) > 90 else 0
    return bool(_PARTICIPATE_AFTER.search(after, 0, head) or _PARTICIPATE_BEFORE.search(before, tail))


_WORD_TAIL = re.compile(r"\w*")


def _word_start(text: str, at: int) -> int:
    """``at``, moved back to the start of the word it falls in."""
    while at > 0 and text[at - 1].isalnum():
        at -= 1
    return at


def _cumulative(low: str, left: int, right: int, verdicts: dict | None) -> bool:
    """Whether the sentence ``low[left:right]`` is a cumulative statistic; ``verdicts`` keeps one per sentence.

    ``verdicts`` is None when the text holds none of ``_CUMULATIVE_WHOLE_WORDS``, so no statistic.
    """
    if verdicts is None:
        return False
    if (left, right) not in verdicts:
        sentence = low[left:right]
        verdicts[left, right] = any(w in sentence for w in _CUMULATIVE_WORDS) and bool(
            _CUMULATIVE.search(low, left, right))
    return verdicts[left, right]


def _subset(before: str) -> bool:
    tail = before[-40:]
    return any(w in tail for w in _SUBSET_WORDS) and bool(_SUBSET_BEFORE.search(tail))


def find_headcount(text: str) -> HeadCount | None:
    """The headline number of people taking part, as a lower bound, else None.

    Examples
    --------
    >>> find_headcount("Over 200 delegates from 30 countries attended the summit.")
    HeadCount(value=200, qualifier='more_than', char_start=0, char_end=18)
    >>> find_headcount("Delegates from 30 countries attended.") is None
    True
    """
    low = _lower(text)
    words = _anchor_words(low)
    cands = [c for c in _candidates(low, words) if 0 < c[0] <= MAX_HEADCOUNT]
    if not cands:
        return None
    cands.sort(key=lambda c: c[2])
    # One verdict per sentence, and none to reach when no cue word stands anywhere in the text.
    cumulative: dict | None = None if words.isdisjoint(_CUMULATIVE_WHOLE_WORDS) else {}
    best = _best(low, cands, cumulative)
    return None if best is None else HeadCount(best[0], best[1], best[2], best[3])


# ---------------------------------------------------------------------------- table cells

_CELL = re.compile(
    r"(?P<pre>[<>≥≤~]=?|more\s+than|over|above|at\s+least|nearly|almost|about|around|approx\.?|approximately|"
    r"roughly|some|c\.|ca\.?|up\s+to|as\s+many\s+as|est\.?|estimated)?\s*"
    r"(?P<num>\d{1,3}(?:(?:,|\.|[ \u00a0\u202f'])\d{3})+|\d+)(?P<frac>[.,]\d+)?"
    r"\s*(?:(?P<dash>[-–—~]|to)\s*(?P<num2>\d[\d,.]*))?\s*(?P<post>\+|or\s+more|and\s+more|plus)?"
    r"\s*(?:people|persons|participants|pax|attendees|visitors|delegates|ppl\.?)?",
    re.I,
)
_CELL_QUALIFIER = {
    ">": "more_than", ">=": "more_than", "≥": "more_than", "more than": "more_than", "over": "more_than",
    "above": "more_than", "at least": "more_than", "nearly": "nearly", "almost": "nearly", "about": "about",
    "around": "about", "approx": "about", "approx.": "about", "approximately": "about", "roughly": "about",
    "some": "about", "c.": "about", "ca": "about", "ca.": "about", "~": "about", "est": "about", "est.": "about",
    "estimated": "about", "<": "up_to", "<=": "up_to", "≤": "up_to", "up to": "up_to", "as many as": "up_to",
}


def _count_from_number(x, raw: str) -> tuple[int, str]:
    if not np.isfinite(x) or x != int(x):
        raise ValueError(f"not a whole number of people: {raw}")
    return _checked(int(x), raw), "exact"


def _checked(n: int, raw: str) -> int:
    if n < 0:
        raise ValueError(f"negative head-count: {raw}")
    if n > MAX_HEADCOUNT:
        raise ValueError(f"implausible head-count {raw}: more than {MAX_HEADCOUNT:,}")
    return n


def _count_from_string(s: str) -> tuple[int, str] | None:
    low = " ".join(s.lower().split())
    if low in VAGUE_TOKENS or low.startswith(("dozens", "hundreds", "thousands", "several", "many")):
        return None
    if _NEGATIVE.fullmatch(low):
        raise ValueError(f"negative head-count: {s}")
    m = _CELL.fullmatch(low)
    if m is None:
        return _count_from_words(low, s)
    # "1.5" people is no count, but "12.0" is a float column written out.
    if m.group("frac") and set(m.group("frac")[1:]) != {"0"}:
        raise ValueError(f"not a whole number of people: {s}")
    value = _checked(int(_SEPARATORS.sub("", m.group("num"))), s)
    qualifier = _CELL_QUALIFIER.get(m.group("pre") or "", "exact")
    if m.group("post") or m.group("dash"):
        qualifier = "more_than"  # "300+" and "200-300" both say: at least the first number.
    return value, qualifier


def _count_from_words(low: str, raw: str) -> tuple[int, str]:
    m = _WORD_ONLY.fullmatch(low)
    value = _word_value(m.group("num")) if m else None
    if value is None:
        raise ValueError(f"not a head-count: {raw}")
    qualifier = _CELL_QUALIFIER.get(m.group("pre") or "", "exact")
    if m.group("num") == "a dozen" and qualifier == "exact":
        qualifier = "about"
    return _checked(value, raw), qualifier


_NEGATIVE = re.compile(r"-\s*\d[\d,.]*")
_WORD_ONLY = re.compile(
    rf"(?P<pre>more than|over|about|around|nearly|almost|some|up to|approximately)?\s*(?P<num>a dozen|{_WORD_NUM})"
    r"(?:\s+(?:people|persons|participants))?"
)


def _is_missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return isinstance(value, str) and value.strip().lower() in MISSING_TOKENS


def _parse_count(value) -> tuple[int, str] | None:
    if _is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"not a head-count: {value!r}")
    if isinstance(value, int | np.integer):
        return _checked(int(value), str(value)), "exact"
    if isinstance(value, float | np.floating):
        return _count_from_number(float(value), repr(float(value)))
    if isinstance(value, str):
        return _count_from_string(value.strip())
    raise ValueError(f"not a head-count: {value!r}")


def parse_count_cell(value) -> int | None:
    """One table cell -> a head-count (lower bound), or None if empty, a missing code or vague.

    "1,200", "1 200" and "1.200" are all 1200: a dot followed by exactly three digits is
    a thousands separator, since a head-count is a whole number; "1.5" is an error and
    "12.0" is 12.  "about 300", "300+", ">300" and "200-300" give the first number;
    "dozens", "many" and "several" give None.

    Raises
    ------
    ValueError
        "negative head-count ...", "implausible head-count ... (more than 10,000,000)",
        "not a whole number of people ..." or "not a head-count ...".

    Examples
    --------
    >>> parse_count_cell("about 1,200"), parse_count_cell("N/A")
    (1200, None)
    """
    parsed = _parse_count(value)
    return None if parsed is None else parsed[0]


def count_cell(value) -> tuple[int, str] | None:
    """One table cell -> ``(head-count, qualifier)``; otherwise as :func:`parse_count_cell` (None, or ValueError).

    >>> count_cell("120+"), count_cell("some forty")
    ((120, 'more_than'), (40, 'about'))
    """
    return _parse_count(value)


def parse_count_series(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """A column of head-count cells -> (values ``Int64``, qualifier, error), aligned with ``s``.

    Each distinct value is parsed once.  ``error`` is NA where the cell parsed or was empty.

    >>> values, qualifier, error = parse_count_series(pd.Series(["300+", "12", None, "-5"]))
    >>> values.tolist(), qualifier.tolist()
    ([300, 12, <NA>, <NA>], ['more_than', 'exact', <NA>, <NA>])
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    n = len(uniques)
    values = np.zeros(n + 1, dtype="int64")
    valid = np.zeros(n + 1, dtype=bool)
    qualifier = np.full(n + 1, None, dtype=object)
    error = np.full(n + 1, None, dtype=object)
    for i, value in enumerate(uniques):
        try:
            parsed = _parse_count(value)
        except ValueError as exc:
            error[i] = str(exc)
            continue
        if parsed is not None:
            values[i], qualifier[i], valid[i] = parsed[0], parsed[1], True
    codes = np.where(codes < 0, n, codes)
    out = pd.arrays.IntegerArray(values[codes], ~valid[codes])
    return (
        pd.Series(out, index=s.index, name="participants"),
        pd.Series(qualifier[codes], index=s.index, name="participants_qualifier", dtype="string"),
        pd.Series(error[codes], index=s.index, name="participants_error", dtype="string"),
    )
