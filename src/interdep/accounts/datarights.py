"""The account's own row in a person's data export; the row itself is deleted last, by the
deletion service."""

from __future__ import annotations

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


def _erase_nothing(person) -> None:
    """The account row itself is deleted last, by the deletion service."""


def register_holder() -> None:
    register(DataHolder("account", export_account, _erase_nothing, erase_order=1000))
