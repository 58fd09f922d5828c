"""The page frame's context: the product's name, the polling interval, and for a signed-in
person which menu they get (kept in the session at sign-in, so a page asks the database
nothing for its frame)."""

from __future__ import annotations

from django.conf import settings


def frame(request) -> dict:
    user = getattr(request, "user", None)
    context = {
        "product_name": settings.SITE_NAME,
        "poll_seconds": settings.NOTIFICATION_POLL_SECONDS,
    }
    if user is not None and user.is_authenticated:
        from interdep.pwa.roles import (
            session_is_clinician,
        )  # deferred: models load after the settings import this module

        # the menu's kind is decided at sign-in; the unread count arrives by htmx (no query)
        context["is_clinician"] = session_is_clinician(request)
    return context
