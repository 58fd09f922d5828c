"""Practice plans on the web: built from growth edges, swap, pause, weekly check-offs, private
reflections (encrypted at rest, never shown to the partner), encouragement and the retake."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from interdep.assessments import selectors as assessment_selectors
from interdep.checkins.models import CheckIn
from interdep.couples import services as couple_services
from interdep.lib.errors import ServiceError
from interdep.plans import selectors, services
from interdep.plans.models import CheckOff, Encouragement, Plan, PlanItem
from interdep.science.instrument import load_instrument
from interdep.science.plans import build_plan
from interdep.science.practices import load_practices

from .conftest import submit

pytestmark = pytest.mark.django_db

REFLECTION = "I froze when I tried to say it, and that is worth knowing."


def _active(person) -> list[PlanItem]:
    return list(
        PlanItem.objects.filter(plan__person=person, status=PlanItem.ACTIVE).order_by("position")
    )


def test_a_plan_is_built_from_the_persons_own_growth_edges(client, alice):
    assessment = submit(alice, seed=3, lean=0.6)
    client.force_login(alice)
    assert client.post("/practice/build/").status_code == 302
    # scored without the safety items: the plan may be shown to the partner
    edges = assessment_selectors.shared_person_result(assessment).plan_focus()
    expected = build_plan(person_edges=edges)
    items = _active(alice)
    assert [(i.practice_id, i.facet, i.source) for i in items] == [
        (p.practice_id, p.facet, p.source) for p in expected
    ]
    assert 2 <= len(items) <= 3
    page = client.get("/practice/").content.decode()
    by_id = {p.id: p for p in load_practices()}
    for item in items:
        practice = by_id[item.practice_id]
        assert practice.title in page and practice.went_well in page and practice.steps[0] in page


def test_building_twice_from_the_same_results_gives_the_same_plan_and_keeps_the_old_one(alice):
    submit(alice, seed=4)
    services.plan_build(person=alice)
    first = [(i.practice_id, i.facet) for i in _active(alice)]
    services.plan_build(person=alice)
    assert [(i.practice_id, i.facet) for i in _active(alice)] == first
    assert PlanItem.objects.filter(plan__person=alice, status=PlanItem.RETIRED).count() == len(
        first
    )


def test_when_the_couple_report_is_shared_the_couple_edges_feed_the_plan_too(
    alice, bob, shared_couple
):
    edges = selectors.growth_edges(alice)
    assert edges.couple, "a shared couple report has growth edges"
    services.plan_build(person=alice)
    items = _active(alice)
    assert {i.source for i in items} == {"personal", "couple"}
    # Withdrawn consent: the couple's edges no longer feed a new plan.
    couple_services.consent_set(person=bob, share=False)
    assert selectors.growth_edges(alice).couple == []


def test_every_facet_as_a_growth_edge_gets_a_practice_for_it(alice):
    """Whatever a person's lowest facet is, the plan answers it (deterministic content check)."""
    for facet in load_instrument().facet_ids:
        plan = build_plan(person_edges=[facet])
        assert plan and plan[0].facet == facet
        assert facet in {p.id: p for p in load_practices()}[plan[0].practice_id].target_facets


def test_without_results_there_is_no_plan_yet_and_the_page_says_why(client, alice):
    client.force_login(alice)
    response = client.post("/practice/build/", follow=True)
    assert "Finish an assessment first" in response.content.decode()
    assert not PlanItem.objects.exists()


def test_swapping_replaces_one_practice_for_the_same_edge_and_never_brings_it_back(alice):
    submit(alice, seed=5)
    services.plan_build(person=alice)
    first = _active(alice)[0]
    new = services.item_swap(person=alice, item_id=first.pk)
    assert new is not None and new.facet == first.facet and new.practice_id != first.practice_id
    assert new.position == first.position
    first.refresh_from_db()
    assert first.status == PlanItem.SWAPPED
    # The swapped-out practice is not proposed again when another is added.
    services.item_pause(person=alice, item_id=new.pk)
    added = services.plan_add(person=alice)
    assert added.practice_id not in (first.practice_id, new.practice_id)


