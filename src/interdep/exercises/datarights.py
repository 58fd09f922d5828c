"""A person's exercises and their own entries (decrypted) in their data export, and their erasure.
A partner's entry is never exported; the agreed outcome both share is."""

from __future__ import annotations

import json

from django.db.models import Q

from interdep.exercises import selectors
from interdep.exercises.models import Exercise, ExerciseEntry
from interdep.lib.personal_data import DataHolder, register, rows
from interdep.science.exercise_guides import load_guides


def _visible_to(person, guides):
    def visible(exercise) -> bool:
        """The same rule as opening it: a one-person preparation the partner has not shared
        does not exist for the partner, in the export either."""
        if exercise.started_by_id == person.pk:
            return True
        guide = guides.get(exercise.kind)
        return guide is not None and (guide.together or exercise.shared_at is not None)

    return visible


def export_exercises(person) -> dict:
    visible = _visible_to(person, load_guides())
    return {
        "exercises": rows(
            [
                e
                for e in Exercise.objects.filter(Q(started_by=person) | Q(partner=person)).order_by(
                    "created_at"
                )
                if visible(e)
            ],
            ["id", "kind", "couple_id", "created_at", "revealed_at", "agreed_at", "outcome"],
        ),
        "entries": rows(
            ExerciseEntry.objects.filter(person=person).order_by("pk"),
            ["exercise_id", "content", "submitted_at", "updated_at"],
        ),
    }


def erase_exercises(person) -> None:
    """The person's entries go, and their words leave every shared outcome: the outcome is
    compared again with their side empty, so the partner keeps only their own words."""
    for exercise in Exercise.objects.filter(Q(started_by=person) | Q(partner=person)).exclude(
        outcome=""
    ):
        contents = {
            e.person_id: selectors.content_of(e)
            for e in ExerciseEntry.objects.filter(exercise=exercise).exclude(person=person)
        }
        contents[person.pk] = {}
        exercise.outcome = json.dumps(
            selectors.comparison(exercise, contents), ensure_ascii=False, sort_keys=True
        )
        exercise.save(update_fields=["outcome"])
    ExerciseEntry.objects.filter(person=person).delete()


def register_holder() -> None:
    register(DataHolder("exercises", export_exercises, erase_exercises, erase_order=60))
