"""Assessments: one person's answers to one instrument version, kept per attempt (history).

Answers are private to the person who gave them: nothing outside the permission module and the
owner's own pages reads them. A submitted assessment is frozen; a retake is a new assessment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Assessment(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments"
    )
    instrument_version = models.CharField(max_length=16)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    #: Private: whether the answers raised a safety signal. Shown only to the person themself.
    safety_raised = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(submitted_at__isnull=True),
                name="one_open_assessment_per_person",
            )
        ]
        indexes = [models.Index(fields=["person", "-submitted_at"])]

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    item_id = models.CharField(max_length=32)
    value = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item_id"], name="one_answer_per_item")
        ]
