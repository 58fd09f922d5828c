"""What a person chose for themself: time zone, how they hear from the app, the first-run guide.

Kept beside the account (one row per person, made on first use) so the account model stays as
it is; an email change waits here until the new address is confirmed by its link.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Preferences(models.Model):
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    #: IANA name; empty until chosen (the browser's zone is then offered).
    tz = models.CharField(max_length=64, blank=True, default="")
    #: Notifications by push to this person's subscribed devices...
    notify_push = models.BooleanField(default=True)
    #: ...and by email when no push reached them (the fallback), or always when push is off.
    notify_email = models.BooleanField(default=True)
    guide_dismissed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class EmailChange(models.Model):
    """A requested new address; it takes effect only through the link sent to it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_changes"
    )
    new_email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
