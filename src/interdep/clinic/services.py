"""Writes for clinicians: apply, verify (staff), codes, grants agreed by each partner, revocation,
and the audit log. Keyword-only, one transaction each."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from interdep.access.clinic import couple_grant_or_404, verified_clinician
from interdep.access.core import active_membership, partner_membership
from interdep.clinic.models import Agreement, AuditEvent, ClinicianProfile, Grant
from interdep.clinic.signals import audited
from interdep.couples.models import Couple, Membership
from interdep.couples.services import CODE_ALPHABET, normalise_code
from interdep.lib.errors import ServiceError

#: Clinician codes look like couple invites but start with a fixed letter pair.
CODE_PREFIX = "DR"


def _new_code() -> str:
    return CODE_PREFIX + "-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def normalise_clinician_code(code: str) -> str:
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if raw.startswith(CODE_PREFIX) and len(raw) == len(CODE_PREFIX) + 8:
        return f"{CODE_PREFIX}-{raw[len(CODE_PREFIX) :]}"
    return normalise_code(code)


# ---------------------------------------------------------------------------------------------
# Becoming a clinician
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def clinician_apply(*, person, professional_name: str, registration: str) -> ClinicianProfile:
    """Self-declaration only: the profile sees nobody until staff verify it."""
    professional_name, registration = (
        (professional_name or "").strip(),
        (registration or "").strip(),
    )
    if not professional_name or not registration:
        raise ServiceError(
            "incomplete",
            "Give your professional name and your registration body and number.",
            status=422,
        )
    if active_membership(person) is not None:
        raise ServiceError(
            "linked", "A clinician account cannot also be linked as a partner.", status=409
        )
    profile, created = ClinicianProfile.objects.get_or_create(
        person=person,
        defaults={"professional_name": professional_name, "registration": registration},
    )
    if not created and profile.verified:
        raise ServiceError("already_verified", "You are already a verified clinician.", status=409)
    if not created:
        profile.professional_name, profile.registration = professional_name, registration
        profile.save(update_fields=["professional_name", "registration"])
    return profile


@transaction.atomic
def clinician_verify(*, profile: ClinicianProfile, staff) -> ClinicianProfile:
    """Staff checked the registration: the clinician may now be granted access (and gets a code)."""
    if not (staff.is_active and staff.is_staff):
        raise ServiceError("not_staff", "Only staff verify clinicians.", status=403)
    profile = ClinicianProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.verified_at is None:
        profile.verified_at = timezone.now()
        profile.verified_by = staff
        profile.code = profile.code or _new_code()
        profile.save(update_fields=["verified_at", "verified_by", "code"])
    return profile


@transaction.atomic
def clinician_unverify(*, profile: ClinicianProfile) -> ClinicianProfile:
    """Take verification back: every grant stops working at once (they need a verified clinician)."""
    profile = ClinicianProfile.objects.select_for_update().get(pk=profile.pk)
    profile.verified_at, profile.verified_by, profile.code = None, None, None
    profile.save(update_fields=["verified_at", "verified_by", "code"])
    return profile


@transaction.atomic
def clinician_new_code(*, person) -> ClinicianProfile:
    """A fresh code (the old one stops working for new grants; existing grants stay)."""
    profile = verified_clinician(person)
    if profile is None:
        raise ServiceError("not_clinician", "Only verified clinicians have a code.", status=404)
    for _ in range(5):
        try:
            with transaction.atomic():
                profile.code = _new_code()
                profile.save(update_fields=["code"])
            return profile
        except IntegrityError:
            continue
    raise ServiceError("busy", "Try again.", status=409)  # pragma: no cover - 31^8 codes


# ---------------------------------------------------------------------------------------------
# Grants: one partner proposes with the clinician's code, the other agrees; either revokes
# ---------------------------------------------------------------------------------------------


_BAD_CODE = ServiceError("invalid_code", "That code does not belong to a verified clinician.")


def _lock_couple_of(person) -> tuple[Membership, Membership]:
    mine = active_membership(person)
    partner = partner_membership(mine)
    if mine is None or partner is None:
        raise ServiceError(
            "not_linked",
            "Link with your partner first: a clinician is granted by both of you.",
            status=409,
        )
    Couple.objects.select_for_update().get(pk=mine.couple_id)
    return mine, partner


def audit(
    *,
    couple_id: int,
    action: str,
    clinician: ClinicianProfile | None = None,
    clinician_name: str = "",
    actor=None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        couple_id=couple_id,
        clinician=clinician,
        clinician_name=clinician.professional_name if clinician is not None else clinician_name,
        action=action,
        actor_id=getattr(actor, "pk", None),
    )


@transaction.atomic
def grant_propose(*, person, code: str, reports: bool = True, dynamics: bool = True) -> Grant:
    """Enter a clinician's code: a grant with this partner's agreement, waiting for the other's."""
    mine, _ = _lock_couple_of(person)
    code = normalise_clinician_code(code)
    profile = (
        ClinicianProfile.objects.filter(code=code, verified_at__isnull=False).first()
        if code
        else None
    )
    if profile is None:
        raise _BAD_CODE
    if profile.person_id in {
        m.person_id for m in Membership.objects.filter(couple_id=mine.couple_id)
    }:
        raise _BAD_CODE
    if not (reports or dynamics):
        raise ServiceError(
            "empty_scope", "Choose at least one thing the clinician may see.", status=422
        )
    if Grant.objects.filter(
        couple_id=mine.couple_id, clinician=profile, revoked_at__isnull=True
    ).exists():
        raise ServiceError(
            "already_granted", "This clinician already has (or is waiting for) access.", status=409
        )
    grant = Grant.objects.create(
        couple_id=mine.couple_id, clinician=profile, reports=reports, dynamics=dynamics
    )
    Agreement.objects.create(grant=grant, person=person)
    audit(
        couple_id=mine.couple_id, action=AuditEvent.GRANT_PROPOSED, clinician=profile, actor=person
    )
    return grant


