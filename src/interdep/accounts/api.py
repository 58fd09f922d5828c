"""Account operations of the JSON API (a ninja Router under /api/v1): the CSRF token, signup,
login, logout and "me"."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from ninja import Router, Schema, Status

from interdep.accounts import services
from interdep.couples.api import MeOut, me_document
from interdep.lib.api import ERRORS, PUBLIC_ERRORS, Error, require_csrf

router = Router()


class CsrfOut(Schema):
    csrf_token: str


class SignupIn(Schema):
    email: str
    password: str
    display_name: str


class LoginIn(Schema):
    email: str
    password: str


@router.get("/auth/csrf", auth=None, response={200: CsrfOut}, tags=["auth"])
def csrf(request):
    """Set the CSRF cookie and return its token (send it back as X-CSRFToken)."""
    return {"csrf_token": get_token(request)}


@router.post("/auth/signup", auth=None, response={201: MeOut, **PUBLIC_ERRORS}, tags=["auth"])
def signup(request, payload: SignupIn):
    """Create an account and log the new person in."""
    require_csrf(request)
    user = services.user_create(
        email=payload.email, password=payload.password, display_name=payload.display_name
    )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return Status(201, me_document(user))


@router.post(
    "/auth/login",
    auth=None,
    response={200: MeOut, 401: Error, 429: Error, **PUBLIC_ERRORS},
    tags=["auth"],
)
def login_(request, payload: LoginIn):
    """Log in with email and password (repeated failures are throttled)."""
    require_csrf(request)
    user = authenticate(request, username=payload.email.strip().lower(), password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return Status(429, {"detail": "Too many attempts. Try again later.", "code": "locked_out"})
    if user is None:
        return Status(401, {"detail": "Email or password is not right.", "code": "bad_credentials"})
    login(request, user)
    return Status(200, me_document(user))


@router.post("/auth/logout", response={204: None, **ERRORS}, tags=["auth"])
def logout_(request):
    logout(request)
    return Status(204, None)


@router.get("/me", response={200: MeOut, **ERRORS}, tags=["auth"])
def me(request):
    return me_document(request.user)
