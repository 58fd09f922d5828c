"""The smaller report and practice fixes, each as a person meets it."""

from __future__ import annotations

import json

from interdep.assessments import selectors
from interdep.assessments.datarights import export_assessments
from interdep.assessments.models import Assessment
from interdep.checkins import services as checkin_services
from interdep.couples.models import Membership
from interdep.plans.models import Plan, PlanItem
from interdep.science.practices import load_practices

from .conftest import submit


def test_back_after_submitting_never_starts_a_blank_assessment(client, alice):
    submit(alice)
    client.force_login(alice)
    for url in ("/assessment/review/", "/assessment/page/3/", "/assessment/page/1/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == "/report/", url
    # A page kept by the back button: an answer clicked there starts nothing either.
    answer = client.post("/assessment/answer/", {"bnd_s1": "4"}, headers={"HX-Request": "true"})
    assert "already sent" in answer.content.decode()
    # The Assessment link asks first instead of starting one.
    assert "Answer the questions again?" in client.get("/assessment/").content.decode()
    assert Assessment.objects.filter(person=alice).count() == 1
    assert len(export_assessments(alice)["assessments"]) == 1
    # Asking for it (POST) starts the new round.
    assert client.post("/assessment/").status_code == 302
    assert Assessment.objects.filter(person=alice, submitted_at__isnull=True).count() == 1


def test_the_share_button_waits_for_ones_own_assessment(client, alice, bob, couple):
    client.force_login(alice)
    page = client.get("/couple/").content.decode()
    assert "disabled" in page and "once you have finished your own assessment" in page
    client.post("/couple/consent/", {"share": "yes"})
    assert not Membership.objects.get(person=alice, couple=couple).shares
    submit(alice)
    page = client.get("/couple/").content.decode()
    assert "disabled" not in page.split("Yes, share a couple report")[0].rsplit("<button", 1)[1]
    client.post("/couple/consent/", {"share": "yes"})
    assert Membership.objects.get(person=alice, couple=couple).shares


def test_the_first_report_offers_no_earlier_results(client, alice):
    first = submit(alice)
    client.force_login(alice)
    page = client.get(f"/report/{first.pk}/").content.decode()
    assert "Earlier results" not in page and "All your results" not in page
    client.post("/assessment/")
    submit(alice, seed=4)
    assert "All your results (2)" in client.get(f"/report/{first.pk}/").content.decode()


def test_a_missed_reach_reads_as_plain_words(client, alice):
    entry = checkin_services.checkin_create(
        person=alice,
        valence=50,
        arousal=50,
        closeness=4,
        felt_self=4,
        bid_made=True,
        bid_answered="no",
        tz="UTC",
    )
    client.force_login(alice)
    page = client.get(f"/checkins/{entry.pk}/").content.decode()
    assert "Yes, but it was missed this time" in page
    assert "(no, it was missed)" not in page


def test_the_second_to_send_reads_that_both_entries_are_open(client, alice, bob, couple):
    client.force_login(alice)
    client.post("/exercises/start/", {"kind": "vacation"})
    from interdep.exercises.models import Exercise

    exercise = Exercise.objects.latest("pk")
    entry = {"together": "the sea", "alone": "a book", "limits": "", "budget": "500"}
    first = client.post(
        f"/exercises/{exercise.pk}/entry/", {**entry, "action": "send"}, follow=True
    )
    assert "stays private until Bob has sent theirs" in first.content.decode()
    client.force_login(bob)
    second = client.post(
        f"/exercises/{exercise.pk}/entry/", {**entry, "action": "send"}, follow=True
    ).content.decode()
    assert "You have both sent yours now" in second
    assert "stays private until" not in second


def test_a_one_off_practice_has_no_weekly_check_off(client, alice):
    submit(alice)
    once = next(p for p in load_practices() if p.cadence == "once")
    weekly = next(p for p in load_practices() if p.cadence != "once")
    plan = Plan.objects.create(person=alice)
    for k, p in enumerate((once, weekly)):
        PlanItem.objects.create(
            plan=plan, practice_id=p.id, facet=p.target_facets[0], source="personal", position=k
        )
    client.force_login(alice)
    page = client.get("/practice/").content.decode()
    once_card = page.split(f">{once.title}<")[1].split("</article>")[0]
    weekly_card = page.split(f">{weekly.title}<")[1].split("</article>")[0]
    assert "I did this this week" not in once_card and "I did this<" in once_card
    assert "I did this this week" in weekly_card
    item = PlanItem.objects.get(practice_id=once.id)
    client.post(f"/practice/{item.pk}/check/", {"done": "yes"})
    assert "Done." in client.get("/practice/").content.decode().split(f">{once.title}<")[1]


def test_on_day_one_progress_counts_from_the_day_one_joined(client, alice):
    submit(alice)
    checkin_services.checkin_create(
        person=alice, valence=60, arousal=40, closeness=5, felt_self=4, tz="UTC"
    )
    client.force_login(alice)
    page = client.get("/progress/").content.decode()
    assert "You checked in today, your first day here." in page
    assert "of the last 42 days" not in page


def test_the_export_fills_the_confidence_column(alice):
    assessment = submit(alice)
    result = selectors.person_result(assessment)
    exported = export_assessments(alice)
    rows = exported["results"]
    assert result.confidence is not None
    assert rows[0]["confidence"] == result.confidence
    json.dumps(exported, default=str)


def test_the_api_reports_carry_each_persons_and_the_couples_lists(
    client, alice, bob, shared_couple
):
    client.force_login(alice)
    me = client.get("/api/v1/reports/me").json()
    own = selectors.person_result(selectors.history(alice)[0]).highlights
    assert [e["facet"] for e in me["strengths"]] == [f for f, _ in own.strengths]
    assert [e["facet"] for e in me["growth_edges"]] == [f for f, _ in own.growth_edges]
    couple = client.get("/api/v1/reports/couple").json()
    assert {"strengths", "growth_edges", "differences", "person_highlights"} <= set(couple)
    assert set(couple["person_highlights"]) == {"me", "partner"}
    for entry in couple["strengths"] + couple["growth_edges"]:
        assert set(entry["scores"]) == {"me", "partner"}
