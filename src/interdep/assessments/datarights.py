"""A person's assessments, answers and results in their data export, and their erasure."""

from __future__ import annotations

from interdep.assessments import report_cache, selectors
from interdep.assessments.models import Answer, Assessment
from interdep.lib.personal_data import DataHolder, iso, register


def export_assessments(person) -> dict:
    assessments = list(Assessment.objects.filter(person=person).order_by("started_at", "pk"))
    answers = Answer.objects.filter(assessment__person=person).order_by("assessment_id", "item_id")
    results = []
    for a in assessments:
        if a.submitted:
            result = selectors.person_result(a).to_dict()
            results.append(
                {
                    "assessment_id": a.pk,
                    "dynamic": result.get("dynamic"),
                    "confidence": result.get("dynamic_confidence"),
                    "scales": result.get("scales"),
                    "facets": result.get("facets"),
                }
            )
    return {
        "assessments": [
            {
                "id": a.pk,
                "instrument_version": a.instrument_version,
                "started_at": iso(a.started_at),
                "submitted_at": iso(a.submitted_at),
                "support_suggested": a.safety_raised,
            }
            for a in assessments
        ],
        "answers": [
            {
                "assessment_id": x.assessment_id,
                "item_id": x.item_id,
                "value": x.value,
                "answered_at": iso(x.answered_at),
            }
            for x in answers
        ],
        "results": results,
    }


def erase_assessments(person) -> None:
    assessments = Assessment.objects.filter(person=person)
    report_cache.forget_private(list(assessments))  # the kept reports go with the answers
    assessments.delete()  # answers cascade


def register_holder() -> None:
    register(DataHolder("assessments", export_assessments, erase_assessments, erase_order=30))
