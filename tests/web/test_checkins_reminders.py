"""Reminders on a fixed clock: one per scheduled slot however often the scheduler runs, none
while paused, none after the account is gone, none right after a check-in, none for stale slots."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from interdep.accounts import services as account_services
from interdep.checkins import services, tasks
from interdep.checkins.models import Reminder
from interdep.checkins.tasks import send_checkin_reminder

PARIS = ZoneInfo("Europe/Paris")


def at(hh: int, mm: int = 0, day: int = 17) -> datetime:
    return datetime(2025, 3, day, hh, mm, tzinfo=PARIS)


def run_scheduler(now: datetime) -> list[int]:
    """What the periodic entry point does, then what the worker does with each new task."""
    created = tasks.reminders_enqueue_due(now=now)
    for pk in created:
        services.reminder_deliver(
            reminder_id=pk, check_in_url="https://example.org/checkins/", now=now
        )
    return created


@pytest.fixture
def scheduled(alice):
    services.schedule_save(person=alice, times=["09:00", "13:30", "20:00"], tz="Europe/Paris")
    return alice


def test_a_day_of_scheduler_runs_every_five_minutes_sends_exactly_the_scheduled_three(scheduled):
    now = at(0, 0)
    while now < at(0, 0, day=18):
        run_scheduler(now)
        now += timedelta(minutes=5)
    assert len(mail.outbox) == 3
    assert all(m.to == [scheduled.email] for m in mail.outbox)
    sent = sorted(
        r.slot_at.astimezone(PARIS).strftime("%H:%M")
        for r in Reminder.objects.filter(status="sent")
    )
    assert sent == ["09:00", "13:30", "20:00"]


def test_a_rerun_of_the_same_minute_sends_nothing_twice(scheduled):
    assert len(run_scheduler(at(9, 2))) == 1
    assert run_scheduler(at(9, 2)) == []
    assert run_scheduler(at(9, 40)) == []
    # and a task delivered twice (e.g. retried by the worker) still sends once
    reminder = Reminder.objects.get()
    assert (
        services.reminder_deliver(reminder_id=reminder.pk, check_in_url="x", now=at(9, 41))
        == "sent"
    )
    assert len(mail.outbox) == 1


def test_the_reminder_says_nothing_private(scheduled):
    services.checkin_create(
        person=scheduled,
        valence=5,
        arousal=5,
        closeness=2,
        felt_self=2,
        note="secret-sparrow",
        occurred_at=at(7, 0),
        now=at(7, 1),
    )
    run_scheduler(at(9, 5))
    (message,) = mail.outbox
    assert "https://example.org/checkins/" in message.body
    assert "secret-sparrow" not in message.body and "5" not in message.subject


def test_a_paused_schedule_sends_nothing_and_resuming_brings_only_new_slots(scheduled):
    services.schedule_save(
        person=scheduled, times=["09:00", "13:30", "20:00"], tz="Europe/Paris", paused=True
    )
    for hour in (9, 13, 14, 20):
        run_scheduler(at(hour, 35))
    assert mail.outbox == [] and not Reminder.objects.exists()
    services.schedule_save(
        person=scheduled, times=["09:00", "13:30", "20:00"], tz="Europe/Paris", paused=False
    )
    run_scheduler(at(20, 10))
    assert len(mail.outbox) == 1  # the 20:00 slot, not the ones missed while paused


def test_pausing_between_enqueue_and_delivery_stops_the_reminder(scheduled):
    (pk,) = tasks.reminders_enqueue_due(now=at(9, 1))
    services.schedule_save(person=scheduled, times=["09:00"], tz="Europe/Paris", paused=True)
    assert services.reminder_deliver(reminder_id=pk, check_in_url="x", now=at(9, 2)) == "skipped"
    assert mail.outbox == []


def test_a_deleted_account_gets_no_reminders(scheduled):
    (pk,) = tasks.reminders_enqueue_due(now=at(9, 1))
    account_services.user_delete(user=scheduled)
    assert services.reminder_deliver(reminder_id=pk, check_in_url="x", now=at(9, 2)) == "gone"
    assert run_scheduler(at(13, 31)) == []
    assert mail.outbox == []


def test_a_deactivated_account_gets_no_reminders(scheduled):
    scheduled.is_active = False
    scheduled.save()
    assert run_scheduler(at(9, 1)) == [] and mail.outbox == []


def test_no_reminder_right_after_a_check_in(scheduled):
    services.checkin_create(
        person=scheduled,
        valence=50,
        arousal=50,
        closeness=4,
        felt_self=4,
        occurred_at=at(8, 40),
        now=at(8, 41),
    )
    run_scheduler(at(9, 0))
    assert mail.outbox == [] and Reminder.objects.get().status == "skipped"


def test_a_scheduler_that_was_down_does_not_send_stale_reminders(scheduled):
    assert run_scheduler(at(12, 0)) == []  # 09:00 was three hours ago
    assert mail.outbox == []


def test_slots_follow_the_local_clock_across_a_daylight_saving_change(alice):
    services.schedule_save(person=alice, times=["09:00"], tz="Europe/Paris")
    # Paris moves from UTC+1 to UTC+2 on 30 March 2025: 09:00 local is 08:00 UTC before, 07:00 after.
    run_scheduler(datetime(2025, 3, 29, 8, 5, tzinfo=ZoneInfo("UTC")))
    run_scheduler(datetime(2025, 3, 30, 7, 5, tzinfo=ZoneInfo("UTC")))
    slots = sorted(r.slot_at.astimezone(ZoneInfo("UTC")).hour for r in Reminder.objects.all())
    assert slots == [7, 8] and len(mail.outbox) == 2


def test_the_command_enqueues_due_reminders_once_on_a_fixed_clock(scheduled, capsys):
    call_command("send_checkin_reminders", "--now", "2025-03-17T09:03:00+01:00")
    call_command("send_checkin_reminders", "--now", "2025-03-17T09:08:00+01:00")
    out = capsys.readouterr().out
    assert "1 reminder(s) enqueued" in out and "0 reminder(s) enqueued" in out
    assert Reminder.objects.count() == 1


def test_the_task_delivers_through_the_channel_on_the_real_clock(alice):
    from django.utils import timezone

    slot = timezone.now().astimezone(ZoneInfo("UTC")).replace(second=0, microsecond=0)
    services.schedule_save(person=alice, times=[slot.strftime("%H:%M")], tz="UTC")
    (pk,) = tasks.reminders_enqueue_due()
    assert send_checkin_reminder.call(pk) == "sent"
    assert send_checkin_reminder.call(pk) == "sent"  # a second run finds it sent and sends nothing
    (message,) = mail.outbox
    assert message.to == [alice.email] and message.body.count("/checkins/") == 1
