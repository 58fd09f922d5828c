"""Scoring: facets and scales from answers, the dynamic, and the properties scoring must keep."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interdep.science.instrument import load_instrument
from interdep.science.norms import CUTOFF, norm_for
from interdep.science.profile import balance_ratio, classify
from interdep.science.results import score_answers
from interdep.science.scoring import min_answered, score_matrix, self_report_plan

INSTRUMENT = load_instrument("v1")
PLAN = self_report_plan(INSTRUMENT)
ITEMS = [INSTRUMENT.item(i) for i in PLAN.item_ids]


def answers_where(healthy: int, unhealthy: int) -> dict[str, int]:
    """Every self-report item answered: healthy-pole items with one value, the others another."""
    return {i.id: (unhealthy if i.reverse_keyed else healthy) for i in ITEMS}


def test_fully_healthy_answers_score_100_everywhere_and_no_pole_evidence():
    result = score_answers(INSTRUMENT, answers_where(5, 1))
    assert set(result.facets.values()) == {100.0}
    assert result.scales == {"connection": 100.0, "self": 100.0, "fusion": 0.0, "distance": 0.0}
    assert result.dynamic == "interdependent"


def test_midpoint_answers_score_50():
    result = score_answers(INSTRUMENT, answers_where(3, 3))
    assert set(result.facets.values()) == {50.0}
    assert result.scales["connection"] == 50.0


def test_a_facet_score_is_the_rescaled_mean_of_its_keyed_answers():
    facet = "boundaries"
    answers = answers_where(3, 3)
    own = INSTRUMENT.items_of(kind="self", facet=facet)
    values = [5, 4, 2, 1, 3]
    for item, value in zip(own, values, strict=True):
        answers[item.id] = value
    keyed = [6 - v if item.reverse_keyed else v for item, v in zip(own, values, strict=True)]
    expected = (np.mean(keyed) - 1) / 4 * 100
    assert score_answers(INSTRUMENT, answers).facets[facet] == pytest.approx(expected)


def test_reverse_keyed_items_lower_the_facet_when_agreed_with():
    facet_items = INSTRUMENT.items_of(kind="self", facet="saying_no")
    reverse = next(i for i in facet_items if i.reverse_keyed)
    low = answers_where(3, 3) | {reverse.id: 1}
    high = answers_where(3, 3) | {reverse.id: 5}
    assert (
        score_answers(INSTRUMENT, low).facets["saying_no"]
        > score_answers(INSTRUMENT, high).facets["saying_no"]
    )


def test_fusion_and_distance_come_from_their_poles_as_agreed():
    answers = answers_where(3, 3)
    for item in ITEMS:
        if item.pole == "fused":
            answers[item.id] = 5
        elif item.pole == "distant":
            answers[item.id] = 1
    result = score_answers(INSTRUMENT, answers)
    assert result.scales["fusion"] == 100.0
    assert result.scales["distance"] == 0.0


def test_a_facet_with_fewer_than_two_thirds_answered_is_missing_not_zero():
    facet = "reliance"
    own = INSTRUMENT.items_of(kind="self", facet=facet)
    need = min_answered(len(own))
    assert need == math.ceil(len(own) * 2 / 3)
    answers = {
        k: v
        for k, v in answers_where(5, 1).items()
        if k not in {i.id for i in own[: len(own) - need + 1]}
    }
    result = score_answers(INSTRUMENT, answers)
    assert result.facets[facet] is None
    assert result.facets["vulnerability"] == 100.0
    # The scale is still scored from the facets that are present, and is not dragged down.
    assert result.scales["connection"] == 100.0


def test_exactly_two_thirds_answered_is_enough():
    own = INSTRUMENT.items_of(kind="self", facet="openness")
    keep = {i.id for i in own[: min_answered(len(own))]}
    answers = {k: v for k, v in answers_where(4, 2).items() if k in keep}
    assert score_answers(INSTRUMENT, answers).facets["openness"] == 75.0


def test_no_answers_give_no_scores_and_no_dynamic():
    result = score_answers(INSTRUMENT, {})
    assert all(v is None for v in result.facets.values())
    assert all(v is None for v in result.scales.values())
    assert result.dynamic is None
    assert "Not enough answers" in result.dynamic_note


def test_the_dynamic_follows_the_quadrant_of_connection_and_self():
    assert score_answers(INSTRUMENT, answers_where(5, 1)).dynamic == "interdependent"
    conn_high_self_low = {
        i.id: (
            (5 if not i.reverse_keyed else 1)
            if INSTRUMENT.facet(i.facet).capacity == "connection"
            else (1 if not i.reverse_keyed else 5)
        )
        for i in ITEMS
    }
    assert score_answers(INSTRUMENT, conn_high_self_low).dynamic == "codependent"
    flipped = {k: 6 - v for k, v in conn_high_self_low.items()}
    assert score_answers(INSTRUMENT, flipped).dynamic == "extreme_independence"
    assert score_answers(INSTRUMENT, answers_where(1, 5)).dynamic == "disconnected"


def test_a_person_within_one_sem_of_a_cutoff_is_between_two_dynamics():
    sem = norm_for("connection").sem
    table = score_matrix(INSTRUMENT, np.full((1, len(ITEMS)), 3.0))
    table = type(table)(
        table.facet_ids,
        table.facets,
        np.array([CUTOFF + sem / 2]),
        np.array([90.0]),
        np.array([20.0]),
        np.array([20.0]),
    )
    dyn = classify(table)
    assert dyn.label[0] == "between:interdependent:extreme_independence"
    table = type(table)(
        table.facet_ids,
        table.facets,
        np.array([CUTOFF + sem * 1.01]),
        np.array([90.0]),
        np.array([20.0]),
        np.array([20.0]),
    )
    assert classify(table).label[0] == "interdependent"


def test_near_both_cutoffs_the_nearer_cut_names_the_neighbour():
    sem = norm_for("self").sem
    table = score_matrix(INSTRUMENT, np.full((1, len(ITEMS)), 3.0))
    table = type(table)(
        table.facet_ids,
        table.facets,
        np.array([CUTOFF - 0.8 * sem]),
        np.array([CUTOFF + 0.1 * sem]),
        np.array([50.0]),
        np.array([50.0]),
    )
    assert classify(table).label[0] == "between:extreme_independence:disconnected"


def test_confidence_grows_with_distance_from_the_cutoffs():
    near = score_answers(INSTRUMENT, answers_where(4, 3)).confidence
    far = score_answers(INSTRUMENT, answers_where(5, 1)).confidence
    assert 0 < near < far <= 1


def test_balance_ratio_is_balanced_over_unbalanced_on_the_response_metric():
    # Connection 75, Self 75 -> 4 on 1-5; Fusion 25, Distance 25 -> 2 on 1-5; ratio 2.
    assert balance_ratio(75.0, 75.0, 25.0, 25.0) == pytest.approx(2.0)
    assert balance_ratio(0.0, 0.0, 0.0, 0.0) == pytest.approx(1.0)


# ---- properties -------------------------------------------------------------------------

answer_value = st.one_of(st.none(), st.integers(1, 5))
answer_sets = st.lists(answer_value, min_size=len(ITEMS), max_size=len(ITEMS))


def to_dict(values):
    return {item.id: v for item, v in zip(ITEMS, values, strict=True) if v is not None}


@settings(max_examples=150, deadline=None)
@given(answer_sets)
def test_every_score_is_bounded_between_0_and_100(values):
    result = score_answers(INSTRUMENT, to_dict(values))
    for score in [*result.facets.values(), *result.scales.values()]:
        assert score is None or 0 <= score <= 100


HEALTHY_POSITIONS = [k for k, item in enumerate(ITEMS) if not item.reverse_keyed]


@settings(max_examples=150, deadline=None)
@given(answer_sets, st.sampled_from(HEALTHY_POSITIONS), st.integers(1, 4))
def test_raising_a_healthy_pole_answer_never_lowers_its_facet_or_scale(values, k, start):
    item = ITEMS[k]
    values[k] = start
    before = score_answers(INSTRUMENT, to_dict(values))
    raised = list(values)
    raised[k] = start + 1
    after = score_answers(INSTRUMENT, to_dict(raised))
    capacity = INSTRUMENT.facet(item.facet).capacity
    assert (
        after.facets[item.facet] > before.facets[item.facet]
        if before.facets[item.facet] is not None
        else True
    )
    if before.scales[capacity] is not None:
        assert after.scales[capacity] >= before.scales[capacity]


@settings(max_examples=150, deadline=None)
@given(answer_sets, st.integers(0, len(ITEMS) - 1))
def test_a_missing_answer_is_never_scored_as_zero(values, k):
    """Dropping an answer must give the mean of the others, not the mean with a zero in it."""
    values[k] = None
    result = score_answers(INSTRUMENT, to_dict(values))
    facet = ITEMS[k].facet
    present = [
        (item, v)
        for item, v in zip(ITEMS, values, strict=True)
        if item.facet == facet and v is not None
    ]
    if len(present) < min_answered(len(INSTRUMENT.items_of(kind="self", facet=facet))):
        assert result.facets[facet] is None
    else:
        keyed = [6 - v if item.reverse_keyed else v for item, v in present]
        assert result.facets[facet] == pytest.approx((np.mean(keyed) - 1) * 25, abs=1e-3)


@settings(max_examples=50, deadline=None)
@given(answer_sets)
def test_scoring_is_deterministic(values):
    answers = to_dict(values)
    assert score_answers(INSTRUMENT, answers) == score_answers(
        INSTRUMENT, dict(reversed(list(answers.items())))
    )


def test_matrix_and_single_person_scoring_agree():
    rng = np.random.default_rng(4)
    matrix = rng.integers(1, 6, size=(30, len(ITEMS))).astype(float)
    matrix[rng.random(matrix.shape) < 0.2] = np.nan
    table = score_matrix(INSTRUMENT, matrix)
    for row in range(30):
        one = score_answers(
            INSTRUMENT,
            {i.id: matrix[row, k] for k, i in enumerate(ITEMS) if not np.isnan(matrix[row, k])},
        )
        for j, facet in enumerate(table.facet_ids):
            expected = table.facets[row, j]
            assert (one.facets[facet] is None) == np.isnan(expected)
            if not np.isnan(expected):
                assert one.facets[facet] == pytest.approx(expected, abs=1e-4)


def test_scores_of_a_given_version_are_computed_with_that_version():
    result = score_answers(INSTRUMENT, answers_where(5, 1))
    assert result.instrument_version == "v1"
