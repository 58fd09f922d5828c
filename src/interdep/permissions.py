"""Who may see what: the one place that decides every access to a person's data.

Pages, the JSON API and exports all ask these functions; none of them filters by person on its
own. The rules (ARCHITECTURE.md, "Privacy by construction"):

- a person sees their own answers, assessments and report, and nobody else's;
- a linked partner sees only the couple report, and only while both partners have submitted an
  assessment and both have said yes to sharing; never item-level answers, never a safety signal;
- everyone else (a stranger, a former partner, staff) is told nothing: what they may not see
  looks exactly like what does not exist (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

from interdep.assessments.models import Assessment
from interdep.couples.models import Couple, Membership

# ---------------------------------------------------------------------------------------------
# A person's own things
# ---------------------------------------------------------------------------------------------


def own_assessment_or_404(user, assessment_id: int) -> Assessment:
    """The user's own assessment; anyone else's is "not found" (staff included)."""
    if not user.is_authenticated:
        raise Http404
    try:
        return Assessment.objects.get(pk=assessment_id, person=user)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def latest_submitted(person) -> Assessment | None:
    return (
        Assessment.objects.filter(person=person, submitted_at__isnull=False)
        .order_by("-submitted_at", "-pk")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# The couple
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Responses that carry private data
# ---------------------------------------------------------------------------------------------


def mark_private(response: HttpResponse) -> HttpResponse:
    """Never stored by a browser or a shared cache."""
    response["Cache-Control"] = "no-store, private"
    return response


class PrivateCacheMiddleware:
    """Every response to a signed-in person is private and not stored (their pages all carry
    something of theirs), and every API response too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            mark_private(response)
        return response


def nav_context(request: HttpRequest) -> dict:
    """Template context for the page frame (no database queries)."""
    return {"site_name": settings.SITE_NAME}


# ---------------------------------------------------------------------------------------------
# Clinicians (issue 7)
#
# - Only a clinician whom staff verified is a clinician; a self-declared one sees nobody.
# - A clinician sees a couple only through an active grant: not revoked, the couple still
#   together, and each current partner agreed. Revoking (either partner), unlinking or a
#   partner deleting their account ends it at once; the next request is a 404.
# - Within a grant, only its scope (reports: scores without the safety items, pattern, map,
#   history; dynamics: check-in trends). Never private notes, reflections or safety answers.
# - A revoked clinician, another couple's clinician, staff and everyone else get 404.
# ---------------------------------------------------------------------------------------------


def verified_clinician(user):
    """The user's clinician profile when staff have verified it, else None."""
    from interdep.clinic.models import ClinicianProfile

    if not user.is_authenticated:
        return None
    return ClinicianProfile.objects.filter(person=user, verified_at__isnull=False).first()


def active_grants_for_clinician(user):
    """The grants through which this user may see couples now (a queryset; empty for anyone
    who is not a verified clinician)."""
    from interdep.clinic.models import Grant

    if not user.is_authenticated:
        return Grant.objects.none()
    return Grant.objects.filter(
        clinician__person=user,
        clinician__verified_at__isnull=False,
        revoked_at__isnull=True,
        active_since__isnull=False,
        couple__ended_at__isnull=True,
    )


def clinician_grant_or_404(user, couple_id: int, *, scope: str = "reports"):
    """The active grant letting this clinician see this couple within ``scope``; else 404."""
    try:
        grant = (
            active_grants_for_clinician(user)
            .select_related("clinician", "couple")
            .get(couple_id=couple_id)
        )
    except Exception:  # DoesNotExist, MultipleObjectsReturned cannot happen (unique), bad ids
        raise Http404 from None
    if not getattr(grant, scope, False):
        raise Http404
    return grant


