"""Background work for couples (run by the db_worker; arguments are ids, never objects)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from interdep.couples.models import Membership


@task()
def notify_couple_report_ready(couple_id: int) -> int:
    """Tell both partners the couple report can be read. The message says nothing else: no
    scores, no pattern, nothing that could reveal a private answer."""
    members = Membership.objects.select_related("person").filter(
        couple_id=couple_id, left_at__isnull=True
    )
    sent = 0
    for member in members:
        sent += send_mail(
            "Your couple report is ready",
            "You and your partner both chose to share. Sign in to Interdep to read your couple report together.",
            settings.DEFAULT_FROM_EMAIL,
            [member.person.email],
        )
    return sent
