"""Writes for check-ins: a check-in, a schedule, and the reminders that are due.

Keyword-only, one transaction each. ``now`` is a parameter wherever time matters, so tests (and
the scheduler command) run on a fixed clock.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from interdep.checkins.channels import CHANNELS, channel_named
from interdep.checkins.models import (
    FEEL_MAX,
    FEEL_MIN,
    MOOD_MAX,
    MOOD_MIN,
    BidAnswered,
    CheckIn,
    NoChoice,
    Reminder,
    Schedule,
)
from interdep.checkins.signals import checkins_changed
from interdep.lib.errors import ServiceError
from interdep.lib.timezones import UTC, local_date, zone

#: A late entry may say it was up to this long ago (memory fades; a week is still a fair guess).
LATE_LIMIT = timedelta(days=7)
#: Clocks differ a little between a phone and the server.
CLOCK_SKEW = timedelta(minutes=5)
MAX_PROMPTS_PER_DAY = 6
NOTE_MAX_CHARS = 2000
#: A reminder whose slot passed longer ago than this is not sent any more (a stopped scheduler
#: does not wake up to a pile of stale reminders).
REMINDER_GRACE = timedelta(minutes=60)
#: No reminder when the person checked in this shortly before the slot (they just did).
RECENT_CHECKIN = timedelta(minutes=60)

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _in_range(name: str, value, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ServiceError(
            "invalid", f"{name} needs a whole number from {low} to {high}.", status=422
        ) from None
    if not low <= number <= high:
        raise ServiceError(
            "invalid", f"{name} needs a whole number from {low} to {high}.", status=422
        )
    return number


@transaction.atomic
def checkin_create(
    *,
    person,
    valence,
    arousal,
    closeness,
    felt_self,
    bid_made: bool = False,
    bid_answered: str = "",
    no_choice: str = NoChoice.NONE,
    conflict: bool = False,
    note: str = "",
    occurred_at: datetime | None = None,
    tz: str | None = None,
    now: datetime | None = None,
    client_id=None,
) -> CheckIn:
    """Record one check-in. ``occurred_at`` (aware, or naive local time in ``tz``) is when it
    was, for a late entry; by default it is now. ``tz`` defaults to the person's schedule zone."""
    now = now or timezone.now()
    if tz is None:
        schedule = Schedule.objects.filter(person=person).only("tz").first()
        tz = schedule.tz if schedule else "UTC"
    where = zone(tz)
    if occurred_at is None:
        occurred_at = now
    elif timezone.is_naive(occurred_at):
        occurred_at = occurred_at.replace(tzinfo=where)
    try:
        occurred_at = occurred_at.astimezone(UTC).replace(microsecond=0)
    except (OverflowError, ValueError):  # the year 1 east of Greenwich, 9999 west of it
        raise ServiceError(
            "invalid", "occurred_at: out of range; a check-in is about the last 7 days.", status=422
        ) from None
    if occurred_at > now + CLOCK_SKEW:
        raise ServiceError(
            "in_future",
            "That time is still to come; a check-in is about a moment that has been.",
            status=422,
        )
    if occurred_at < now - LATE_LIMIT:
        raise ServiceError("too_late", "A late check-in can be at most 7 days back.", status=422)
    if bid_answered not in BidAnswered.values:
        raise ServiceError("invalid", "Was your bid answered: yes, no, or no bid.", status=422)
    if no_choice not in NoChoice.values:
        raise ServiceError(
            "invalid", "Choose whether you said a no, held one back, or neither.", status=422
        )
    note = (note or "").strip()
    if "\x00" in note:
        raise ServiceError("invalid", "note: it holds a character that cannot be kept.", status=422)
    if len(note) > NOTE_MAX_CHARS:
        raise ServiceError(
            "invalid", f"The note can be at most {NOTE_MAX_CHARS} characters.", status=422
        )
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                person=person,
                occurred_at=occurred_at,
                tz=tz,
                valence=_in_range("Mood", valence, MOOD_MIN, MOOD_MAX),
                arousal=_in_range("Energy", arousal, MOOD_MIN, MOOD_MAX),
                closeness=_in_range("Closeness", closeness, FEEL_MIN, FEEL_MAX),
                felt_self=_in_range("Time for you", felt_self, FEEL_MIN, FEEL_MAX),
                bid_made=bool(bid_made),
                bid_answered=bid_answered if bid_made else "",
                no_choice=no_choice,
                conflict=bool(conflict),
                note=note,
                client_id=client_id,
            )
    except IntegrityError:
        if client_id is not None:
            existing = CheckIn.objects.filter(person=person, client_id=client_id).first()
            if existing is not None:  # the same device's send raced this one
                existing.replayed = True
                return existing
        raise ServiceError(
            "duplicate",
            "You already have a check-in at exactly that time; pick another minute.",
            status=409,
        ) from None
    checkins_changed.send(sender=CheckIn, person_id=person.pk)
    return checkin


