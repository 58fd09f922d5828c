"""Writes for notifications: record one, deliver it (push, else email), read, unsubscribe,
and keep a device's push subscription."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from interdep.lib.errors import ServiceError
from interdep.notifications import push
from interdep.notifications.models import Notification, PushSubscription
from interdep.preferences.services import preferences_of

_UNSUBSCRIBE_SALT = "interdep.notifications.unsubscribe"
#: The same notice (say, a clinician opening the couple page again) at most once a day.
REPEAT_WINDOW = timedelta(hours=24)


def notify(
    *,
    person,
    kind: str,
    text: str,
    link: str = "",
    couple_id: int | None = None,
    once_per_window: bool = False,
) -> Notification | None:
    """Record a notification for ``person`` and deliver it after the transaction commits."""
    if person is None or not person.is_active:
        return None
    if (
        once_per_window
        and Notification.objects.filter(
            person=person,
            kind=kind,
            text=text,
            created_at__gte=timezone.now() - REPEAT_WINDOW,
        ).exists()
    ):
        return None
    note = Notification.objects.create(
        person=person, kind=kind, text=text[:200], link=link, couple_id=couple_id
    )
    transaction.on_commit(lambda: deliver_notification.enqueue(note.pk))
    return note


def deliver(*, notification_id: int) -> str:
    """Push to the person's devices when they allow push; email when no push reached them and
    they allow email. Says only that something is waiting. Returns how it went."""
    note = Notification.objects.select_related("person").filter(pk=notification_id).first()
    if note is None:
        return "gone"
    if note.delivered_by:
        return note.delivered_by
    prefs = preferences_of(note.person)
    how = "none"
    if prefs.notify_push and push.send_to_person(note.person, push.waiting_message()):
        how = "push"
    elif prefs.notify_email and note.person.email:
        send_waiting_email(note.person)
        how = "email"
    Notification.objects.filter(pk=note.pk).update(delivered_by=how)
    return how


@task()
def deliver_notification(notification_id: int) -> str:
    """`deliver`, run by the worker after the notification's transaction committed."""
    return deliver(notification_id=notification_id)


def unsubscribe_token(person) -> str:
    return signing.dumps(person.pk, salt=_UNSUBSCRIBE_SALT)


def unsubscribe_url(person) -> str:
    return settings.SITE_URL + reverse(
        "notifications_unsubscribe", args=[unsubscribe_token(person)]
    )


def send_waiting_email(person) -> int:
    """An email that says only that something is waiting, with a link and an unsubscribe."""
    name = settings.SITE_NAME
    link = settings.SITE_URL + reverse("notifications")
    stop = unsubscribe_url(person)
    message = EmailMessage(
        f"Something new in {name}",
        f"There is something new for you in {name}:\n{link}\n\n"
        "We never put what it is in an email.\n\n"
        f"To stop these emails, open {stop}\n"
        f"(or change it any time in your settings: {settings.SITE_URL}{reverse('settings')}).",
        settings.DEFAULT_FROM_EMAIL,
        [person.email],
        headers={
            "List-Unsubscribe": f"<{stop}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return message.send()


@transaction.atomic
def unsubscribe(*, token: str):
    """Turn notification emails off for the person the token names (no login needed)."""
    try:
        pk = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise ServiceError("bad_link", "This unsubscribe link is not valid.", status=400) from None
    person = get_user_model().objects.filter(pk=pk).first()
    if person is None:
        raise ServiceError("bad_link", "This unsubscribe link is not valid.", status=400)
    prefs = preferences_of(person)
    prefs.notify_email = False
    prefs.save(update_fields=["notify_email", "updated_at"])
    return person


def forget_couple(*, couple_id: int) -> int:
    """A couple ended (unlinked, or a partner deleted their account): the notices about it,
    which name the former partner, go too."""
    deleted, _ = Notification.objects.filter(couple_id=couple_id).delete()
    return deleted


def mark_all_read(*, person) -> int:
    return Notification.objects.filter(person=person, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# ---------------------------------------------------------------------------------------------
# Push subscriptions: one per device (endpoint)
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def subscription_save(
    *, person, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    if not endpoint.startswith(("https://", "http://")) or not p256dh or not auth:
        raise ServiceError("invalid", "A push subscription needs an endpoint and keys.", status=422)
    sub, _ = PushSubscription.objects.select_for_update().update_or_create(
        endpoint=endpoint,
        defaults={"person": person, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:200]},
    )
    return sub


@transaction.atomic
def subscription_delete(*, person, endpoint: str) -> int:
    deleted, _ = PushSubscription.objects.filter(person=person, endpoint=endpoint).delete()
    return deleted
