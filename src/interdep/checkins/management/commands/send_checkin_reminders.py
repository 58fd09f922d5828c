"""Enqueue the check-in reminders that are due now: `interdep manage send_checkin_reminders`.

Each due slot of each person's schedule gets one Reminder row (unique per person and slot) and
one delivery task for the db_worker, so running this as often as you like never sends a slot
twice. Run it every few minutes next to `interdep serve` (whose db_worker delivers), either from
cron or as a loop of its own: `interdep manage send_checkin_reminders --every 300`.
"""

from __future__ import annotations

import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from interdep.checkins.tasks import reminders_enqueue_due


class Command(BaseCommand):
    help = "Enqueue due check-in reminders (idempotent per person and slot)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", help="Pretend it is this ISO 8601 time with offset (for tests and replays)."
        )
        parser.add_argument(
            "--every", type=int, default=0, help="Keep running, checking every N seconds."
        )

    def handle(self, *args, now=None, every=0, **options):
        fixed = None
        if now:
            try:
                fixed = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now {now!r} is not an ISO 8601 time") from None
            if fixed.tzinfo is None:
                raise CommandError("--now needs a UTC offset, e.g. 2025-03-01T20:00:00+00:00")
        if every and fixed is not None:
            raise CommandError("--every runs on the real clock; leave out --now")
        while True:
            created = reminders_enqueue_due(now=fixed)
            self.stdout.write(f"{len(created)} reminder(s) enqueued")
            if not every:
                return
            time.sleep(every)
