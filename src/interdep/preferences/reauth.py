"""Recent re-authentication: some changes (email, password) need the password entered lately.

Logging in counts as entering it; so does the password field on those forms. The moment is kept
in the session (so another device's session does not count for this one), under the same key
and setting as the accounts app's own re-authentication (``interdep.accounts.sessions``, which
guards the full data export): one moment, whichever form asked for it. When that module is
present its functions are used; until then the same mechanism lives here.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in

SESSION_KEY = "interdep_reauth_at"

try:  # the accounts app's mechanism, where it exists
    from interdep.accounts import sessions as _accounts_sessions
except ImportError:  # pragma: no cover - depends on which branches are merged
    _accounts_sessions = None


def max_age() -> int:
    return int(getattr(settings, "REAUTH_SECONDS", settings.REAUTH_MAX_AGE))


def mark(request) -> None:
    request.session[SESSION_KEY] = int(time.time())


def is_recent(request) -> bool:
    if _accounts_sessions is not None:
        return _accounts_sessions.recently_authenticated(request)
    at = request.session.get(SESSION_KEY)
    return at is not None and time.time() - int(at) <= max_age()


def check(request, password: str) -> bool:
    """Re-authenticate with the password; True (and remembered) when it is right."""
    if _accounts_sessions is not None:
        return _accounts_sessions.confirm_password(request, password)
    if password and request.user.check_password(password):
        mark(request)
        return True
    return False


def _on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        mark(request)


def connect() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="preferences-reauth-on-login")
