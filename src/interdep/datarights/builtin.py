"""The data holders of the core apps: accounts, couples, assessments and clinicians.

Other apps register their own (see interdep.datarights.registry); the ones for check-ins, plans
and exercises live in interdep.datarights.extended until those apps register their own.
"""

from __future__ import annotations

from django.utils import timezone

from interdep.datarights.registry import DataHolder, register


def _iso(value):
    return value.isoformat() if value is not None else None


# ---------------------------------------------------------------------------------------------
# accounts
# ---------------------------------------------------------------------------------------------


def export_account(person) -> dict:
    return {
        "account": [
            {
                "id": person.pk,
                "email": person.email,
                "display_name": person.display_name,
                "date_joined": _iso(person.date_joined),
                "last_login": _iso(person.last_login),
                "research_consent": person.research_consent,
                "research_consent_changed_at": _iso(person.research_consent_changed_at),
            }
        ]
    }


# ---------------------------------------------------------------------------------------------
# couples
# ---------------------------------------------------------------------------------------------


def export_couples(person) -> dict:
    from interdep.couples.models import Invite, Membership

    memberships = (
        Membership.objects.filter(person=person).select_related("couple").order_by("joined_at")
    )
    return {
        "memberships": [
            {
                "couple_id": m.couple_id,
                "joined_at": _iso(m.joined_at),
                "left_at": _iso(m.left_at),
                "shares_couple_report": m.shares,
                "shares_changed_at": _iso(m.shares_changed_at),
                "couple_ended_at": _iso(m.couple.ended_at),
            }
            for m in memberships
        ],
        "invites": [
            {
                "code": i.code,
                "created_at": _iso(i.created_at),
                "expires_at": _iso(i.expires_at),
                "used_at": _iso(i.used_at),
            }
            for i in Invite.objects.filter(inviter=person).order_by("created_at")
        ],
    }


def erase_couples(person) -> None:
    """End an active couple first (the partner keeps their own data), then the invites go."""
    from interdep import permissions
    from interdep.couples.models import Invite
    from interdep.couples.services import couple_unlink

    if permissions.active_membership(person) is not None:
        couple_unlink(person=person)
    Invite.objects.filter(inviter=person).delete()


# ---------------------------------------------------------------------------------------------
# assessments
# ---------------------------------------------------------------------------------------------


def export_assessments(person) -> dict:
    from interdep.assessments import selectors
    from interdep.assessments.models import Answer, Assessment

    assessments = list(Assessment.objects.filter(person=person).order_by("started_at", "pk"))
    answers = Answer.objects.filter(assessment__person=person).order_by("assessment_id", "item_id")
    results = []
    for a in assessments:
        if a.submitted:
            result = selectors.person_result(a).to_dict()
            results.append(
                {
                    "assessment_id": a.pk,
                    "dynamic": result.get("dynamic"),
                    "confidence": result.get("confidence"),
                    "scales": result.get("scales"),
                    "facets": result.get("facets"),
                }
            )
    return {
        "assessments": [
            {
                "id": a.pk,
                "instrument_version": a.instrument_version,
                "started_at": _iso(a.started_at),
                "submitted_at": _iso(a.submitted_at),
                "support_suggested": a.safety_raised,
            }
            for a in assessments
        ],
        "answers": [
            {
                "assessment_id": x.assessment_id,
                "item_id": x.item_id,
                "value": x.value,
                "answered_at": _iso(x.answered_at),
            }
            for x in answers
        ],
        "results": results,
    }


def erase_assessments(person) -> None:
    from interdep.assessments.models import Assessment

    Assessment.objects.filter(person=person).delete()  # answers cascade


# ---------------------------------------------------------------------------------------------
# clinicians: grants a person agreed to, the audit log of their couples, their own profile
# ---------------------------------------------------------------------------------------------


