"""Where notifications come from: model signals of the apps that own the events.

Listening to saves keeps every other app unaware of notifications (their services stay as they
are); each receiver names the event it turns into a notice for the other partner. The texts
are shown in the app only; push and email say just that something is waiting.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.urls import reverse
from django_tasks import task

from interdep.access.core import couple_report_access
from interdep.assessments.models import Assessment
from interdep.clinic.models import AuditEvent
from interdep.clinic.signals import audited
from interdep.couples.models import Couple, Membership
from interdep.exercises.models import ExerciseEntry
from interdep.notifications.models import Notification
from interdep.notifications.services import forget_couple, notify
from interdep.plans.models import Encouragement

K = Notification.Kind


def _other_members(couple_id: int, person_id: int | None):

    return [
        m.person
        for m in Membership.objects.select_related("person").filter(
            couple_id=couple_id, left_at__isnull=True
        )
        if m.person_id != person_id
    ]


def _notify_others(couple_id: int, person_id: int | None, *, link: str, **notice) -> int:
    """The same notice to every active member of the couple but ``person_id``; how many were
    made."""
    return sum(
        bool(notify(person=other, link=reverse(link), couple_id=couple_id, **notice))
        for other in _other_members(couple_id, person_id)
    )


def _partner_of(person):
    """(partner, couple id) of the person's active couple, or (None, None)."""
    mine = Membership.objects.filter(person=person, left_at__isnull=True).first()
    if mine is None:
        return None, None
    others = _other_members(mine.couple_id, person.pk)
    return (others[0] if others else None), mine.couple_id


def _remember(field: str):
    """A pre_save receiver keeping the stored value of ``field`` on the instance."""

    def receiver(sender, instance, **kwargs):
        old = None
        if instance.pk:
            old = sender.objects.filter(pk=instance.pk).values_list(field, flat=True).first()
        setattr(instance, f"_stored_{field}", old)

    return receiver


def on_membership(sender, instance, created, **kwargs):
    if created and instance.left_at is None:
        _notify_others(
            instance.couple_id,
            instance.person_id,
            kind=K.PARTNER_LINKED,
            text=f"{instance.person.display_name} linked with you.",
            link="couple",
        )
        return
    if created or getattr(instance, "_stored_shares", None) in (None, instance.shares):
        return
    if instance.left_at is not None:
        return
    said = "said yes to" if instance.shares else "withdrew from"
    _notify_others(
        instance.couple_id,
        instance.person_id,
        kind=K.CONSENT_YES if instance.shares else K.CONSENT_NO,
        text=f"{instance.person.display_name} {said} the couple report.",
        link="couple",
    )


def on_encouragement(sender, instance, created, **kwargs):
    if created:
        notify(
            person=instance.recipient,
            kind=K.ENCOURAGEMENT,
            text=f"{instance.sender.display_name} sent you encouragement.",
            link=reverse("practice_home"),
            couple_id=instance.couple_id,
        )


def on_exercise_entry(sender, instance, created, **kwargs):
    if instance.submitted_at is None or getattr(instance, "_stored_submitted_at", None):
        return
    exercise = instance.exercise
    other_id = (
        exercise.partner_id
        if instance.person_id == exercise.started_by_id
        else (exercise.started_by_id)
    )
    if other_id is None or other_id == instance.person_id:
        return

    other = get_user_model().objects.filter(pk=other_id).first()
    notify(
        person=other,
        kind=K.EXERCISE_PART,
        text=f"{instance.person.display_name} sent their part of an exercise.",
        link=reverse("exercise_detail", args=[exercise.pk]),
        couple_id=exercise.couple_id,
    )


def on_assessment(sender, instance, created, **kwargs):
    """A first assessment is told to the partner (their couple page shows it anyway, and a
    couple report can now be made). A retake is the person's own business: the partner hears
    of it only while the couple report is shared, because the report then changes for them."""
    if instance.submitted_at is None or getattr(instance, "_stored_submitted_at", None):
        return
    partner, couple_id = _partner_of(instance.person)
    if partner is None:
        return
    retake = (
        Assessment.objects.filter(person_id=instance.person_id, submitted_at__isnull=False)
        .exclude(pk=instance.pk)
        .exists()
    )
    name = instance.person.display_name
    if not retake:
        text = f"{name} finished an assessment."
    elif couple_report_access(instance.person).allowed:
        text = (
            f"{name} took the assessment again, so your couple report now uses their new answers."
        )
    else:
        return
    notify(
        person=partner,
        kind=K.ASSESSMENT_DONE,
        text=text,
        link=reverse("couple"),
        couple_id=couple_id,
    )


def on_audit(sender, instance, created, **kwargs):

    if not created:
        return
    if instance.action == AuditEvent.GRANT_PROPOSED:
        name = instance.clinician_name or "A clinician"
        _notify_others(
            instance.couple_id,
            instance.actor_id,
            kind=K.CLINICIAN_ASKED,
            text=f"Access for {name} is waiting for your yes.",
            link="clinic_access",
        )
    elif instance.action in USED:
        _later([instance.pk])


#: What a clinician did with access that the couple hears about (not every caseload glance).
USED = ("view_couple", "export_pdf", "export_csv")


def _later(event_ids: list[int]) -> None:
    """A clinician's page view is told to the couple by the worker, after the view committed,
    so the clinician's page costs one task row, not the couple's notifications."""
    transaction.on_commit(lambda: notify_access_used.enqueue(event_ids))


def access_used(event_ids: list[int]) -> int:
    """Tell both partners what a clinician opened or exported (once a day per kind)."""
    made = 0
    for event in AuditEvent.objects.filter(pk__in=event_ids, action__in=USED):
        name = event.clinician_name or "A clinician"
        what = dict(AuditEvent.ACTIONS)[event.action]
        made += _notify_others(
            event.couple_id,
            None,
            kind=K.CLINICIAN_USED,
            text=f"{name} {what}.",
            link="clinic_access",
            once_per_window=True,
        )
    return made


@task()
def notify_access_used(event_ids: list[int]) -> int:
    """`access_used`, run by the worker after the clinician's page committed."""
    return access_used(event_ids)


def on_couple(sender, instance, created, **kwargs):
    if not created and instance.ended_at is not None:
        forget_couple(couple_id=instance.pk)


def on_audited(sender, events, **kwargs):
    ids = [e.pk for e in events if e.action in USED and e.pk is not None]
    if ids:
        _later(ids)


def connect() -> None:

    uid = "interdep-notifications-"
    pre_save.connect(_remember("shares"), sender=Membership, weak=False, dispatch_uid=uid + "m0")
    post_save.connect(on_membership, sender=Membership, dispatch_uid=uid + "m1")
    post_save.connect(on_couple, sender=Couple, dispatch_uid=uid + "m2")
    post_save.connect(on_encouragement, sender=Encouragement, dispatch_uid=uid + "e1")
    pre_save.connect(
        _remember("submitted_at"), sender=ExerciseEntry, weak=False, dispatch_uid=uid + "x0"
    )
    post_save.connect(on_exercise_entry, sender=ExerciseEntry, dispatch_uid=uid + "x1")
    pre_save.connect(
        _remember("submitted_at"), sender=Assessment, weak=False, dispatch_uid=uid + "a0"
    )
    post_save.connect(on_assessment, sender=Assessment, dispatch_uid=uid + "a1")
    post_save.connect(on_audit, sender=AuditEvent, dispatch_uid=uid + "c1")

    audited.connect(on_audited, dispatch_uid=uid + "c2")
