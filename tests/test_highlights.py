"""Strengths, growth edges and differences never contradict one another, for any answers.

Property-based: random answer sets (whole persons answering the real instrument) and random
couples, scored by the same code as the web app and the CLI.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interdep.science.couple import analyse_couple
from interdep.science.highlights import (
    EDGE_LEVEL,
    EVEN_SPREAD,
    STRENGTH_LEVEL,
    WIDE_DIFFERENCE,
    couple_highlights,
    couple_sentences,
    person_highlights,
    person_sentences,
)
from interdep.science.instrument import load_instrument
from interdep.science.results import score_answers

INSTRUMENT = load_instrument()
ITEMS = [i.id for i in INSTRUMENT.items]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: A whole answer set: each item 1-5, or skipped now and then.
answer_sets = st.fixed_dictionaries(
    {
        i: st.one_of(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.none())
        for i in ITEMS
    }
)
#: Leaning answer sets: the same value for every item (the even responder) or a bias.
biased = st.builds(
    lambda base, noise: {i: max(1, min(5, base + n)) for i, n in zip(ITEMS, noise, strict=False)},
    st.integers(1, 5),
    st.lists(st.integers(-1, 1), min_size=len(ITEMS), max_size=len(ITEMS)),
)
persons = st.one_of(answer_sets, biased)


def _score(answers, pid):
    return score_answers(
        INSTRUMENT, {k: v for k, v in answers.items() if v is not None}, person_id=pid
    )


@SETTINGS
@given(persons)
def test_a_persons_strengths_and_edges_are_disjoint_and_each_meets_its_level(answers):
    result = _score(answers, "me")
    h = result.highlights
    strengths = {f for f, _ in h.strengths}
    edges = {f for f, _ in h.growth_edges}
    assert not strengths & edges
    assert all(result.facets[f] >= STRENGTH_LEVEL for f in strengths)
    assert all(result.facets[f] < EDGE_LEVEL for f in edges)
    assert all(result.facets[f] < EDGE_LEVEL for f in h.more_edges)
    assert not set(h.more_edges) & (strengths | edges)
    if h.even:
        assert not strengths and len(edges) <= 1 and not h.more_edges
        assert h.spread < EVEN_SPREAD
    # The JSON carries exactly these lists.
    d = result.to_dict()
    assert [e["facet"] for e in d["strengths"]] == [f for f, _ in h.strengths]
    assert [e["facet"] for e in d["growth_edges"]] == [f for f, _ in h.growth_edges]


@SETTINGS
@given(persons)
def test_every_private_report_sentence_is_about_the_reader_and_true_of_them(answers):
    result = _score(answers, "me")
    for s in person_sentences(INSTRUMENT, result.highlights):
        assert s.subject == "you"
        if s.kind == "edge":
            assert result.facets[s.facet] < EDGE_LEVEL
            assert s.text == INSTRUMENT.facet(s.facet).edge
        if s.kind == "strength":
            assert result.facets[s.facet] >= STRENGTH_LEVEL


@SETTINGS
@given(persons, persons)
def test_couple_lists_are_disjoint_and_shared_means_both(answers_a, answers_b):
    a, b = _score(answers_a, "me"), _score(answers_b, "partner")
    result = analyse_couple(INSTRUMENT, a, b, couple_id="c")
    strong = {e["facet"] for e in result.strengths}
    weak = {e["facet"] for e in result.growth_edges}
    apart = {e["facet"] for e in result.differences}
    assert not strong & weak and not strong & apart and not weak & apart
    for f in strong:
        assert a.facets[f] >= STRENGTH_LEVEL and b.facets[f] >= STRENGTH_LEVEL
    for f in weak:
        assert a.facets[f] < EDGE_LEVEL and b.facets[f] < EDGE_LEVEL
    for f in apart:
        assert abs(a.facets[f] - b.facets[f]) >= WIDE_DIFFERENCE
    # Each person's own lists, as carried in the couple JSON, follow the person rules.
    for p in (a, b):
        own = result.to_dict()["person_highlights"][p.person_id]
        assert [e["facet"] for e in own["strengths"]] == [f for f, _ in p.highlights.strengths]
        assert not {e["facet"] for e in own["strengths"]} & {
            e["facet"] for e in own["growth_edges"]
        }


@SETTINGS
@given(persons, persons)
def test_couple_sentences_never_address_the_reader_with_the_partners_edge(answers_a, answers_b):
    a, b = _score(answers_a, "me"), _score(answers_b, "partner")
    h = couple_highlights("me", a.facets, "partner", b.facets)
    second_person = {f.edge for f in INSTRUMENT.facets} | {f.strength for f in INSTRUMENT.facets}
    for reader, other, mine, theirs in (("me", "partner", a, b), ("partner", "me", b, a)):
        for s in couple_sentences(INSTRUMENT, h, reader=reader, partner=other, partner_name="Sam"):
            # A facet's own second-person words belong to one person's private report only.
            assert s.text not in second_person
            assert s.subject == "both"
            if s.kind in ("strength", "edge"):
                level_ok = (
                    (lambda x: x >= STRENGTH_LEVEL)
                    if s.kind == "strength"
                    else (lambda x: x < EDGE_LEVEL)
                )
                assert level_ok(mine.facets[s.facet]) and level_ok(theirs.facets[s.facet])
            if s.kind == "difference":
                # "you scored X and Sam Y": the reader's own score comes with "you".
                assert f"you scored {round(mine.facets[s.facet])} and Sam " in s.text
                assert s.text.endswith(".")


def test_an_even_responder_gets_words_for_evenness_and_no_list_that_contradicts():
    # Everything on the healthy side at "Mostly true", the unhealthy side at "A little true":
    # every facet 75, the profile the issue saw listed as both strengths and edges.
    answers = {i.id: (4 if i.pole == "healthy" else 2) for i in INSTRUMENT.items}
    result = _score(answers, "me")
    h = result.highlights
    assert h.even and h.strengths == () and h.growth_edges == ()
    texts = [s.text for s in person_sentences(INSTRUMENT, h)]
    assert any(t.startswith("Your areas sit close together, between 75 and 75") for t in texts)
    assert all("blurry" not in t for t in texts)
    assert result.plan_focus()  # "make my plan" still has somewhere to start


def test_an_even_low_profile_names_only_its_one_lowest_area():
    facets = {f: 40.0 for f in INSTRUMENT.facet_ids}
    facets["boundaries"] = 35.0
    h = person_highlights(facets)
    assert h.even and h.growth_edges == (("boundaries", 35.0),)


def test_a_facet_at_100_and_25_is_a_difference_never_a_shared_strength():
    a = {f: 80.0 for f in INSTRUMENT.facet_ids}
    b = dict(a)
    a["accountability"], b["accountability"] = 100.0, 25.0
    h = couple_highlights("me", a, "partner", b)
    assert "accountability" not in {e["facet"] for e in h.shared_strengths}
    assert [e["facet"] for e in h.differences] == ["accountability"]
    assert h.differences[0]["scores"] == {"me": 100.0, "partner": 25.0}


def test_the_dead_band_belongs_to_neither_list():
    h = person_highlights({"a": 69.9, "b": 50.0, "c": 95.0, "d": 10.0})
    assert h.strengths == (("c", 95.0),) and h.growth_edges == (("d", 10.0),)
