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
from dataclasses import dataclass
from functools import cache

from etl.schema import codebook

LEAD_WEIGHT = 3.0
ORG_WEIGHT = 0.5
SECONDARY_SHARE = 0.5  # a sector joins `sectors` when it scores at least this share of the top one


@dataclass(frozen=True)
class Classification:
    sector: str
    sectors: tuple[str, ...]
    event_type: str
    confidence: float


@cache
def _sector_patterns() -> dict[str, re.Pattern]:
    return {code: _alternation(spec["keywords"]) for code, spec in codebook()["sectors"].items()}


@cache
def _type_pattern(strength: str) -> re.Pattern:
    """One alternation over every type's keywords, named groups by type, longest first."""
    pairs = []
    for code, spec in codebook()["event_types"].items():
        pairs += [(code, kw) for kw in spec.get(strength, [])]
    pairs.sort(key=lambda p: -len(p[1]))
    body = "|".join(f"(?P<{code}_{i}>{kw})" for i, (code, kw) in enumerate(pairs))
    return re.compile(rf"\b(?:{body})\b", re.IGNORECASE)


def _alternation(keywords: list[str]) -> re.Pattern:
    ordered = sorted(keywords, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(ordered) + r")\b", re.IGNORECASE)


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
    scores = _sector_scores(text, lead_end, org_spans)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
    event_type, type_strength = _event_type(text, lead_end)
    if not ranked:
        return Classification("civil_society", ("civil_society",), event_type, 0.2)
    top = ranked[0][1][0]
    sectors = tuple(code for code, (score, _) in ranked if score >= SECONDARY_SHARE * top)
    confidence = min(1.0, 0.3 + 0.1 * top) * (1.0 if type_strength == "keywords" else 0.8)
    return Classification(ranked[0][0], sectors, event_type, round(confidence, 3))


def _sector_scores(text: str, lead_end: int, org_spans) -> dict[str, tuple[float, int]]:
    scores: dict[str, tuple[float, int]] = {}
    for code, pattern in _sector_patterns().items():
        total, first = 0.0, len(text)
        for m in pattern.finditer(text):
            weight = LEAD_WEIGHT if m.start() < lead_end else 1.0
            if any(s <= m.start() < e for s, e in org_spans):
                weight *= ORG_WEIGHT
            total += weight
            first = min(first, m.start())
        if total:
            scores[code] = (total, first)
    return scores


def _event_type(text: str, lead_end: int) -> tuple[str, str]:
    for strength, scope in (("keywords", text[:lead_end]), ("keywords", text), ("weak_keywords", text)):
        m = _type_pattern(strength).search(scope)
        if m:
            return m.lastgroup.rsplit("_", 1)[0], strength
    return "other", "none"
