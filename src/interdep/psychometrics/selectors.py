"""Reads: the anonymous pool of consenting people's answers, and its reliability.

The pool is the latest submitted assessment on the current instrument version of each person
who has research consent on now; self-report items only, in scoring-plan column order (NaN for
unanswered). Only aggregates leave this module: no row, id, name or email reaches a page.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from interdep.assessments.models import Answer, Assessment
from interdep.science.instrument import CURRENT_VERSION, Instrument, load_instrument
from interdep.science.norms import MIN_POOL_FOR_NORMS, PROVISIONAL_NORMS, Norm
from interdep.science.reliability import (
    reliability_table,
)
from interdep.science.scoring import score_matrix, self_report_plan

#: Alpha needs a pool: below this many people nothing is estimated.
MIN_POOL_FOR_RELIABILITY = 3


def pooled_answers(version: str = CURRENT_VERSION) -> tuple[np.ndarray, tuple[str, ...]]:
    """(people, self-report items) matrix of the consenting pool, and its column item ids.

    Two queries whatever the pool's size. Rows are in no meaningful order and carry no identity.
    """
    instrument = load_instrument(version)
    item_ids = self_report_plan(instrument).item_ids
    rows = (
        Assessment.objects.filter(
            person__research_consent=True, instrument_version=version, submitted_at__isnull=False
        )
        .order_by("person_id", "-submitted_at", "-pk")
        .values_list("pk", "person_id")
    )
    latest: dict[int, int] = {}
    for assessment_id, person_id in rows:
        latest.setdefault(person_id, assessment_id)
    row_of = {assessment_id: k for k, assessment_id in enumerate(latest.values())}
    column = {item_id: j for j, item_id in enumerate(item_ids)}
    matrix = np.full((len(row_of), len(item_ids)), np.nan)
    answers = Answer.objects.filter(assessment_id__in=list(row_of)).values_list(
        "assessment_id", "item_id", "value"
    )
    for assessment_id, item_id, value in answers:
        j = column.get(item_id)
        if j is not None:  # partner-report items are not part of the self-report pool
            matrix[row_of[assessment_id], j] = float(value)
    return matrix, item_ids


def pool_reliability(
    instrument: Instrument, matrix: np.ndarray, item_ids: tuple[str, ...]
) -> list[dict]:
    """Alpha and omega per facet and scale; None where this pool cannot support an estimate."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # a small pool's degenerate correlations
        return reliability_table(instrument, matrix, item_ids)


@dataclass(frozen=True)
class ScaleError:
    """A scale's spread and measurement error in the pool, beside the provisional values."""

    name: str
    n_scored: int
    sd: float | None
    alpha: float | None
    provisional: Norm

    @property
    def sem(self) -> float | None:
        if self.sd is None or self.alpha is None:
            return None
        return self.sd * math.sqrt(max(0.0, 1.0 - self.alpha))


@dataclass(frozen=True)
class Psychometrics:
    version: str
    n: int
    enough: bool
    facets: list[dict]
    scales: list[dict]
    errors: list[ScaleError]
    min_pool_for_norms: int = MIN_POOL_FOR_NORMS
    min_pool: int = MIN_POOL_FOR_RELIABILITY


def psychometrics(version: str = CURRENT_VERSION) -> Psychometrics:
    """Everything the staff view shows: pool size, reliability per facet and scale, and the SD
    and SEM (SD * sqrt(1 - alpha)) of Connection and Self next to the provisional norms."""
    instrument = load_instrument(version)
    matrix, item_ids = pooled_answers(version)
    n = matrix.shape[0]
    if n < MIN_POOL_FOR_RELIABILITY:
        return Psychometrics(version, n, False, [], [], [])
    rows = pool_reliability(instrument, matrix, item_ids)
    labels = {f.id: f.label for f in instrument.facets}
    for row in rows:
        row["label"] = labels.get(row["name"], row["name"].capitalize())
    scores = score_matrix(instrument, matrix)
    alpha_of = {row["name"]: row["alpha"] for row in rows if row["kind"] == "scale"}
    errors = []
    for name in ("connection", "self"):
        values = scores.scale(name)
        values = values[~np.isnan(values)]
        sd = float(np.std(values, ddof=1)) if values.size >= 2 else None
        errors.append(
            ScaleError(name, int(values.size), sd, alpha_of.get(name), PROVISIONAL_NORMS[name])
        )
    return Psychometrics(
        version,
        n,
        True,
        facets=[r for r in rows if r["kind"] == "facet"],
        scales=[r for r in rows if r["kind"] == "scale"],
        errors=errors,
    )
