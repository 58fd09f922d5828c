"""The support page opens on a documented rule, never on one conflict-avoidance answer."""

from __future__ import annotations

import itertools

import pytest

from interdep.science.errors import ContentError
from interdep.science.instrument import available_versions, load_instrument
from interdep.science.safety import (
    CONTENT_FILE,
    load_safety_rules,
    parse_safety_rules,
    support_decision,
)

V2 = load_instrument("v2")
MOSTLY, COMPLETELY = 4, 5


def _calm() -> dict[str, int]:
    """Answers on the healthy side of every item (no concerning answer at all)."""
    return {i.id: (5 if i.pole == "healthy" else 1) for i in V2.items}


def _with(**given: int) -> dict[str, int]:
    return {**_calm(), **given}


def test_every_released_version_has_its_safety_items_classified():
    for version in available_versions():
        rules = load_safety_rules(version)
        flagged = {i.id for i in load_instrument(version).items if i.safety}
        assert set(rules.alone_at) | rules.conflict_avoidance == flagged


def test_one_mostly_true_about_holding_back_opinions_does_not_open_the_page():
    decision = support_decision(V2, _with(hon_s4=MOSTLY))
    assert not decision.support and decision.concerning == ("hon_s4",)
    # Nor both conflict-avoidance items at "Mostly true".
    assert not support_decision(V2, _with(hon_s4=MOSTLY, no_s5=MOSTLY)).support


def test_threats_at_mostly_true_open_the_page_on_their_own():
    assert support_decision(V2, _with(hon_p2=MOSTLY)).reason == "one_fear_control_coercion"
    assert not support_decision(V2, _with(hon_p2=MOSTLY - 1)).support


def test_checking_up_opens_the_page_alone_only_at_its_extreme():
    assert not support_decision(V2, _with(aut_p2=MOSTLY)).support
    assert support_decision(V2, _with(aut_p2=COMPLETELY)).support


def test_two_concerning_answers_with_one_about_the_partners_behaviour_open_it():
    decision = support_decision(V2, _with(aut_p2=MOSTLY, hon_s4=MOSTLY))
    assert decision.support and decision.reason == "two_concerning"


def test_two_extreme_answers_open_it_even_on_conflict_avoidance_items():
    decision = support_decision(V2, _with(hon_s4=COMPLETELY, no_s5=COMPLETELY))
    assert decision.support and decision.reason == "two_extreme"


def test_exhaustively_no_single_conflict_avoidance_answer_ever_opens_it():
    rules = load_safety_rules("v2")
    for item_id, value in itertools.product(sorted(rules.conflict_avoidance), range(1, 6)):
        assert not support_decision(V2, _with(**{item_id: value})).support, (item_id, value)


def test_skipped_safety_items_count_as_nothing():
    answers = {k: v for k, v in _calm().items() if not V2.item(k).safety}
    assert support_decision(V2, answers) == support_decision(V2, {})
    assert not support_decision(V2, answers).support


def _rules_text(**replace: str) -> str:
    from importlib import resources

    text = (resources.files("interdep.content") / CONTENT_FILE).read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'conflict_avoidance = ["hon_s4", "no_s5"]\n\n[versions.v2.fear',
            'conflict_avoidance = ["hon_s4"]\n\n[versions.v2.fear',
            "no_s5 are not classified",
        ),
        (
            'conflict_avoidance = ["hon_s4", "no_s5"]\n\n[versions.v2.fear',
            'conflict_avoidance = ["hon_s4", "no_s5", "bnd_s1"]\n\n[versions.v2.fear',
            "bnd_s1 are not safety items",
        ),
        ("concerning_at = 4", "concerning_at = 9", "rule.concerning_at must be within"),
        ("hon_p2 = 4\naut_p2 = 5\n", "hon_p2 = 2\naut_p2 = 5\n", "item 'hon_p2': level 2"),
    ],
)
def test_a_broken_rule_file_names_the_problem(old, new, message):
    with pytest.raises(ContentError, match=message):
        parse_safety_rules(_rules_text(**{old: new}), V2)
