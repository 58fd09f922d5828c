"""The JSON API (django-ninja): session auth with CSRF, JSON errors, honest OpenAPI document.

Every operation is thin: it asks the permission module and calls services and selectors. Ninja
exempts its views from Django's CSRF middleware and checks CSRF only for authenticated cookie
sessions, so the operations that run before anyone is logged in (signup, login) check it here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from ninja import Body, NinjaAPI, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth
from ninja.utils import check_csrf
from pydantic import StrictInt

from interdep import permissions
from interdep.accounts import services as account_services
from interdep.assessments import selectors
from interdep.assessments import services as assessment_services
from interdep.assessments.reports import couple_result
from interdep.couples import services as couple_services
from interdep.services import ServiceError

api = NinjaAPI(
    title="Interdep API",
    version="1",
    description="Accounts, partner linking, the assessment, and private and couple reports. "
    "Session cookie auth; send the CSRF token (GET /api/v1/auth/csrf) as X-CSRFToken on writes.",
    auth=django_auth,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


class Error(Schema):
    detail: Any
    code: str | None = None


#: Declared on every operation, so the OpenAPI document lists each way it can fail.
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
PUBLIC_ERRORS = {400: Error, 403: Error, 409: Error, 422: Error}


@api.exception_handler(ServiceError)
def _service_error(request, exc: ServiceError):
    return api.create_response(
        request, {"detail": exc.message, "code": exc.code}, status=exc.status
    )


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    return api.create_response(request, {"detail": "Not allowed.", "code": "forbidden"}, status=403)


def _require_csrf(request) -> None:
    if check_csrf(request) is not None:
        raise HttpError(403, "CSRF check failed: fetch GET /api/v1/auth/csrf and send X-CSRFToken.")


# ---------------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------------


class CsrfOut(Schema):
    csrf_token: str


class SignupIn(Schema):
    email: str
    password: str
    display_name: str


class LoginIn(Schema):
    email: str
    password: str


class CoupleOut(Schema):
    id: int
    partner_display_name: str
    i_share: bool
    partner_shares: bool
    couple_report_available: bool


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    couple: CoupleOut | None
    #: Whether the person lets their answers join the anonymous reliability pool (default no).
    research_consent: bool


class InviteOut(Schema):
    code: str
    expires_at: datetime


class JoinIn(Schema):
    code: str


class ConsentIn(Schema):
    share: bool


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


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _me(user) -> dict:
    mine = permissions.active_membership(user)
    partner = permissions.partner_membership(mine)
    couple = None
    if mine is not None and partner is not None:
        couple = {
            "id": mine.couple_id,
            "partner_display_name": partner.person.display_name,
            "i_share": mine.shares,
            "partner_shares": partner.shares,
            "couple_report_available": permissions.couple_report_access(user).allowed,
        }
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "couple": couple,
        "research_consent": user.research_consent,
    }


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


# ---------------------------------------------------------------------------------------------
# Auth
# ---------------------------------------------------------------------------------------------


@api.get("/v1/auth/csrf", auth=None, response={200: CsrfOut}, tags=["auth"])
def csrf(request):
    """Set the CSRF cookie and return its token (send it back as X-CSRFToken)."""
    return {"csrf_token": get_token(request)}


@api.post("/v1/auth/signup", auth=None, response={201: MeOut, **PUBLIC_ERRORS}, tags=["auth"])
def signup(request, payload: SignupIn):
    """Create an account and log the new person in (the sign-up page's form checks it too)."""
    from interdep.accounts.forms import SignupForm, form_errors

    _require_csrf(request)
    form = SignupForm(data=payload.dict())
    if not form.is_valid():
        return Status(422, {"detail": form_errors(form), "code": "invalid"})
    user = account_services.user_create(**form.cleaned_data)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return Status(201, _me(user))


@api.post(
    "/v1/auth/login",
    auth=None,
    response={200: MeOut, 401: Error, 429: Error, **PUBLIC_ERRORS},
    tags=["auth"],
)
def login_(request, payload: LoginIn):
    """Log in with email and password (repeated failures are throttled)."""
    _require_csrf(request)
    user = authenticate(request, username=payload.email.strip().lower(), password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return Status(429, {"detail": "Too many attempts. Try again later.", "code": "locked_out"})
    if user is None:
        return Status(401, {"detail": "Email or password is not right.", "code": "bad_credentials"})
    login(request, user)
    return Status(200, _me(user))


@api.post("/v1/auth/logout", response={204: None, **ERRORS}, tags=["auth"])
def logout_(request):
    logout(request)
    return Status(204, None)


@api.get("/v1/me", response={200: MeOut, **ERRORS}, tags=["auth"])
def me(request):
    return _me(request.user)


# ---------------------------------------------------------------------------------------------
# Couple
# ---------------------------------------------------------------------------------------------


@api.post("/v1/couple/invite", response={201: InviteOut, **ERRORS}, tags=["couple"])
def couple_invite(request):
    """A one-time code for your partner (valid 7 days)."""
    invite = couple_services.invite_create(person=request.user)
    return Status(201, {"code": invite.code, "expires_at": invite.expires_at})


@api.post("/v1/couple/join", response={200: MeOut, 429: Error, **ERRORS}, tags=["couple"])
def couple_join(request, payload: JoinIn):
    couple_services.couple_join(person=request.user, code=payload.code)
    return _me(request.user)


@api.delete("/v1/couple", response={204: None, **ERRORS}, tags=["couple"])
def couple_unlink(request):
    """Unlink: the couple ends for both; each keeps their own data."""
    couple_services.couple_unlink(person=request.user)
    return Status(204, None)


@api.put("/v1/couple/consent", response={200: MeOut, **ERRORS}, tags=["couple"])
def couple_consent(request, payload: ConsentIn):
    """Say yes (or no) to a couple report; a no removes it for both."""
    couple_services.consent_set(person=request.user, share=payload.share)
    return _me(request.user)


# ---------------------------------------------------------------------------------------------
# Assessment
# ---------------------------------------------------------------------------------------------


@api.get("/v1/instrument", response={200: dict, **ERRORS}, tags=["assessment"])
def instrument(request):
    from interdep.science.instrument import load_instrument

    return load_instrument().to_dict()


@api.get("/v1/assessments/current", response={200: AssessmentOut, **ERRORS}, tags=["assessment"])
def assessment_current(request):
    """Your assessment in progress (started if there is none)."""
    return _assessment(assessment_services.assessment_open(person=request.user))


@api.put(
    "/v1/assessments/current/answers", response={200: AssessmentOut, **ERRORS}, tags=["assessment"]
)
def assessment_answers(request, payload: Body[dict[str, StrictInt | None]]):
    """Save answers {item_id: value}; null clears one."""
    return _assessment(assessment_services.answers_save(person=request.user, answers=payload))


@api.post(
    "/v1/assessments/current/submit", response={200: AssessmentOut, **ERRORS}, tags=["assessment"]
)
def assessment_submit(request):
    """Submit atomically, recording the instrument version."""
    return _assessment(assessment_services.assessment_submit(person=request.user))


@api.get(
    "/v1/assessments/{assessment_id}", response={200: AssessmentOut, **ERRORS}, tags=["assessment"]
)
def assessment_detail(request, assessment_id: int):
    """One of your own assessments (anyone else's is 404)."""
    return _assessment(permissions.own_assessment_or_404(request.user, assessment_id))


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------


@api.get("/v1/reports/me", response={200: dict, **ERRORS}, tags=["reports"])
def report_me(request):
    """Your latest submitted result (the same fields as `interdep score --format json`)."""
    latest = permissions.latest_submitted(request.user)
    if latest is None:
        raise HttpError(404, "No submitted assessment yet.")
    mine = permissions.active_membership(request.user)
    return selectors.person_result(
        latest, couple_id=str(mine.couple_id) if mine else None
    ).to_dict()


@api.get("/v1/reports/couple", response={200: dict, **ERRORS}, tags=["reports"])
def report_couple(request):
    """The couple report, while both partners have submitted and both share; 403 with a reason
    otherwise. Person ids are relative to you: "me" and "partner"."""
    access = permissions.couple_report_access(request.user)
    if not access.allowed:
        return Status(403, {"detail": access.message, "code": access.reason})
    _, _, result = couple_result(
        selectors.instrument_of(access.my_assessment),
        access.my_assessment,
        access.partner_assessment,
        couple_id=str(access.couple.pk),
    )
    return {**result.to_dict(), "partner_display_name": access.partner.person.display_name}


# Daily check-ins (issue 4): the router lives in its app.
from interdep.checkins.api import router as checkins_router  # noqa: E402

api.add_router("/v1/checkins", checkins_router)

# Practice plans, progress and couple exercises (issue 6): the routers live in their apps.
from interdep.exercises.api import router as exercises_router  # noqa: E402
from interdep.plans.api import router as plans_router  # noqa: E402

api.add_router("/v1/plan", plans_router)
api.add_router("/v1/exercises", exercises_router)
