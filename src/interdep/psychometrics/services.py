"""Writes: a person opts in to (or out of) the anonymous research pool."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from interdep.assessments.models import Assessment
from interdep.lib.errors import ServiceError
from interdep.psychometrics.models import AnchorAnswer
from interdep.psychometrics.selectors import measures


@transaction.atomic
def research_consent_set(*, person, consent: bool) -> bool:
    """Record the person's choice. Nothing is copied anywhere: the pool reads the flag on each
    request, so a "no" removes the person from every later computation immediately."""
    changed_at = timezone.now()
    get_user_model().objects.filter(pk=person.pk).update(
        research_consent=consent, research_consent_changed_at=changed_at
    )
    person.research_consent = consent
    person.research_consent_changed_at = changed_at
    return consent


def anchors_save(*, person, assessment_id: int, answers: dict[str, str]) -> int:
    """Save the person's answers to the validity anchors after one of their submitted
    assessments. ``answers`` maps "<measure>.<item>" to a value; every answer is optional, an
    empty one is skipped. Refuses (nothing written) a value off the measure's scale or an unknown
    question, naming it. Returns how many answers were saved."""
    assessment = Assessment.objects.filter(
        pk=assessment_id, person=person, submitted_at__isnull=False
    ).first()
    if assessment is None:
        raise ServiceError("not_found", "That assessment does not exist.", status=404)
    by_id = {m.id: m for m in measures()}
    rows = []
    for key, raw in answers.items():
        if raw in (None, ""):
            continue
        measure_id, _, item_id = key.partition(".")
        measure = by_id.get(measure_id)
        if measure is None or item_id not in {i.id for i in measure.items}:
            raise ServiceError("unknown_question", f"Unknown question: {key}.")
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        if value not in measure.points:
            raise ServiceError(
                "out_of_scale",
                f"{key}: choose a whole number from {measure.scale_min} to {measure.scale_max}.",
            )
        rows.append((measure_id, item_id, value))
    with transaction.atomic():
        for measure_id, item_id, value in rows:
            AnchorAnswer.objects.update_or_create(
                assessment=assessment,
                measure=measure_id,
                item_id=item_id,
                defaults={"value": value},
            )
    return len(rows)
