"""The couple: two profiles read together.

Works only on the two persons' facet-level results; item-level answers never enter a couple
result, so nothing here can reveal one partner's answers to the other.
"""

from __future__ import annotations

import functools
import statistics
from dataclasses import dataclass

import numpy as np

from interdep.science.instrument import Instrument
from interdep.science.practices import practices_for_facets
from interdep.science.results import HIGHLIGHTS, PersonResult

#: Each person's lean, from their observed quadrant: where the disconnected quadrant leans is
#: decided by which unhealthy pole carries more of their agreement.
_LEAN = {
    "interdependent": "interdependent",
    "codependent": "fused",
    "extreme_independence": "distant",
}

#: Unordered pair of leans -> couple pattern, plus "mixed" for the pairs the
#: model does not name (one partner interdependent, the other not).
PATTERNS = {
    frozenset({"interdependent"}): "interdependent",
    frozenset({"fused", "distant"}): "pursue_withdraw",
    frozenset({"fused"}): "enmeshed",
    frozenset({"distant"}): "parallel_lives",
}
PATTERN_LABELS = {
    "interdependent": "Close and distinct",
    "pursue_withdraw": "Pursue and withdraw",
    "enmeshed": "Enmeshed",
    "parallel_lives": "Parallel lives",
    "mixed": "One steady, one searching",
}
PATTERN_NOTES = {
    "interdependent": "You both bring closeness and a life of your own. The work is to keep it that way as life changes.",
    "pursue_withdraw": "One of you tends to reach for more closeness while the other steps back for space; each move can set off the other's.",
    "enmeshed": "You are very close, and both of you may sometimes lose your own footing in it.",
    "parallel_lives": "You each keep your own world well; the bridge between the two may need more traffic.",
    "mixed": "One of you shows both closeness and a self of their own; the other leans one way more. The steadier partner's patience is a resource here.",
}

#: Practices linked to each growth edge.
PRACTICES_PER_EDGE = 3


def lean(person: PersonResult) -> str | None:
    quadrant = person.quadrant
    if quadrant is None:
        return None
    if quadrant in _LEAN:
        return _LEAN[quadrant]
    fusion, distance = person.scales.get("fusion"), person.scales.get("distance")
    if fusion is None or distance is None:
        return None
    return "fused" if fusion >= distance else "distant"


def couple_pattern(a: PersonResult, b: PersonResult) -> str | None:
    leans = {lean(a), lean(b)}
    if None in leans:
        return None
    return PATTERNS.get(frozenset(leans), "mixed")


@dataclass(frozen=True)
class CoupleResult:
    couple_id: str | None
    persons: tuple[str, str]
    pattern: str | None
    pattern_uncertain: bool
    gaps: list[dict]
    agreement: dict
    strengths: list[dict]
    growth_edges: list[dict]

    def to_dict(self) -> dict:
        return {
            "couple_id": self.couple_id,
            "persons": list(self.persons),
            "pattern": self.pattern,
            "pattern_uncertain": self.pattern_uncertain,
            "gaps": self.gaps,
            "agreement": self.agreement,
            "strengths": self.strengths,
            "growth_edges": self.growth_edges,
        }


def perception_gaps(instrument: Instrument, a: PersonResult, b: PersonResult) -> list[dict]:
    """For each partner-report facet and each person: self-view, the partner's view, and the gap
    (partner's view minus self-view: positive means the partner sees more of it than you do)."""
    gaps = []
    for about, seer in ((a, b), (b, a)):
        for facet in instrument.partner_facets:
            own, seen = about.facets.get(facet), seer.partner_view.get(facet)
            gap = None if own is None or seen is None else round(seen - own, 4)
            gaps.append(
                {
                    "facet": facet,
                    "about": about.person_id,
                    "self_view": own,
                    "partner_view": seen,
                    "gap": gap,
                }
            )
    return gaps


def agreement(a: PersonResult, b: PersonResult) -> dict:
    """How alike the two profiles are: per-facet absolute differences and a profile correlation."""
    diffs = {}
    pairs = []
    for facet, sa in a.facets.items():
        sb = b.facets.get(facet)
        diffs[facet] = None if sa is None or sb is None else round(abs(sa - sb), 4)
        if sa is not None and sb is not None:
            pairs.append((sa, sb))
    r = None
    if len(pairs) >= 3:
        first, second = zip(*pairs, strict=True)
        try:  # plain Python on a dozen values: much cheaper per couple than numpy's overhead
            r = round(statistics.correlation(first, second), 4)
        except statistics.StatisticsError:  # a flat profile has no correlation
            r = None
    present = [d for d in diffs.values() if d is not None]
    return {
        "facet_differences": diffs,
        "mean_absolute_difference": round(float(np.mean(present)), 4) if present else None,
        "profile_correlation": r,
    }


def _couple_facets(a: PersonResult, b: PersonResult) -> list[tuple[str, float, float, float]]:
    rows = []
    for facet, sa in a.facets.items():
        sb = b.facets.get(facet)
        if sa is not None and sb is not None:
            rows.append((facet, (sa + sb) / 2, sa, sb))
    return rows


@functools.cache
def edge_practices(facet: str) -> tuple[str, ...]:
    """Practice ids linked to a growth edge (content is fixed for the process, so cached)."""
    return tuple(p.id for p in practices_for_facets([facet], limit=PRACTICES_PER_EDGE))


def analyse_couple(
    instrument: Instrument, a: PersonResult, b: PersonResult, *, couple_id: str | None = None
) -> CoupleResult:
    """Read two results together. Symmetric: swapping a and b swaps only who is who."""
    rows = _couple_facets(a, b)
    top = sorted(rows, key=lambda r: (-r[1], r[0]))[:HIGHLIGHTS]
    bottom = sorted(rows, key=lambda r: (r[1], r[0]))[:HIGHLIGHTS]
    strengths = [{"facet": f, "score": round(m, 4)} for f, m, _, _ in top]
    edges = [
        {
            "facet": f,
            "score": round(m, 4),
            "practices": list(edge_practices(f)),
        }
        for f, m, _, _ in bottom
    ]
    uncertain = any(p.dynamic is not None and p.dynamic.startswith("between:") for p in (a, b))
    return CoupleResult(
        couple_id=couple_id if couple_id is not None else a.couple_id,
        persons=(a.person_id, b.person_id),
        pattern=couple_pattern(a, b),
        pattern_uncertain=uncertain,
        gaps=perception_gaps(instrument, a, b),
        agreement=agreement(a, b),
        strengths=strengths,
        growth_edges=edges,
    )
