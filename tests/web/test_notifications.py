"""Notifications: what the partner did shows up for the other one, in the app; emails say only
that something is waiting, link from SITE_URL, and can be stopped from the email itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from interdep.clinic import services as clinic_services
from interdep.couples import services as couple_services
from interdep.exercises import services as exercise_services
from interdep.notifications import services
from interdep.notifications.models import Notification
from interdep.notifications.tasks import notify_access_used
from interdep.plans import services as plan_services
from interdep.preferences.services import preferences_of

from .conftest import PASSWORD, link, make_person, submit


def texts(person) -> list[str]:
    return list(Notification.objects.filter(person=person).values_list("text", flat=True))


def test_linking_tells_the_partner_who_made_the_code(alice, bob):
    link(alice, bob)
    assert texts(alice) == ["Bob linked with you."]
    assert texts(bob) == []


def test_saying_yes_and_withdrawing_reach_the_other_partner_once_each(alice, bob, couple):
    couple_services.consent_set(person=alice, share=True)
    couple_services.consent_set(person=alice, share=True)  # no change: no second notice
    couple_services.consent_set(person=alice, share=False)
    assert texts(bob) == [
        "Alice withdrew from the couple report.",
        "Alice said yes to the couple report.",
    ]
    assert texts(alice) == ["Bob linked with you."]


def test_a_finished_assessment_and_encouragement_reach_the_partner(alice, bob, couple):
    submit(alice)
    assert "Alice finished an assessment." in texts(bob)
    plan_services.encouragement_send(person=bob, preset="proud")
    assert "Bob sent you encouragement." in texts(alice)


def test_a_retake_reaches_the_partner_only_while_the_couple_report_is_shared(alice, bob, couple):
    submit(alice, seed=1)
    assert texts(bob) == ["Alice finished an assessment."]
    # Alice does not share: taking it again is hers alone, whatever her answers were.
    submit(alice, seed=5, lean=0.2)
    submit(alice, seed=6, lean=0.9)
    assert texts(bob) == ["Alice finished an assessment."]
    # Both share: a retake changes the report Bob reads, so he hears of it (and nothing more).
    submit(bob, seed=2)
    couple_services.consent_set(person=alice, share=True)
    couple_services.consent_set(person=bob, share=True)
    submit(alice, seed=7)
    retake = "Alice took the assessment again, so your couple report now uses their new answers."
    assert retake in texts(bob)
    assert not any(ch.isdigit() for ch in retake)
    # Bob stops sharing: Alice's next retake stays hers again.
    couple_services.consent_set(person=bob, share=False)
    submit(alice, seed=8)
    assert texts(bob).count(retake) == 1


def test_sending_a_part_of_an_exercise_tells_the_other_partner(alice, bob, couple):
    from interdep.exercises.models import ExerciseEntry

    exercise = exercise_services.exercise_start(person=alice, kind="vacation")
    entry = ExerciseEntry.objects.create(exercise=exercise, person=alice, content="{}")
    assert texts(bob) == []  # a draft says nothing
    from django.utils import timezone

    entry.submitted_at = timezone.now()
    entry.save()
    assert texts(bob) == ["Alice sent their part of an exercise."]
    entry.save()  # saved again while already sent: nothing new
    assert texts(bob) == ["Alice sent their part of an exercise."]


def test_a_clinician_proposed_and_used_access_is_told_to_the_couple(alice, bob, couple):
    from interdep.clinic.models import AuditEvent

    staff = make_person("Staff", is_staff=True)
    doctor = make_person("Doc")
    profile = clinic_services.clinician_apply(
        person=doctor, professional_name="Dr Quinn", registration="R-1"
    )
    profile = clinic_services.clinician_verify(profile=profile, staff=staff)
    grant = clinic_services.grant_propose(person=alice, code=profile.code)
    assert "Access for Dr Quinn is waiting for your yes." in texts(bob)
    clinic_services.grant_agree(person=bob, grant_id=grant.pk)
    clinic_services.audit_views(grants=[grant], action=AuditEvent.VIEW_COUPLE)
    event = AuditEvent.objects.filter(action=AuditEvent.VIEW_COUPLE).get()
    assert notify_access_used.call([event.pk]) == 2
    assert notify_access_used.call([event.pk]) == 0  # once a day, not per page view
    assert "Dr Quinn opened your couple page (reports and history)." in texts(alice)


def test_the_email_says_only_that_something_waits_links_from_site_url_and_unsubscribes(
    client, alice, bob, couple
):
    couple_services.consent_set(person=bob, share=True)
    [note] = Notification.objects.filter(person=alice, kind="consent_yes")
    assert services.deliver(notification_id=note.pk) == "email"  # no device subscribed
    assert services.deliver(notification_id=note.pk) == "email"  # delivered once, not twice
    [message] = mail.outbox
    assert "Bob" not in message.body and "couple" not in message.body.lower()
    assert f"{settings.SITE_URL}/notifications/" in message.body
    assert settings.SITE_NAME in message.subject
    stop = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert stop in message.body and stop.startswith(settings.SITE_URL)
    path = stop.removeprefix(settings.SITE_URL)
    page = client.get(path)
    assert page.status_code == 200 and b"Stop these emails" in page.content
    assert preferences_of(alice).notify_email  # opening the link changes nothing
    done = client.post(path)  # a mail client's one-click POST has no CSRF token
    assert done.status_code == 200 and b"we will not email you" in done.content
    assert not preferences_of(alice).notify_email
    assert client.post("/notifications/unsubscribe/forged/").status_code == 400


def test_the_list_marks_read_and_the_badge_counts_new_ones(client, alice, bob, couple):
    client.force_login(alice)
    badge = client.get("/notifications/badge/")
    assert b'data-unread="1"' in badge.content and b"1 new" in badge.content
    recent = client.get("/notifications/recent/").content.decode()
    assert "Bob linked with you." in recent
    page = client.get("/notifications/").content.decode()
    assert "Bob linked with you." in page
    assert b"data-unread" not in client.get("/notifications/badge/").content


def test_a_fresh_notice_says_just_now_and_an_older_one_how_long_ago(client, alice, bob, couple):
    client.force_login(alice)
    recent = client.get("/notifications/recent/").content.decode()
    assert "just now" in recent and "0\xa0minutes" not in recent and "0 minutes" not in recent
    Notification.objects.filter(person=alice).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    recent = client.get("/notifications/recent/").content.decode()
    assert "just now" not in recent and "5\xa0minutes ago" in recent


def test_nobody_sees_anyone_elses_notifications(client, alice, bob, couple):
    dave = make_person("Dave")
    client.force_login(dave)
    for path in ("/notifications/", "/notifications/recent/"):
        assert "Bob" not in client.get(path).content.decode()


@pytest.mark.parametrize("kind", [k for k, _ in Notification.Kind.choices])
def test_every_kind_has_a_label(kind):
    assert Notification.Kind(kind).label


def test_unlinking_removes_the_notices_that_name_the_former_partner(alice, bob, couple):
    couple_services.consent_set(person=bob, share=True)
    assert texts(alice)
    couple_services.couple_unlink(person=alice)
    assert texts(alice) == [] and texts(bob) == []


def test_the_demo_couples_history_shows_notifications(db):
    from django.contrib.auth import get_user_model

    from interdep.demo import demo_clinician_create, demo_couple_create

    a, b = demo_couple_create(
        people=[("Alex", "alex@example.org"), ("Sam", "sam@example.org")], password=PASSWORD
    )
    demo_clinician_create(
        couple_people=(a, b), name="Dr Demo", email="dr@example.org", password=PASSWORD
    )
    kinds_a = set(Notification.objects.filter(person=a).values_list("kind", flat=True))
    kinds_b = set(Notification.objects.filter(person=b).values_list("kind", flat=True))
    assert {"partner_linked", "consent_yes", "assessment_done", "encouragement"} <= kinds_a
    assert {"consent_yes", "assessment_done", "exercise_part", "clinician_asked"} <= kinds_b
    assert get_user_model().objects.filter(email="dr@example.org").exists()
