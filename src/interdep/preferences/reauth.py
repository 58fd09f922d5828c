"""Recent re-authentication: some changes (email, password) need the password entered lately.

Logging in counts as entering it; so does the password field on those forms. The moment is kept
in the session, so another device's session does not count for this one.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in

SESSION_KEY = "reauth_at"


def mark(request) -> None:
    request.session[SESSION_KEY] = int(time.time())


def is_recent(request, *, max_age: int | None = None) -> bool:
    limit = settings.REAUTH_MAX_AGE if max_age is None else max_age
    at = request.session.get(SESSION_KEY)
    return isinstance(at, int) and time.time() - at <= limit


def check(request, password: str) -> bool:
    """Re-authenticate with the password; True (and remembered) when it is right."""
    if password and request.user.check_password(password):
        mark(request)
        return True
    return False


def _on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        mark(request)


def connect() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="preferences-reauth-on-login")
