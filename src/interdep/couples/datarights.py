"""A person's couples and invites in their data export; erasing ends an active couple first."""

from __future__ import annotations

from interdep.access.core import active_membership
from interdep.couples.models import Invite, Membership
from interdep.couples.services import couple_unlink
from interdep.lib.personal_data import DataHolder, iso, register


def export_couples(person) -> dict:
    memberships = (
        Membership.objects.filter(person=person).select_related("couple").order_by("joined_at")
    )
    return {
        "memberships": [
            {
                "couple_id": m.couple_id,
                "joined_at": iso(m.joined_at),
                "left_at": iso(m.left_at),
                "shares_couple_report": m.shares,
                "shares_changed_at": iso(m.shares_changed_at),
                "couple_ended_at": iso(m.couple.ended_at),
            }
            for m in memberships
        ],
        "invites": [
            {
                "code": i.code,
                "created_at": iso(i.created_at),
                "expires_at": iso(i.expires_at),
                "used_at": iso(i.used_at),
            }
            for i in Invite.objects.filter(inviter=person).order_by("created_at")
        ],
    }


def erase_couples(person) -> None:
    """End an active couple first (the partner keeps their own data), then the invites go."""
    if active_membership(person) is not None:
        couple_unlink(person=person)
    Invite.objects.filter(inviter=person).delete()


def register_holder() -> None:
    register(DataHolder("couples", export_couples, erase_couples, erase_order=20))
