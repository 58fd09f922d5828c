"""Guided couple exercises: the list, one exercise's page, and its form posts (views stay thin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from interdep import permissions
from interdep.exercises import presenters, selectors, services
from interdep.science.exercise_guides import load_guides
from interdep.services import ServiceError


@login_required
@require_GET
def exercise_list(request):
    mine = permissions.active_membership(request.user)
    partner = permissions.partner_membership(mine)
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
def exercise_start(request):
    try:
        exercise = services.exercise_start(person=request.user, kind=request.POST.get("kind", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("exercise_list")
    return redirect("exercise_detail", exercise_id=exercise.pk)


@login_required
@require_GET
def exercise_detail(request, exercise_id: int):
    exercise = permissions.exercise_for_member_or_404(request.user, exercise_id)
    return render(request, "exercises/detail.html", presenters.detail(request.user, exercise))


def _form_content(request, exercise) -> dict:
    guide = selectors.guide_of(exercise)
    return {f.id: request.POST.get(f.id, "") for f in guide.fields}


@login_required
@require_POST
def exercise_entry(request, exercise_id: int):
    exercise = permissions.exercise_for_member_or_404(request.user, exercise_id)
    action = request.POST.get("action", "draft")
    try:
        services.entry_save(
            person=request.user,
            exercise_id=exercise.pk,
            content=_form_content(request, exercise),
            send=action == "send",
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        exercise.refresh_from_db()
        other = (
            exercise.partner if exercise.started_by_id == request.user.pk else exercise.started_by
        )
        name = other.display_name if other is not None else "your partner"
        messages.success(request, presenters.saved_words(action, exercise, name))
    return redirect("exercise_detail", exercise_id=exercise.pk)


@login_required
@require_POST
def exercise_withdraw(request, exercise_id: int):
    exercise = permissions.exercise_for_member_or_404(request.user, exercise_id)
    try:
        services.entry_withdraw(person=request.user, exercise_id=exercise.pk)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "Taken back. It is a private draft again, and only you can see it."
        )
    return redirect("exercise_detail", exercise_id=exercise.pk)


@login_required
@require_POST
def exercise_agree(request, exercise_id: int):
    exercise = permissions.exercise_for_member_or_404(request.user, exercise_id)
    try:
        services.exercise_agree(person=request.user, exercise_id=exercise.pk)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("exercise_detail", exercise_id=exercise.pk)


@login_required
@require_POST
def exercise_share(request, exercise_id: int):
    exercise = permissions.exercise_for_member_or_404(request.user, exercise_id)
    fields = request.POST.getlist("fields")
    try:
        services.preparation_share(person=request.user, exercise_id=exercise.pk, fields=fields)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "Shared the parts you chose." if fields else "Nothing of it is shared now."
        )
    return redirect("exercise_detail", exercise_id=exercise.pk)
