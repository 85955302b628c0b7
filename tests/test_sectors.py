"""Sector and event-type classification, table-driven, on sentences written for these tests."""

import pytest

from etl.normalize.sectors import classify

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
