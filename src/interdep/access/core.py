"""Membership and consent: who is linked with whom, and whether the couple report (and
everything that shares its consent) exists for a viewer now."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from interdep.access.assessments import latest_submitted
from interdep.assessments.models import Assessment
from interdep.couples.models import Couple, Membership


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


def couple_of_member_or_404(user, couple_id: int) -> tuple[Couple, Membership, Membership]:
    """An active couple the user belongs to now: (couple, mine, partner's). Former partners,
    strangers and staff get 404."""
    mine = active_membership(user)
    if mine is None or mine.couple_id != couple_id:
        raise Http404
    theirs = partner_membership(mine)
    if theirs is None:
        raise Http404
    return mine.couple, mine, theirs


#: Why a couple report is not there (shown to the two partners only; never mentions safety).
REASONS = {
    "not_linked": "You are not linked with a partner right now.",
    "you_not_submitted": "Finish your assessment first; the couple report uses both of your results.",
    "partner_not_submitted": "Your partner has not finished their assessment yet.",
    "you_not_sharing": "You have not said yes to sharing a couple report.",
    "partner_not_sharing": "Your partner has not said yes to sharing a couple report (or has withdrawn it).",
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
    """The couple report exists only while both are linked, both submitted and both said yes."""
    mine = active_membership(user)
    theirs = partner_membership(mine)
    if mine is None or theirs is None:
        return CoupleReportAccess(False, "not_linked")
    couple = mine.couple
    my_assessment = latest_submitted(user)
    if my_assessment is None:
        return CoupleReportAccess(False, "you_not_submitted", couple, mine, theirs)
    partner_assessment = latest_submitted(theirs.person)
    if partner_assessment is None:
        return CoupleReportAccess(False, "partner_not_submitted", couple, mine, theirs)
    if not mine.shares:
        return CoupleReportAccess(False, "you_not_sharing", couple, mine, theirs)
    if not theirs.shares:
        return CoupleReportAccess(False, "partner_not_sharing", couple, mine, theirs)
    return CoupleReportAccess(True, None, couple, mine, theirs, my_assessment, partner_assessment)


def couple_report_for_member_or_404(user, couple_id: int) -> CoupleReportAccess:
    """For the couple report page: 404 unless the user is a member of this active couple now."""
    couple_of_member_or_404(user, couple_id)
    return couple_report_access(user)


def staff_or_404(user) -> None:
    """Staff pass; anyone else is told the page does not exist."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise Http404
