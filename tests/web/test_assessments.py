"""Taking the assessment: pages, answers saved as given, resuming, submitting, retaking."""

from __future__ import annotations

from interdep.assessments import selectors
from interdep.assessments.models import Answer, Assessment
from interdep.science.instrument import CURRENT_VERSION, load_instrument

from .conftest import SAFETY_RAISING, submit


def test_the_pages_hold_every_item_once(db):
    pages = selectors.pages(CURRENT_VERSION)
    ids = [item.id for page in pages for item in page.items]
    assert sorted(ids) == sorted(item.id for item in load_instrument().items)
    assert all(len(page.items) <= selectors.ITEMS_PER_PAGE for page in pages)


def test_an_answer_is_saved_as_it_is_given(client, alice):
    client.force_login(alice)
    page = client.get("/assessment/page/1/").content.decode()
    first = selectors.pages(CURRENT_VERSION)[0].items[0]
    assert first.text in page
    response = client.post("/assessment/answer/", {first.id: "4"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f"1 of {len(load_instrument().items)} answered" in response.content.decode()
    assert Answer.objects.get(item_id=first.id, assessment__person=alice).value == 4


def test_a_bad_answer_is_refused_with_a_message_htmx_can_show(client, alice):
    client.force_login(alice)
    response = client.post("/assessment/answer/", {"bnd_s1": "9"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "between 1 and 5" in response.content.decode()
    assert not Answer.objects.exists()


def test_the_assessment_resumes_at_the_first_open_page(client, alice):
    client.force_login(alice)
    first_page = selectors.pages(CURRENT_VERSION)[0]
    client.post("/assessment/page/1/", {item.id: "3" for item in first_page.items})
    assert client.get("/assessment/").url == "/assessment/page/2/"


def test_back_and_skip_move_between_pages(client, alice):
    client.force_login(alice)
    assert client.post("/assessment/page/3/", {"go": "back"}).url == "/assessment/page/2/"
    assert (
        'href="/assessment/page/4/"' in client.get("/assessment/page/3/").content.decode()
    )  # skip link


def test_submitting_records_the_instrument_version_and_freezes_it(client, alice):
    assessment = submit(alice)
    assert assessment.instrument_version == CURRENT_VERSION and assessment.submitted_at is not None
    client.force_login(alice)
    # a retake starts a new assessment only when asked for (POST); the first stays in the history
    client.post("/assessment/")
    assert Assessment.objects.filter(person=alice).count() == 2
    submit(alice, seed=5)
    assert len(selectors.history(alice)) == 2
    assert "All your results (2)" in client.get(f"/report/{assessment.pk}/").content.decode()


def test_an_empty_assessment_cannot_be_submitted(client, alice):
    client.force_login(alice)
    client.get("/assessment/")
    response = client.post("/assessment/submit/", follow=True)
    assert "Answer at least some questions" in response.content.decode()


def test_a_safety_signal_leads_privately_to_the_support_page(client, alice):
    client.force_login(alice)
    from interdep.demo import demo_answers

    client.post("/assessment/answer/", {**demo_answers(1, lean=0.6), **SAFETY_RAISING})
    response = client.post("/assessment/submit/")
    assert response.url == "/support/"
    page = client.get("/support/").content.decode()
    assert "feel afraid, pressured or watched" in page
    assert "<title>Support and resources" in page  # the title is the same for everyone


def test_private_pages_are_not_stored_or_snapshotted(client, alice):
    client.force_login(alice)
    response = client.get("/assessment/page/1/")
    assert "no-store" in response["Cache-Control"]
    assert 'hx-history="false"' in response.content.decode()


def test_an_assessment_taken_on_an_older_version_is_scored_with_that_version(alice, client):
    """Stored answers keep their instrument version: v1's report is v1's scoring, not the current one."""
    from interdep.science.instrument import load_instrument
    from interdep.science.results import score_answers

    v1 = load_instrument("v1")
    answers = {item.id: (2 if item.reverse_keyed else 4) for item in v1.items}
    answers[v1.self_items[0].id] = 1
    assessment = Assessment.objects.create(person=alice, instrument_version="v1")
    Answer.objects.bulk_create(
        Answer(assessment=assessment, item_id=k, value=v) for k, v in answers.items()
    )
    from django.utils import timezone

    assessment.submitted_at = timezone.now()
    assessment.save()
    client.force_login(alice)
    report = client.get("/api/v1/reports/me").json()
    expected = score_answers(v1, answers).to_dict()
    assert report["instrument_version"] == "v1" != CURRENT_VERSION
    assert report["facets"] == expected["facets"] and report["scales"] == expected["scales"]


def test_the_home_pages_say_how_many_statements_the_current_version_has(client, alice):
    count = f"{len(load_instrument().items)} short statements"
    assert count in client.get("/").content.decode()
    client.force_login(alice)
    assert count in client.get("/").content.decode()
