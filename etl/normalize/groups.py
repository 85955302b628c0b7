"""Multilateral groups named in sources.  Kept as groups, never expanded into members."""

from __future__ import annotations

import re

# (canonical name, pattern, literals).  A pattern matches only where one of its literals occurs, so a plain
# substring test (far cheaper than a regex search) rules most texts out.  Order matters only for overlapping
# names: the longer phrase comes first so that "Belt and Road countries" wins over nothing shorter.
_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ASEAN", r"\bASEAN\b|Association of Southeast Asian Nations", ("ASEAN", "Southeast Asian Nations")),
    ("SCO", r"\bSCO\b|Shanghai Cooperation Organi[sz]ation", ("SCO", "Shanghai Cooperation")),
    ("BRICS", r"\bBRICS?\b", ("BRIC",)),
    ("CEEC", r"\bCEECs?\b|Central and Eastern European Countries|\b16\s*\+\s*1\b|\b17\s*\+\s*1\b",
     ("CEEC", "Central and Eastern European Countries", "+")),
    ("APEC", r"\bAPEC\b|Asia-Pacific Economic Cooperation", ("APEC", "Asia-Pacific Economic Cooperation")),
    ("EU", r"\bEU\b|European Union|European Commission", ("EU", "European")),
    ("AU", r"\bAfrican? Union\b|\bAU\b", ("Union", "AU")),
    ("Belt and Road countries",
     r"(?:countries|nations|economies)\s+(?:along(?:side)?|of)\s+the\s+[\"“]?Belt and Road|"
     r"Belt and Road[\"”]?\s+(?:countries|nations)", ("Belt and Road",)),
    ("Africa", r"\bAfrica(?:n countries)?\b(?!\s+Union)|\bSino-Africa\b|China-Africa", ("Africa",)),
    ("Latin America", r"\bLatin[- ]America(?:n)?\b", ("Latin",)),
)
GROUP_NAMES: tuple[str, ...] = tuple(name for name, _, _ in _GROUPS)
_COMPILED = tuple((name, re.compile(pat), literals) for name, pat, literals in _GROUPS)
# Every literal of every group: a text holding none of them names no group (vectorised prefilters use it).
LITERALS: tuple[str, ...] = tuple(dict.fromkeys(lit for _, _, literals in _GROUPS for lit in literals))
# Finds some literal wherever one occurs: one search rules most texts out, cheaper than a test per literal.
_ANY_LITERAL = re.compile("|".join(map(re.escape, LITERALS)))
# Literal -> the groups (indexes into _COMPILED) whose pattern may match where it occurs.
_NEEDING = {lit: tuple(i for i, (_, _, literals) in enumerate(_GROUPS) if lit in literals) for lit in LITERALS}
# "South Africa" and "Central African Republic" are countries, not the continent.
NOT_CONTINENT = r"South\s+Africa|Central African"
_NOT_CONTINENT = re.compile(NOT_CONTINENT)


def find_groups(text: str) -> list[str]:
    """Groups named in ``text``, in codebook order, each once.

    >>> find_groups("SCO member countries met the ASEAN secretariat")
    ['ASEAN', 'SCO']
    """
    if not _ANY_LITERAL.search(text):
        return []
    present = [lit for lit in LITERALS if lit in text]  # each literal tested once, though groups share some
    needed = {i for lit in present for i in _NEEDING[lit]}
    candidates = [(name, pattern) for i, (name, pattern, _) in enumerate(_COMPILED) if i in needed]
    masked = _NOT_CONTINENT.sub(lambda m: "#" * len(m.group()), text) if "Africa" in text else text
    return [name for name, pattern in candidates if pattern.search(masked)]
