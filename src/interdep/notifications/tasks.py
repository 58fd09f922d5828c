"""Background delivery (run by the db_worker; arguments are ids)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_notification(notification_id: int) -> str:
    from interdep.notifications.services import (
        deliver,
    )  # deferred: tasks module is imported by services

    return deliver(notification_id=notification_id)


@task()
def notify_access_used(event_ids: list[int]) -> int:
    from interdep.notifications.receivers import (
        access_used,
    )  # deferred: tasks module is imported by services

    return access_used(event_ids)
