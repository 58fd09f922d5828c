"""Check-in operations of the JSON API (a ninja Router under /api/v1/checkins).

Thin like the rest of the API: the permission module decides, services write, selectors read.
A check-in's private note appears only in its author's own responses.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from ninja import Router, Schema, Status
from pydantic import Field

from interdep.checkins import presenters, selectors, services
from interdep.checkins.models import FEEL_MAX, FEEL_MIN, MOOD_MAX, MOOD_MIN, CheckIn, NoChoice
from interdep.lib.api import ERRORS

router = Router(tags=["checkins"])


class CheckInIn(Schema):
    valence: int = Field(
        ge=MOOD_MIN, le=MOOD_MAX, description="Mood, unpleasant (0) to pleasant (100)"
    )
    arousal: int = Field(ge=MOOD_MIN, le=MOOD_MAX, description="Energy, calm (0) to wound up (100)")
    closeness: int = Field(
        ge=FEEL_MIN, le=FEEL_MAX, description="Felt closeness to the partner, 1 to 7"
    )
    felt_self: int = Field(ge=FEEL_MIN, le=FEEL_MAX, description='"I did something for me", 1 to 7')
    bid_made: bool = False
    bid_answered: str = Field("", description='"yes", "no" or "" (no bid)')
    no_choice: str = Field(NoChoice.NONE, description='"none", "said" or "held_back"')
    conflict: bool = False
    note: str = Field(
        "", description="Private to you, encrypted at rest; never shown to anyone else"
    )
    occurred_at: datetime | None = Field(
        None, description="When it was, for a late entry (ISO 8601 with offset)"
    )
    tz: str | None = Field(
        None, description="IANA time zone you were in (default: your schedule's)"
    )
    client_id: UUID | None = Field(
        None,
        description="An id the device made (for a check-in kept offline): sending the same id "
        "again stores nothing new and answers 200 with the stored check-in",
    )


class CheckInOut(Schema):
    id: int
    occurred_at: datetime
    tz: str
    valence: int
    arousal: int
    closeness: int
    felt_self: int
    bid_made: bool
    bid_answered: str
    no_choice: str
    conflict: bool
    note: str


class ScheduleIn(Schema):
    times: list[str] = Field(description='Local prompt times, "HH:MM", 1 to 6')
    tz: str
    paused: bool = False
    channel: str = "email"


class ScheduleOut(Schema):
    times: list[str]
    tz: str
    paused: bool
    channel: str


def _checkin(c: CheckIn) -> dict:
    return {
        "id": c.pk,
        "occurred_at": selectors.local_time(c),
        "tz": c.tz,
        "valence": c.valence,
        "arousal": c.arousal,
        "closeness": c.closeness,
        "felt_self": c.felt_self,
        "bid_made": c.bid_made,
        "bid_answered": c.bid_answered,
        "no_choice": c.no_choice,
        "conflict": c.conflict,
        "note": c.note,
    }


@router.post("", response={201: CheckInOut, 200: CheckInOut, **ERRORS})
def checkin_create(request, payload: CheckInIn):
    """Record a check-in now, or a late one with the time it really was. With a client_id,
    idempotent: 201 when stored now, 200 with the stored one when that id came before."""
    checkin, created = services.checkin_record(person=request.user, **payload.dict())
    return Status(201 if created else 200, _checkin(checkin))


@router.get("", response={200: list[CheckInOut], **ERRORS})
def checkin_list(request, since: datetime | None = None, limit: int = 200):
    """Your own check-ins, newest first (nobody else's, ever)."""
    if since is not None and since.tzinfo is not None:
        try:
            since = since.astimezone(UTC)
        except (OverflowError, ValueError):
            return Status(422, {"detail": "since: out of range.", "code": "invalid"})
    return [
        _checkin(c)
        for c in selectors.own_checkins(request.user, since=since, limit=max(1, min(limit, 1000)))
    ]


@router.get("/schedule", response={200: ScheduleOut, **ERRORS})
def schedule_get(request):
    """Your reminder schedule (404 until you set one)."""
    schedule = selectors.schedule_of(request.user)
    if schedule is None:
        return Status(404, {"detail": "No reminder schedule yet.", "code": "no_schedule"})
    return schedule


@router.put("/schedule", response={200: ScheduleOut, **ERRORS})
def schedule_put(request, payload: ScheduleIn):
    """Set your prompt times, time zone and pause."""
    return services.schedule_save(person=request.user, **payload.dict())


class DynamicsOut(Schema):
    state: str = Field(description='"ok" or "not_yet"')
    message: str
    days_together: int
    days_needed: int
    window: dict = Field(
        description='The check-ins read: "days" local days up to the latest check-in, from '
        '"start" to "end" (ISO dates)'
    )
    variables: dict[str, dict]


@router.get("/dynamics", response={200: DynamicsOut, **ERRORS})
def dynamics(request):
    """Your couple's emotional interdependence (mood and closeness), under the couple report's
    consent; 403 with a reason otherwise. Persons are "me" and "partner"; "me->partner" is the
    effect of your previous value on your partner's next. Never anyone's single entries."""
    view = presenters.couple_dynamics_view(request.user, figure=False, roles=True)
    if view.state == "no_access":
        return Status(403, {"detail": view.message, "code": view.code})
    return view.to_dict()
