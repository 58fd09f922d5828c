"""Scoring answers into facets and scales, vectorised over persons.

One code path for everyone: a single person's answers (the web app) and a researcher's file of
200,000 persons go through `score_matrix`. A facet score is the mean of its answered self-report
items in the healthy direction (unhealthy-pole items reverse-keyed), rescaled to 0-100; too few
answers make it missing (NaN), never zero.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from interdep.science.instrument import Instrument, Item
from interdep.science.norms import MIN_ANSWERED_SHARE, MIN_FACET_SHARE

SCALES = ("connection", "self", "fusion", "distance")


@dataclass(frozen=True)
class ScoringPlan:
    """Matrices derived once per instrument version, so scoring is a few matrix products."""

    item_ids: tuple[str, ...]  # the self-report items, in column order
    facet_ids: tuple[str, ...]
    membership: np.ndarray  # (items, facets) 0/1
    reverse: np.ndarray  # (items,) bool
    facet_min_answered: np.ndarray  # (facets,) int
    connection_facets: np.ndarray  # (facets,) bool
    self_facets: np.ndarray  # (facets,) bool
    fused: np.ndarray  # (items,) bool
    distant: np.ndarray  # (items,) bool
    scale_min: float
    scale_max: float


def min_answered(n_parts: int, share: float = MIN_ANSWERED_SHARE) -> int:
    """Parts (items or facets) that must be present for a score over ``n_parts`` to exist."""
    return max(1, math.ceil(n_parts * share - 1e-9))


def _plan_for(
    items: tuple[Item, ...], instrument: Instrument, facet_ids: tuple[str, ...]
) -> ScoringPlan:
    membership = np.zeros((len(items), len(facet_ids)))
    index = {f: k for k, f in enumerate(facet_ids)}
    for row, item in enumerate(items):
        membership[row, index[item.facet]] = 1.0
    counts = membership.sum(axis=0).astype(int)
    capacity = {f.id: f.capacity for f in instrument.facets}
    return ScoringPlan(
        item_ids=tuple(i.id for i in items),
        facet_ids=facet_ids,
        membership=membership,
        reverse=np.array([i.reverse_keyed for i in items], dtype=bool),
        facet_min_answered=np.array([min_answered(c) if c else 1 for c in counts]),
        connection_facets=np.array([capacity[f] == "connection" for f in facet_ids]),
        self_facets=np.array([capacity[f] == "self" for f in facet_ids]),
        fused=np.array([i.pole == "fused" for i in items], dtype=bool),
        distant=np.array([i.pole == "distant" for i in items], dtype=bool),
        scale_min=float(instrument.scale.min),
        scale_max=float(instrument.scale.max),
    )


@functools.cache
def self_report_plan(instrument: Instrument) -> ScoringPlan:
    """How a person's own (self-report) answers become their facets and scales."""
    return _plan_for(instrument.self_items, instrument, instrument.facet_ids)


@functools.cache
def partner_report_plan(instrument: Instrument) -> ScoringPlan:
    """How what a person says about their partner becomes the partner-view facet scores."""
    return _plan_for(instrument.partner_items, instrument, instrument.partner_facets)


@dataclass(frozen=True)
class ScoreTable:
    """Scores for many persons; rows align with the answer matrix. NaN means missing."""

    facet_ids: tuple[str, ...]
    facets: np.ndarray  # (n, facets), 0-100
    connection: np.ndarray
    self: np.ndarray
    fusion: np.ndarray
    distance: np.ndarray

    def __len__(self) -> int:
        return self.facets.shape[0]

    def scale(self, name: str) -> np.ndarray:
        return getattr(self, name)


def _to_0_100(mean: np.ndarray, low: float, high: float) -> np.ndarray:
    return (mean - low) / (high - low) * 100.0


def _masked_mean(
    values: np.ndarray, answered: np.ndarray, weights: np.ndarray, need: np.ndarray
) -> np.ndarray:
    """Row-wise mean of the answered values over each column group of ``weights``; NaN below ``need``."""
    counts = answered.astype(np.float64) @ weights
    sums = np.where(answered, values, 0.0) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    return np.where(counts >= need, means, np.nan)


def facet_scores(plan: ScoringPlan, answers: np.ndarray) -> np.ndarray:
    """(n, facets) 0-100 healthy-direction facet scores from an (n, items) answer matrix."""
    answered = ~np.isnan(answers)
    keyed = np.where(plan.reverse, plan.scale_min + plan.scale_max - answers, answers)
    means = _masked_mean(keyed, answered, plan.membership, plan.facet_min_answered)
    return _to_0_100(means, plan.scale_min, plan.scale_max)


def _mean_of_facets(facets: np.ndarray, mask: np.ndarray) -> np.ndarray:
    chosen = facets[:, mask]
    present = ~np.isnan(chosen)
    need = min_answered(int(mask.sum()), MIN_FACET_SHARE)
    counts = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(present, chosen, 0.0).sum(axis=1) / counts
    return np.where(counts >= need, means, np.nan)


def _pole_evidence(plan: ScoringPlan, answers: np.ndarray, pole_mask: np.ndarray) -> np.ndarray:
    """0-100 agreement with one unhealthy pole's items, taken as agreed (not reversed)."""
    answered = ~np.isnan(answers[:, pole_mask])
    weights = np.ones((int(pole_mask.sum()), 1))
    need = np.array([min_answered(int(pole_mask.sum()))])
    means = _masked_mean(answers[:, pole_mask], answered, weights, need)[:, 0]
    return _to_0_100(means, plan.scale_min, plan.scale_max)


def validate_answer_values(plan: ScoringPlan, answers: np.ndarray) -> None:
    """Refuse values outside the scale or between its points (callers report row and column)."""
    present = answers[~np.isnan(answers)]
    if present.size and (
        present.min() < plan.scale_min
        or present.max() > plan.scale_max
        or np.any(present != np.round(present))
    ):
        raise ValueError("answers must be whole points of the response scale")


def score_matrix(instrument: Instrument, answers: np.ndarray) -> ScoreTable:
    """Score an (n, self-report items) matrix of answers (NaN = unanswered), columns in
    ``self_report_plan(instrument).item_ids`` order."""
    plan = self_report_plan(instrument)
    answers = np.asarray(answers, dtype=np.float64)
    if answers.ndim != 2 or answers.shape[1] != len(plan.item_ids):
        raise ValueError(
            f"expected an (n, {len(plan.item_ids)}) answer matrix, got {answers.shape}"
        )
    facets = facet_scores(plan, answers)
    return ScoreTable(
        facet_ids=plan.facet_ids,
        facets=facets,
        connection=_mean_of_facets(facets, plan.connection_facets),
        self=_mean_of_facets(facets, plan.self_facets),
        fusion=_pole_evidence(plan, answers, plan.fused),
        distance=_pole_evidence(plan, answers, plan.distant),
    )


def partner_view_matrix(instrument: Instrument, answers: np.ndarray) -> np.ndarray:
    """(n, partner facets) 0-100: how each person sees their partner, from partner-report items."""
    plan = partner_report_plan(instrument)
    return facet_scores(plan, np.asarray(answers, dtype=np.float64))


def answers_to_row(item_ids: tuple[str, ...], answers: Mapping[str, float | None]) -> np.ndarray:
    """One person's {item_id: value} as a (1, items) row in plan order (missing = NaN)."""
    row = np.full((1, len(item_ids)), np.nan)
    for k, item_id in enumerate(item_ids):
        value = answers.get(item_id)
        if value is not None:
            row[0, k] = float(value)
    return row
