"""The practice plan page and its form posts, and the progress page (views stay thin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from interdep.access.assessments import latest_submitted
from interdep.access.core import couple_report_access
from interdep.access.plans import own_plan_item_or_404, partner_practice_ids
from interdep.lib.forms import posted
from interdep.lib.http import refusal_redirects_to
from interdep.plans import presenters, selectors, services
from interdep.plans.forms import CheckForm, EncourageForm, ReflectionForm, SettingsForm
from interdep.plans.models import PlanItem


def _item(request, item_id: int) -> str:
    """The plan page scrolled to one practice."""
    return f"{reverse('practice_home')}#item-{item_id}"


def _settings_back(request) -> str:
    """The settings live on two pages; the form says which one to go back to."""
    return reverse(
        "progress" if posted(SettingsForm, request)["next"] == "progress" else "practice_home"
    )


@login_required
@require_GET
def practice_home(request):
    plan = selectors.plan_of(request.user)
    access = couple_report_access(request.user)  # the partner, and what a plan may hold now
    partner = access.partner
    views = selectors.item_views(plan, person=request.user, access=access) if plan else []
    by_id = selectors.practices_by_id()
    partner_ids = partner_practice_ids(request.user, partner.person) if partner else None
    latest = latest_submitted(request.user)
    return render(
        request,
        "plans/home.html",
        {
            "plan": plan,
            "active": [v for v in views if v.item.status == PlanItem.ACTIVE],
            "paused": [v for v in views if v.item.status == PlanItem.PAUSED],
            "resting": any(v.held for v in views),
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


@login_required
@require_POST
@refusal_redirects_to("practice_home")
def practice_build(request):
    services.plan_build(person=request.user)
    messages.success(request, "Your plan is ready. Start with whichever practice feels easiest.")
    return redirect("practice_home")


@login_required
@require_POST
@refusal_redirects_to("practice_home")
def practice_add(request):
    services.plan_add(person=request.user)
    messages.success(request, "Added one more practice.")
    return redirect("practice_home")


@login_required
@require_POST
@refusal_redirects_to(_item, "item_id")
def practice_check(request, item_id: int):
    done = posted(CheckForm, request)["done"]
    services.checkoff_set(person=request.user, item_id=item_id, done=done)
    messages.success(
        request, "Marked as done this week. Nicely done." if done else "Unmarked for this week."
    )
    return redirect(_item(request, item_id))


@login_required
@require_POST
@refusal_redirects_to(_item, "item_id")
def practice_reflection(request, item_id: int):
    text = posted(ReflectionForm, request)["reflection"]
    services.reflection_save(person=request.user, item_id=item_id, text=text)
    messages.success(request, "Reflection saved. Only you can read it.")
    return redirect(_item(request, item_id))


@login_required
@require_POST
@refusal_redirects_to("practice_home")
def practice_swap(request, item_id: int):
    own_plan_item_or_404(request.user, item_id)
    new = services.item_swap(person=request.user, item_id=item_id)
    messages.success(
        request,
        "Swapped for another practice."
        if new
        else "Taken out: there is no other practice for this area just now.",
    )
    return redirect("practice_home")


@login_required
@require_POST
@refusal_redirects_to("practice_home")
def practice_pause(request, item_id: int):
    services.item_pause(person=request.user, item_id=item_id)
    messages.success(request, "Paused. It will wait for you below, with your reflection.")
    return redirect("practice_home")


@login_required
@require_POST
@refusal_redirects_to("practice_home")
def practice_resume(request, item_id: int):
    services.item_resume(person=request.user, item_id=item_id)
    messages.success(request, "Welcome back to it.")
    return redirect("practice_home")


@login_required
@require_POST
@refusal_redirects_to(_settings_back)
def practice_settings(request):
    form = SettingsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a number of weeks.")
        return redirect("practice_home")
    services.settings_set(
        person=request.user,
        retake_weeks=form.cleaned_data["retake_weeks"],
        show_partner=form.show_partner_choice(),
    )
    messages.success(request, "Saved.")
    return redirect(_settings_back(request))


@login_required
@require_POST
@refusal_redirects_to("practice_home")
def practice_encourage(request):
    services.encouragement_send(person=request.user, **posted(EncourageForm, request))
    messages.success(request, "Sent. A few kind words go a long way.")
    return redirect("practice_home")


@login_required
@require_GET
def progress_page(request):
    return render(request, "plans/progress.html", presenters.progress_view(request.user))
