"""Data holders for check-ins, plans and exercises, used when those apps are installed and have
not registered their own (an app's own registration, under the same name, wins).

Each exports the person's own rows with their private text decrypted (it is theirs) and erases
them. Nothing a partner wrote privately is exported; what both partners share (an agreed
exercise outcome, an encouragement sent to this person) is.
"""

from __future__ import annotations

from django.apps import apps

from interdep.datarights.registry import DataHolder, holders, register


def _iso(value):
    return value.isoformat() if value is not None else None


def _rows(queryset, fields):
    return [
        {
            f: (_iso(v) if hasattr(v, "isoformat") else v)
            for f, v in ((f, getattr(o, f)) for f in fields)
        }
        for o in queryset
    ]


def export_checkins(person) -> dict:
    from interdep.checkins.models import CheckIn, Reminder, Schedule

    return {
        "checkins": _rows(
            CheckIn.objects.filter(person=person).order_by("occurred_at"),
            [
                "id",
                "occurred_at",
                "tz",
                "created_at",
                "valence",
                "arousal",
                "closeness",
                "felt_self",
                "bid_made",
                "bid_answered",
                "no_choice",
                "conflict",
                "note",
            ],
        ),
        "schedule": _rows(
            Schedule.objects.filter(person=person),
            ["times", "tz", "paused", "channel", "updated_at"],
        ),
        "reminders": _rows(
            Reminder.objects.filter(person=person).order_by("slot_at"),
            ["slot_at", "channel", "status", "created_at", "sent_at"],
        ),
    }


def erase_checkins(person) -> None:
    from interdep.checkins.models import CheckIn, Reminder, Schedule

    for model in (CheckIn, Reminder, Schedule):
        model.objects.filter(person=person).delete()


def export_plans(person) -> dict:
    from interdep.plans.models import CheckOff, Encouragement, Plan, PlanItem

    return {
        "plan": _rows(
            Plan.objects.filter(person=person),
            ["created_at", "updated_at", "built_at", "retake_weeks", "show_partner"],
        ),
        "items": _rows(
            PlanItem.objects.filter(plan__person=person).order_by("pk"),
            [
                "id",
                "practice_id",
                "facet",
                "source",
                "position",
                "status",
                "started_at",
                "ended_at",
                "reflection",
                "reflection_updated_at",
            ],
        ),
        "checkoffs": _rows(
            CheckOff.objects.filter(item__plan__person=person).order_by("week"),
            ["item_id", "week", "created_at"],
        ),
        "encouragements_sent": _rows(
            Encouragement.objects.filter(sender=person).order_by("created_at"),
            ["preset", "message", "created_at"],
        ),
        "encouragements_received": _rows(
            Encouragement.objects.filter(recipient=person).order_by("created_at"),
            ["preset", "message", "created_at"],
        ),
    }


def erase_plans(person) -> None:
    from interdep.plans.models import Encouragement, Plan

    Plan.objects.filter(person=person).delete()  # items, reflections and check-offs cascade
    Encouragement.objects.filter(sender=person).delete()
    Encouragement.objects.filter(recipient=person).delete()


def export_exercises(person) -> dict:
    from django.db.models import Q

    from interdep.exercises.models import Exercise, ExerciseEntry
    from interdep.science.exercise_guides import load_guides

    guides = load_guides()

    def visible(exercise) -> bool:
        """The same rule as opening it: a one-person preparation the partner has not shared
        does not exist for the partner, in the export either."""
        if exercise.started_by_id == person.pk:
            return True
        guide = guides.get(exercise.kind)
        return guide is not None and (guide.together or exercise.shared_at is not None)

    return {
        "exercises": _rows(
            [
                e
                for e in Exercise.objects.filter(Q(started_by=person) | Q(partner=person)).order_by(
                    "created_at"
                )
                if visible(e)
            ],
            ["id", "kind", "couple_id", "created_at", "revealed_at", "agreed_at", "outcome"],
        ),
        "entries": _rows(
            ExerciseEntry.objects.filter(person=person).order_by("pk"),
            ["exercise_id", "content", "submitted_at", "updated_at"],
        ),
    }


def erase_exercises(person) -> None:
    """The person's entries go, and their words leave every shared outcome: the outcome is
    compared again with their side empty, so the partner keeps only their own words."""
    import json

    from django.db.models import Q

    from interdep.exercises import selectors
    from interdep.exercises.models import Exercise, ExerciseEntry

    for exercise in Exercise.objects.filter(Q(started_by=person) | Q(partner=person)).exclude(
        outcome=""
    ):
        contents = {
            e.person_id: selectors.content_of(e)
            for e in ExerciseEntry.objects.filter(exercise=exercise).exclude(person=person)
        }
        contents[person.pk] = {}
        exercise.outcome = json.dumps(
            selectors.comparison(exercise, contents), ensure_ascii=False, sort_keys=True
        )
        exercise.save(update_fields=["outcome"])
    ExerciseEntry.objects.filter(person=person).delete()


_EXTENDED = (
    ("interdep.checkins", DataHolder("checkins", export_checkins, erase_checkins, erase_order=40)),
    ("interdep.plans", DataHolder("plans", export_plans, erase_plans, erase_order=50)),
    (
        "interdep.exercises",
        DataHolder("exercises", export_exercises, erase_exercises, erase_order=60),
    ),
)


def register_installed() -> None:
    taken = {h.name for h in holders()}
    for app, holder in _EXTENDED:
        if apps.is_installed(app) and holder.name not in taken:
            register(holder)
