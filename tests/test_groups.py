"""Multilateral groups: found by name, never expanded, and the literal prefilter never hides one."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.normalize import groups
from etl.normalize.groups import find_groups

CASES = [
    ("Youth leaders from ASEAN member states toured a science park", ["ASEAN"]),
    ("a forum of the Association of Southeast Asian Nations", ["ASEAN"]),
    ("Mayors from SCO countries met in Qingdao", ["SCO"]),
    ("the Shanghai Cooperation Organization media forum", ["SCO"]),
    ("a Shanghai orchestra toured Peru", []),
    ("think tanks of the BRICS nations", ["BRICS"]),
    ("the 16+1 mechanism held a tourism fair", ["CEEC"]),
    ("a CEEC youth camp", ["CEEC"]),
    ("APEC women entrepreneurs", ["APEC"]),
    ("an EU delegation", ["EU"]),
    ("officials of the European Commission", ["EU"]),
    ("the African Union commission", ["AU"]),
    ("students from South Africa", []),
    ("a clinic in the Central African Republic", []),
    ("doctors from South Africa and other African countries", ["Africa"]),
    ("countries along the Belt and Road", ["Belt and Road countries"]),
    ("Belt and Road nations sent journalists", ["Belt and Road countries"]),
    ("a China-Africa health forum", ["Africa"]),
    ("Latin American painters", ["Latin America"]),
    ("Teachers from Kenya visited Nanjing", []),
    ("EUROPEAN", []),
]


@pytest.mark.parametrize("text,want", CASES, ids=[c[0][:30] for c in CASES])
def test_find_groups(text, want):
    assert find_groups(text) == want


@pytest.mark.parametrize("text,want", CASES, ids=[c[0][:30] for c in CASES])
def test_literals_are_necessary(text, want):
    # A text that names a group holds one of that group's literals: the prefilter never hides a match.
    for name, pattern, literals in groups._COMPILED:
        if pattern.search(text):
            assert any(lit in text for lit in literals), (name, text)


def test_every_literal_belongs_to_its_pattern():
    # A literal that its pattern cannot contain would make the prefilter pointless, not wrong; still a typo.
    for name, pattern, literals in groups._COMPILED:
        for lit in literals:
            assert lit in pattern.pattern or re.escape(lit) in pattern.pattern or lit == "Union" or lit == "+", name


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*groups.LITERALS, "Asia", "Unio", "Afric", "Lati", "EEC", "+1", "SC", "E", "U", "A",
                                 " ", "n", "-", "é"]), max_size=12).map("".join))
def test_one_search_finds_a_literal_wherever_one_occurs(text):
    # find_groups' gate: a text it rules out holds no literal, and so names no group.
    assert bool(groups._ANY_LITERAL.search(text)) == any(lit in text for lit in groups.LITERALS)
