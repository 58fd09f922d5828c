"""How a reminder reaches a person. Email now; another channel (push, SMS) is one more class
registered under its name, and Schedule.channel picks it."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail


class ReminderChannel(Protocol):
    """Delivers one reminder; returns True when it was handed over for delivery."""

    name: str

    def deliver(self, *, person, check_in_url: str) -> bool: ...


class EmailChannel:
    """A short email that says nothing but that it is time (no mood, no partner, no note)."""

    name = "email"

    def deliver(self, *, person, check_in_url: str) -> bool:
        sent = send_mail(
            "A moment to check in",
            "If now is a good moment, a check-in takes under half a minute:\n"
            f"{check_in_url}\n\n"
            "Skipping is fine too. You can change or pause these reminders on the same page.",
            settings.DEFAULT_FROM_EMAIL,
            [person.email],
        )
        return sent == 1


CHANNELS: dict[str, ReminderChannel] = {"email": EmailChannel()}


def channel_named(name: str) -> ReminderChannel:
    return CHANNELS.get(name) or CHANNELS["email"]
