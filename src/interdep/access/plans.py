"""Practice plans.

A plan, its check-offs and its reflections are the person's own. Reflections are never shown to
anyone else; the partner sees the titles of the current practices only after the person said
yes to that, and may send encouragement. Anyone else, and both partners after they unlink, get
404.
"""

from __future__ import annotations

from interdep.access.ownership import own_or_404
from interdep.plans.models import Plan, PlanItem


def own_plan_item_or_404(user, item_id: int) -> PlanItem:
    return own_or_404(user, PlanItem.objects.select_related("plan"), item_id, owner="plan__person")


def partner_practice_ids(viewer, partner_person) -> list[str] | None:
    """The practice ids the viewer may see of their partner's plan: None unless the partner said
    yes to showing them. Never a reflection, a check-off or a facet."""
    plan = Plan.objects.filter(person=partner_person, show_partner=True).first()
    if plan is None:
        return None
    return list(
        PlanItem.objects.filter(plan=plan, status=PlanItem.ACTIVE).values_list(
            "practice_id", flat=True
        )
    )
