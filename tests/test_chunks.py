"""Chunk scans: what a per-chunk analysis finds, located in the whole text, is what the pattern finds there."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.normalize import _chunks
from etl.normalize._chunks import ChunkScan

# Patterns whose matches hold no space and that look at most one character around a match (see _chunks).
PATTERNS = [
    r"(?<!\w)(?:ex|exch|cultur)",  # keyword beginnings at a word start, as the sector scan
    r"[A-Z](?<!\w.)\w*",  # capitalised words, as the country scan
    r"[A-Z](?<![\w-].)[A-Z0-9&]{1,11}(?![\w-])",  # acronyms
    r"\d+",
    r"[-‐](?:member|strong)\b",
]

TEXTS = [
    "",
    " ",
    "an exchange, an expo; next",
    "  two  leading and trailing spaces  ",
    "a line\nbreak and\ttab inside chunks: Exchange\nExpo",
    "the same chunk: Kenya Kenya, Kenya Kenya",
    "a chunk inside another: exchange exchanges reexchange exchange",
    "UN-led WHO staff, the CPAFFC (CPAFFC) and 16+1 3-member teams",
    "ünïcödé Éxchange ÉX 12 ٣٤ x",
]


def _whole(pattern: re.Pattern, text: str):
    return [(m.start(), m.group()) for m in pattern.finditer(text)]


def _scan(pattern: re.Pattern) -> ChunkScan:
    return ChunkScan(lambda chunk: [(m.start(), m.group()) for m in pattern.finditer(chunk)])


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("text", TEXTS, ids=[t[:20] for t in TEXTS])
def test_chunks_find_what_the_whole_text_holds(pattern, text):
    compiled = re.compile(pattern)
    scan = _scan(compiled)
    assert scan(text) == _whole(compiled, text)
    assert scan(text) == _whole(compiled, text)  # again, from the chunks it knows


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["ex", "Exch", "exchange", "UN", "WHO-", "3", "-member", " ", "  ", "\n", ",", "é", "_"]))
       .map("".join))
def test_any_text(text):
    for pattern in PATTERNS:
        compiled = re.compile(pattern)
        assert _scan(compiled)(text) == _whole(compiled, text), pattern


def test_past_the_limit_chunks_are_analysed_each_time(monkeypatch):
    monkeypatch.setattr(_chunks, "MAX_CHUNKS", 2)
    compiled = re.compile(PATTERNS[0])
    scan = _scan(compiled)
    text = "ex1 ex2 ex3 ex4 culture"
    assert scan(text) == scan(text) == _whole(compiled, text)
    assert len(scan._known) == 2
