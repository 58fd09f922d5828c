"""Practices: the shipped set covers every facet with doable steps, a broken file fails naming the
practice, and choosing practices for growth edges is ranked and deterministic."""

from __future__ import annotations

import pytest

from interdep.science.errors import ContentError, InputError
from interdep.science.instrument import load_instrument
from interdep.science.practices import (
    Practice,
    load_practices,
    parse_practices,
    practices_for_facets,
)

# The article's self-awareness practices and couple exercises, by the ids the plan refers to.
EXPECTED_IDS = {
    "map-what-lights-you-up",
    "ask-for-what-you-need",
    "keep-your-people-close",
    "one-goal-of-your-own",
    "live-your-values",
    "hobby-hour",
    "the-power-of-no",
    "show-up-as-yourself",
    "listen-to-understand",
    "notice-and-answer-bids",
    "boundary-conversation",
    "back-each-others-growth",
    "plan-together-with-time-apart",
    "shared-problem-own-part",
    "one-vulnerable-thing",
    "lean-on-me-small-ask",
    "feedback-without-defending",
    "no-rehearsal",
}


@pytest.fixture(scope="module")
def practices():
    return load_practices()


# --- the shipped content -------------------------------------------------------------------------


def test_the_shipped_practices_load_with_unique_ids(practices):
    ids = [p.id for p in practices]
    assert 16 <= len(ids) <= 20
    assert len(set(ids)) == len(ids)
    assert set(ids) >= EXPECTED_IDS


def test_every_facet_of_the_current_instrument_has_at_least_two_practices(practices):
    for facet_id in load_instrument().facet_ids:
        targeting = [p.id for p in practices if p.targets(facet_id)]
        assert len(targeting) >= 2, facet_id


def test_there_are_practices_for_one_person_and_for_the_couple(practices):
    kinds = [p.kind for p in practices]
    assert kinds.count("self") >= 6
    assert kinds.count("couple") >= 6


def test_each_practice_has_three_to_six_concrete_steps_and_a_sign_of_success(practices):
    for practice in practices:
        assert 3 <= len(practice.steps) <= 6, practice.id
        assert all(step.endswith((".", "?", '"')) for step in practice.steps), practice.id
        assert practice.summary and practice.went_well and practice.title, practice.id
        assert practice.minutes > 0 and practice.cadence in ("daily", "weekly", "once"), practice.id


def test_loading_is_cached(practices):
    assert load_practices() is practices


# --- validation names the practice and the problem -----------------------------------------------

ALL_FACETS = load_instrument().facet_ids


def practice_toml(pid: str = "covers-everything", **fields) -> str:
    """One practice entry as TOML; values are given as TOML source text."""
    base = {
        "id": f'"{pid}"',
        "kind": '"couple"',
        "title": '"A title"',
        "summary": '"Why it helps."',
        "target_facets": "[" + ", ".join(f'"{f}"' for f in ALL_FACETS) + "]",
        "minutes": "10",
        "cadence": '"weekly"',
        "steps": '["Do one thing.", "Then another."]',
        "went_well": '"You did it."',
    }
    base.update(fields)
    body = "\n".join(f"{k} = {v}" for k, v in base.items() if v is not None)
    return f"[[practices]]\n{body}\n"


def test_a_minimal_valid_practices_file_parses():
    (practice,) = parse_practices(practice_toml())
    assert practice == Practice(
        id="covers-everything",
        kind="couple",
        title="A title",
        summary="Why it helps.",
        target_facets=ALL_FACETS,
        minutes=10,
        cadence="weekly",
        steps=("Do one thing.", "Then another."),
        went_well="You did it.",
    )


