"""Multilateral groups named in sources.  Kept as groups, never expanded into members."""

from __future__ import annotations

import re

# (canonical name, pattern).  Order matters only for overlapping names:
# the longer phrase comes first so that "Belt and Road countries" wins over nothing shorter.
_GROUPS: tuple[tuple[str, str], ...] = (
    ("ASEAN", r"\bASEAN\b|Association of Southeast Asian Nations"),
    ("SCO", r"\bSCO\b|Shanghai Cooperation Organi[sz]ation"),
    ("BRICS", r"\bBRICS?\b"),
    ("CEEC", r"\bCEECs?\b|Central and Eastern European Countries|\b16\s*\+\s*1\b|\b17\s*\+\s*1\b"),
    ("APEC", r"\bAPEC\b|Asia-Pacific Economic Cooperation"),
    ("EU", r"\bEU\b|European Union|European Commission"),
    ("AU", r"\bAfrican? Union\b|\bAU\b"),
    ("Belt and Road countries", r"(?:countries|nations|economies)\s+(?:along(?:side)?|of)\s+the\s+[\"“]?Belt and Road|Belt and Road[\"”]?\s+(?:countries|nations)"),
    ("Africa", r"\bAfrica(?:n countries)?\b(?!\s+Union)|\bSino-Africa\b|China-Africa"),
    ("Latin America", r"\bLatin[- ]America(?:n)?\b"),
)
GROUP_NAMES: tuple[str, ...] = tuple(name for name, _ in _GROUPS)
_COMPILED = tuple((name, re.compile(pat)) for name, pat in _GROUPS)
# "South Africa" and "Central African Republic" are countries, not the continent.
_NOT_CONTINENT = re.compile(r"South\s+Africa|Central African")


def find_groups(text: str) -> list[str]:
    """Groups named in ``text``, in codebook order, each once.

    >>> find_groups("SCO member countries met the ASEAN secretariat")
    ['ASEAN', 'SCO']
    """
    found = []
    masked = _NOT_CONTINENT.sub(lambda m: "#" * len(m.group()), text)
    for name, pattern in _COMPILED:
        if pattern.search(masked):
            found.append(name)
    return found
