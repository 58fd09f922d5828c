"""Assessment and report operations of the JSON API (a ninja Router under /api/v1): the
instrument, your assessment in progress, your own past assessments, and the reports."""

from __future__ import annotations

from datetime import datetime

from ninja import Body, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import StrictInt

from interdep.access.assessments import latest_submitted, own_assessment_or_404
from interdep.access.core import active_membership, couple_report_access
from interdep.assessments import report_cache, selectors, services
from interdep.lib.api import ERRORS
from interdep.science.instrument import load_instrument

router = Router()


class ProgressOut(Schema):
    answered: int
    total: int


class AssessmentOut(Schema):
    id: int
    instrument_version: str
    started_at: datetime
    submitted_at: datetime | None
    answers: dict[str, int]
    progress: ProgressOut
    #: Only ever in the owner's own responses: whether the private support page is suggested.
    support_suggested: bool


def _assessment(assessment) -> dict:
    answers = selectors.answers_of(assessment)
    progress = selectors.progress(assessment, answers)
    return {
        "id": assessment.pk,
        "instrument_version": assessment.instrument_version,
        "started_at": assessment.started_at,
        "submitted_at": assessment.submitted_at,
        "answers": answers,
        "progress": {"answered": progress.answered, "total": progress.total},
        "support_suggested": assessment.safety_raised,
    }


@router.get("/instrument", response={200: dict, **ERRORS}, tags=["assessment"])
def instrument(request):
    return load_instrument().to_dict()


@router.get("/assessments/current", response={200: AssessmentOut, **ERRORS}, tags=["assessment"])
def assessment_current(request):
    """Your assessment in progress (started if there is none)."""
    return _assessment(services.assessment_open(person=request.user))


@router.put(
    "/assessments/current/answers", response={200: AssessmentOut, **ERRORS}, tags=["assessment"]
)
def assessment_answers(request, payload: Body[dict[str, StrictInt | None]]):
    """Save answers {item_id: value}; null clears one."""
    return _assessment(services.answers_save(person=request.user, answers=payload))


@router.post(
    "/assessments/current/submit", response={200: AssessmentOut, **ERRORS}, tags=["assessment"]
)
def assessment_submit(request):
    """Submit atomically, recording the instrument version."""
    return _assessment(services.assessment_submit(person=request.user))


@router.get(
    "/assessments/{assessment_id}", response={200: AssessmentOut, **ERRORS}, tags=["assessment"]
)
def assessment_detail(request, assessment_id: int):
    """One of your own assessments (anyone else's is 404)."""
    return _assessment(own_assessment_or_404(request.user, assessment_id))


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------


@router.get("/reports/me", response={200: dict, **ERRORS}, tags=["reports"])
def report_me(request):
    """Your latest submitted result (the same fields as `interdep score --format json`)."""
    latest = latest_submitted(request.user)
    if latest is None:
        raise HttpError(404, "No submitted assessment yet.")
    mine = active_membership(request.user)
    return selectors.person_result(
        latest, couple_id=str(mine.couple_id) if mine else None
    ).to_dict()


@router.get("/reports/couple", response={200: dict, **ERRORS}, tags=["reports"])
def report_couple(request):
    """The couple report, while both partners have submitted and both share; 403 with a reason
    otherwise. Person ids are relative to you: "me" and "partner"."""
    access = couple_report_access(request.user)
    if not access.allowed:
        return Status(403, {"detail": access.message, "code": access.reason})
    return {
        **report_cache.couple_result_document(access),
        "partner_display_name": access.partner.person.display_name,
    }
