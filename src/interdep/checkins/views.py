"""Check-in pages: the check-in itself, the personal timeline, reminders, and the couple view."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interdep import permissions
from interdep.checkins import selectors, services
from interdep.checkins.models import FEEL_MAX, FEEL_MIN, MOOD_MAX, MOOD_MIN, BidAnswered, NoChoice
from interdep.services import ServiceError

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
        "zones": services.zone_choices(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def checkin_new(request):
    if request.method == "GET":
        return render(request, "checkins/new.html", _form_context(request))
    data = request.POST
    occurred_at = None
    when = data.get("when", "").strip()
    if when:
        try:
            occurred_at = datetime.fromisoformat(when)
        except ValueError:
            messages.error(request, "That time could not be read; use the date and time picker.")
            return render(
                request, "checkins/new.html", _form_context(request, data.dict()), status=422
            )
    try:
        services.checkin_create(
            person=request.user,
            valence=data.get("valence"),
            arousal=data.get("arousal"),
            closeness=data.get("closeness"),
            felt_self=data.get("felt_self"),
            bid_made=data.get("bid_made") == "yes",
            bid_answered=data.get("bid_answered", ""),
            no_choice=data.get("no_choice", NoChoice.NONE),
            conflict=data.get("conflict") == "yes",
            note=data.get("note", ""),
            occurred_at=occurred_at,
            tz=data.get("tz") or None,
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return render(
            request, "checkins/new.html", _form_context(request, data.dict()), status=exc.status
        )
    messages.success(request, "Thank you. Your check-in is saved.")
    return redirect("checkin_timeline")


@login_required
@require_GET
def timeline(request):
    return render(request, "checkins/timeline.html", {"timeline": selectors.timeline(request.user)})


@login_required
@require_GET
def checkin_detail(request, checkin_id: int):
    checkin = permissions.own_checkin_or_404(request.user, checkin_id)
    return render(
        request,
        "checkins/detail.html",
        {"checkin": checkin, "local": selectors.local_time(checkin)},
    )


@login_required
@require_POST
def checkin_delete(request, checkin_id: int):
    checkin = permissions.own_checkin_or_404(request.user, checkin_id)
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
            services.schedule_save(
                person=request.user,
                times=[t for t in request.POST.getlist("times") if t.strip()],
                tz=request.POST.get("tz", ""),
                paused=request.POST.get("paused") == "yes",
            )
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
            "zones": services.zone_choices(),
            "tz": current.tz if current else "UTC",
            "max_times": services.MAX_PROMPTS_PER_DAY,
        },
        status=status,
    )


@login_required
@require_GET
def dynamics(request):
    view = selectors.couple_dynamics_view(request.user)
    return render(request, "checkins/dynamics.html", {"view": view})
