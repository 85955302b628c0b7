"""Sector and event-type classification, table-driven, on sentences written for these tests."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.normalize import sectors
from etl.normalize.sectors import classify
from etl.schema import codebook

TYPE_CASES = [
    ("A delegation of reporters attended the regional journalists' conference in Seoul.", "conference"),
    ("Members of the green federation visited Kenya and toured a renewable-energy expo.", "visit"),
    ("The provincial NGO network held its inaugural meeting with 80 member groups.", "founding"),
    ("The two think tanks signed a memorandum on joint research.", "agreement"),
    ("A second medical team left for Gwadar to staff the emergency centre.", "aid"),
    ("Forty volunteers began a year of service at rural clinics.", "volunteering"),
    ("A photo exhibition on wildlife rangers opened in the university library.", "exhibition"),
    ("The graduation ceremony of a tailoring training programme for women took place.", "training"),
    ("The vice-chair met with the visiting ambassador to discuss scholarships.", "meeting"),
    ("A reception for foreign envoys marked the spring festival.", "meeting"),
    ("The association paid tribute to the founders of the partnership.", "other"),
    ("The Winter Games opened. Ninety student volunteers served as guides.", "volunteering"),
    ("The committee decided to accept 12 organizations as new members of the alliance.", "founding"),
]


@pytest.mark.parametrize("text,expected", TYPE_CASES)
def test_event_type(text, expected):
    lead = text.find(".") + 1
    assert classify(text, lead).event_type == expected


SECTOR_CASES = [
    ("Acupuncture doctors met health officials to plan a traditional medicine clinic.", {"health"}),
    ("The tourism board organized a travel fair for tour operators.", {"tourism"}),
    ("Journalists and broadcasters discussed news exchange.", {"media"}),
    ("A wildlife conservation forum discussed anti-poaching patrols and climate risks.", {"environment"}),
    ("Chambers of commerce and entrepreneurs explored trade and investment.", {"economy"}),
    ("Pupils and teachers at the new primary school received textbooks.", {"education"}),
    ("Trade unions ran a vocational skills camp for workers.", {"labour"}),
    ("The law society joined a legal forum on the rule of law.", {"law"}),
    ("A women's federation hosted a forum on female entrepreneurship.", {"women"}),
    ("Think tanks opened a policy dialogue on governance reform.", {"policy"}),
    ("A choir and a dance troupe performed at the cultural festival.", {"culture"}),
    ("A reception for ambassadors celebrated the friendship treaty.", {"diplomacy"}),
]


@pytest.mark.parametrize("text,expected", SECTOR_CASES)
def test_primary_sector(text, expected):
    assert classify(text).sector in expected


def test_org_names_weigh_less_than_the_event():
    text = "The Friendship Association staged a legal forum on the rule of law."
    org = (4, 26)
    assert classify(text, org_spans=[org]).sector == "law"


def test_sectors_lists_primary_first_and_secondaries():
    result = classify("Young volunteers served at the Games; youth volunteers guided athletes at the sports venues.")
    assert result.sectors[0] == result.sector
    assert len(result.sectors) >= 2


def test_empty_text_is_safe():
    result = classify("")
    assert result.event_type == "other" and 0 <= result.confidence <= 1


# ----------------------------------------------------------------------------- the one cue scan against plain searches

def _keyword_words() -> list[str]:
    """Words of the codebook's keywords (regex syntax stripped), to build texts that hit them."""
    book = codebook()
    keywords = [kw for section in ("sectors", "event_types") for spec in book[section].values()
                for strength in ("keywords", "weak_keywords") for kw in spec.get(strength) or []]
    return sorted({w for kw in keywords for w in re.sub(r"\\.|[^\w\s-]", " ", kw).split()})


_WORDS = st.sampled_from([*_keyword_words(), "the", "a", ",", ".", "-", "\n", "x", "Un", "re", "İ", "ſ", "  "])
_TEXTS = st.one_of(st.lists(_WORDS, max_size=30).map(" ".join), st.lists(_WORDS, max_size=12).map("".join))
ALL_CASES = [text for text, _ in TYPE_CASES + SECTOR_CASES]


def _plain_sector_matches(low: str) -> dict[int, list[int]]:
    """Each sector's pattern, searched on its own: where its matches start."""
    found = {}
    for i, pattern in enumerate(sectors._sector_scan()[1].patterns):
        starts = [m.start() for m in re.compile(r"(?<!\w)" + pattern.pattern, pattern.flags).finditer(low)]
        if starts:
            found[i] = starts
    return found


def _plain_event_type(low: str, lead_end: int) -> tuple[str, str]:
    for strength, scope in (("keywords", low[:lead_end]), ("keywords", low), ("weak_keywords", low)):
        m = sectors._type_pattern(strength).search(scope)
        if m:
            return m.lastgroup.rsplit("_", 1)[0], strength
    return "other", "none"


def _same_cues(text: str) -> None:
    low = sectors.fold(text)
    assert sectors._sector_matches(low) == _plain_sector_matches(low)
    for strength in ("keywords", "weak_keywords"):
        fast, plain = sectors.find_type_cue(low, strength), sectors._type_pattern(strength).search(low)
        assert (fast and (fast.span(), fast.lastgroup)) == (plain and (plain.span(), plain.lastgroup))
    for lead_end in {-3, 0, len(low) // 3, len(low) // 2, len(low), len(low) + 5}:
        assert sectors._event_type(text, lead_end) == _plain_event_type(low, lead_end)


@pytest.mark.parametrize("text", ALL_CASES)
def test_cue_scan_on_the_table(text):
    _same_cues(text)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_cue_scan_finds_what_each_pattern_finds(text):
    _same_cues(text)


@pytest.mark.parametrize("text", ALL_CASES)
def test_no_organizations_scores_as_organizations_elsewhere(text):
    """The scoring skips the organization test when there are none: the same as organizations that hold no match."""
    far = [(len(text) + 5, len(text) + 9)]
    for lead_end in (None, text.find(".") + 1, len(text) + 5):
        assert classify(text, lead_end, []) == classify(text, lead_end, far) == classify(text, lead_end)