def couple_grant_or_404(user, grant_id: int):
    """A grant of the user's active couple (for the partners to agree to or revoke)."""
    from interdep.clinic.models import Grant

    mine = active_membership(user)
    if mine is None:
        raise Http404
    try:
        return Grant.objects.select_related("clinician").get(pk=grant_id, couple_id=mine.couple_id)
    except (Grant.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# ---------------------------------------------------------------------------------------------
# Daily check-ins and the couple's dynamics (issue 4)
# - A check-in (and its private note) is its author's alone; anyone else gets 404. The note is
#   shown to nobody else ever, not even under couple consent.
# - The couple dynamics view exists under exactly the couple report's consent (both linked, both
#   submitted, both said yes); a no from either removes it for both. It shows model estimates
#   about the two together, never one partner's single entries.
# ---------------------------------------------------------------------------------------------


def own_checkin_or_404(user, checkin_id: int):
    from interdep.checkins.models import CheckIn

    if not user.is_authenticated:
        raise Http404
    try:
        return CheckIn.objects.get(pk=checkin_id, person=user)
    except (CheckIn.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def checkin_dynamics_access(user) -> CoupleReportAccess:
    """The same consent as the couple report, decided in the same place."""
    return couple_report_access(user)


# ---------------------------------------------------------------------------------------------
# Practice plans and couple exercises (issue 6)
#
# - A plan, its check-offs and its reflections are the person's own. Reflections are never shown
#   to anyone else; the partner sees the titles of the current practices only after the person
#   said yes to that, and may send encouragement.
# - A "together" exercise belongs to the two partners of an active couple; each sees their own
#   entry, and the other's only after both have sent theirs (the science module's rule).
# - A "prepare" exercise belongs to the partner who started it; the other partner sees it only
#   once it is shared, and then only the parts its owner chose.
# - Anyone else, and both partners after they unlink, get 404.
# ---------------------------------------------------------------------------------------------


def own_plan_item_or_404(user, item_id: int):
    from interdep.plans.models import PlanItem

    if not user.is_authenticated:
        raise Http404
    try:
        return PlanItem.objects.select_related("plan").get(pk=item_id, plan__person=user)
    except (PlanItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def partner_practice_ids(viewer, partner_person) -> list[str] | None:
    """The practice ids the viewer may see of their partner's plan: None unless the partner said
    yes to showing them. Never a reflection, a check-off or a facet."""
    from interdep.plans.models import Plan, PlanItem

    plan = Plan.objects.filter(person=partner_person, show_partner=True).first()
    if plan is None:
        return None
    return list(
        PlanItem.objects.filter(plan=plan, status=PlanItem.ACTIVE).values_list(
            "practice_id", flat=True
        )
    )


def exercise_for_member_or_404(user, exercise_id: int):
    """An exercise of the user's active couple that the user may open now (see the rules above)."""
    from interdep.exercises.models import Exercise
    from interdep.science.exercise_guides import load_guides

    mine = active_membership(user)
    if mine is None:
        raise Http404
    try:
        exercise = Exercise.objects.select_related("started_by", "partner").get(
            pk=exercise_id, couple_id=mine.couple_id
        )
    except (Exercise.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if user.pk not in exercise.people or partner_membership(mine) is None:
        raise Http404
    guide = load_guides().get(exercise.kind)
    if guide is None:
        raise Http404
    if not guide.together and user.pk != exercise.started_by_id and exercise.shared_at is None:
        raise Http404  # an unshared preparation does not exist for the partner
    return exercise


def exercise_visible_entries(user, exercise, entries: dict) -> dict[int, dict]:
    """What ``user`` may read of the entries, by person id: the only place that decides reveal."""
    from interdep.exercises import selectors as exercise_selectors
    from interdep.science.exercises import visible_entries

    if user.pk not in exercise.people:
        return {}
    guide = exercise_selectors.guide_of(exercise)
    if guide.together:
        state = exercise_selectors.as_state(exercise, entries)
        return {
            int(pid): dict(content) for pid, content in visible_entries(state, str(user.pk)).items()
        }
    owner = exercise.started_by_id
    content = exercise_selectors.content_of(entries.get(owner))
    if user.pk == owner:
        return {owner: content}
    if exercise.shared_at is None:
        return {}
    return {owner: {k: v for k, v in content.items() if k in exercise.shared_fields}}


# ---------------------------------------------------------------------------------------------
# Psychometrics (MODEL.md section 3)
# - Reliability of the instrument is computed from the anonymous pool of people who opted in to
#   research; only staff see it, and only as aggregates (never a row, a name or an email).
# - Everyone else, signed in or not, gets 404: the page looks like it does not exist.
# ---------------------------------------------------------------------------------------------


def staff_or_404(user) -> None:
    """Staff pass; anyone else is told the page does not exist."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise Http404
