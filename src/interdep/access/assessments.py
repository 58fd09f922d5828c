"""A person's own assessments: theirs alone, anyone else's is "not found" (staff included)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

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


def latest_submitted_of(person_ids) -> dict[int, Assessment]:
    """Each person's latest submitted assessment, in one query (person id -> assessment)."""
    latest = (
        Assessment.objects.filter(person=OuterRef("person"), submitted_at__isnull=False)
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    rows = Assessment.objects.filter(person_id__in=list(person_ids), pk=Subquery(latest))
    return {a.person_id: a for a in rows}
