"""Background work for exercises (run by the db_worker; arguments are ids, never objects)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from interdep.exercises.models import Exercise


@task()
def notify_exercise_revealed(exercise_id: int) -> int:
    """Tell both partners that both entries can now be read. Nothing of either entry is in the
    message, nor which exercise it is."""
    exercise = (
        Exercise.objects.select_related("started_by", "partner").filter(pk=exercise_id).first()
    )
    if exercise is None:
        return 0
    sent = 0
    for person in (exercise.started_by, exercise.partner):
        sent += send_mail(
            "You have both answered",
            "You and your partner have both sent your part of an exercise. Sign in to Interdep to read them side by side.",
            settings.DEFAULT_FROM_EMAIL,
            [person.email],
        )
    return sent
