"""Web Push with VAPID (RFC 8030 delivery, RFC 8291 encryption, RFC 8292 VAPID), by pywebpush.

The server's key pair is read from the VAPID_PRIVATE_KEY setting (PEM), or generated on first
use and kept in the data folder, so it survives restarts (a new key would orphan every device's
subscription). A push says only that something is waiting or that it is time: never a mood, a
partner's name or a note, exactly as the emails.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.utils import timezone
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from interdep.checkins.channels import EmailChannel
from interdep.notifications.models import PushSubscription

log = logging.getLogger(__name__)

_lock = threading.Lock()
_key: Vapid02 | None = None


def key_file() -> Path:
    return Path(settings.VAR_DIR) / "vapid_private.pem"


def vapid() -> Vapid02:
    """The server's VAPID key (from settings, else the data folder, else made and saved)."""
    global _key
    with _lock:
        if _key is None:
            if settings.VAPID_PRIVATE_KEY:
                _key = Vapid02.from_pem(settings.VAPID_PRIVATE_KEY.encode())
            else:
                path = key_file()
                if path.exists():
                    _key = Vapid02.from_pem(path.read_bytes())
                else:
                    key = Vapid02()
                    key.generate_keys()
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(key.private_pem())
                    path.chmod(0o600)
                    _key = key
        return _key


def reset_key_cache() -> None:
    global _key
    with _lock:
        _key = None


def application_server_key() -> str:
    """The public key as browsers want it for pushManager.subscribe (base64url, no padding)."""
    raw = vapid().public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass(frozen=True)
class Message:
    """What a push carries: a title, a body and a path in the app. Nothing private."""

    title: str
    body: str
    url: str = "/"

    def payload(self) -> bytes:
        return json.dumps({"title": self.title, "body": self.body, "url": self.url}).encode()


def waiting_message() -> Message:
    return Message(settings.SITE_NAME, "Something new is waiting for you.", "/notifications/")


def reminder_message() -> Message:
    return Message(settings.SITE_NAME, "A moment to check in, if now is good.", "/checkins/")


def send_to_person(person, message: Message, *, ttl: int = 60 * 60 * 12) -> int:
    """Push to each of the person's devices; returns how many accepted it. A device whose push
    service answers 404 or 410 has gone: its subscription is removed."""
    delivered = 0
    for sub in list(PushSubscription.objects.filter(person=person)):
        if send_one(sub, message, ttl=ttl):
            delivered += 1
    return delivered


def send_one(sub: PushSubscription, message: Message, *, ttl: int = 60 * 60 * 12) -> bool:
    try:
        webpush(
            subscription_info={
                "endpoint": sub.endpoint,
                "keys": {"p256dh": sub.p256dh, "auth": sub.auth},
            },
            data=message.payload(),
            vapid_private_key=vapid(),
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=ttl,
            timeout=10,
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):
            sub.delete()
        else:
            log.warning("push to subscription %s failed: %s", sub.pk, status or exc)
        return False
    except OSError as exc:  # the push service cannot be reached now; try next time
        log.warning("push to subscription %s failed: %s", sub.pk, exc)
        return False
    PushSubscription.objects.filter(pk=sub.pk).update(last_success_at=timezone.now())
    return True


class PushReminderChannel:
    """Check-in reminders by push to every subscribed device; email when none took it."""

    name = "push"

    def deliver(self, *, person, check_in_url: str) -> bool:
        if send_to_person(person, reminder_message(), ttl=60 * 60):
            return True

        return EmailChannel().deliver(person=person, check_in_url=check_in_url)
