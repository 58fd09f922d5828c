"""Who the signed-in person is to the page frame, in one query: whether they get the clinician's
home (a verified clinician who is not in a couple
themself; a clinician who is also a partner keeps the couple's home, the caseload a click away).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from interdep.lib.prepared import PreparedValues


@dataclass(frozen=True)
class FrameFacts:
    clinician: bool
    #: The first-run guide's steps (assessment, partner, check-in times) and whether it was
    #: skipped: read in the same query, so the home page costs nothing more.
    steps: tuple[bool, bool, bool] = (False, False, False)
    guide_skipped: bool = False


def _facts_query(person_id):
    from django.contrib.auth import (
        get_user_model,
    )  # deferred: other apps' models; this module is loaded from settings

    from interdep.assessments.models import (
        Assessment,
    )  # deferred: other apps' models; this module is loaded from settings
    from interdep.checkins.models import (
        Schedule,
    )  # deferred: other apps' models; this module is loaded from settings
    from interdep.clinic.models import (
        ClinicianProfile,
    )  # deferred: other apps' models; this module is loaded from settings
    from interdep.couples.models import (
        Invite,
        Membership,
    )  # deferred: other apps' models; this module is loaded from settings
    from interdep.preferences.models import (
        Preferences,
    )  # deferred: other apps' models; this module is loaded from settings

    mine = OuterRef("pk")
    return (
        get_user_model()
        .objects.filter(pk=person_id)
        .annotate(
            verified=Exists(
                ClinicianProfile.objects.filter(person=mine, verified_at__isnull=False)
            ),
            member=Exists(Membership.objects.filter(person=mine, left_at__isnull=True)),
            assessed=Exists(Assessment.objects.filter(person=mine, submitted_at__isnull=False)),
            invited=Exists(Invite.objects.filter(inviter=mine, used_at__isnull=True)),
            scheduled=Exists(Schedule.objects.filter(person=mine)),
            skipped=Exists(
                Preferences.objects.filter(person=mine, guide_dismissed_at__isnull=False)
            ),
        )
        .values("verified", "member", "assessed", "invited", "scheduled", "skipped")
    )


#: Six subqueries cost far more to compile than to run: compiled once per process.
_FACTS = PreparedValues(_facts_query)


def frame_facts(user) -> FrameFacts:
    if not user.is_authenticated:
        return FrameFacts(False)
    cached = getattr(user, "_frame_facts", None)
    if cached is not None:
        return cached
    row = _FACTS.first(user.pk)
    if row is None:
        return FrameFacts(False)
    facts = FrameFacts(
        clinician=bool(row["verified"] and not row["member"]),
        steps=(
            bool(row["assessed"]),
            bool(row["member"] or row["invited"]),
            bool(row["scheduled"]),
        ),
        guide_skipped=bool(row["skipped"]),
    )
    user._frame_facts = facts
    return facts


SESSION_KEY = "frame_clinician"


def is_clinician(user) -> bool:
    return frame_facts(user).clinician


def remember_role(request, user) -> bool:
    """Decide the menu once per sign-in and keep it in the session (pages then ask nothing)."""
    clinician = is_clinician(user)
    request.session[SESSION_KEY] = clinician
    return clinician


def session_is_clinician(request) -> bool:
    session = getattr(request, "session", None)
    if session is None:  # a request built outside the middleware (PDF rendering): ask directly
        return is_clinician(request.user)
    value = session.get(SESSION_KEY)
    if value is None:
        value = remember_role(request, request.user)
    return bool(value)


def _on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        remember_role(request, user)


def connect() -> None:
    from django.contrib.auth.signals import (
        user_logged_in,
    )  # deferred: other apps' models; this module is loaded from settings

    user_logged_in.connect(_on_login, dispatch_uid="pwa-frame-role-on-login")


class ClinicianHomeMiddleware:
    """A verified clinician's home is their caseload: "/" (where logging in lands) sends them
    there, so they never see the couple's home and menu."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.path == "/"
            and request.method == "GET"
            and user is not None
            and user.is_authenticated
            and session_is_clinician(request)
        ):
            from django.shortcuts import (
                redirect,
            )  # deferred: other apps' models; this module is loaded from settings

            return redirect("clinic_home")
        return self.get_response(request)
