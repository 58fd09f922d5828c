""" "Us over time" words: one plain sentence and one linked suggestion per clear finding, the
numbers kept apart, nothing claimed about chance, nothing offered as a score to raise."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

from interdep.checkins.findings import (
    PRACTICE_FOR,
    all_numbers,
    chance_numbers,
    chance_sentence,
    chance_summary,
    findings,
    network_words,
    quiet_words,
)
from interdep.checkins.presenters import OWN_TIME_DAYS, own_time_words
from interdep.checkins.words import describe
from interdep.science.dynamics import CoupleDynamics
from interdep.science.network import (
    clear_links,
    default_network,
    simulate_network,
    surrogate_baseline,
)
from interdep.science.practices import load_practices

CLEAR_UP, CLEAR_DOWN, UNSURE = (0.15, 0.6), (-0.6, -0.1), (-0.2, 0.3)


def _result(inertia_you, inertia_sam, sam_to_you, you_to_sam, asym, r) -> CoupleDynamics:
    def mid(iv):
        return (iv[0] + iv[1]) / 2

    return CoupleDynamics(
        couple_id="c",
        persons=["Sam", "You"],
        variable="valence",
        status="ok",
        n_pairs=40,
        inertia={"You": mid(inertia_you), "Sam": mid(inertia_sam)},
        transmission={"Sam->You": mid(sam_to_you), "You->Sam": mid(you_to_sam)},
        se={},
        intervals={
            "You": list(inertia_you),
            "Sam": list(inertia_sam),
            "Sam->You": list(sam_to_you),
            "You->Sam": list(you_to_sam),
        },
        asymmetry={
            "estimate": mid(asym),
            "interval": list(asym),
            "contrast": "Sam->You - You->Sam",
        },
        co_movement=r,
    )


def _all_results():
    ivs = (CLEAR_UP, CLEAR_DOWN, UNSURE)
    for combo in itertools.product(ivs, ivs, ivs, ivs, (CLEAR_UP, UNSURE), (0.4, 0.0, -0.3)):
        yield _result(*combo)


def test_every_clear_finding_has_one_plain_sentence_and_a_real_practice():
    practices = {p.id for p in load_practices()}
    assert set(PRACTICE_FOR.values()) <= practices
    for result in _all_results():
        for f in findings(result, "mood", order=("You", "Sam")):
            assert f.practice_id in practices
            for text in (f.meaning, f.suggestion):
                assert re.search(r"\d", text) is None, text  # numbers live in the details
                assert "chance" not in text and "can't tell" not in text
                for word in ("score", "raise", "increase", "better", "healthier"):
                    assert word not in text.lower(), (word, text)
            assert f.meaning.count(". ") == 0, "one sentence"
            assert re.search(r"[+-]\d\.\d\d", f.numbers)


def test_only_findings_whose_interval_excludes_zero_are_told():
    unsure = _result(UNSURE, UNSURE, UNSURE, UNSURE, UNSURE, 0.05)
    assert findings(unsure, "mood", order=("You", "Sam")) == []
    words = quiet_words("mood", [], 21, "Sam")
    assert "most couples" in words and "not a sign that anything is missing" in words
    assert len(all_numbers(unsure, "mood", order=("You", "Sam"))) == 5


def test_the_reader_is_you_and_the_partner_is_named():
    result = _result(CLEAR_UP, UNSURE, CLEAR_UP, UNSURE, UNSURE, 0.0)
    told = findings(result, "mood", order=("You", "Sam"))
    assert [f.kind for f in told] == ["carry_over", "reaches"]
    assert told[0].meaning.startswith("Your mood tends to stay with you")
    assert told[1].meaning.startswith("When Sam's mood lifts or dips, yours tends to follow")


def test_more_than_chance_is_said_only_from_the_surrogate_comparison():
    linked = simulate_network(
        1, 80, q=1, temporal=default_network(1, linkage=0.5), missing_day=0.0, random_sd=0.0, seed=5
    )
    words = chance_sentence(
        chance_summary(surrogate_baseline(linked.time, linked.values, 1)), "mood", "Sam"
    )
    assert words.startswith("Day by day, your mood and Sam's pass between you more than chance")
    apart = simulate_network(
        1, 80, q=1, temporal=default_network(1, linkage=0.0), missing_day=0.0, random_sd=0.0, seed=5
    )
    baseline = surrogate_baseline(apart.time, apart.values, 1)
    assert not baseline.more_than_chance("inter")
    words = chance_sentence(chance_summary(baseline), "mood", "Sam")
    assert "within what chance alone gives" in words and "more than chance" not in words
    assert "versions of your own days" in chance_numbers(chance_summary(baseline))[0]
    # Two weeks are too few days for the comparison: then chance is not mentioned at all.
    short = surrogate_baseline(linked.time[:14], linked.values[:14], 1)
    assert chance_summary(short) is None
    assert chance_sentence(None, "mood", "Sam") is None and chance_numbers(None) == []


def test_the_numbers_read_as_words_with_whole_possessives_and_no_negative_zero():
    result = _result(CLEAR_UP, UNSURE, (-0.004, 0.3), UNSURE, UNSURE, -0.001)
    rows = all_numbers(result, "mood", order=("You", "Sam"))
    assert rows[0].startswith("How much your mood stays to the next check-in: +0.38")
    assert any(row.startswith("How much Sam's mood passes to yours by the next") for row in rows)
    assert any(row.startswith("How much your mood passes to Sam's by the next") for row in rows)
    assert rows[-1].startswith(
        "How closely your mood and Sam's move together on the same day: 0.00"
    )
    assert not any("-0.00" in row or "r = " in row or "to your:" in row for row in rows)


def _one_link_network(ratio: float):
    """Three feelings each; every link is nothing but one from Sam's energy to your mood, whose
    effect is ``ratio`` standard errors."""
    q = 3
    B = [[0.0] * (2 * q) for _ in range(2 * q)]
    se = [[0.1] * (2 * q) for _ in range(2 * q)]
    B[0][q + 1] = 0.1 * ratio
    return B, se, q


def test_a_link_counts_as_clear_only_allowing_for_every_link_looked_at():
    # 2.2 SE leaves out zero at a single 95%, but not among 18 links; 4 SE does.
    for ratio, clear in ((2.2, 0), (4.0, 1)):
        B, se, q = _one_link_network(ratio)
        assert clear_links(B, se, q)[0][q + 1] == clear
        words = network_words(B, se, ["mood", "energy", "closeness"], "Sam", 40)
        said = " ".join(words["sentences"])
        assert ("When Sam's energy was higher" in said) == bool(clear)
        assert ("No single link" in said) == (not clear)
        assert "18 possible links" in words["sureness"]


def test_one_clear_direction_is_not_called_as_much_each_way():
    one_way = _result(UNSURE, UNSURE, UNSURE, CLEAR_UP, UNSURE, 0.0)
    said = " ".join(describe(one_way, "mood", order=("You", "Sam")))
    assert "about as much each way" not in said
    assert "Only one direction is clear so far" in said
    neither = _result(UNSURE, UNSURE, UNSURE, UNSURE, UNSURE, 0.0)
    assert "about as much each way" in " ".join(describe(neither, "mood", order=("You", "Sam")))


def test_time_for_yourself_is_compared_only_over_enough_days_and_never_blamed():
    days = [date(2025, 3, 1) + timedelta(days=k) for k in range(12)]
    own = {d: 6.0 if k % 2 == 0 else 1.0 for k, d in enumerate(days)}
    lower = {d: 58.0 if own[d] >= 5 else 64.0 for d in days}
    (said,) = own_time_words(lower, own)
    assert said.startswith("On the 6 days you made time for yourself, your mood was a little lower")
    assert "over 6 other days" in said and "need not mean the time did harm" in said
    higher = {d: 70.0 if own[d] >= 5 else 60.0 for d in days}
    assert "a little higher" in own_time_words(higher, own)[0]
    few = {d: v for d, v in own.items() if v < 5 or d < days[2 * (OWN_TIME_DAYS - 1)]}
    assert own_time_words(lower, few) == []  # four days with time for oneself: not enough
    assert own_time_words({d: 60.0 for d in days}, own) == []  # no difference worth a word
