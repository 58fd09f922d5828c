"""Answers to the optional validity anchors, kept with the assessment they followed.

Private like every answer: only the person and, anonymously and in aggregate, the research pool
(when the person has research consent) ever read them. Deleted with the assessment.
"""

from __future__ import annotations

from django.db import models

from interdep.assessments.models import Assessment


class AnchorAnswer(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="anchor_answers"
    )
    measure = models.CharField(max_length=32)
    item_id = models.CharField(max_length=32)
    value = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "measure", "item_id"], name="one_anchor_answer_per_item"
            )
        ]
