"""The couple report: patterns, perception gaps, agreement, strengths and edges, and symmetry."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interdep.science.couple import analyse_couple, couple_pattern
from interdep.science.instrument import load_instrument
from interdep.science.practices import load_practices
from interdep.science.results import score_answers

INSTRUMENT = load_instrument("v1")


def person(connection_high: bool, self_high: bool, *, pid: str, about_partner: int = 3) -> dict:
    answers = {}
    for item in INSTRUMENT.self_items:
        high = (
            connection_high if INSTRUMENT.facet(item.facet).capacity == "connection" else self_high
        )
        value = 5 if high else 1
        answers[item.id] = 6 - value if item.reverse_keyed else value
    for item in INSTRUMENT.partner_items:
        answers[item.id] = about_partner
    return answers


def scored(answers, pid):
    return score_answers(INSTRUMENT, answers, person_id=pid, couple_id="c1")


@pytest.mark.parametrize(
    ("a", "b", "pattern"),
    [
        ((True, True), (True, True), "interdependent"),
        ((True, False), (False, True), "pursue_withdraw"),
        ((True, False), (True, False), "enmeshed"),
        ((False, True), (False, True), "parallel_lives"),
        ((True, True), (True, False), "mixed"),
    ],
)
def test_the_four_couple_patterns_and_the_mixed_case(a, b, pattern):
    pa, pb = scored(person(*a, pid="a"), "a"), scored(person(*b, pid="b"), "b")
    assert couple_pattern(pa, pb) == pattern == couple_pattern(pb, pa)


def test_perception_gap_is_the_partners_view_minus_the_self_view():
    a = scored(person(True, True, pid="a", about_partner=3), "a")  # a rates b at the midpoint
    b = scored(person(False, False, pid="b", about_partner=5), "b")  # b rates a's healthy items 5
    gaps = analyse_couple(INSTRUMENT, a, b).gaps
    facet = INSTRUMENT.partner_facets[0]
    about_a = next(g for g in gaps if g["about"] == "a" and g["facet"] == facet)
    assert about_a["self_view"] == 100.0
    # b answered 5 to every partner item: healthy ones count 100, unhealthy ones 0 -> mean of the keyed items.
    keyed = [1 if i.reverse_keyed else 5 for i in INSTRUMENT.items_of(kind="partner", facet=facet)]
    assert about_a["partner_view"] == pytest.approx((np.mean(keyed) - 1) * 25)
    assert about_a["gap"] == pytest.approx(about_a["partner_view"] - 100.0)


def test_agreement_reports_absolute_differences_and_profile_correlation():
    a = scored(person(True, True, pid="a"), "a")
    b = scored(person(True, False, pid="b"), "b")
    agreement = analyse_couple(INSTRUMENT, a, b).agreement
    self_facets = [f.id for f in INSTRUMENT.facets if f.capacity == "self"]
    assert all(agreement["facet_differences"][f] == 100.0 for f in self_facets)
    assert agreement["facet_differences"]["vulnerability"] == 0.0
    assert agreement["profile_correlation"] is None  # a's profile is flat: no correlation exists


def test_growth_edges_are_the_lowest_facets_and_each_links_to_practices_that_target_it():
    a = scored(person(True, False, pid="a"), "a")
    b = scored(person(True, False, pid="b"), "b")
    result = analyse_couple(INSTRUMENT, a, b)
    practices = {p.id: p for p in load_practices()}
    assert result.growth_edges
    for edge in result.growth_edges:
        assert INSTRUMENT.facet(edge["facet"]).capacity == "self"
        assert edge["practices"]
        assert all(edge["facet"] in practices[p].target_facets for p in edge["practices"])
    assert all(INSTRUMENT.facet(s["facet"]).capacity == "connection" for s in result.strengths)


def test_a_couple_result_never_carries_item_answers():
    a = scored(person(True, True, pid="a"), "a")
    b = scored(person(False, True, pid="b"), "b")
    text = str(analyse_couple(INSTRUMENT, a, b).to_dict())
    assert not any(item.id in text for item in INSTRUMENT.items)


persons = st.lists(
    st.integers(1, 5), min_size=len(INSTRUMENT.items), max_size=len(INSTRUMENT.items)
)


@settings(max_examples=60, deadline=None)
@given(persons, persons)
def test_swapping_partners_swaps_the_couple_result_symmetrically(values_a, values_b):
    a = score_answers(
        INSTRUMENT, dict(zip(INSTRUMENT.item_ids, values_a, strict=True)), person_id="a"
    )
    b = score_answers(
        INSTRUMENT, dict(zip(INSTRUMENT.item_ids, values_b, strict=True)), person_id="b"
    )
    ab, ba = analyse_couple(INSTRUMENT, a, b).to_dict(), analyse_couple(INSTRUMENT, b, a).to_dict()
    assert ab["persons"] == ba["persons"][::-1]
    for key in ("pattern", "pattern_uncertain", "agreement", "strengths", "growth_edges"):
        assert ab[key] == ba[key]
    key = lambda g: (g["about"], g["facet"])  # noqa: E731
    assert sorted(ab["gaps"], key=key) == sorted(ba["gaps"], key=key)


def test_without_safety_items_every_partner_facet_of_the_current_version_can_still_show_a_gap():
    """Shared views leave safety items out; each partner-report facet must keep enough items."""
    current = load_instrument()
    answers = {item.id: 3 for item in current.items}
    shared = current.without_safety_items(answers)
    assert not any(current.item(k).safety for k in shared)
    a = score_answers(current, shared, person_id="a")
    b = score_answers(current, shared, person_id="b")
    gaps = analyse_couple(current, a, b).gaps
    assert all(g["gap"] is not None for g in gaps), [g["facet"] for g in gaps if g["gap"] is None]
