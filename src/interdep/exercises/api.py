"""Couple exercise operations of the JSON API (a ninja Router under /api/v1/exercises).

The partner's entry is in a response only once both have sent theirs (or, for a preparation,
only the parts its owner chose to share): `exercise_visible_entries` decides.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Router, Schema, Status

from interdep.access.core import active_membership, partner_membership
from interdep.access.exercises import exercise_for_member_or_404
from interdep.exercises import presenters, selectors, services
from interdep.lib.api import ERRORS

router = Router(tags=["exercises"])


class ExerciseOut(Schema):
    id: int
    kind: str
    title: str
    state: str
    status: str
    started_by_me: bool
    partner_display_name: str
    revision: int
    i_sent: bool
    i_agreed: bool
    partner_agreed: bool
    agreed_at: datetime | None
    me: dict[str, Any] | None
    partner: dict[str, Any] | None
    comparison: dict[str, Any] | None
    balance_warning: str | None
    shared_fields: list[str]


class ExerciseStartIn(Schema):
    kind: str


class ExerciseEntryIn(Schema):
    content: dict[str, Any]
    send: bool = False


class ExerciseShareIn(Schema):
    fields: list[str]


def _out(request, exercise_id: int) -> dict:
    return presenters.as_json(request.user, exercise_for_member_or_404(request.user, exercise_id))


@router.get("", response={200: list[ExerciseOut], **ERRORS})
def exercise_list(request):
    """Your exercises with your current partner, newest first."""
    mine = active_membership(request.user)
    if partner_membership(mine) is None:
        return []
    out = []
    for exercise in selectors.for_couple(mine.couple_id):
        if (
            not selectors.guide_of(exercise).together
            and request.user.pk != exercise.started_by_id
            and exercise.shared_at is None
        ):
            continue
        out.append(presenters.as_json(request.user, exercise))
    return out


@router.post("", response={201: ExerciseOut, **ERRORS})
def exercise_start(request, payload: ExerciseStartIn):
    """Start one: "vacation", "shared_problem", "boundary" or "no_rehearsal"."""
    exercise = services.exercise_start(person=request.user, kind=payload.kind)
    return Status(201, _out(request, exercise.pk))


@router.get("/{exercise_id}", response={200: ExerciseOut, **ERRORS})
def exercise_get(request, exercise_id: int):
    return _out(request, exercise_id)


@router.put("/{exercise_id}/entry", response={200: ExerciseOut, **ERRORS})
def exercise_entry(request, exercise_id: int, payload: ExerciseEntryIn):
    """Save your entry as a private draft, or send it (``send``); after the reveal, an open edit."""
    services.entry_save(
        person=request.user, exercise_id=exercise_id, content=payload.content, send=payload.send
    )
    return _out(request, exercise_id)


@router.post("/{exercise_id}/withdraw", response={200: ExerciseOut, **ERRORS})
def exercise_withdraw(request, exercise_id: int):
    """Take back your sent entry before your partner has sent theirs."""
    services.entry_withdraw(person=request.user, exercise_id=exercise_id)
    return _out(request, exercise_id)


@router.post("/{exercise_id}/agree", response={200: ExerciseOut, **ERRORS})
def exercise_agree(request, exercise_id: int):
    """Say yes to the plan or split as it stands; saved once you both have."""
    services.exercise_agree(person=request.user, exercise_id=exercise_id)
    return _out(request, exercise_id)


@router.put("/{exercise_id}/share", response={200: ExerciseOut, **ERRORS})
def exercise_share(request, exercise_id: int, payload: ExerciseShareIn):
    """Choose which parts of your preparation your partner may read (an empty list: none)."""
    services.preparation_share(person=request.user, exercise_id=exercise_id, fields=payload.fields)
    return _out(request, exercise_id)