def test_pause_and_resume_keep_at_most_three_practices_active(alice):
    submit(alice, seed=6)
    services.plan_build(person=alice)
    items = _active(alice)
    assert len(items) == 3
    services.item_pause(person=alice, item_id=items[0].pk)
    assert len(_active(alice)) == 2
    services.plan_add(person=alice)
    with pytest.raises(ServiceError) as refused:
        services.item_resume(person=alice, item_id=items[0].pk)
    assert refused.value.code == "plan_full"
    services.item_pause(person=alice, item_id=items[1].pk)
    services.item_resume(person=alice, item_id=items[0].pk)
    assert items[0].pk in {i.pk for i in _active(alice)}


def test_a_weekly_check_off_counts_once_per_week_and_can_be_undone(client, alice):
    submit(alice, seed=7)
    services.plan_build(person=alice)
    item = _active(alice)[0]
    client.force_login(alice)
    for _ in range(2):
        client.post(f"/practice/{item.pk}/check/", {"done": "yes"})
    assert CheckOff.objects.filter(item=item).count() == 1
    view = next(v for v in selectors.item_views(item.plan) if v.item.pk == item.pk)
    assert (view.done_this_week, view.weeks_done, view.weeks) == (True, 1, 1)
    client.post(f"/practice/{item.pk}/check/", {"done": "no"})
    assert not CheckOff.objects.filter(item=item).exists()


def test_completion_counts_weeks_since_the_practice_started_without_streaks(alice):
    submit(alice, seed=8)
    services.plan_build(person=alice)
    item = _active(alice)[0]
    PlanItem.objects.filter(pk=item.pk).update(started_at=timezone.now() - timedelta(weeks=3))
    this_week = selectors.week_start()
    CheckOff.objects.create(item=item, week=this_week - timedelta(weeks=3))
    CheckOff.objects.create(item=item, week=this_week)
    view = next(v for v in selectors.item_views(item.plan) if v.item.pk == item.pk)
    assert (view.weeks_done, view.weeks) == (2, 4)
    assert view.share == pytest.approx(0.5)


def test_a_reflection_is_encrypted_in_the_table_and_shown_only_to_its_author(
    client, alice, bob, shared_couple
):
    services.plan_build(person=alice)
    services.settings_set(person=alice, show_partner=True)
    item = _active(alice)[0]
    client.force_login(alice)
    client.post(f"/practice/{item.pk}/reflection/", {"reflection": REFLECTION})
    assert REFLECTION in client.get("/practice/").content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reflection FROM plans_planitem WHERE id = %s", [item.pk])
        stored = cursor.fetchone()[0]
    assert stored and REFLECTION not in stored and "froze" not in stored
    # Bob sees the title Alice chose to show, never her reflection, on any page or API route.
    client.force_login(bob)
    title = {p.id: p for p in load_practices()}[item.practice_id].title
    page = client.get("/practice/").content.decode()
    assert title in page and REFLECTION not in page
    for url in ("/api/v1/plan/partner", "/progress/", "/api/v1/plan/progress"):
        assert REFLECTION not in client.get(url).content.decode()
    assert (
        client.post(f"/practice/{item.pk}/reflection/", {"reflection": "mine now"}).status_code
        == 404
    )


def test_the_partner_sees_no_practice_titles_until_they_are_shown(
    client, alice, bob, shared_couple
):
    services.plan_build(person=alice)
    titles = [{p.id: p for p in load_practices()}[i.practice_id].title for i in _active(alice)]
    client.force_login(bob)
    assert client.get("/api/v1/plan/partner").json()["practices"] is None
    page = client.get("/practice/").content.decode()
    assert not any(t in page for t in titles)


def test_a_partner_can_send_encouragement_and_the_person_reads_it(client, alice, bob, couple):
    client.force_login(bob)
    client.post("/practice/encourage/", {"preset": "proud", "message": ""})
    client.post(
        "/practice/encourage/", {"preset": "proud", "message": "Go gently, you're doing well"}
    )
    assert Encouragement.objects.filter(recipient=alice).count() == 2
    client.force_login(alice)
    page = client.get("/practice/").content.decode()
    assert selectors.PRESETS["proud"].replace("'", "&#x27;") in page
    assert "Go gently, you&#x27;re doing well" in page
    with connection.cursor() as cursor:
        cursor.execute("SELECT message FROM plans_encouragement WHERE message <> ''")
        assert "Go gently" not in cursor.fetchone()[0]