@transaction.atomic
def grant_agree(*, person, grant_id: int) -> Grant:
    """This partner's yes. When each current partner has agreed, the grant becomes active."""
    mine, partner = _lock_couple_of(person)
    grant = couple_grant_or_404(person, grant_id)
    if grant.revoked_at is not None:
        raise ServiceError(
            "revoked",
            "This access was revoked; enter the clinician's code again to start over.",
            status=409,
        )
    if not grant.clinician.verified:
        raise ServiceError("not_verified", "This clinician is not verified any more.", status=409)
    _, created = Agreement.objects.get_or_create(grant=grant, person=person)
    agreed = set(Agreement.objects.filter(grant=grant).values_list("person_id", flat=True))
    if grant.active_since is None and {mine.person_id, partner.person_id} <= agreed:
        grant.active_since = timezone.now()
        grant.save(update_fields=["active_since"])
    if created:
        audit(
            couple_id=mine.couple_id,
            action=AuditEvent.GRANT_AGREED,
            clinician=grant.clinician,
            actor=person,
        )
    return grant


def revoke_all(grants, *, at, actor) -> int:
    """Revoke these grants now, one audit entry each."""
    count = 0
    for grant in grants.select_related("clinician"):
        grant.revoked_at = at
        grant.save(update_fields=["revoked_at"])
        audit(
            couple_id=grant.couple_id,
            action=AuditEvent.GRANT_REVOKED,
            clinician=grant.clinician,
            actor=actor,
        )
        count += 1
    return count


@transaction.atomic
def grant_revoke(*, person, grant_id: int) -> Grant:
    """Either partner, at any time, effective immediately (or declining one not yet active)."""
    _lock_couple_of(person)
    grant = couple_grant_or_404(person, grant_id)
    if grant.revoked_at is None:
        revoke_all(Grant.objects.filter(pk=grant.pk), at=timezone.now(), actor=person)
        grant.refresh_from_db()
    return grant


# ---------------------------------------------------------------------------------------------
# The audit of what clinicians saw
# ---------------------------------------------------------------------------------------------


def audit_views(*, grants, action: str) -> None:
    """One entry per couple the clinician just saw (bulk: one query for a whole caseload)."""
    events = AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                couple_id=g.couple_id,
                clinician=g.clinician,
                clinician_name=g.clinician.professional_name,
                action=action,
            )
            for g in grants
        ]
    )

    audited.send(sender=AuditEvent, events=events)
