"""The practice plan page and its form posts, and the progress page (views stay thin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from interdep import permissions
from interdep.plans import progress, selectors, services
from interdep.plans.models import PlanItem
from interdep.services import ServiceError


@login_required
@require_GET
def practice_home(request):
    plan = selectors.plan_of(request.user)
    views = selectors.item_views(plan) if plan else []
    mine = permissions.active_membership(request.user)
    partner = permissions.partner_membership(mine)
    by_id = selectors.practices_by_id()
    partner_ids = (
        permissions.partner_practice_ids(request.user, partner.person) if partner else None
    )
    latest = permissions.latest_submitted(request.user)
    return render(
        request,
        "plans/home.html",
        {
            "plan": plan,
            "active": [v for v in views if v.item.status == PlanItem.ACTIVE],
            "paused": [v for v in views if v.item.status == PlanItem.PAUSED],
            "has_results": latest is not None,
            "partner": partner,
            "partner_practices": [by_id[p] for p in partner_ids if p in by_id]
            if partner_ids is not None
            else None,
            "encouragements": [
                (e, selectors.encouragement_text(e))
                for e in selectors.received_encouragements(request.user)
            ],
            "presets": selectors.PRESETS,
            "retake_due": selectors.retake_due(request.user, plan) if latest else None,
            "retake_weeks": plan.retake_weeks if plan else 6,
            "max_message": selectors.MAX_MESSAGE,
        },
    )


def _run(request, action, success: str | None = None):
    try:
        result = action()
    except ServiceError as exc:
        messages.error(request, exc.message)
        return None
    if success:
        messages.success(request, success)
    return result


@login_required
@require_POST
def practice_build(request):
    _run(
        request,
        lambda: services.plan_build(person=request.user),
        "Your plan is ready. Start with whichever practice feels easiest.",
    )
    return redirect("practice_home")


@login_required
@require_POST
def practice_add(request):
    _run(request, lambda: services.plan_add(person=request.user), "Added one more practice.")
    return redirect("practice_home")


@login_required
@require_POST
def practice_check(request, item_id: int):
    done = request.POST.get("done") == "yes"
    _run(
        request,
        lambda: services.checkoff_set(person=request.user, item_id=item_id, done=done),
        "Marked as done this week. Nicely done." if done else "Unmarked for this week.",
    )
    return redirect(f"{_home()}#item-{item_id}")


@login_required
@require_POST
def practice_reflection(request, item_id: int):
    _run(
        request,
        lambda: services.reflection_save(
            person=request.user, item_id=item_id, text=request.POST.get("reflection", "")
        ),
        "Reflection saved. Only you can read it.",
    )
    return redirect(f"{_home()}#item-{item_id}")


@login_required
@require_POST
def practice_swap(request, item_id: int):
    permissions.own_plan_item_or_404(request.user, item_id)
    try:
        new = services.item_swap(person=request.user, item_id=item_id)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Swapped for another practice."
            if new
            else "Taken out: there is no other practice for this area just now.",
        )
    return redirect("practice_home")


@login_required
@require_POST
def practice_pause(request, item_id: int):
    _run(
        request,
        lambda: services.item_pause(person=request.user, item_id=item_id),
        "Paused. It will wait for you below, with your reflection.",
    )
    return redirect("practice_home")


@login_required
@require_POST
def practice_resume(request, item_id: int):
    _run(
        request,
        lambda: services.item_resume(person=request.user, item_id=item_id),
        "Welcome back to it.",
    )
    return redirect("practice_home")


@login_required
@require_POST
def practice_settings(request):
    weeks = request.POST.get("retake_weeks")
    show = request.POST.get("show_partner")
    try:
        weeks_value = int(weeks) if weeks not in (None, "") else None
    except ValueError:
        messages.error(request, "Choose a number of weeks.")
        return redirect("practice_home")
    _run(
        request,
        lambda: services.settings_set(
            person=request.user,
            retake_weeks=weeks_value,
            show_partner=None if show is None else show == "yes",
        ),
        "Saved.",
    )
    return redirect("progress" if request.POST.get("next") == "progress" else "practice_home")


@login_required
@require_POST
def practice_encourage(request):
    _run(
        request,
        lambda: services.encouragement_send(
            person=request.user,
            preset=request.POST.get("preset", ""),
            message=request.POST.get("message", ""),
        ),
        "Sent. A few kind words go a long way.",
    )
    return redirect("practice_home")


@login_required
@require_GET
def progress_page(request):
    return render(request, "plans/progress.html", progress.progress_view(request.user))


def _home() -> str:
    from django.urls import reverse

    return reverse("practice_home")
