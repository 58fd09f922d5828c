"""From scale scores to the dynamic: a quadrant of the Connection x Self map, with its uncertainty.

The product never diagnoses. A person near a cut-off (within one standard error of measurement)
is described as "between" two dynamics rather than forced into one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.stats import norm as _normal

from interdep.science.norms import CUTOFF, norm_for
from interdep.science.scoring import ScoreTable

DYNAMICS = ("interdependent", "codependent", "extreme_independence", "disconnected")

#: (connection high?, self high?) -> dynamic.
_QUADRANT = {
    (True, True): "interdependent",
    (True, False): "codependent",
    (False, True): "extreme_independence",
    (False, False): "disconnected",
}

DYNAMIC_LABELS = {
    "interdependent": "Interdependent",
    "codependent": "Codependent",
    "extreme_independence": "Extreme independence",
    "disconnected": "Disconnected",
}

#: Balance-ratio bands, after FACES IV's ratio scores: above 1 the healthy poles outweigh the
#: unhealthy ones; 2 or more means they clearly dominate.
BALANCE_BANDS = ((0.0, "unbalanced"), (1.0, "balanced"), (2.0, "very balanced"))


def balance_ratio(
    connection, self_, fusion, distance, *, scale_min: float = 1, scale_max: float = 5
):
    """Balanced / unbalanced evidence, both on the response-scale metric so the ratio never
    divides by zero (FACES IV computes its ratios on positive scores for the same reason)."""
    span = scale_max - scale_min
    balanced = scale_min + span * (np.asarray(connection) + np.asarray(self_)) / 200.0
    unbalanced = scale_min + span * (np.asarray(fusion) + np.asarray(distance)) / 200.0
    return balanced / unbalanced


def balance_band(ratio: float) -> str | None:
    if ratio is None or np.isnan(ratio):
        return None
    label = BALANCE_BANDS[0][1]
    for lower, name in BALANCE_BANDS:
        if ratio >= lower:
            label = name
    return label


@dataclass(frozen=True)
class Dynamics:
    """Vectorised classification of many persons."""

    quadrant: np.ndarray  # (n,) object: dynamic name or None when a scale is missing
    label: np.ndarray  # (n,) object: dynamic or "between:X:Y" or None
    confidence: np.ndarray  # (n,) probability the person's true point lies in their quadrant
    near: np.ndarray  # (n,) object: the neighbouring dynamic within one SEM, or None
    balance: np.ndarray = field(default_factory=lambda: np.array([]))


def classify(scores: ScoreTable, *, cutoff: float = CUTOFF) -> Dynamics:
    """The dynamic of each person, "between:X:Y" within one SEM of a cut-off, and a confidence.

    Confidence is the probability, under normal measurement error with the scales' SEM, that the
    true point lies in the same quadrant as the observed one.
    """
    sem_c, sem_s = norm_for("connection").sem, norm_for("self").sem
    zc = (scores.connection - cutoff) / sem_c
    zs = (scores.self - cutoff) / sem_s
    present = ~(np.isnan(zc) | np.isnan(zs))
    n = len(scores)
    quadrant = np.full(n, None, dtype=object)
    label = np.full(n, None, dtype=object)
    near = np.full(n, None, dtype=object)
    with np.errstate(invalid="ignore"):
        conf = _normal.cdf(np.abs(zc)) * _normal.cdf(np.abs(zs))
        c_high, s_high = zc >= 0, zs >= 0
    names = np.array(
        [
            [_QUADRANT[(False, False)], _QUADRANT[(False, True)]],
            [_QUADRANT[(True, False)], _QUADRANT[(True, True)]],
        ],
        dtype=object,
    )
    idx = np.flatnonzero(present)
    quadrant[idx] = names[c_high[idx].astype(int), s_high[idx].astype(int)]
    label[idx] = quadrant[idx]
    # Within one SEM of a cut-off: name the neighbour across the nearer cut.
    close_c, close_s = np.abs(zc) < 1, np.abs(zs) < 1
    flip_c = present & close_c & (~close_s | (np.abs(zc) <= np.abs(zs)))
    flip_s = present & close_s & ~flip_c
    near[flip_c] = names[(~c_high[flip_c]).astype(int), s_high[flip_c].astype(int)]
    near[flip_s] = names[c_high[flip_s].astype(int), (~s_high[flip_s]).astype(int)]
    between = flip_c | flip_s
    label[between] = np.array(
        [f"between:{q}:{b}" for q, b in zip(quadrant[between], near[between], strict=True)],
        dtype=object,
    )
    balance = balance_ratio(scores.connection, scores.self, scores.fusion, scores.distance)
    return Dynamics(
        quadrant=quadrant,
        label=label,
        confidence=np.where(present, conf, np.nan),
        near=near,
        balance=balance,
    )


def dynamic_note(label: str | None, confidence: float | None) -> str:
    """A short, warm, non-diagnostic sentence about the dynamic and how sure we can be."""
    if label is None:
        return "Not enough answers yet to place you on the map."
    if label.startswith("between:"):
        _, first, second = label.split(":")
        return (
            f"Your answers sit close to the line between {DYNAMIC_LABELS[first].lower()} and "
            f"{DYNAMIC_LABELS[second].lower()}; the difference is within what a questionnaire can tell apart."
        )
    sure = "fairly clearly" if confidence is not None and confidence >= 0.9 else "on balance"
    return {
        "interdependent": f"Your answers show, {sure}, a close bond alongside a self of your own.",
        "codependent": f"Your answers suggest, {sure}, that closeness may at times come at the cost of your own footing.",
        "extreme_independence": f"Your answers suggest, {sure}, that your independence may at times keep your partner at a distance.",
        "disconnected": f"Your answers suggest, {sure}, that both closeness and your own footing feel thin right now.",
    }[label]
