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
from django.conf import settings

from interdep.assessments.models import Answer, Assessment
from interdep.couples.models import Membership
from interdep.psychometrics.models import AnchorAnswer
from interdep.science.anchors import (
    Correlation,
    GroupMeans,
    Measure,
    correlation,
    group_means,
    load_measures,
    measure_score,
)
from interdep.science.couple import PATTERN_LABELS, couple_pattern
from interdep.science.instrument import CURRENT_VERSION, Instrument, load_instrument
from interdep.science.norms import MIN_POOL_FOR_NORMS, PROVISIONAL_NORMS, Norm
from interdep.science.reliability import (
    reliability_table,
)
from interdep.science.results import score_persons
from interdep.science.scoring import score_matrix, self_report_plan

#: Alpha needs a pool: below this many people nothing is estimated.
MIN_POOL_FOR_RELIABILITY = 3


def measures() -> tuple[Measure, ...]:
    """The anchors on offer: the shipped ones and the deployment's own licensed measure, if any."""
    return load_measures(settings.EXTRA_MEASURES_FILE or None)


def anchors_of(assessment) -> dict[str, dict[str, int]]:
    """{measure: {item: value}} the person gave after this assessment."""
    out: dict[str, dict[str, int]] = {}
    for measure, item_id, value in assessment.anchor_answers.values_list(
        "measure", "item_id", "value"
    ):
        out.setdefault(measure, {})[item_id] = value
    return out


def anchors_pending(assessment) -> bool:
    """Whether a measure on offer is still unanswered for this assessment."""
    answered = set(assessment.anchor_answers.values_list("measure", flat=True).distinct())
    return any(m.id not in answered for m in measures())


def _latest_consenting(version: str) -> dict[int, int]:
    """person id -> their latest submitted assessment on ``version``, for consenting people."""
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
    return latest


def pooled_answers(version: str = CURRENT_VERSION) -> tuple[np.ndarray, tuple[str, ...]]:
    """(people, self-report items) matrix of the consenting pool, and its column item ids.

    Two queries whatever the pool's size. Rows are in no meaningful order and carry no identity.
    """
    matrix, item_ids, _ = _pool(version)
    return matrix, item_ids


def _pool(version: str) -> tuple[np.ndarray, tuple[str, ...], list[tuple[int, int]]]:
    """The pooled answer matrix, its item ids, and each row's (person id, assessment id): these
    never leave this module."""
    instrument = load_instrument(version)
    item_ids = self_report_plan(instrument).item_ids
    latest = _latest_consenting(version)
    row_of = {assessment_id: k for k, assessment_id in enumerate(latest.values())}
    # Safety answers leave no one, not even inside staff's aggregates: their columns stay empty,
    # so the pool is scored as every shared view scores a person (shared_scores).
    column = {
        item_id: j for j, item_id in enumerate(item_ids) if not instrument.item(item_id).safety
    }
    matrix = np.full((len(row_of), len(item_ids)), np.nan)
    answers = Answer.objects.filter(assessment_id__in=list(row_of)).values_list(
        "assessment_id", "item_id", "value"
    )
    for assessment_id, item_id, value in answers:
        j = column.get(item_id)
        if j is not None:  # partner-report and safety items are not part of the pool
            matrix[row_of[assessment_id], j] = float(value)
    return matrix, item_ids, list(latest.items())


def pool_reliability(
    instrument: Instrument, matrix: np.ndarray, item_ids: tuple[str, ...]
) -> list[dict]:
    """Alpha and omega per facet and scale of the composites shared views score (safety items
    left out); None where this pool cannot support an estimate."""
    keep = [j for j, item_id in enumerate(item_ids) if not instrument.item(item_id).safety]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # a small pool's degenerate correlations
        return reliability_table(instrument, matrix[:, keep], tuple(item_ids[j] for j in keep))


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


#: A couple pattern's mean is shown only for at least this many couples; smaller groups show their
#: count alone, so no couple's answers can be read back from a mean.
MIN_COUPLES_PER_PATTERN = 3


