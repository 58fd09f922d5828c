"""Grants a person agreed to, the audit log of their couples and their own clinician profile, in
their data export; erasing revokes every grant that would outlive the account."""

from __future__ import annotations

from django.utils import timezone

from interdep.clinic.models import Agreement, AuditEvent, ClinicianProfile, Grant
from interdep.clinic.services import revoke_all
from interdep.couples.models import Membership
from interdep.lib.personal_data import DataHolder, iso, register


def export_clinic(person) -> dict:
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
                "agreed_at": iso(a.agreed_at),
                "active_since": iso(a.grant.active_since),
                "revoked_at": iso(a.grant.revoked_at),
            }
            for a in agreements
        ],
        "audit_log": [
            {
                "at": iso(e.at),
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
                "applied_at": iso(profile.applied_at),
                "verified_at": iso(profile.verified_at),
                "code": profile.code,
            }
        ]
    return tables


def erase_clinic(person) -> None:
    """Grants of the person's couples and the person's own clinician grants are revoked now (so
    nobody keeps seeing anything); their agreements and clinician profile go. The audit log
    stays: it is the couple's record and holds no answers or scores."""
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


def register_holder() -> None:
    register(DataHolder("clinic", export_clinic, erase_clinic, erase_order=10))
