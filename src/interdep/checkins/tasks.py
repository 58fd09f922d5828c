"""Background work for check-ins (run by the db_worker; arguments are ids, never objects)."""

from __future__ import annotations

import os

from django.conf import settings
from django.urls import reverse
from django_tasks import task


def site_url() -> str:
    """Where the app is reached from outside (for links in reminders): SITE_URL setting or
    environment variable, else the development server's address."""
    return (
        getattr(settings, "SITE_URL", "") or os.environ.get("SITE_URL") or "http://127.0.0.1:8000"
    ).rstrip("/")


@task()
def send_checkin_reminder(reminder_id: int) -> str:
    """Deliver one reminder through its channel (at most once; see services.reminder_deliver)."""
    from interdep.checkins.services import reminder_deliver

    return reminder_deliver(
        reminder_id=reminder_id, check_in_url=site_url() + reverse("checkin_new")
    )
