"""Guided couple exercises: the list, one exercise's page, and its form posts (views stay thin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from interdep.access.core import active_membership, partner_membership
from interdep.access.exercises import exercise_for_member_or_404
from interdep.exercises import presenters, selectors, services
from interdep.exercises.forms import EntryForm, ShareForm, StartForm
from interdep.lib.forms import posted
from interdep.lib.http import refusal_redirects_to
from interdep.science.exercise_guides import load_guides


@login_required
@require_GET
def exercise_list(request):
    mine = active_membership(request.user)
    partner = partner_membership(mine)
    rows = []
    if partner is not None:
        for exercise in selectors.for_couple(mine.couple_id):
            row = presenters.list_row(request.user, exercise, partner.person)
            if row is not None:
                rows.append(row)
    return render(
        request,
        "exercises/list.html",
        {
            "partner": partner,
            "guides": list(load_guides().values()),
            "rows": rows,
        },
    )


@login_required
@require_POST
@refusal_redirects_to("exercise_list")
def exercise_start(request):
    exercise = services.exercise_start(person=request.user, kind=posted(StartForm, request)["kind"])
    return redirect("exercise_detail", exercise_id=exercise.pk)


@login_required
@require_GET
def exercise_detail(request, exercise_id: int):
    exercise = exercise_for_member_or_404(request.user, exercise_id)
    return render(request, "exercises/detail.html", presenters.detail(request.user, exercise))


@login_required
@require_POST
@refusal_redirects_to("exercise_detail", "exercise_id")
def exercise_entry(request, exercise_id: int):
    exercise = exercise_for_member_or_404(request.user, exercise_id)
    form = EntryForm(request.POST, guide=selectors.guide_of(exercise))
    form.full_clean()
    action = form.chosen_action()
    services.entry_save(
        person=request.user, exercise_id=exercise.pk, content=form.content(), send=action == "send"
    )
    messages.success(request, presenters.SAVED_WORDS.get(action, "Saved."))
    return redirect("exercise_detail", exercise_id=exercise.pk)


@login_required
@require_POST
@refusal_redirects_to("exercise_detail", "exercise_id")
def exercise_withdraw(request, exercise_id: int):
    exercise = exercise_for_member_or_404(request.user, exercise_id)
    services.entry_withdraw(person=request.user, exercise_id=exercise.pk)
    messages.success(request, "Taken back. It is a private draft again, and only you can see it.")
    return redirect("exercise_detail", exercise_id=exercise.pk)


@login_required
@require_POST
@refusal_redirects_to("exercise_detail", "exercise_id")
def exercise_agree(request, exercise_id: int):
    exercise = exercise_for_member_or_404(request.user, exercise_id)
    services.exercise_agree(person=request.user, exercise_id=exercise.pk)
    return redirect("exercise_detail", exercise_id=exercise.pk)


@login_required
@require_POST
@refusal_redirects_to("exercise_detail", "exercise_id")
def exercise_share(request, exercise_id: int):
    exercise = exercise_for_member_or_404(request.user, exercise_id)
    fields = posted(ShareForm, request)["fields"]
    services.preparation_share(person=request.user, exercise_id=exercise.pk, fields=fields)
    messages.success(
        request, "Shared the parts you chose." if fields else "Nothing of it is shared now."
    )
    return redirect("exercise_detail", exercise_id=exercise.pk)
