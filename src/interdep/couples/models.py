"""Couples: two people who linked through a one-time invite, and each one's consent to share.

A person belongs to at most one active couple (a partial unique index says so to the database,
not only to the code). Unlinking ends the couple for both; each person's own data stays theirs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Couple(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    #: Set once when the couple report first becomes available (both submitted, both consented);
    #: cleared when it stops being available. Written under a row lock, so it is never lost.
    report_ready_at = models.DateTimeField(null=True, blank=True)

    @property
    def active(self) -> bool:
        return self.ended_at is None


class Membership(models.Model):
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)
    #: This person's yes to a couple report. Either partner's no removes it for both.
    shares = models.BooleanField(default=False)
    shares_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(left_at__isnull=True),
                name="one_active_couple_per_person",
            ),
            models.UniqueConstraint(
                fields=["couple", "person"], name="one_membership_per_couple_and_person"
            ),
        ]


class Invite(models.Model):
    code = models.CharField(max_length=16, unique=True)
    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invites"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    couple = models.ForeignKey(Couple, null=True, blank=True, on_delete=models.SET_NULL)
