"""Writes for exercises: start, save or send an entry, withdraw, agree, share a preparation.

Every transition locks the exercise row first and re-reads its entries under the lock, then asks
the science state machine whether the step is allowed. Two partners sending at the same moment
are serialised, so the reveal (and its one notification) happens exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from interdep.access.core import active_membership, partner_membership
from interdep.access.exercises import exercise_for_member_or_404
from interdep.exercises import selectors
from interdep.exercises.models import Exercise, ExerciseEntry
from interdep.exercises.tasks import notify_exercise_revealed
from interdep.lib.errors import ServiceError
from interdep.science import exercises as science
from interdep.science.errors import InputError
from interdep.science.exercise_guides import clean_entry, is_empty, load_guides


def _rule(exc: science.ExerciseError) -> ServiceError:
    return ServiceError("exercise_rule", str(exc)[:1].upper() + str(exc)[1:] + ".", status=409)


@transaction.atomic
def exercise_start(*, person, kind: str) -> Exercise:
    """Start an exercise with one's current partner."""
    if kind not in load_guides():
        raise ServiceError("unknown_exercise", "There is no such exercise.", status=422)
    mine = active_membership(person)
    theirs = partner_membership(mine)
    if mine is None or theirs is None:
        raise ServiceError(
            "not_linked", "Link with your partner first; these exercises are for two.", status=409
        )
    return Exercise.objects.create(
        kind=kind, couple_id=mine.couple_id, started_by=person, partner=theirs.person
    )


def _locked(person, exercise_id: int) -> tuple[Exercise, dict[int, ExerciseEntry]]:
    """The exercise (access checked as for reading), locked for this transaction."""
    exercise_for_member_or_404(person, exercise_id)
    exercise = Exercise.objects.select_for_update().get(pk=exercise_id)
    return exercise, selectors.entries_of(exercise)


def _write(exercise: Exercise, entries: dict[int, ExerciseEntry], state: science.Exercise) -> None:
    """Store the new state: changed entries, the reveal (once), revision and agreement."""
    now = timezone.now()
    for pid_text, entry in state.entries.items():
        pid = int(pid_text)
        row = entries.get(pid) or ExerciseEntry(exercise=exercise, person_id=pid)
        row.content = json.dumps(dict(entry.content), ensure_ascii=False, sort_keys=True)
        if not entry.submitted:
            row.submitted_at = None
        elif row.submitted_at is None:
            row.submitted_at = now
        row.save()
        entries[pid] = row
    if state.revealed and exercise.revealed_at is None:
        exercise.revealed_at = now
        transaction.on_commit(lambda: notify_exercise_revealed.enqueue(exercise.pk))
    exercise.revision = state.revision
    exercise.agreed_by = sorted(int(p) for p in state.agreed)
    if state.agreed_revision is not None and exercise.agreed_revision != state.agreed_revision:
        exercise.agreed_at = now
        contents = {pid: selectors.content_of(e) for pid, e in entries.items()}
        exercise.outcome = json.dumps(
            selectors.comparison(exercise, contents), ensure_ascii=False, sort_keys=True
        )
    elif state.agreed_revision is None:
        exercise.agreed_at = None
        exercise.outcome = ""
    exercise.agreed_revision = state.agreed_revision
    exercise.save()


def _clean(exercise: Exercise, content: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return clean_entry(selectors.guide_of(exercise), content)
    except InputError as exc:
        label = selectors.guide_of(exercise).field(exc.column).label if exc.column else "Your entry"
        raise ServiceError("bad_entry", f"{label}: {exc.message}.", status=422) from None


@transaction.atomic
def entry_save(
    *, person, exercise_id: int, content: Mapping[str, Any], send: bool = False
) -> Exercise:
    """Save one's entry: a private draft, sent (``send``), or an open edit after the reveal."""
    exercise, entries = _locked(person, exercise_id)
    cleaned = _clean(exercise, content)
    guide = selectors.guide_of(exercise)
    if not guide.together:
        if person.pk != exercise.started_by_id:
            raise ServiceError(
                "not_yours", "Only the partner who prepares this can change it.", status=403
            )
        row = entries.get(person.pk) or ExerciseEntry(exercise=exercise, person=person)
        row.content = json.dumps(cleaned, ensure_ascii=False, sort_keys=True)
        row.save()
        exercise.save(update_fields=["updated_at"])
        return exercise
    if send and is_empty(cleaned):
        raise ServiceError(
            "empty_entry", "Write at least one thing before you send it.", status=422
        )
    state = selectors.as_state(exercise, entries)
    me = str(person.pk)
    try:
        if state.revealed:
            if is_empty(cleaned):
                raise ServiceError(
                    "empty_entry", "Your entry cannot be empty once it is shared.", status=422
                )
            state = science.edit(state, me, cleaned)
        elif send:
            state = science.submit(state, me, cleaned)
        else:
            state = science.save_draft(state, me, cleaned)
    except science.ExerciseError as exc:
        raise _rule(exc) from None
    _write(exercise, entries, state)
    return exercise


def _together_step(person, exercise_id: int, step, not_together: str) -> Exercise:
    """Apply one rule of a two-person exercise under the exercise's row lock."""
    exercise, entries = _locked(person, exercise_id)
    if not selectors.guide_of(exercise).together:
        raise ServiceError("exercise_rule", not_together, status=409)
    try:
        state = step(selectors.as_state(exercise, entries), str(person.pk))
    except science.ExerciseError as exc:
        raise _rule(exc) from None
    _write(exercise, entries, state)
    return exercise


@transaction.atomic
def entry_withdraw(*, person, exercise_id: int) -> Exercise:
    """Take back a sent entry before the reveal; it becomes a private draft again."""
    return _together_step(
        person, exercise_id, science.withdraw, "There is nothing to withdraw in a preparation."
    )


@transaction.atomic
def exercise_agree(*, person, exercise_id: int) -> Exercise:
    """Say yes to the plan (or split) as it stands; it is saved once both have said yes."""
    return _together_step(
        person, exercise_id, science.agree, "A preparation has nothing to agree on."
    )


@transaction.atomic
def preparation_share(*, person, exercise_id: int, fields: Sequence[str]) -> Exercise:
    """Choose which parts of one's preparation the partner may read (none: stop sharing)."""
    exercise, entries = _locked(person, exercise_id)
    guide = selectors.guide_of(exercise)
    if guide.together or person.pk != exercise.started_by_id:
        raise ServiceError(
            "not_yours", "Only the partner who prepared this can share it.", status=403
        )
    known = [f.id for f in guide.fields]
    unknown = [f for f in fields if f not in known]
    if unknown:
        raise ServiceError("bad_entry", f"Unknown part(s): {', '.join(unknown)}.", status=422)
    written = selectors.content_of(entries.get(person.pk))
    chosen = [f for f in known if f in fields and written.get(f)]
    if fields and not chosen:
        raise ServiceError("empty_entry", "The parts you chose are still empty.", status=422)
    exercise.shared_fields = chosen
    exercise.shared_at = (exercise.shared_at or timezone.now()) if chosen else None
    exercise.save(update_fields=["shared_fields", "shared_at", "updated_at"])
    return exercise
