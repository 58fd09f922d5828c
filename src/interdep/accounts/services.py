"""Writes for accounts: create and delete (deleting leaves a partner's own data intact)."""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from interdep.access.core import active_membership
from interdep.couples.services import couple_unlink
from interdep.lib.errors import ServiceError


@transaction.atomic
def user_create(*, email: str, password: str, display_name: str):
    User = get_user_model()
    email = User.objects.normalize_email(email or "").strip().lower()
    display_name = (display_name or "").strip()
    if not email or "@" not in email:
        raise ServiceError("bad_email", "Enter a valid email address.", status=422)
    if not display_name:
        raise ServiceError("bad_name", "Tell us what your partner should call you.", status=422)
    if User.objects.filter(email=email).exists():
        raise ServiceError(
            "email_taken", "An account with this email already exists. Try logging in.", status=409
        )
    candidate = User(email=email, display_name=display_name)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        raise ServiceError("weak_password", " ".join(exc.messages), status=422) from None
    return User.objects.create_user(email=email, password=password, display_name=display_name)


@transaction.atomic
def user_delete(*, user) -> None:
    """Delete the account and everything of theirs; a linked couple ends, the partner keeps
    their own assessments and reports."""
    if active_membership(user) is not None:
        couple_unlink(person=user)
    user.delete()
