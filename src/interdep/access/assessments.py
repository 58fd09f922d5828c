"""A person's own assessments: theirs alone, anyone else's is "not found" (staff included)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.http import Http404

from interdep.access.ownership import own_or_404
from interdep.assessments.models import Assessment
from interdep.lib.prepared import PreparedModels


def _own_query(assessment_id, person_id):
    return Assessment.objects.filter(pk=assessment_id, person_id=person_id)


#: Every report page reads it: compiled once per process (interdep.lib.prepared).
_OWN = PreparedModels(_own_query)


def own_assessment_or_404(user, assessment_id: int) -> Assessment:
    """The user's own assessment; anyone else's is "not found" (staff included)."""
    if isinstance(assessment_id, int) and 0 < assessment_id < 2**63 and user.is_authenticated:
        found = _OWN.first(assessment_id, user.pk)
        if found is None:
            raise Http404
        return found
    return own_or_404(user, Assessment.objects, assessment_id)


def _latest_query(person_id):
    return Assessment.objects.filter(person_id=person_id, submitted_at__isnull=False).order_by(
        "-submitted_at", "-pk"
    )[:1]


#: Read on most pages: compiled once per process (interdep.lib.prepared).
_LATEST = PreparedModels(_latest_query)


def latest_submitted(person) -> Assessment | None:
    return _LATEST.first(person.pk)


def _latest_of_query(*person_ids):
    latest = (
        Assessment.objects.filter(person=OuterRef("person"), submitted_at__isnull=False)
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    return Assessment.objects.filter(person_id__in=person_ids, pk=Subquery(latest))


#: The couple report's access reads it on every page that asks for it: compiled once.
_LATEST_OF = PreparedModels(_latest_of_query)


def latest_submitted_of(person_ids) -> dict[int, Assessment]:
    """Each person's latest submitted assessment, in one query (person id -> assessment)."""
    person_ids = tuple(person_ids)
    rows = _LATEST_OF.rows(*person_ids) if len(person_ids) == 2 else _latest_of_query(*person_ids)
    return {a.person_id: a for a in rows}
