"""Reads for exercises: the stored rows as the science state value, and lists for a couple.

What a viewer may see of the entries is decided in `interdep.access.exercises` (never here).
"""

from __future__ import annotations

import json

from interdep.exercises.models import Exercise, ExerciseEntry
from interdep.science import exercises as science
from interdep.science.exercise_guides import Guide, load_guides


def guide_of(exercise: Exercise) -> Guide:
    return load_guides()[exercise.kind]


def entries_of(exercise: Exercise) -> dict[int, ExerciseEntry]:
    """The entries by person id (prefetched ones are used when present)."""
    cache = getattr(exercise, "_prefetched_objects_cache", {})
    rows = (
        cache["entries"] if "entries" in cache else ExerciseEntry.objects.filter(exercise=exercise)
    )
    return {e.person_id: e for e in rows}


def content_of(entry: ExerciseEntry | None) -> dict:
    if entry is None or not entry.content:
        return {}
    return json.loads(entry.content)


def as_state(exercise: Exercise, entries: dict[int, ExerciseEntry]) -> science.Exercise:
    """The stored exercise as the science value (people are named by their ids as text)."""
    a, b = (str(p) for p in exercise.people)
    state = science.Exercise(
        kind=exercise.kind,
        partners=(a, b),
        entries={
            str(pid): science.Entry(content_of(e), submitted=e.submitted_at is not None)
            for pid, e in entries.items()
        },
        revealed=exercise.revealed_at is not None,
        revision=exercise.revision,
        agreed=frozenset(str(p) for p in exercise.agreed_by),
        agreed_revision=exercise.agreed_revision,
    )
    return state


def state_name(exercise: Exercise, entries: dict[int, ExerciseEntry]) -> str:
    """open | waiting | revealed | agreed for a together flow; draft | shared for a prepare one."""
    if not guide_of(exercise).together:
        return "shared" if exercise.shared_at else "draft"
    return as_state(exercise, entries).state


def for_couple(couple_id: int) -> list[Exercise]:
    return list(
        Exercise.objects.filter(couple_id=couple_id)
        .select_related("started_by", "partner")
        .prefetch_related("entries")
    )


def outcome_of(exercise: Exercise) -> dict | None:
    return json.loads(exercise.outcome) if exercise.outcome else None


def comparison(exercise: Exercise, contents: dict[int, dict]) -> dict | None:
    """The side-by-side reading of a together exercise: "a" is who started it, "b" the partner."""
    guide = guide_of(exercise)
    a, b = contents.get(exercise.started_by_id, {}), contents.get(exercise.partner_id, {})
    if guide.compare == "plans":
        return science.compare_plans(a, b)
    if guide.compare == "actions":
        return science.split_actions(a, b)
    return None
