"""Background work for check-ins (run by the db_worker; arguments are ids, never objects): the
reminders that are due are created here and each is delivered by its own task, and the couple's
"Us over time" is refitted when check-ins arrive (one queued refit per couple at a time)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from interdep.checkins import snapshots
from interdep.checkins.models import Reminder, Schedule
from interdep.checkins.presenters import draw_figures
from interdep.checkins.services import due_slots, reminder_deliver
from interdep.couples.models import Membership


@task()
def send_checkin_reminder(reminder_id: int) -> str:
    """Deliver one reminder through its channel (at most once; see services.reminder_deliver)."""
    return reminder_deliver(
        reminder_id=reminder_id, check_in_url=settings.SITE_URL + reverse("checkin_new")
    )


def reminders_enqueue_due(*, now: datetime | None = None) -> list[int]:
    """Create one Reminder per due slot of every active, unpaused schedule and enqueue its
    delivery after commit. A slot that already has its Reminder is left alone, so running this
    any number of times sends each slot once. Returns the ids of the new reminders."""
    now = now or timezone.now()
    created: list[int] = []
    schedules = Schedule.objects.filter(paused=False, person__is_active=True).exclude(times=[])
    for schedule in schedules.iterator():
        for slot in due_slots(schedule, now):
            with transaction.atomic():
                reminder, new = Reminder.objects.get_or_create(
                    person_id=schedule.person_id,
                    slot_at=slot,
                    defaults={"channel": schedule.channel},
                )
                if new:
                    created.append(reminder.pk)
                    transaction.on_commit(lambda pk=reminder.pk: send_checkin_reminder.enqueue(pk))
    return created


# ---------------------------------------------------------------------------------------------
# "Us over time"
# ---------------------------------------------------------------------------------------------


@task()
def couple_dynamics_refresh(couple_id: int) -> str:
    """Refit the couple's dynamics over the window and store them (or delete what is stored,
    when the consent does not hold). Returns "stored" or "not_shared"."""
    stored = snapshots.snapshot_refresh(couple_id=couple_id, figures=draw_figures)
    return "stored" if stored is not None else "not_shared"


def couple_dynamics_request(couple_id: int) -> bool:
    """Queue one refit for the couple unless one is queued already; True when queued."""
    if snapshots.snapshot_request(couple_id=couple_id):
        couple_dynamics_refresh.enqueue(couple_id)
        return True
    return False


def on_checkins_changed(sender, person_id: int, **kwargs) -> None:
    """A person's check-ins changed (``signals.checkins_changed``, sent by the services): after
    commit, queue their couple's refit (coalesced: a burst queues one)."""

    def request():
        couple_id = (
            Membership.objects.filter(person_id=person_id, left_at__isnull=True)
            .values_list("couple_id", flat=True)
            .first()
        )
        if couple_id is not None:
            couple_dynamics_request(couple_id)

    transaction.on_commit(request)


def on_sharing_changed(sender, couple_id: int, shared: bool, **kwargs) -> None:
    """The couple report's consent changed: a no deletes the stored dynamics at once, in the
    same transaction; a new yes queues a fit after commit."""
    if shared:
        transaction.on_commit(lambda: couple_dynamics_request(couple_id))
    else:
        snapshots.snapshot_delete(couple_id=couple_id)
