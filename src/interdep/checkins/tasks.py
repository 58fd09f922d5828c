"""Background work for check-ins (run by the db_worker; arguments are ids, never objects): the
reminders that are due are created here and each is delivered by its own task."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from interdep.checkins.models import Reminder, Schedule
from interdep.checkins.services import due_slots, reminder_deliver


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
