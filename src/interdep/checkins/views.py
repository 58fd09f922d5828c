"""Check-in pages: the check-in itself, the personal timeline, reminders, and the couple view."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interdep.access.checkins import own_checkin_or_404
from interdep.checkins import presenters, selectors, services
from interdep.checkins.forms import CheckInForm, ScheduleForm
from interdep.checkins.models import FEEL_MAX, FEEL_MIN, MOOD_MAX, MOOD_MIN, BidAnswered, NoChoice
from interdep.lib import zone_list
from interdep.lib.errors import ServiceError

SLIDERS = (
    # name, label, low anchor, high anchor, min, max, default
    ("valence", "Mood right now", "unpleasant", "pleasant", MOOD_MIN, MOOD_MAX, 50),
    ("arousal", "Energy", "calm, low", "wound up, high", MOOD_MIN, MOOD_MAX, 50),
    ("closeness", "Closeness to my partner", "distant", "very close", FEEL_MIN, FEEL_MAX, 4),
    ("felt_self", "I did something for me", "not at all", "very much", FEEL_MIN, FEEL_MAX, 4),
)


def _form_context(request, values: dict | None = None) -> dict:
    schedule = selectors.schedule_of(request.user)
    values = values or {}
    return {
        "sliders": [
            {
                "name": n,
                "label": lab,
                "low": lo,
                "high": hi,
                "min": mn,
                "max": mx,
                "value": values.get(n, d),
            }
            for n, lab, lo, hi, mn, mx, d in SLIDERS
        ],
        "values": values,
        "no_choices": NoChoice.choices,
        "bid_choices": [c for c in BidAnswered.choices if c[0]],
        "tz": values.get("tz") or (schedule.tz if schedule else "UTC"),
        "has_schedule": schedule is not None,
        "zone_options": zone_list.select_options(
            values.get("tz") or (schedule.tz if schedule else "UTC")
        ),
        "guess_zone": schedule is None and not values.get("tz"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def checkin_new(request):
    if request.method == "GET":
        return render(request, "checkins/new.html", _form_context(request))
    form = CheckInForm(request.POST)
    form.full_clean()
    occurred_at = None
    when = form.cleaned_data["when"]
    if when:
        try:
            occurred_at = datetime.fromisoformat(when)
        except ValueError:
            messages.error(request, "That time could not be read; use the date and time picker.")
            return render(
                request,
                "checkins/new.html",
                _form_context(request, request.POST.dict()),
                status=422,
            )
    try:
        services.checkin_create(
            person=request.user, occurred_at=occurred_at, **form.service_values()
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return render(
            request,
            "checkins/new.html",
            _form_context(request, request.POST.dict()),
            status=exc.status,
        )
    messages.success(request, "Thank you. Your check-in is saved.")
    return redirect("checkin_timeline")


@login_required
@require_GET
def timeline(request):
    return render(
        request, "checkins/timeline.html", {"timeline": presenters.timeline(request.user)}
    )


@login_required
@require_GET
def checkin_detail(request, checkin_id: int):
    checkin = own_checkin_or_404(request.user, checkin_id)
    return render(
        request,
        "checkins/detail.html",
        {"checkin": checkin, "local": selectors.local_time(checkin)},
    )


@login_required
@require_POST
def checkin_delete(request, checkin_id: int):
    checkin = own_checkin_or_404(request.user, checkin_id)
    services.checkin_delete(person=request.user, checkin_id=checkin.pk)
    messages.success(request, "That check-in is deleted.")
    return redirect("checkin_timeline")


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request):
    current = selectors.schedule_of(request.user)
    status = 200
    if request.method == "POST":
        try:
            form = ScheduleForm(request.POST)
            form.full_clean()
            services.schedule_save(person=request.user, **form.service_values())
        except ServiceError as exc:
            messages.error(request, exc.message)
            status = exc.status
        else:
            messages.success(request, "Your reminder times are saved.")
            return redirect("checkin_schedule")
    times = list(current.times) if current else ["20:00"]
    while len(times) < services.MAX_PROMPTS_PER_DAY:
        times.append("")
    return render(
        request,
        "checkins/schedule.html",
        {
            "schedule": current,
            "times": times,
            "zone_options": zone_list.select_options(current.tz if current else "UTC"),
            "guess_zone": current is None,
            "tz": current.tz if current else "UTC",
            "max_times": services.MAX_PROMPTS_PER_DAY,
        },
        status=status,
    )


@login_required
@require_GET
def dynamics(request):
    view = presenters.couple_dynamics_view(request.user)
    return render(request, "checkins/dynamics.html", {"view": view})
