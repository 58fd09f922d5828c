"""A person's exercises and their own entries (decrypted) in their data export, and their erasure.
A partner's entry is never exported; the agreed outcome both share is."""

from __future__ import annotations

from django.db.models import Q

from interdep.exercises.models import Exercise, ExerciseEntry
from interdep.lib.personal_data import DataHolder, register, rows


def export_exercises(person) -> dict:
    return {
        "exercises": rows(
            Exercise.objects.filter(Q(started_by=person) | Q(partner=person)).order_by(
                "created_at"
            ),
            ["id", "kind", "couple_id", "created_at", "revealed_at", "agreed_at", "outcome"],
        ),
        "entries": rows(
            ExerciseEntry.objects.filter(person=person).order_by("pk"),
            ["exercise_id", "content", "submitted_at", "updated_at"],
        ),
    }


def erase_exercises(person) -> None:
    ExerciseEntry.objects.filter(person=person).delete()


def register_holder() -> None:
    register(DataHolder("exercises", export_exercises, erase_exercises, erase_order=60))
