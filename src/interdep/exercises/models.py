"""Guided couple exercises, stored so that a reveal happens once and nothing leaks before it.

A "together" exercise has one entry per partner; neither sees the other's until both have sent
theirs (the permission module asks `interdep.science.exercises.visible_entries`). A "prepare"
exercise belongs to one partner, who chooses which parts, if any, the other may read. Every
transition runs under a row lock on the exercise, so two partners sending at the same moment
reveal exactly once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from interdep.crypto import EncryptedTextField


class Exercise(models.Model):
    kind = models.CharField(max_length=32)  # a guide id from content/exercises.toml
    couple = models.ForeignKey("couples.Couple", on_delete=models.CASCADE, related_name="exercises")
    #: Who started it (for a "prepare" exercise: its owner, the only one who writes in it).
    #: SET_NULL, not CASCADE: one partner deleting their account must not delete the other's entry.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    #: The other partner at the time it was started.
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    #: Person ids who said yes to the current revision.
    agreed_by = models.JSONField(default=list, blank=True)
    agreed_revision = models.PositiveIntegerField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    #: The agreed plan or split (JSON), private to the two partners.
    outcome = EncryptedTextField(blank=True, default="")
    #: "prepare" exercises: which fields the owner lets the partner read, and since when.
    shared_fields = models.JSONField(default=list, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["couple", "-created_at"])]

    @property
    def people(self) -> tuple[int, int]:
        return (self.started_by_id, self.partner_id)


class ExerciseEntry(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_entries"
    )
    #: The entry as JSON text, encrypted at rest: private free text.
    content = EncryptedTextField(blank=True, default="")
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "person"], name="one_entry_per_exercise_and_person"
            )
        ]
