"""Reads for check-ins: a person's own entries, schedule and days with a check-in.

What pages make of them is in ``presenters`` (the timeline, "Us over time"); the couple's
stored dynamics are read and written by ``snapshots``."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from interdep.checkins.models import CheckIn, Schedule
from interdep.lib.timezones import local_date


def own_checkins(person, *, since: datetime | None = None, limit: int | None = None):
    qs = CheckIn.objects.filter(person=person).order_by("-occurred_at", "-pk")
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    return list(qs[:limit] if limit else qs)


def schedule_of(person) -> Schedule | None:
    return Schedule.objects.filter(person=person).first()


def checkin_days(person_ids, start: date, end: date) -> dict[int, int]:
    """For each person, the number of their own local days from ``start`` to ``end`` with at least
    one check-in (one query; the clinic's adherence and the progress page both count this way)."""
    days: dict[int, set[date]] = {pid: set() for pid in person_ids}
    since = start - timedelta(days=1)  # a local day may begin the evening before in UTC
    rows = CheckIn.objects.filter(person_id__in=list(person_ids), occurred_at__date__gte=since)
    for pid, at, tz in rows.values_list("person_id", "occurred_at", "tz"):
        try:
            day = local_date(at, tz)
        except (ValueError, KeyError):  # an unknown zone name: the UTC day
            day = at.date()
        if start <= day <= end:
            days[pid].add(day)
    return {pid: len(found) for pid, found in days.items()}


def local_time(checkin: CheckIn) -> datetime:
    return checkin.occurred_at.astimezone(ZoneInfo(checkin.tz))
