"""Cut-offs and measurement-error constants for scoring, each with the reason it has its value.

These are provisional planning values until the pool of consenting users is large enough
(`MIN_POOL_FOR_NORMS` persons) to estimate them with `interdep reliability`; the constants are
deliberately conventional rather than tuned to any sample, so they do not flatter our own data.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Scores are 0-100 in the healthy direction; 50 is the scale's midpoint ("neither true nor
#: untrue" on average). Without population norms, the dynamic is criterion-referenced: a capacity
#: is "high" when the person, on balance, endorses its healthy pole.
CUTOFF = 50.0

#: A facet needs at least this share of its items answered; below it the facet is missing (null),
#: never zero, because a mean of one or two items is too noisy to report.
MIN_ANSWERED_SHARE = 2 / 3

#: A scale (Connection, Self) needs at least this share of its facets scored.
MIN_FACET_SHARE = 2 / 3

#: Persons needed in a pool before its reliability and SD replace the provisional values below.
MIN_POOL_FOR_NORMS = 200

#: z for a two-sided 95% reliable-change criterion (Jacobson & Truax, 1991).
RCI_CRITERION = 1.96


@dataclass(frozen=True)
class Norm:
    """Standard deviation (0-100 metric) and reliability of a score, for SEM = SD * sqrt(1 - r)."""

    sd: float
    reliability: float
    reason: str

    @property
    def sem(self) -> float:
        return self.sd * (1.0 - self.reliability) ** 0.5


#: Scales pool 30+ items: composites of this length typically reach alpha around .85-.90; SD 15
#: on the 0-100 metric is about 0.6 of a point on a 1-5 scale, typical for Likert composites.
SCALE_NORM = Norm(sd=15.0, reliability=0.85, reason="composite of 6-7 facets (30+ items)")
#: Five-item facets typically reach alpha around .70; their spread is wider than a composite's.
FACET_NORM = Norm(sd=20.0, reliability=0.70, reason="five-item facet")

PROVISIONAL_NORMS: dict[str, Norm] = {
    "connection": SCALE_NORM,
    "self": SCALE_NORM,
    "fusion": Norm(sd=18.0, reliability=0.80, reason="14+ fused-pole items"),
    "distance": Norm(sd=18.0, reliability=0.78, reason="8+ distant-pole items"),
}


def norm_for(name: str) -> Norm:
    """The norm of a scale by name, or the facet norm for a facet id."""
    return PROVISIONAL_NORMS.get(name, FACET_NORM)
