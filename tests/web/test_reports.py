"""Personal and couple reports: warm words, figures, and nothing private crossing over."""

from __future__ import annotations

import base64
import re

from interdep.assessments import presenters, selectors
from interdep.couples import services as couple_services
from interdep.science.instrument import load_instrument
from interdep.science.results import score_answers

from .conftest import SAFETY_RAISING, SAFETY_WORDS, link, submit


def _svgs(html: str) -> list[str]:
    return [
        base64.b64decode(m).decode()
        for m in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    ]


def test_the_personal_report_matches_the_science_and_never_diagnoses(client, alice):
    assessment = submit(alice, seed=3, lean=0.8)
    expected = score_answers(load_instrument(), selectors.answers_of(assessment))
    client.force_login(alice)
    page = client.get(f"/report/{assessment.pk}/").content.decode()
    assert expected.dynamic_note.replace("'", "&#x27;") in page
    assert "not a diagnosis" in page
    for facet_id, _ in expected.strengths():
        assert load_instrument().facet(facet_id).label in page
    map_svg, bars_svg = _svgs(page)
    assert "<svg" in map_svg and "You" in map_svg and "Connection" in map_svg
    assert all(f.label in bars_svg for f in load_instrument().facets)


def test_the_api_report_is_the_scoring_json(client, alice):
    assessment = submit(alice, seed=3)
    client.force_login(alice)
    got = client.get("/api/v1/reports/me").json()
    expected = score_answers(
        load_instrument(), selectors.answers_of(assessment), person_id=str(alice.pk)
    ).to_dict()
    assert got == expected


def test_growth_edges_link_practices(client, alice):
    assessment = submit(alice, seed=8, lean=0.4)
    client.force_login(alice)
    page = client.get(f"/report/{assessment.pk}/").content.decode()
    assert page.count('class="practice"') >= 3


def test_the_couple_report_shows_both_and_no_single_answer(client, alice, bob, shared_couple):
    client.force_login(bob)
    page = client.get(f"/couple/{shared_couple.pk}/report/").content.decode()
    assert "You and Alice" in page
    map_svg = _svgs(page)[0]
    assert "You" in map_svg and "Alice" in map_svg
    for item in load_instrument().items:
        assert item.text.replace("'", "&#x27;") not in page
    api = client.get("/api/v1/reports/couple").json()
    assert api["persons"] == ["me", "partner"] and api["partner_display_name"] == "Alice"
    assert set(api) >= {"gaps", "agreement", "pattern", "strengths", "growth_edges"}
    assert not any(item.id in str(api) for item in load_instrument().items)


def test_the_couple_report_is_the_same_science_from_both_sides(client, alice, bob, shared_couple):
    client.force_login(alice)
    mine = client.get("/api/v1/reports/couple").json()
    client.force_login(bob)
    theirs = client.get("/api/v1/reports/couple").json()
    assert mine["pattern"] == theirs["pattern"]
    assert (
        mine["agreement"]["mean_absolute_difference"]
        == theirs["agreement"]["mean_absolute_difference"]
    )


def test_a_safety_signal_never_reaches_the_couple_report(client, alice, bob, couple):
    """Safety-screen answers are left out of every shared score, so the partner's view is the
    same whatever they were (here: answered on the worrying side vs. not answered at all)."""
    from interdep.demo import demo_answers

    base = demo_answers(21, lean=0.7)
    submit(alice, answers={**base, **SAFETY_RAISING})
    submit(bob, seed=22)
    couple_services.consent_set(person=alice, share=True)
    couple_services.consent_set(person=bob, share=True)
    client.force_login(bob)
    with_signal = client.get("/api/v1/reports/couple").json()
    page = client.get(f"/couple/{couple.pk}/report/").content.decode()
    for words in SAFETY_WORDS:
        assert words not in page and words not in str(with_signal)
    # Alice retakes with the safety items not answered at all: Bob's couple report is identical.
    submit(alice, answers={k: v for k, v in base.items() if not load_instrument().item(k).safety})
    without = client.get("/api/v1/reports/couple").json()
    assert with_signal == without


def test_withdrawing_makes_the_couple_report_disappear_for_both(client, alice, bob, shared_couple):
    couple_services.consent_set(person=alice, share=False)
    for person in (alice, bob):
        client.force_login(person)
        page = client.get(f"/couple/{shared_couple.pk}/report/")
        assert page.status_code == 403 and "No couple report right now" in page.content.decode()
        api = client.get("/api/v1/reports/couple")
        assert api.status_code == 403 and api.json()["code"] in (
            "you_not_sharing",
            "partner_not_sharing",
        )


def test_report_pages_use_a_bounded_number_of_queries(
    client, alice, bob, shared_couple, django_assert_max_num_queries
):
    client.force_login(alice)
    latest = selectors.history(alice)[0]
    for url in (
        "/",
        "/couple/",
        f"/report/{latest.pk}/",
        f"/couple/{shared_couple.pk}/report/",
        "/assessment/",
        "/api/v1/reports/couple",
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_the_couple_report_never_denies_the_strengths_it_lists(alice, bob):
    """Across many couples: with areas strong in both, the profile sentence does not say all
    strong spots differ, and a 'sees less of this' on a shared strength says it is one."""
    link(alice, bob)
    checked = 0
    for seed in range(12):
        a = submit(alice, seed=seed, lean=0.9)
        b = submit(bob, seed=100 + seed, lean=0.9)
        report = presenters.couple_report(
            selectors.instrument_of(a), a, b, couple_id="c", partner_name="Bob"
        )
        shared = {s["label"] for s in report["strengths"]}
        if not shared:
            continue
        checked += 1
        assert "Beyond the areas strong in both of you" in report["agreement_words"] or (
            "fall in different places" not in report["agreement_words"]
        )
        for gap in report["gaps_about_me"] + report["gaps_about_partner"]:
            if gap["label"] in shared and "less of this" in gap["words"]:
                assert "a strength in both of your own answers" in gap["words"]
    assert checked >= 3
