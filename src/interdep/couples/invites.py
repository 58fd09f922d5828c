"""An invite seen by the partner who holds its code: who sent it, if it can still be used."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from interdep.couples.models import Invite, Membership
from interdep.couples.services import normalise_code

#: Where an invite code waits in the session between opening the link and signing in.
SESSION_KEY = "invite_code"


@dataclass(frozen=True)
class InvitePreview:
    code: str
    inviter_name: str


def preview(code: str, *, viewer) -> InvitePreview | None:
    """The invite behind ``code`` when it is open and the viewer could use it now."""
    code = normalise_code(code or "")
    if not code:
        return None
    invite = (
        Invite.objects.select_related("inviter")
        .filter(code=code, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invite is None or invite.inviter_id == getattr(viewer, "pk", None):
        return None
    if (
        viewer.is_authenticated
        and Membership.objects.filter(person=viewer, left_at__isnull=True).exists()
    ):
        return None
    return InvitePreview(code=invite.code, inviter_name=invite.inviter.display_name)