BROKEN = [
    ("duplicate id", practice_toml() + practice_toml(), ["covers-everything", "duplicate"]),
    (
        "unknown facet",
        practice_toml() + practice_toml("odd-one", target_facets='["kindness"]'),
        ["odd-one", "unknown facet 'kindness'"],
    ),
    (
        "facet listed twice",
        practice_toml() + practice_toml("twice", target_facets='["reliance", "reliance"]'),
        ["'twice'", "lists a facet twice"],
    ),
    ("empty steps", practice_toml("no-steps", steps="[]"), ["no-steps", "'steps'"]),
    ("blank step", practice_toml("blank-step", steps='["Go.", "  "]'), ["blank-step", "'steps'"]),
    ("zero minutes", practice_toml("zero", minutes="0"), ["zero", "'minutes' must be a positive"]),
    (
        "text minutes",
        practice_toml("text", minutes='"15"'),
        ["text", "'minutes' must be a positive"],
    ),
    (
        "boolean minutes",
        practice_toml("flag", minutes="true"),
        ["flag", "'minutes' must be a positive"],
    ),
    ("fractional minutes", practice_toml("half", minutes="2.5"), ["half", "minutes"]),
    ("bad kind", practice_toml("who", kind='"family"'), ["who", "'kind' must be one of"]),
    (
        "bad cadence",
        practice_toml("when", cadence='"hourly"'),
        ["when", "'cadence' must be one of"],
    ),
    ("missing title", practice_toml("untitled", title=None), ["untitled", "'title'"]),
    ("missing went_well", practice_toml("unsure", went_well=None), ["unsure", "'went_well'"]),
    ("not kebab case", practice_toml("Power_Of_No"), ["Power_Of_No", "kebab-case"]),
    ("unknown field", practice_toml("extra", mood='"sunny"'), ["extra", "unknown field(s) mood"]),
    ("missing id", practice_toml(id=None), ["practice #1", "missing field 'id'"]),
    (
        "an untargeted facet",
        practice_toml("partial", target_facets='["boundaries"]'),
        ["no practice targets facet(s) saying_no", "openness"],
    ),
    ("no practices", 'title = "nothing"\n', ["no [[practices]]"]),
    ("invalid TOML", "[[practices]\n", ["not valid TOML"]),
]


@pytest.mark.parametrize(("text", "expected"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_a_broken_practices_file_fails_naming_the_practice_and_the_problem(text, expected):
    with pytest.raises(ContentError) as caught:
        parse_practices(text)
    for fragment in expected:
        assert fragment in str(caught.value)


# --- choosing practices for growth edges ---------------------------------------------------------


def _practice(pid: str, targets: tuple[str, ...], kind: str = "self") -> Practice:
    return Practice(pid, kind, pid, "why", targets, 5, "daily", ("a.", "b.", "c."), "ok")


POOL = (
    _practice("only-reliance", ("reliance",)),
    _practice("reliance-and-openness", ("reliance", "openness"), kind="couple"),
    _practice("only-openness", ("openness",)),
    _practice("only-boundaries", ("boundaries",)),
    _practice("also-openness", ("openness",)),
)


def test_practices_targeting_more_of_the_facets_come_first_then_by_facet_priority_then_order():
    ranked = practices_for_facets(["openness", "reliance"], practices=POOL)
    assert [p.id for p in ranked] == [
        "reliance-and-openness",  # two of the facets
        "only-openness",  # the first (highest-priority) facet, in file order
        "also-openness",
        "only-reliance",
    ]
    ranked = practices_for_facets(["reliance", "openness"], practices=POOL)
    assert [p.id for p in ranked] == [
        "reliance-and-openness",
        "only-reliance",
        "only-openness",
        "also-openness",
    ]


def test_limit_kind_and_a_single_facet_id_narrow_the_choice():
    assert [p.id for p in practices_for_facets(["openness"], limit=1, practices=POOL)] == [
        "reliance-and-openness"
    ]
    couple = practices_for_facets(["openness", "reliance"], kind="couple", practices=POOL)
    assert [p.id for p in couple] == ["reliance-and-openness"]
    assert [p.id for p in practices_for_facets("boundaries", practices=POOL)] == ["only-boundaries"]
    assert practices_for_facets(["openness"], limit=0, practices=POOL) == []


def test_practices_targeting_none_of_the_facets_are_left_out(practices):
    for practice in practices_for_facets(["saying_no"]):
        assert practice.targets("saying_no")
    assert len(practices_for_facets(["saying_no"])) == sum(
        p.targets("saying_no") for p in practices
    )


def test_the_shipped_ranking_is_deterministic_and_never_increases_in_matches(practices):
    edges = ["steadiness", "vulnerability", "saying_no"]
    first = practices_for_facets(edges, limit=5)
    assert first == practices_for_facets(list(edges), limit=5)
    assert len(first) == 5
    matches = [sum(p.targets(f) for f in edges) for p in first]
    assert matches == sorted(matches, reverse=True)
    # Asking for all of them returns the same head.
    assert practices_for_facets(edges)[:5] == first


def test_unknown_facets_kinds_and_negative_limits_are_input_errors():
    with pytest.raises(InputError, match="unknown facet"):
        practices_for_facets(["kindness"])
    with pytest.raises(InputError, match="kind must be one of"):
        practices_for_facets(["reliance"], kind="family")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="limit"):
        practices_for_facets(["reliance"], limit=-1)
