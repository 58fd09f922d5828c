"""Reads for notifications (the person's own, never anyone else's)."""

from __future__ import annotations

from interdep.notifications.models import Notification


def recent(person, *, limit: int = 5) -> list[Notification]:
    return list(Notification.objects.filter(person=person)[:limit])


def unread_count(person) -> int:
    if not person.is_authenticated:
        return 0
    return Notification.objects.filter(person=person, read_at__isnull=True).count()
