"""What concerns a person (their partner linked, said yes, sent encouragement...), and the
devices that asked for push.

A notification's text is for the person only (it may name their partner); what leaves the app
by push or email never carries it: those say only that something is waiting.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    class Kind(models.TextChoices):
        PARTNER_LINKED = "partner_linked", "Partner linked"
        CONSENT_YES = "consent_yes", "Said yes to the couple report"
        CONSENT_NO = "consent_no", "Withdrew from the couple report"
        ENCOURAGEMENT = "encouragement", "Encouragement"
        EXERCISE_PART = "exercise_part", "Exercise part sent"
        ASSESSMENT_DONE = "assessment_done", "Assessment finished"
        CLINICIAN_ASKED = "clinician_asked", "Clinician access proposed"
        CLINICIAN_USED = "clinician_used", "Clinician used access"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    #: For the person's eyes, inside the app only.
    text = models.CharField(max_length=200)
    #: A path inside the app ("/couple/"), never an absolute URL.
    link = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    #: The couple it is about: when that couple ends, its notices (which name the partner) go.
    couple_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    #: "push", "email", "none" once delivery was tried; empty while waiting.
    delivered_by = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "read_at"], name="notification_unread")]

    @property
    def is_fresh(self) -> bool:
        """Made within the last minute: said as "just now" rather than "0 minutes ago"."""
        return timezone.now() - self.created_at < timedelta(minutes=1)


class PushSubscription(models.Model):
    """One device's push endpoint (one row per endpoint: the same device subscribing twice
    replaces its keys instead of adding a row)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
