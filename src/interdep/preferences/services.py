"""Writes for account settings: name, time zone, channels, email (confirmed), password,
signing out elsewhere, and the first-run guide."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from interdep.checkins.channels import CHANNELS
from interdep.checkins.models import Schedule
from interdep.lib import zone_list as zones
from interdep.lib.errors import ServiceError
from interdep.preferences.models import EmailChange, Preferences

#: How long the link confirming a new email address works.
EMAIL_CHANGE_MAX_AGE = 60 * 60 * 24
_EMAIL_SALT = "interdep.preferences.email-change"


def preferences_of(person) -> Preferences:
    prefs, _ = Preferences.objects.get_or_create(person=person)
    return prefs


@transaction.atomic
def name_set(*, person, display_name: str) -> None:
    name = (display_name or "").strip()
    if not name:
        raise ServiceError("bad_name", "Tell us what your partner should call you.", status=422)
    if len(name) > 60:
        raise ServiceError("bad_name", "A name can be at most 60 characters.", status=422)
    person.display_name = name
    person.save(update_fields=["display_name"])


@transaction.atomic
def tz_set(*, person, tz: str) -> Preferences:
    """The person's zone; their check-in reminders follow it."""
    if not zones.is_zone(tz):
        raise ServiceError("bad_time_zone", f"Unknown time zone {tz!r}.", status=422)
    prefs = preferences_of(person)
    prefs.tz = tz
    prefs.save(update_fields=["tz", "updated_at"])

    Schedule.objects.filter(person=person).update(tz=tz)
    return prefs


@transaction.atomic
def channels_set(*, person, push: bool, email: bool, reminders: str | None = None) -> Preferences:
    prefs = preferences_of(person)
    prefs.notify_push, prefs.notify_email = bool(push), bool(email)
    prefs.save(update_fields=["notify_push", "notify_email", "updated_at"])
    if reminders is not None:
        if reminders not in CHANNELS:
            raise ServiceError("invalid", f"Unknown reminder channel {reminders!r}.", status=422)
        Schedule.objects.filter(person=person).update(channel=reminders)
    return prefs


def guide_dismiss(*, person) -> None:
    prefs = preferences_of(person)
    prefs.guide_dismissed_at = timezone.now()
    prefs.save(update_fields=["guide_dismissed_at", "updated_at"])


# ---------------------------------------------------------------------------------------------
# Email: the new address takes effect only when its link is opened
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def email_change_request(*, person, new_email: str) -> EmailChange:
    User = get_user_model()
    email = User.objects.normalize_email(new_email or "").strip().lower()
    if not email or "@" not in email:
        raise ServiceError("bad_email", "Enter a valid email address.", status=422)
    if email == person.email:
        raise ServiceError("same_email", "That is already your email address.", status=422)
    if User.objects.filter(email=email).exists():
        raise ServiceError("email_taken", "Another account uses that address.", status=409)
    change = EmailChange.objects.create(person=person, new_email=email)
    token = signing.dumps({"c": change.pk, "e": email}, salt=_EMAIL_SALT)
    link = settings.SITE_URL + reverse("email_confirm", args=[token])
    transaction.on_commit(
        lambda: send_mail(
            f"Confirm your new email address for {settings.SITE_NAME}",
            f"Someone (we hope you) asked to use this address for a {settings.SITE_NAME} "
            "account. Open this link to confirm it (it works for one day):\n"
            f"{link}\n\nIf it was not you, ignore this email; nothing changes.",
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
    )
    return change


@transaction.atomic
def email_change_confirm(*, token: str) -> EmailChange:
    """Apply a requested address from its link (once, within a day, if still free)."""
    try:
        data = signing.loads(token, salt=_EMAIL_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature:
        raise ServiceError(
            "bad_link", "This link is not valid any more. Ask for a new one.", status=400
        ) from None
    change = (
        EmailChange.objects.select_for_update()
        .select_related("person")
        .filter(pk=data.get("c"), new_email=data.get("e"))
        .first()
    )
    if change is None or change.confirmed_at is not None:
        raise ServiceError("bad_link", "This link was used already or is not valid.", status=400)
    User = get_user_model()
    if User.objects.filter(email=change.new_email).exclude(pk=change.person_id).exists():
        raise ServiceError("email_taken", "Another account uses that address now.", status=409)
    person = change.person
    person.email = change.new_email
    person.save(update_fields=["email"])
    change.confirmed_at = timezone.now()
    change.save(update_fields=["confirmed_at"])
    return change


# ---------------------------------------------------------------------------------------------
# Password and sessions
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def password_set(*, person, current: str, new: str) -> None:
    if not person.check_password(current or ""):
        raise ServiceError("wrong_password", "Your current password is not right.", status=422)
    try:
        password_validation.validate_password(new, person)
    except ValidationError as exc:
        raise ServiceError("weak_password", " ".join(exc.messages), status=422) from None
    person.set_password(new)
    person.save(update_fields=["password"])


def sessions_end_others(*, person, keep_session_key: str | None) -> int:
    """Sign the person out on every other device: delete their other sessions. Returns how
    many ended. (Database sessions: each live session is decoded once.)"""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep_session_key:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == str(person.pk):
            session.delete()
            ended += 1
    return ended
