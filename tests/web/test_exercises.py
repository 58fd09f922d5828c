"""Couple exercises on the web: nothing of one partner's entry shows before both have sent
theirs; withdrawal; open edits after the reveal reopen the agreement; preparations shared by
choice; entries encrypted at rest; and only the two partners of the active couple get in."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from interdep.couples import services as couple_services
from interdep.exercises import services
from interdep.exercises.models import Exercise, ExerciseEntry
from interdep.lib.errors import ServiceError
from interdep.science.exercises import compare_plans

from .conftest import link, make_person

pytestmark = pytest.mark.django_db

ALICE_SECRET = "a quiet week in a cabin with no phone signal"
BOB_SECRET = "surf lessons at dawn"
ALICE_VACATION = {
    "together": f"{ALICE_SECRET}\nthe night market",
    "alone": "a morning reading",
    "limits": "no flights over four hours",
    "budget": "1500",
}
BOB_VACATION = {
    "together": f"The night market\n{BOB_SECRET}",
    "alone": "a long run",
    "limits": "",
    "budget": "900",
}


def _start(client, person, kind="vacation") -> Exercise:
    client.force_login(person)
    response = client.post("/exercises/start/", {"kind": kind})
    assert response.status_code == 302
    return Exercise.objects.latest("pk")


def _send(client, person, exercise, content, action="send"):
    client.force_login(person)
    return client.post(f"/exercises/{exercise.pk}/entry/", {**content, "action": action})


def test_nothing_of_an_entry_is_shown_to_the_partner_before_both_have_sent(
    client, alice, bob, couple
):
    exercise = _start(client, alice)
    _send(client, alice, exercise, ALICE_VACATION)
    client.force_login(bob)
    for url in (
        f"/exercises/{exercise.pk}/",
        "/exercises/",
        f"/api/v1/exercises/{exercise.pk}",
        "/api/v1/exercises",
    ):
        body = client.get(url).content.decode()
        assert ALICE_SECRET not in body and "1500" not in body and "four hours" not in body, url
    assert "Alice has sent theirs" in client.get(f"/exercises/{exercise.pk}/").content.decode()
    assert client.get(f"/api/v1/exercises/{exercise.pk}").json()["partner"] is None
    # Alice sees her own entry and that she is waiting.
    client.force_login(alice)
    page = client.get(f"/exercises/{exercise.pk}/").content.decode()
    assert ALICE_SECRET in page and "Waiting for Bob" in page


def test_a_draft_is_private_even_from_the_person_who_started_the_exercise(
    client, alice, bob, couple
):
    exercise = _start(client, alice)
    _send(client, bob, exercise, BOB_VACATION, action="draft")
    client.force_login(alice)
    assert BOB_SECRET not in client.get(f"/exercises/{exercise.pk}/").content.decode()
    assert ExerciseEntry.objects.get(person=bob).submitted_at is None


def test_when_both_have_sent_both_see_the_two_side_by_side_with_overlap_and_proposal(
    client, alice, bob, couple
):
    exercise = _start(client, alice)
    _send(client, alice, exercise, ALICE_VACATION)
    _send(client, bob, exercise, BOB_VACATION)
    exercise.refresh_from_db()
    assert exercise.revealed_at is not None
    for person, partner_secret in ((alice, BOB_SECRET), (bob, ALICE_SECRET)):
        client.force_login(person)
        page = client.get(f"/exercises/{exercise.pk}/").content.decode()
        assert partner_secret in page and "You both named" in page and "the night market" in page
        assert "Up to 900" in page  # the lower budget: nobody stretches further than they said
    data = client.get(f"/api/v1/exercises/{exercise.pk}").json()
    expected = compare_plans(data["me"], data["partner"])
    assert data["comparison"] == expected and expected["overlap"] == ["The night market"]


def test_withdrawing_before_the_reveal_makes_it_a_private_draft_again(client, alice, bob, couple):
    exercise = _start(client, alice)
    _send(client, alice, exercise, ALICE_VACATION)
    client.post(f"/exercises/{exercise.pk}/withdraw/")
    assert ExerciseEntry.objects.get(person=alice).submitted_at is None
    _send(client, bob, exercise, BOB_VACATION)
    exercise.refresh_from_db()
    assert exercise.revealed_at is None, "a withdrawn entry does not count as sent"
    client.force_login(bob)
    assert ALICE_SECRET not in client.get(f"/exercises/{exercise.pk}/").content.decode()
    # After the reveal nothing can be taken back.
    _send(client, alice, exercise, ALICE_VACATION)
    response = client.post(f"/exercises/{exercise.pk}/withdraw/", follow=True)
    assert "cannot be taken back" in response.content.decode()


def test_both_agreeing_saves_the_plan_and_an_edit_after_the_reveal_reopens_it(
    client, alice, bob, couple
):
    exercise = _start(client, alice)
    _send(client, alice, exercise, ALICE_VACATION)
    _send(client, bob, exercise, BOB_VACATION)
    client.force_login(alice)
    client.post(f"/exercises/{exercise.pk}/agree/")
    exercise.refresh_from_db()
    assert exercise.agreed_at is None and exercise.outcome == ""
    client.force_login(bob)
    client.post(f"/exercises/{exercise.pk}/agree/")
    exercise.refresh_from_db()
    assert exercise.agreed_at is not None and exercise.agreed_revision == 0
    saved = json.loads(exercise.outcome)
    assert [x.lower() for x in saved["overlap"]] == ["the night market"]
    assert "You both said yes" in client.get(f"/exercises/{exercise.pk}/").content.decode()
    # Bob changes his part openly: Alice sees it, and they agree again.
    _send(
        client,
        bob,
        exercise,
        {**BOB_VACATION, "together": "The night market\nkayaking"},
        action="edit",
    )
    exercise.refresh_from_db()
    assert exercise.revision == 1 and exercise.agreed_at is None and exercise.agreed_by == []
    client.force_login(alice)
    page = client.get(f"/exercises/{exercise.pk}/").content.decode()
    assert "kayaking" in page and BOB_SECRET not in page


def test_face_a_shared_problem_shows_each_part_and_warns_when_one_hands_it_over(
    client, alice, bob, couple
):
    exercise = _start(client, alice, kind="shared_problem")
    _send(
        client,
        alice,
        exercise,
        {
            "view": "Money is tight since the move.",
            "contribute": "cancel the gym\ncall the bank\nmake a monthly budget",
            "need": "calm time to talk",
        },
    )
    _send(
        client,
        bob,
        exercise,
        {"view": "We spend without noticing.", "contribute": "", "need": "a plan"},
    )
    client.force_login(bob)
    page = client.get(f"/exercises/{exercise.pk}/").content.decode()
    assert "call the bank" in page and "You have not listed an action of your own yet" in page
    assert (
        client.get(f"/api/v1/exercises/{exercise.pk}").json()["balance_warning"] == "one_hands_over"
    )
    _send(
        client,
        bob,
        exercise,
        {
            "view": "We spend without noticing.",
            "contribute": "cook at home on weekdays\nsell the old bike",
            "need": "a plan",
        },
        action="edit",
    )
    page = client.get(f"/exercises/{exercise.pk}/").content.decode()
    assert "notice" not in page.split("Who takes on what")[1].split("</section>")[0]


def test_sending_an_empty_entry_is_refused(client, alice, bob, couple):
    exercise = _start(client, alice)
    response = _send(
        client, alice, exercise, {"together": "", "alone": "", "limits": "", "budget": ""}
    )
    assert response.status_code == 302
    assert ExerciseEntry.objects.filter(submitted_at__isnull=False).count() == 0
    with pytest.raises(ServiceError) as bad:
        services.entry_save(
            person=alice, exercise_id=exercise.pk, content={"budget": "lots"}, send=True
        )
    assert bad.value.status == 422


def test_a_preparation_is_private_until_its_owner_shares_chosen_parts(client, alice, bob, couple):
    exercise = _start(client, alice, kind="no_rehearsal")
    _send(
        client,
        alice,
        exercise,
        {
            "request": "Hosting his family every Sunday",
            "no": "Not this Sunday, love.",
            "offer": "",
            "steady": "my own quiet afternoon",
        },
        action="save",
    )
    client.force_login(bob)
    assert client.get(f"/exercises/{exercise.pk}/").status_code == 404
    assert f'href="/exercises/{exercise.pk}/"' not in client.get("/exercises/").content.decode()
    client.force_login(alice)
    client.post(f"/exercises/{exercise.pk}/share/", {"fields": ["no"]})
    client.force_login(bob)
    page = client.get(f"/exercises/{exercise.pk}/").content.decode()
    assert "Not this Sunday, love." in page
    assert "Hosting his family" not in page and "quiet afternoon" not in page
    # Bob cannot write in Alice's preparation.
    assert (
        client.post(f"/exercises/{exercise.pk}/entry/", {"no": "x", "action": "save"}).status_code
        == 302
    )
    assert "Not this Sunday" in ExerciseEntry.objects.get(person=alice).content


def test_entries_are_encrypted_json_in_the_table(client, alice, bob, couple):
    exercise = _start(client, alice)
    _send(client, alice, exercise, ALICE_VACATION)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM exercises_exerciseentry")
        stored = cursor.fetchone()[0]
    assert ALICE_SECRET not in stored and "cabin" not in stored and "together" not in stored
    assert (
        json.loads(ExerciseEntry.objects.get(person=alice).content)["together"][0] == ALICE_SECRET
    )


def test_a_former_partner_and_a_stranger_get_not_found(client, alice, bob, couple):
    exercise = _start(client, alice)
    _send(client, alice, exercise, ALICE_VACATION)
    dave = make_person("Dave")
    client.force_login(dave)
    assert client.get(f"/exercises/{exercise.pk}/").status_code == 404
    assert (
        client.post(
            f"/exercises/{exercise.pk}/entry/", {"together": "x", "action": "send"}
        ).status_code
        == 404
    )
    couple_services.couple_unlink(person=bob)
    client.force_login(bob)
    assert client.get(f"/exercises/{exercise.pk}/").status_code == 404
    carol = make_person("Carol")
    link(bob, carol)
    client.force_login(carol)
    assert client.get(f"/exercises/{exercise.pk}/").status_code == 404


def test_the_reveal_notifies_both_once_and_says_nothing_of_the_entries(
    client, alice, bob, couple, django_capture_on_commit_callbacks
):
    exercise = _start(client, alice)
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, alice, exercise, ALICE_VACATION)
        _send(client, bob, exercise, BOB_VACATION)
        _send(client, bob, exercise, BOB_VACATION, action="edit")
    tasks = DBTaskResult.objects.filter(task_path__endswith="notify_exercise_revealed")
    assert tasks.count() == 1
    from django.core import mail

    from interdep.exercises.tasks import notify_exercise_revealed

    assert notify_exercise_revealed.call(exercise.pk) == 2
    for message in mail.outbox:
        assert ALICE_SECRET not in message.body and BOB_SECRET not in message.body


def test_exercise_pages_use_a_bounded_number_of_queries(
    client, alice, bob, couple, django_assert_max_num_queries
):
    exercise = _start(client, alice)
    _send(client, alice, exercise, ALICE_VACATION)
    _send(client, bob, exercise, BOB_VACATION)
    for url in ("/exercises/", f"/exercises/{exercise.pk}/", f"/api/v1/exercises/{exercise.pk}"):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