def test_encouragement_needs_a_partner_and_a_real_preset(alice):
    with pytest.raises(ServiceError) as alone:
        services.encouragement_send(person=alice, preset="proud")
    assert alone.value.code == "not_linked"


def test_the_retake_is_suggested_six_weeks_after_the_latest_result_and_can_be_changed(
    client, alice
):
    assessment = submit(alice, seed=9)
    client.force_login(alice)
    due = timezone.localdate(assessment.submitted_at) + timedelta(weeks=6)
    assert due.strftime("%-d %B %Y") in client.get("/practice/").content.decode()
    client.post("/practice/settings/", {"retake_weeks": "10"})
    assert Plan.objects.get(person=alice).retake_weeks == 10
    due = timezone.localdate(assessment.submitted_at) + timedelta(weeks=10)
    assert due.strftime("%-d %B %Y") in client.get("/progress/").content.decode()
    response = client.post("/practice/settings/", {"retake_weeks": "99"}, follow=True)
    assert "Choose between 1 and 26 weeks" in response.content.decode()


def test_someone_elses_plan_item_is_not_found(client, alice, bob):
    submit(alice, seed=10)
    services.plan_build(person=alice)
    item = _active(alice)[0]
    client.force_login(bob)
    for action in ("check", "reflection", "swap", "pause", "resume"):
        assert client.post(f"/practice/{item.pk}/{action}/").status_code == 404
    assert (
        client.put(
            f"/api/v1/plan/items/{item.pk}/check", {"done": True}, content_type="application/json"
        ).status_code
        == 404
    )


def test_the_api_builds_checks_and_reflects(client, alice):
    submit(alice, seed=11)
    client.force_login(alice)
    assert client.get("/api/v1/plan").status_code == 404
    built = client.post("/api/v1/plan").json()
    item = built["items"][0]
    assert item["practice"]["steps"] and item["practice"]["went_well"]
    after = client.put(
        f"/api/v1/plan/items/{item['id']}/check", {"done": True}, content_type="application/json"
    ).json()
    assert after["items"][0]["done_this_week"] is True
    after = client.put(
        f"/api/v1/plan/items/{item['id']}/reflection",
        {"text": "calmer"},
        content_type="application/json",
    )
    assert after.json()["items"][0]["reflection"] == "calmer"
    assert (
        client.put(
            "/api/v1/plan/settings", {"retake_weeks": 0}, content_type="application/json"
        ).status_code
        == 422
    )


def test_plan_pages_use_a_bounded_number_of_queries(
    client, alice, bob, shared_couple, django_assert_max_num_queries
):
    services.plan_build(person=alice)
    client.force_login(alice)
    for url in ("/practice/", "/progress/", "/api/v1/plan"):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_the_demo_couple_has_plans_and_a_finished_vacation_exercise(client):
    from interdep.demo import demo_couple_create
    from interdep.exercises.models import Exercise

    a, b = demo_couple_create(
        people=(("Ada", "ada-demo@example.org"), ("Ben", "ben-demo@example.org")),
        password="demo password here",
    )
    assert len(_active(a)) >= 2 and len(_active(b)) >= 2
    assert CheckOff.objects.filter(item__plan__person=a).exists()
    exercise = Exercise.objects.get(kind="vacation", couple__memberships__person=a)
    assert exercise.agreed_at is not None and exercise.outcome
    client.force_login(b)
    page = client.get(f"/exercises/{exercise.pk}/").content.decode()
    assert "You both said yes" in page and "kayaking in the bay" in page


def test_the_demo_couple_joined_before_their_history_so_every_since_agrees(client):
    from interdep.demo import DEMO_HISTORY_DAYS, demo_couple_create

    a, _ = demo_couple_create(
        people=(("Ada", "ada-demo@example.org"), ("Ben", "ben-demo@example.org")),
        password="demo password here",
    )
    client.force_login(a)
    first = CheckIn.objects.filter(person=a).order_by("occurred_at").first().occurred_at
    assert a.date_joined < first
    progress = client.get("/progress/").content.decode()
    # joined DEMO_HISTORY_DAYS days ago: that day and today both count
    assert f"of the {DEMO_HISTORY_DAYS + 1} days since you joined" in progress
    assert "No check-ins" not in progress
    began = timezone.localdate(a.date_joined)
    assert f"Since {began.day} {began:%B %Y}" in client.get("/couple/").content.decode()


