"""Practice plans (deterministic, every facet covered) and the two-person exercise rules."""

import pytest

from interdep.science import exercises as ex
from interdep.science.instrument import load_instrument
from interdep.science.plans import build_plan, completion, swap_practice
from interdep.science.practices import load_practices

FACETS = load_instrument().facet_ids
PRACTICES = {p.id: p for p in load_practices()}


@pytest.mark.parametrize("facet", FACETS)
def test_every_facet_as_a_growth_edge_gets_a_practice_that_targets_it(facet):
    plan = build_plan(person_edges=[facet], size=1)
    assert len(plan) == 1 and PRACTICES[plan[0].practice_id].targets(facet)


def test_plans_are_deterministic_and_hold_two_or_three_distinct_practices():
    edges = ["saying_no", "reliance", "own_life"]
    first = build_plan(person_edges=edges, couple_edges=["responsiveness"])
    assert first == build_plan(person_edges=edges, couple_edges=["responsiveness"])
    assert len(first) == 3 and len({i.practice_id for i in first}) == 3


def test_personal_edges_prefer_solo_practices_and_couple_edges_couple_practices():
    plan = build_plan(person_edges=["own_life"], couple_edges=["responsiveness"], size=2)
    kinds = {item.source: PRACTICES[item.practice_id].kind for item in plan}
    assert kinds == {"personal": "self", "couple": "couple"}


def test_an_area_that_is_both_a_personal_and_a_couple_edge_is_practised_together():
    plan = build_plan(
        person_edges=["openness", "honest_communication", "own_life"],
        couple_edges=["openness", "honest_communication", "reliance"],
    )
    assert {item.source for item in plan} == {"personal", "couple"}
    assert [(i.facet, i.source) for i in plan if i.facet in ("openness", "honest_communication")]
    assert all(
        i.source == "couple" for i in plan if i.facet in ("openness", "honest_communication")
    )


def test_excluded_practices_are_never_proposed_and_swapping_keeps_the_edge():
    plan = build_plan(person_edges=["self_worth", "steadiness"], size=2)
    swapped = swap_practice(plan, plan[0].practice_id)
    assert swapped[0].facet == plan[0].facet and swapped[0].practice_id != plan[0].practice_id
    assert PRACTICES[swapped[0].practice_id].targets(plan[0].facet)
    again = build_plan(
        person_edges=["self_worth", "steadiness"], size=2, exclude=[plan[0].practice_id]
    )
    assert plan[0].practice_id not in {i.practice_id for i in again}


def test_plan_size_is_bounded():
    with pytest.raises(ValueError):
        build_plan(person_edges=["own_life"], size=5)


def test_completion_has_no_streak_penalty():
    assert completion(3, 4) == 0.75 and completion(0, 0) is None and completion(9, 4) == 1.0


# ---- exercises --------------------------------------------------------------------------


def vacation():
    return ex.start("plan-together", "ana", "ben")


def test_nothing_is_revealed_before_both_have_submitted():
    state = ex.submit(vacation(), "ana", {"together": ["hike"]})
    assert state.state == "waiting"
    assert ex.visible_entries(state, "ben") == {}
    assert ex.visible_entries(state, "ana") == {"ana": {"together": ["hike"]}}
    state = ex.submit(state, "ben", {"together": ["museum"]})
    assert state.state == "revealed"
    assert set(ex.visible_entries(state, "ben")) == {"ana", "ben"}


def test_drafts_stay_private_and_a_stranger_sees_nothing():
    state = ex.save_draft(vacation(), "ana", {"together": ["sea"]})
    assert ex.visible_entries(state, "ben") == {}
    state = ex.submit(ex.submit(state, "ana"), "ben", {"together": ["sea"]})
    assert ex.visible_entries(state, "carl") == {}
    with pytest.raises(ex.ExerciseError):
        ex.submit(state, "carl", {"together": ["x"]})


def test_withdrawal_before_the_reveal_takes_the_entry_back():
    state = ex.submit(vacation(), "ana", {"together": ["hike"]})
    state = ex.withdraw(state, "ana")
    assert state.state == "open"
    state = ex.submit(state, "ben", {"together": ["museum"]})
    assert state.state == "waiting"  # ana's withdrawn draft does not count as submitted
    assert ex.visible_entries(state, "ben") == {"ben": {"together": ["museum"]}}


def test_after_the_reveal_entries_cannot_be_withdrawn_but_edits_reopen_agreement():
    state = ex.submit(ex.submit(vacation(), "ana", {"together": ["a"]}), "ben", {"together": ["b"]})
    with pytest.raises(ex.ExerciseError):
        ex.withdraw(state, "ana")
    state = ex.agree(state, "ana")
    assert state.state == "revealed"
    edited = ex.edit(state, "ben", {"together": ["b", "c"]})
    assert edited.agreed == frozenset() and edited.revision == 1
    done = ex.agree(ex.agree(edited, "ana"), "ben")
    assert done.state == "agreed" and done.agreed_revision == 1


def test_submitting_nothing_or_twice_is_refused():
    with pytest.raises(ex.ExerciseError, match="nothing to submit"):
        ex.submit(vacation(), "ana")
    state = ex.submit(vacation(), "ana", {"together": ["x"]})
    with pytest.raises(ex.ExerciseError):
        ex.save_draft(state, "ana", {"together": ["y"]})


def test_plan_comparison_finds_overlaps_keeps_both_wishes_and_plans_time_apart():
    a = {
        "together": ["Hiking", "museum", "cooking class"],
        "alone": ["a solo hike"],
        "budget": 900,
        "limits": ["no flights"],
    }
    b = {"together": ["hiking ", "beach"], "alone": ["reading by the pool"], "budget": 700}
    result = ex.compare_plans(a, b)
    assert result["overlap"] == ["Hiking"]
    assert result["differences"] == {"a": ["museum", "cooking class"], "b": ["beach"]}
    assert result["proposal"]["together"] == ["Hiking", "museum", "beach", "cooking class"]
    assert result["proposal"]["apart"] == {"a": ["a solo hike"], "b": ["reading by the pool"]}
    assert result["proposal"]["budget"] == 700


def test_a_shared_problem_flags_one_partner_carrying_it_or_handing_it_over():
    balanced = ex.split_actions(
        {"contribute": ["track spending", "call the bank"]}, {"contribute": ["sell the bike"]}
    )
    assert balanced["balance_warning"] is None
    carried = ex.split_actions({"contribute": ["a", "b", "c", "d"]}, {"contribute": ["e"]})
    assert carried["balance_warning"] == "one_carries"
    handed = ex.split_actions({"contribute": ["a"]}, {"contribute": []})
    assert handed["balance_warning"] == "one_hands_over"
