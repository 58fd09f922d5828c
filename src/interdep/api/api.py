"""The JSON API (django-ninja): session auth with CSRF, JSON errors, honest OpenAPI document.

Each app owns its router (``<app>/api.py``); this module only creates the API, turns refusals
into JSON errors, and mounts the routers. Ninja exempts its views from Django's CSRF middleware
and checks CSRF only for authenticated cookie sessions, so the operations that run before anyone
is logged in (signup, login) check it themselves (``interdep.lib.api.require_csrf``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI
from ninja.security import django_auth

from interdep.accounts.api import router as accounts_router
from interdep.assessments.api import router as assessments_router
from interdep.checkins.api import router as checkins_router
from interdep.couples.api import router as couples_router
from interdep.exercises.api import router as exercises_router
from interdep.lib.errors import ServiceError
from interdep.plans.api import router as plans_router

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


@api.exception_handler(ServiceError)
def _service_error(request, exc: ServiceError):
    return api.create_response(
        request, {"detail": exc.message, "code": exc.code}, status=exc.status
    )


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    return api.create_response(request, {"detail": "Not allowed.", "code": "forbidden"}, status=403)


api.add_router("/v1", accounts_router)
api.add_router("/v1/couple", couples_router)
api.add_router("/v1", assessments_router)
api.add_router("/v1/checkins", checkins_router)
api.add_router("/v1/plan", plans_router)
api.add_router("/v1/exercises", exercises_router)
