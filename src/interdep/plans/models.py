"""Practice plans: a few practices at a time from a person's growth edges, weekly check-offs, a
private reflection per practice, and encouragement from the partner.

Private to the person: the reflections (encrypted at rest, never shown to anyone else), and which
practices they are doing unless they choose to let their partner see the titles.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from interdep.crypto import EncryptedTextField

#: A retake of the assessment is suggested after this many weeks (the person can change it).
DEFAULT_RETAKE_WEEKS = 6


class Plan(models.Model):
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    #: When the plan was last built from results (a refresh after a retake rebuilds it).
    built_at = models.DateTimeField(null=True, blank=True)
    retake_weeks = models.PositiveSmallIntegerField(default=DEFAULT_RETAKE_WEEKS)
    #: The person's yes to their partner seeing the titles of their current practices.
    show_partner = models.BooleanField(default=False)


class PlanItem(models.Model):
    ACTIVE, PAUSED, SWAPPED, RETIRED = "active", "paused", "swapped", "retired"
    STATUSES = [
        (ACTIVE, "Doing now"),
        (PAUSED, "Paused"),
        (SWAPPED, "Swapped out"),
        (RETIRED, "From an earlier plan"),
    ]

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    practice_id = models.CharField(max_length=64)
    facet = models.CharField(max_length=32)
    source = models.CharField(max_length=16)  # "personal" | "couple"
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=16, choices=STATUSES, default=ACTIVE)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    #: Private to the person, always: the partner never sees it, whatever is shared.
    reflection = EncryptedTextField(blank=True, default="")
    reflection_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["plan", "status"])]


class CheckOff(models.Model):
    """This practice was done in the week starting ``week`` (a Monday). No streaks are kept:
    a missed week costs nothing later."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="checkoffs")
    week = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "week"], name="one_checkoff_per_item_and_week")
        ]


class Encouragement(models.Model):
    """A short note or a preset from one partner to the other about their practice."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="encouragements_sent"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="encouragements_received"
    )
    couple = models.ForeignKey(
        "couples.Couple", on_delete=models.CASCADE, related_name="encouragements"
    )
    preset = models.CharField(max_length=32, blank=True, default="")
    message = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "-created_at"])]