def export_clinic(person) -> dict:
    from interdep.clinic.models import Agreement, AuditEvent, ClinicianProfile
    from interdep.couples.models import Membership

    couple_ids = list(Membership.objects.filter(person=person).values_list("couple_id", flat=True))
    agreements = (
        Agreement.objects.filter(person=person)
        .select_related("grant__clinician")
        .order_by("agreed_at")
    )
    profile = ClinicianProfile.objects.filter(person=person).first()
    tables = {
        "grants_agreed": [
            {
                "grant_id": a.grant_id,
                "couple_id": a.grant.couple_id,
                "clinician": a.grant.clinician.professional_name,
                "scope": ",".join(a.grant.scope_words),
                "agreed_at": _iso(a.agreed_at),
                "active_since": _iso(a.grant.active_since),
                "revoked_at": _iso(a.grant.revoked_at),
            }
            for a in agreements
        ],
        "audit_log": [
            {
                "at": _iso(e.at),
                "couple_id": e.couple_id,
                "clinician": e.clinician_name,
                "action": e.action,
                "by_you": e.actor_id == person.pk,
            }
            for e in AuditEvent.objects.filter(couple_id__in=couple_ids).order_by("at", "pk")
        ],
    }
    if profile is not None:
        tables["clinician_profile"] = [
            {
                "professional_name": profile.professional_name,
                "registration": profile.registration,
                "applied_at": _iso(profile.applied_at),
                "verified_at": _iso(profile.verified_at),
                "code": profile.code,
            }
        ]
    return tables


def erase_clinic(person) -> None:
    """Grants of the person's couples and the person's own clinician grants are revoked now (so
    nobody keeps seeing anything); their agreements and clinician profile go. The audit log
    stays: it is the couple's record and holds no answers or scores."""
    from interdep.clinic.models import Agreement, ClinicianProfile, Grant
    from interdep.clinic.services import revoke_all
    from interdep.couples.models import Membership

    now = timezone.now()
    # Every couple they were ever in: a couple that just ended (the account's unlink) included.
    couple_ids = Membership.objects.filter(person=person).values_list("couple_id", flat=True)
    revoke_all(
        Grant.objects.filter(couple_id__in=list(couple_ids), revoked_at__isnull=True),
        at=now,
        actor=person,
    )
    revoke_all(
        Grant.objects.filter(clinician__person=person, revoked_at__isnull=True), at=now, actor=None
    )
    Agreement.objects.filter(person=person).delete()
    ClinicianProfile.objects.filter(person=person).delete()


# ---------------------------------------------------------------------------------------------
# the login throttle (django-axes): its logs hold the email, IP address and user agent
# ---------------------------------------------------------------------------------------------


def _throttle_rows(person):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return [
        m.objects.filter(username__iexact=person.email)
        for m in (AccessLog, AccessFailureLog, AccessAttempt)
    ]


def export_login_throttle(person) -> dict:
    from axes.models import AccessLog

    return {
        "sign_ins": [
            {
                "attempt_time": _iso(row.attempt_time),
                "logout_time": _iso(row.logout_time) if row.logout_time else None,
                "ip_address": row.ip_address,
                "user_agent": row.user_agent,
            }
            for row in AccessLog.objects.filter(username__iexact=person.email).order_by("pk")
        ]
    }


def erase_login_throttle(person) -> None:
    """Every sign-in, failure and lock-out row naming the person's email goes."""
    for rows in _throttle_rows(person):
        rows.delete()


def _erase_nothing(person) -> None:
    """The account row itself is deleted last, by the deletion service."""


register(DataHolder("account", export_account, _erase_nothing, erase_order=1000))
register(DataHolder("clinic", export_clinic, erase_clinic, erase_order=10))
register(DataHolder("couples", export_couples, erase_couples, erase_order=20))
register(DataHolder("assessments", export_assessments, erase_assessments, erase_order=30))
register(DataHolder("login_throttle", export_login_throttle, erase_login_throttle, erase_order=900))
