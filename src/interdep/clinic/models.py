"""Clinicians, the access a couple grants them, and the append-only log of what they saw.

A person becomes a clinician in two steps: they apply (self-declared: sees nobody), then staff
verify them in the admin. A couple grants one clinician access with the clinician's code; the
grant is active only while it is not revoked, the couple is still together, the clinician is
still verified, and EACH current partner has agreed. Either partner revokes at any time.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models

from interdep.couples.models import Couple


class ClinicianProfile(models.Model):
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician"
    )
    #: What the clinician says about themself; staff check it before verifying.
    professional_name = models.CharField(max_length=120)
    registration = models.CharField("registration body and number", max_length=120)
    applied_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The code a clinician gives to couples (only a verified clinician has one).
    code = models.CharField(max_length=16, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = "clinician"

    def __str__(self) -> str:
        return self.professional_name

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class Grant(models.Model):
    """A couple's permission for one clinician, with an explicit scope."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="clinician_grants")
    clinician = models.ForeignKey(ClinicianProfile, on_delete=models.CASCADE, related_name="grants")
    created_at = models.DateTimeField(auto_now_add=True)
    #: Scope. Private notes, reflections and safety answers are never in scope: there is no field
    #: that could say otherwise.
    reports = models.BooleanField(default=True, help_text="Scores, pattern, map and history")
    dynamics = models.BooleanField(default=True, help_text="Check-in trends and adherence")
    active_since = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["couple", "clinician"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_open_grant_per_clinician",
            )
        ]

    @property
    def scope_words(self) -> list[str]:
        return [w for w, on in (("reports", self.reports), ("dynamics", self.dynamics)) if on]


class Agreement(models.Model):
    """One partner's yes to one grant."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="agreements")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agreed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grant", "person"], name="one_agreement_per_partner")
        ]


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("the audit log is append-only")

    def delete(self):
        raise PermissionDenied("the audit log is append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionDenied("the audit log is append-only")


class AuditEvent(models.Model):
    """Append-only: who saw what of which couple, when. Rows are never changed or deleted, so
    the references are plain ids (no cascade can reach them) and the clinician's name is kept as
    it was at the time."""

    VIEW_CASELOAD = "view_caseload"
    VIEW_COUPLE = "view_couple"
    EXPORT_PDF = "export_pdf"
    EXPORT_CSV = "export_csv"
    GRANT_PROPOSED = "grant_proposed"
    GRANT_AGREED = "grant_agreed"
    GRANT_REVOKED = "grant_revoked"
    ACTIONS = [
        (VIEW_CASELOAD, "saw your current pattern in their caseload"),
        (VIEW_COUPLE, "opened your couple page (reports and history)"),
        (EXPORT_PDF, "exported your report as PDF"),
        (EXPORT_CSV, "exported your scores as CSV"),
        (GRANT_PROPOSED, "access proposed"),
        (GRANT_AGREED, "access agreed"),
        (GRANT_REVOKED, "access revoked"),
    ]

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    couple = models.ForeignKey(
        Couple, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    clinician = models.ForeignKey(
        ClinicianProfile,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    clinician_name = models.CharField(max_length=120)
    #: For grant changes, the partner who made them (an id only: shown as "you" or "your partner").
    actor_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=ACTIONS)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["couple", "-at"])]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("the audit log is append-only")