def test_progress_says_no_check_ins_since_joining_for_a_newcomer(client, alice):
    alice.date_joined = timezone.now() - timedelta(days=3)
    alice.save(update_fields=["date_joined"])
    client.force_login(alice)
    page = client.get("/progress/").content.decode()
    assert "No check-ins yet since you joined." in page
    assert "six weeks" not in page


def _answers_where_safety_items_change_the_lowest_area() -> dict[str, int]:
    """Every area at the top, but steadiness and saying no a step lower; saying no's one safety
    item sits at its calm end. With it (the private report), steadiness is lowest; without it
    (what a plan uses), the two tie and saying no comes first."""
    instrument = load_instrument()
    answers = {}
    for item in instrument.items:
        healthy = 4 if item.facet in ("steadiness", "saying_no") else 5
        if item.safety:
            healthy = 5
        answers[item.id] = healthy if not item.reverse_keyed else instrument.scale.reverse(healthy)
    return answers


def test_the_report_promises_the_area_the_plan_starts_with(client, alice):
    assessment = submit(alice, answers=_answers_where_safety_items_change_the_lowest_area())
    private = assessment_selectors.person_result(assessment).facets
    assert private["steadiness"] < private["saying_no"]  # the report's own scores differ
    client.force_login(alice)
    page = client.get(f"/report/{assessment.pk}/").content.decode()
    assert "starting with saying no" in page and "starting with steadiness" not in page
    plan = services.plan_build(person=alice)
    first = plan.items.order_by("pk").first()
    assert first.facet == "saying_no"


def _together(person) -> list[PlanItem]:
    """The person's practices chosen from the couple report or done together."""
    kinds = {p.id: p.kind for p in load_practices()}
    return [
        i
        for i in PlanItem.objects.filter(plan__person=person)
        if i.source == "couple" or kinds[i.practice_id] == "couple"
    ]


def test_when_the_partner_stops_sharing_practices_from_the_couple_report_rest_calmly(
    client, alice, bob, shared_couple
):
    services.plan_build(person=alice)
    from_report = [i for i in _active(alice) if i.source == "couple"]
    assert from_report, "a shared couple report brings a practice for the two of them"
    item = from_report[0]
    services.reflection_save(person=alice, item_id=item.pk, text=REFLECTION)
    label = selectors.facet_labels()[item.facet]

    couple_services.consent_set(person=bob, share=False)

    item.refresh_from_db()
    assert item.status == PlanItem.PAUSED and item.reflection == REFLECTION
    assert all(i.source == "personal" for i in _active(alice))
    client.force_login(alice)
    page = client.get("/practice/").content.decode()
    assert selectors.HELD_WORDS["not_shared"] in page
    # it says why without saying who, and no longer names the couple report's area
    assert "Bob stopped" not in page and "Bob withdrew" not in page
    assert f"for {label} (from your couple report)" not in page
    assert f'action="/practice/{item.pk}/resume/"' not in page
    with pytest.raises(ServiceError) as refused:
        services.item_resume(person=alice, item_id=item.pk)
    assert refused.value.code == "resting"
    # The API says the same.
    api = {i["id"]: i for i in client.get("/api/v1/plan").json()["items"]}
    assert api[item.pk]["held"] == selectors.HELD_WORDS["not_shared"]
    assert api[item.pk]["facet"] == ""

    # Both say yes again: the practice can be picked up where it was left.
    couple_services.consent_set(person=bob, share=True)
    page = client.get("/practice/").content.decode()
    assert selectors.HELD_WORDS["not_shared"] not in page
    assert f'action="/practice/{item.pk}/resume/"' in page
    services.item_resume(person=alice, item_id=item.pk)
    item.refresh_from_db()
    assert item.status == PlanItem.ACTIVE


def test_after_unlinking_no_practice_for_two_stays_in_either_plan(
    client, alice, bob, shared_couple
):
    services.plan_build(person=alice)
    services.plan_build(person=bob)
    assert [i for i in _active(alice) if i.source == "couple"]

    couple_services.couple_unlink(person=bob)

    for person in (alice, bob):
        together = _together(person)
        assert together and all(i.status == PlanItem.PAUSED for i in together)
        client.force_login(person)
        page = client.get("/practice/").content.decode()
        assert selectors.HELD_WORDS["not_linked"] in page
        assert "Bob" not in page and "Alice" not in page.split("<main", 1)[1]
