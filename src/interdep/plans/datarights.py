"""A person's plan, reflections (decrypted), check-offs and encouragements in their data export,
and their erasure."""

from __future__ import annotations

from interdep.lib.personal_data import DataHolder, register, rows
from interdep.plans.models import CheckOff, Encouragement, Plan, PlanItem


def export_plans(person) -> dict:
    return {
        "plan": rows(
            Plan.objects.filter(person=person),
            ["created_at", "updated_at", "built_at", "retake_weeks", "show_partner"],
        ),
        "items": rows(
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
        "checkoffs": rows(
            CheckOff.objects.filter(item__plan__person=person).order_by("week"),
            ["item_id", "week", "created_at"],
        ),
        "encouragements_sent": rows(
            Encouragement.objects.filter(sender=person).order_by("created_at"),
            ["preset", "message", "created_at"],
        ),
        "encouragements_received": rows(
            Encouragement.objects.filter(recipient=person).order_by("created_at"),
            ["preset", "message", "created_at"],
        ),
    }


def erase_plans(person) -> None:
    Plan.objects.filter(person=person).delete()  # items, reflections and check-offs cascade
    Encouragement.objects.filter(sender=person).delete()
    Encouragement.objects.filter(recipient=person).delete()


def register_holder() -> None:
    register(DataHolder("plans", export_plans, erase_plans, erase_order=50))
