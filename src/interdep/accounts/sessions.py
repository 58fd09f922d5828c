"""Sessions that end when left alone, and the password asked again before the riskiest actions.

A phone picked up by someone else (a controlling partner, say) must not hand over every answer:
a session idle for longer than the limit ends (people: 2 hours by default; clinicians and staff,
who see other people's data: 30 minutes), on top of the absolute lifetime; and downloading
everything needs the password typed within the last few minutes.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

LAST_SEEN = "interdep_last_seen"
REAUTH_AT = "interdep_reauth_at"
#: Writing the session on every request is not needed to measure idleness to the minute.
_TOUCH_EVERY = 60


def idle_limit(user) -> int:
    clinician = getattr(user, "clinician", None) if user.pk else None
    if user.is_staff or clinician is not None:
        return settings.SESSION_IDLE_SECONDS_CLINICIAN
    return settings.SESSION_IDLE_SECONDS


class IdleTimeoutMiddleware:
    """Log out a session idle past its limit; the request then goes on as anonymous."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            shortest = min(settings.SESSION_IDLE_SECONDS, settings.SESSION_IDLE_SECONDS_CLINICIAN)
            # who the user is (one query) matters only once the shorter limit has passed
            if (
                last is not None
                and now - int(last) > shortest
                and now - int(last) > idle_limit(user)
            ):
                logout(request)
            elif last is None or now - int(last) >= _TOUCH_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="interdep-session-start")
def _mark_fresh_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LAST_SEEN] = now
        request.session[REAUTH_AT] = now


def recently_authenticated(request) -> bool:
    at = request.session.get(REAUTH_AT)
    return at is not None and int(time.time()) - int(at) <= settings.REAUTH_SECONDS


def mark_authenticated(request) -> None:
    """The password was just typed (a log-in, a re-entry, a new password)."""
    request.session[REAUTH_AT] = int(time.time())


def confirm_password(request, password: str | None) -> bool:
    """Check the password typed again; a right one counts as a fresh authentication."""
    if password and request.user.check_password(password):
        mark_authenticated(request)
        return True
    return False
