"""Membership and consent: who is linked with whom, and whether the couple report (and
everything that shares its consent) exists for a viewer now."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from interdep.access.assessments import latest_submitted_of
from interdep.assessments.models import Assessment
from interdep.couples.models import Couple, Membership
from interdep.lib.prepared import PreparedModels


def active_membership(user) -> Membership | None:
    """The user's membership in their active couple, if they have one."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("couple")
        .filter(person=user, left_at__isnull=True)
        .first()
    )


def partner_membership(membership: Membership | None) -> Membership | None:
    """The other active member of the same couple (with the partner's account loaded)."""
    if membership is None:
        return None
    return (
        Membership.objects.select_related("person")
        .filter(couple_id=membership.couple_id, left_at__isnull=True)
        .exclude(person_id=membership.person_id)
        .first()
    )


def _members_query(person_id):
    return Membership.objects.select_related("couple", "person").filter(
        left_at__isnull=True,
        couple__memberships__person_id=person_id,
        couple__memberships__left_at__isnull=True,
    )


#: Read by every page that shows or links the couple report: compiled once per process.
_MEMBERS = PreparedModels(_members_query)


def couple_members(user) -> tuple[Membership | None, Membership | None]:
    """The user's membership in their active couple and their partner's (each with the account
    and the couple loaded), in one query; (None, None) when not linked, (mine, None) if the
    partner is gone."""
    if not user.is_authenticated:
        return None, None
    rows = _MEMBERS.rows(user.pk)
    mine = next((m for m in rows if m.person_id == user.pk), None)
    theirs = next((m for m in rows if m.person_id != user.pk), None)
    return mine, theirs


def couple_of_member_or_404(user, couple_id: int) -> tuple[Couple, Membership, Membership]:
    """An active couple the user belongs to now: (couple, mine, partner's). Former partners,
    strangers and staff get 404."""
    mine, theirs = couple_members(user)
    if mine is None or mine.couple_id != couple_id or theirs is None:
        raise Http404
    return mine.couple, mine, theirs


#: Why a couple report is not there (shown to the two partners only; never mentions safety).
REASONS = {
    "not_linked": "You are not linked with a partner right now.",
    "you_not_submitted": "Finish your assessment first; the couple report uses both of your results.",
    "partner_not_submitted": "Your partner has not finished their assessment yet.",
    "you_not_sharing": "You have not said yes to sharing a couple report.",
    "partner_not_sharing": "Your partner is not sharing a couple report right now.",
}


@dataclass(frozen=True)
class CoupleReportAccess:
    """Whether the couple report exists for this viewer now, and if not, why (for partners)."""

    allowed: bool
    reason: str | None
    couple: Couple | None = None
    mine: Membership | None = None
    partner: Membership | None = None
    my_assessment: Assessment | None = None
    partner_assessment: Assessment | None = None

    @property
    def message(self) -> str:
        return REASONS.get(self.reason or "", "")


def couple_report_access(user) -> CoupleReportAccess:
    """The couple report exists only while both are linked, both submitted and both said yes.
    Two queries: the two memberships, then both latest submitted assessments."""
    mine, theirs = couple_members(user)
    if mine is None or theirs is None:
        return CoupleReportAccess(False, "not_linked")
    couple = mine.couple
    latest = latest_submitted_of((mine.person_id, theirs.person_id))
    my_assessment = latest.get(mine.person_id)
    if my_assessment is None:
        return CoupleReportAccess(False, "you_not_submitted", couple, mine, theirs)
    partner_assessment = latest.get(theirs.person_id)
    if partner_assessment is None:
        return CoupleReportAccess(False, "partner_not_submitted", couple, mine, theirs)
    if not mine.shares:
        return CoupleReportAccess(False, "you_not_sharing", couple, mine, theirs)
    if not theirs.shares:
        return CoupleReportAccess(False, "partner_not_sharing", couple, mine, theirs)
    return CoupleReportAccess(True, None, couple, mine, theirs, my_assessment, partner_assessment)


def couple_report_for_member_or_404(user, couple_id: int) -> CoupleReportAccess:
    """For the couple report page: 404 unless the user is a member of this active couple now."""
    access = couple_report_access(user)
    if access.reason == "not_linked" or access.couple.pk != couple_id:
        raise Http404
    return access


def staff_or_404(user) -> None:
    """Staff pass; anyone else is told the page does not exist."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise Http404
