"""Couple operations of the JSON API (a ninja Router under /api/v1/couple), and the "me"
document every account and couple operation answers with."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema, Status

from interdep.access.core import active_membership, couple_report_access, partner_membership
from interdep.couples import services
from interdep.lib.api import ERRORS, Error

router = Router(tags=["couple"])


class CoupleOut(Schema):
    id: int
    partner_display_name: str
    i_share: bool
    partner_shares: bool
    couple_report_available: bool


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    couple: CoupleOut | None
    #: Whether the person lets their answers join the anonymous reliability pool (default no).
    research_consent: bool


class InviteOut(Schema):
    code: str
    expires_at: datetime


class JoinIn(Schema):
    code: str


class ConsentIn(Schema):
    share: bool


def me_document(user) -> dict:
    mine = active_membership(user)
    partner = partner_membership(mine)
    couple = None
    if mine is not None and partner is not None:
        couple = {
            "id": mine.couple_id,
            "partner_display_name": partner.person.display_name,
            "i_share": mine.shares,
            "partner_shares": partner.shares,
            "couple_report_available": couple_report_access(user).allowed,
        }
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "couple": couple,
        "research_consent": user.research_consent,
    }


@router.post("/invite", response={201: InviteOut, **ERRORS})
def couple_invite(request):
    """A one-time code for your partner (valid 7 days)."""
    invite = services.invite_create(person=request.user)
    return Status(201, {"code": invite.code, "expires_at": invite.expires_at})


@router.post("/join", response={200: MeOut, 429: Error, **ERRORS})
def couple_join(request, payload: JoinIn):
    services.couple_join(person=request.user, code=payload.code)
    return me_document(request.user)


@router.delete("", response={204: None, **ERRORS})
def couple_unlink(request):
    """Unlink: the couple ends for both; each keeps their own data."""
    services.couple_unlink(person=request.user)
    return Status(204, None)


@router.put("/consent", response={200: MeOut, **ERRORS})
def couple_consent(request, payload: ConsentIn):
    """Say yes (or no) to a couple report; a no removes it for both."""
    services.consent_set(person=request.user, share=payload.share)
    return me_document(request.user)