def checkin_record(*, person, client_id, **fields) -> tuple[CheckIn, bool]:
    """A check-in sent by a device with its own id (made offline, maybe sent twice): stored
    once. Returns (check-in, True) when stored now, (the stored one, False) when it was
    already there."""
    if client_id is not None:
        existing = CheckIn.objects.filter(person=person, client_id=client_id).first()
        if existing is not None:
            return existing, False
    checkin = checkin_create(person=person, client_id=client_id, **fields)
    return checkin, not getattr(checkin, "replayed", False)


@transaction.atomic
def checkin_delete(*, person, checkin_id: int) -> None:
    """Delete one of the person's own check-ins (anyone else's is "not found")."""
    deleted, _ = CheckIn.objects.filter(pk=checkin_id, person=person).delete()
    if not deleted:
        raise ServiceError("not_found", "Not found.", status=404)
    checkins_changed.send(sender=CheckIn, person_id=person.pk)


def parse_times(values) -> list[str]:
    """Prompt times as sorted distinct "HH:MM" strings (1 to MAX_PROMPTS_PER_DAY)."""
    if isinstance(values, str):
        values = re.split(r"[\s,;]+", values)
    cleaned = []
    for value in values or ():
        value = (value or "").strip()
        if not value:
            continue
        if len(value) == 4 and value[1] == ":":
            value = "0" + value
        if not _TIME.match(value):
            raise ServiceError(
                "invalid", f"{value!r} is not a time like 08:30 or 20:00.", status=422
            )
        cleaned.append(value)
    cleaned = sorted(set(cleaned))
    if not cleaned:
        raise ServiceError("invalid", "Choose at least one time of day.", status=422)
    if len(cleaned) > MAX_PROMPTS_PER_DAY:
        raise ServiceError("invalid", f"At most {MAX_PROMPTS_PER_DAY} times a day.", status=422)
    return cleaned


@transaction.atomic
def schedule_save(
    *, person, times, tz: str, paused: bool = False, channel: str = "email"
) -> Schedule:
    zone(tz)
    if channel not in CHANNELS:
        raise ServiceError("invalid", f"Unknown reminder channel {channel!r}.", status=422)
    schedule, _ = Schedule.objects.select_for_update().get_or_create(person=person)
    schedule.times = parse_times(times)
    schedule.tz = tz
    schedule.paused = bool(paused)
    schedule.channel = channel
    schedule.save()
    return schedule


# ---------------------------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------------------------


def slot_instants(schedule: Schedule, day: date) -> list[datetime]:
    """The schedule's prompts on one local day, as aware instants (a time that does not exist
    on a daylight-saving change day moves with the clock, as zoneinfo resolves it)."""
    where = ZoneInfo(schedule.tz)
    out = []
    for text in schedule.times:
        hours, minutes = (int(part) for part in text.split(":"))
        out.append(datetime.combine(day, time(hours, minutes), tzinfo=where))
    return out


def due_slots(schedule: Schedule, now: datetime) -> list[datetime]:
    """Slots that have come, at most REMINDER_GRACE ago (yesterday's and today's local days)."""
    local_today = local_date(now, schedule.tz)
    due = []
    for day in (local_today - timedelta(days=1), local_today):
        for slot in slot_instants(schedule, day):
            if slot <= now < slot + REMINDER_GRACE:
                due.append(slot.astimezone(UTC))
    return due


def reminder_deliver(*, reminder_id: int, check_in_url: str, now: datetime | None = None) -> str:
    """Deliver one reminder unless it went already, the person paused, left, or just checked
    in. Returns the reminder's final status ("gone" when the person no longer exists)."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update()
            .select_related("person")
            .filter(pk=reminder_id)
            .first()
        )
        if reminder is None:
            return "gone"  # the account was deleted (its reminders with it)
        if reminder.status != Reminder.Status.PENDING:
            return reminder.status
        person = reminder.person
        schedule = Schedule.objects.filter(person=person).first()
        stale = now >= reminder.slot_at + REMINDER_GRACE
        recent = CheckIn.objects.filter(
            person=person, occurred_at__gte=reminder.slot_at - RECENT_CHECKIN, occurred_at__lte=now
        ).exists()
        if not person.is_active or schedule is None or schedule.paused or stale or recent:
            reminder.status = Reminder.Status.SKIPPED
            reminder.save(update_fields=["status"])
            return reminder.status
        if channel_named(reminder.channel).deliver(person=person, check_in_url=check_in_url):
            reminder.status = Reminder.Status.SENT
            reminder.sent_at = now
        else:
            reminder.status = Reminder.Status.SKIPPED
        reminder.save(update_fields=["status", "sent_at"])
        return reminder.status
