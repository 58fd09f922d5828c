"""Writes: a person opts in to (or out of) the anonymous research pool."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone


@transaction.atomic
def research_consent_set(*, person, consent: bool) -> bool:
    """Record the person's choice. Nothing is copied anywhere: the pool reads the flag on each
    request, so a "no" removes the person from every later computation immediately."""
    changed_at = timezone.now()
    get_user_model().objects.filter(pk=person.pk).update(
        research_consent=consent, research_consent_changed_at=changed_at
    )
    person.research_consent = consent
    person.research_consent_changed_at = changed_at
    return consent
