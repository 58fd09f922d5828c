"""Demo data for practice and exercises: a plan for each partner (one reflection, a few weeks of
check-offs, a note of encouragement) and a finished "plan something together"."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from interdep.exercises import services as exercise_services
from interdep.plans import selectors, services
from interdep.plans.models import CheckOff, PlanItem

VACATION = (
    {
        "together": "a walk along the cliffs\na long lunch by the harbour\nthe old town at night",
        "alone": "an early swim\nan afternoon with a book",
        "limits": "no more than three hours of driving a day",
        "budget": 1200,
    },
    {
        "together": "The old town at night\nkayaking in the bay\na long lunch by the harbour",
        "alone": "a morning run\nsketching at the market",
        "limits": "back home by Sunday evening",
        "budget": 900,
    },
)


def demo_practice(a, b) -> None:
    for person in (a, b):
        services.plan_build(person=person)
    services.settings_set(person=a, show_partner=True)
    items = list(
        PlanItem.objects.filter(plan__person=a, status=PlanItem.ACTIVE).order_by("position")
    )
    started = timezone.now() - timedelta(weeks=3)
    PlanItem.objects.filter(pk__in=[i.pk for i in items]).update(started_at=started)
    this_week = selectors.week_start()
    for k, item in enumerate(items):
        for weeks_ago in range(4):
            if (weeks_ago + k) % 3 != 2:  # most weeks, not all: life happens
                CheckOff.objects.get_or_create(
                    item=item, week=this_week - timedelta(weeks=weeks_ago)
                )
    if items:
        services.reflection_save(
            person=a,
            item_id=items[0].pk,
            text="Easier than I expected once I started. I want to try it on a tired day next.",
        )
    services.encouragement_send(person=b, preset="proud")

    exercise = exercise_services.exercise_start(person=a, kind="vacation")
    for person, wishes in zip((a, b), VACATION, strict=True):
        exercise_services.entry_save(
            person=person, exercise_id=exercise.pk, content=wishes, send=True
        )
    for person in (a, b):
        exercise_services.exercise_agree(person=person, exercise_id=exercise.pk)