@dataclass(frozen=True)
class ValidityRow:
    measure: Measure
    scale: str  # "connection" or "self"
    expected: bool  # the measure is expected to track this scale (content/anchors.toml)
    result: Correlation


@dataclass(frozen=True)
class PatternRow:
    measure: Measure
    means: GroupMeans
    labels: dict[str, str]


@dataclass(frozen=True)
class Validity:
    """Convergent validity in the consenting pool: each anchor against Connection and Self, and
    against the couple pattern (couples where both partners consent)."""

    n_with_anchors: int
    correlations: list[ValidityRow]
    patterns: list[PatternRow]
    n_couples: int
    measures: tuple[Measure, ...] = ()
    min_couples: int = MIN_COUPLES_PER_PATTERN


def validity(instrument: Instrument, matrix: np.ndarray, owners: list[tuple[int, int]]) -> Validity:
    """Anchor scores beside the pool's Connection and Self (same rows), and per couple pattern."""
    on_offer = measures()
    assessment_row = {assessment_id: k for k, (_, assessment_id) in enumerate(owners)}
    given: dict[int, dict[str, dict[str, int]]] = {}
    for assessment_id, measure, item_id, value in AnchorAnswer.objects.filter(
        assessment_id__in=list(assessment_row)
    ).values_list("assessment_id", "measure", "item_id", "value"):
        given.setdefault(assessment_row[assessment_id], {}).setdefault(measure, {})[item_id] = value
    anchor_scores = {
        m.id: [measure_score(m, given.get(k, {}).get(m.id, {})) for k in range(len(owners))]
        for m in on_offer
    }
    scores = score_matrix(instrument, matrix)
    rows = []
    for m in on_offer:
        for scale in ("connection", "self"):
            values = [None if np.isnan(v) else float(v) for v in scores.scale(scale)]
            rows.append(
                ValidityRow(m, scale, scale in m.expects, correlation(values, anchor_scores[m.id]))
            )
    # Couples: both partners in the pool (both consent), in the same active couple.
    person_row = {person_id: k for k, (person_id, _) in enumerate(owners)}
    couples: dict[int, list[int]] = {}
    for couple_id, person_id in Membership.objects.filter(
        person_id__in=list(person_row), left_at__isnull=True
    ).values_list("couple_id", "person_id"):
        couples.setdefault(couple_id, []).append(person_row[person_id])
    pairs = [sorted(rows_) for rows_ in couples.values() if len(rows_) == 2]
    results = score_persons(instrument, matrix, [str(k) for k in range(len(owners))])
    labels = [couple_pattern(results[a], results[b]) for a, b in pairs]
    patterns = []
    for m in on_offer:
        if "pattern" not in m.expects:
            continue
        outcome = []
        for a, b in pairs:
            both = [v for v in (anchor_scores[m.id][a], anchor_scores[m.id][b]) if v is not None]
            outcome.append(sum(both) / len(both) if both else None)
        patterns.append(
            PatternRow(
                m,
                group_means(labels, outcome, min_group=MIN_COUPLES_PER_PATTERN),
                PATTERN_LABELS,
            )
        )
    answered = sum(1 for k in range(len(owners)) if given.get(k))
    return Validity(answered, rows, patterns, len(pairs), on_offer)


@dataclass(frozen=True)
class Psychometrics:
    version: str
    n: int
    enough: bool
    facets: list[dict]
    scales: list[dict]
    errors: list[ScaleError]
    validity: Validity | None = None
    min_pool_for_norms: int = MIN_POOL_FOR_NORMS
    min_pool: int = MIN_POOL_FOR_RELIABILITY


def psychometrics(version: str = CURRENT_VERSION) -> Psychometrics:
    """Everything the staff view shows: pool size, reliability per facet and scale, and the SD
    and SEM (SD * sqrt(1 - alpha)) of Connection and Self next to the provisional norms."""
    instrument = load_instrument(version)
    matrix, item_ids, owners = _pool(version)
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
        validity=validity(instrument, matrix, owners),
    )
