"""A person's own assessments: theirs alone, anyone else's is "not found" (staff included)."""

from __future__ import annotations

from interdep.access.ownership import own_or_404
from interdep.assessments.models import Assessment


def own_assessment_or_404(user, assessment_id: int) -> Assessment:
    """The user's own assessment; anyone else's is "not found" (staff included)."""
    return own_or_404(user, Assessment.objects, assessment_id)


def latest_submitted(person) -> Assessment | None:
    return (
        Assessment.objects.filter(person=person, submitted_at__isnull=False)
        .order_by("-submitted_at", "-pk")
        .first()
    )
