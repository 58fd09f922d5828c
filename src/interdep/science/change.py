"""Change between two assessments of the same person: only reliable change is called change."""

from __future__ import annotations

import math
from dataclasses import dataclass

from interdep.science.norms import RCI_CRITERION, norm_for


@dataclass(frozen=True)
class Change:
    before: float
    after: float
    difference: float
    rci: float
    reliable: bool
    direction: str  # "improved" | "declined" | "no reliable change"

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def reliable_change_index(before: float, after: float, *, sd: float, reliability: float) -> float:
    """Jacobson & Truax (1991): (after - before) / S_diff, S_diff = sqrt(2) * SD * sqrt(1 - r)."""
    if not 0 <= reliability < 1:
        raise ValueError("reliability must be in [0, 1)")
    if sd <= 0:
        raise ValueError("sd must be positive")
    s_diff = math.sqrt(2.0) * sd * math.sqrt(1.0 - reliability)
    return (after - before) / s_diff


def reliable_change(
    before: float | None,
    after: float | None,
    *,
    score: str,
    sd: float | None = None,
    reliability: float | None = None,
    higher_is_better: bool = True,
) -> Change | None:
    """Change of one score (a scale name or facet id); None when either score is missing."""
    if before is None or after is None:
        return None
    norm = norm_for(score)
    rci = reliable_change_index(
        before,
        after,
        sd=sd if sd is not None else norm.sd,
        reliability=reliability if reliability is not None else norm.reliability,
    )
    reliable = abs(rci) > RCI_CRITERION
    better = (rci > 0) == higher_is_better
    direction = ("improved" if better else "declined") if reliable else "no reliable change"
    return Change(before, after, after - before, rci, reliable, direction)


#: Fusion and Distance measure the unhealthy poles: going down is the good direction.
LOWER_IS_BETTER = frozenset({"fusion", "distance"})


def profile_change(before: dict, after: dict) -> dict[str, Change | None]:
    """Reliable change of every scale and facet between two `PersonResult.to_dict()` profiles."""
    out: dict[str, Change | None] = {}
    for name, value in before["scales"].items():
        out[name] = reliable_change(
            value,
            after["scales"].get(name),
            score=name,
            higher_is_better=name not in LOWER_IS_BETTER,
        )
    for facet, value in before["facets"].items():
        out[facet] = reliable_change(value, after["facets"].get(facet), score=facet)
    return out
