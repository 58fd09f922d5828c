"""Writes for assessments: start or resume, save answers as they are given, submit atomically."""

from __future__ import annotations

import math
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from interdep.access.core import couple_report_access
from interdep.assessments import report_cache, selectors
from interdep.assessments.models import Answer, Assessment
from interdep.assessments.tasks import reports_prepare
from interdep.couples import services as couple_services
from interdep.lib.errors import ServiceError
from interdep.science.instrument import CURRENT_VERSION, load_instrument
from interdep.science.safety import support_decision


def assessment_open(*, person) -> Assessment:
    """The person's assessment in progress, started now if there is none (resumable)."""
    existing = selectors.open_assessment(person)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Assessment.objects.create(person=person, instrument_version=CURRENT_VERSION)
    except IntegrityError:  # started in another tab at the same moment
        return Assessment.objects.get(person=person, submitted_at__isnull=True)


def _clean(instrument, answers: Mapping[str, object]) -> dict[str, int | None]:
    cleaned: dict[str, int | None] = {}
    for item_id, raw in answers.items():
        if not instrument.has_item(item_id):
            raise ServiceError("unknown_item", f"Unknown question {item_id!r}.", status=422)
        if raw is None or raw == "":
            cleaned[item_id] = None  # cleared: the question counts as skipped
            continue
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise ServiceError(
                "bad_value", f"Answer to {item_id!r} must be a whole number.", status=422
            )
        if isinstance(raw, float) and not math.isfinite(raw):
            raise ServiceError(
                "bad_value", f"Answer to {item_id!r} must be a whole number.", status=422
            )
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ServiceError(
                "bad_value", f"Answer to {item_id!r} must be a whole number.", status=422
            ) from None
        if isinstance(raw, float) and raw != value:
            raise ServiceError(
                "bad_value", f"Answer to {item_id!r} must be a whole number.", status=422
            )
        if not instrument.scale.min <= value <= instrument.scale.max:
            raise ServiceError(
                "bad_value",
                f"Answer to {item_id!r} must be between {instrument.scale.min} and {instrument.scale.max}.",
                status=422,
            )
        cleaned[item_id] = value
    return cleaned


@transaction.atomic
def answers_save(*, person, answers: Mapping[str, object]) -> Assessment:
    """Save (or clear) some answers of the person's open assessment; idempotent."""
    assessment = assessment_open(person=person)
    cleaned = _clean(load_instrument(assessment.instrument_version), answers)
    given = [
        Answer(assessment=assessment, item_id=k, value=v)
        for k, v in cleaned.items()
        if v is not None
    ]
    cleared = [k for k, v in cleaned.items() if v is None]
    if given:
        Answer.objects.bulk_create(
            given,
            update_conflicts=True,
            unique_fields=["assessment", "item_id"],
            update_fields=["value", "answered_at"],
        )
    if cleared:
        Answer.objects.filter(assessment=assessment, item_id__in=cleared).delete()
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())
    return assessment


@transaction.atomic
def assessment_submit(*, person) -> Assessment:
    """Freeze the open assessment with its instrument version; a retake starts a new one."""
    couple_services.lock_couple_of(person)
    before = couple_report_access(person)  # the couple report as it was (a retake replaces it)
    assessment = (
        Assessment.objects.select_for_update()
        .filter(person=person, submitted_at__isnull=True)
        .first()
    )
    if assessment is None:
        raise ServiceError(
            "nothing_open", "There is no assessment in progress to submit.", status=409
        )
    answers = selectors.answers_of(assessment)
    if not answers:
        raise ServiceError(
            "no_answers", "Answer at least some questions before you submit.", status=422
        )
    instrument = load_instrument(assessment.instrument_version)
    # The calibrated rule (science.safety), not any single concerning answer.
    assessment.safety_raised = support_decision(instrument, answers).support
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["safety_raised", "submitted_at", "updated_at"])
    couple_services.couple_refresh_readiness(person=person)
    transaction.on_commit(lambda: report_cache.forget_couple(before))
    transaction.on_commit(lambda: reports_prepare.enqueue(person.pk))
    return assessment
