"""The account's own row in a person's data export; the row itself is deleted last, by the
deletion service."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from interdep.lib.personal_data import DataHolder, iso, register


def export_account(person) -> dict:
    return {
        "account": [
            {
                "id": person.pk,
                "email": person.email,
                "display_name": person.display_name,
                "date_joined": iso(person.date_joined),
                "last_login": iso(person.last_login),
                "research_consent": person.research_consent,
                "research_consent_changed_at": iso(person.research_consent_changed_at),
            }
        ]
    }


def export_login_throttle(person) -> dict:
    """The login throttle's (django-axes) record of the person's sign-ins."""
    return {
        "sign_ins": [
            {
                "attempt_time": iso(row.attempt_time),
                "logout_time": iso(row.logout_time) if row.logout_time else None,
                "ip_address": row.ip_address,
                "user_agent": row.user_agent,
            }
            for row in AccessLog.objects.filter(username__iexact=person.email).order_by("pk")
        ]
    }


def erase_login_throttle(person) -> None:
    """Every sign-in, failure and lock-out row naming the person's email goes (with the IP
    address and user agent they hold)."""
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        model.objects.filter(username__iexact=person.email).delete()


def _erase_nothing(person) -> None:
    """The account row itself is deleted last, by the deletion service."""


def register_holder() -> None:
    register(DataHolder("account", export_account, _erase_nothing, erase_order=1000))
    register(
        DataHolder("login_throttle", export_login_throttle, erase_login_throttle, erase_order=900)
    )
