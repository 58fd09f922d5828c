"""The account settings page: one page, one small form per thing a person may change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from interdep.accounts import sessions
from interdep.checkins.models import Schedule
from interdep.lib import zone_list as zones
from interdep.lib.errors import ServiceError
from interdep.lib.http import refusal_renders
from interdep.notifications import push
from interdep.preferences import forms, services

SECTIONS = {
    "name": forms.NameForm,
    "email": forms.EmailForm,
    "password": forms.PasswordForm,
    "tz": forms.ZoneForm,
    "channels": forms.ChannelsForm,
    "signout": forms.SignOutOthersForm,
}


def _initial(request) -> dict:

    prefs = services.preferences_of(request.user)
    schedule = Schedule.objects.filter(person=request.user).first()
    return {
        "name": {"display_name": request.user.display_name},
        "tz": {"tz": prefs.tz or (schedule.tz if schedule else "")},
        "channels": {
            "notify_push": prefs.notify_push,
            "notify_email": prefs.notify_email,
            "reminders": schedule.channel if schedule else "push",
        },
    }


def _apply(request, section: str, form) -> str:
    """Carry out one section's change; returns the message to show."""
    user, data = request.user, form.cleaned_data
    if section == "name":
        services.name_set(person=user, display_name=data["display_name"])
        return "Your name is saved."
    if section == "email":
        if not sessions.recently_authenticated(request) and not sessions.confirm_password(
            request, data["current_password"]
        ):
            raise ServiceError(
                "reauth", "Enter your current password to change your email.", status=403
            )
        change = services.email_change_request(person=user, new_email=data["new_email"])
        return (
            f"We sent a link to {change.new_email}. Your address changes when you open it; "
            "until then you keep using the old one."
        )
    if section == "password":
        services.password_set(
            person=user, current=data["current_password"], new=data["new_password"]
        )
        sessions.mark_authenticated(request)
        update_session_auth_hash(request, user)  # stay signed in here; other devices are not
        return "Your password is changed. Other devices were signed out."
    if section == "tz":
        services.tz_set(person=user, tz=data["tz"])
        return "Your time zone is saved; reminders follow it."
    if section == "channels":
        services.channels_set(
            person=user,
            push=data["notify_push"],
            email=data["notify_email"],
            reminders=data["reminders"] or None,
        )
        return "How we reach you is saved."
    ended = services.sessions_end_others(person=user, keep_session_key=request.session.session_key)
    return f"Signed out on {ended} other device{'s' if ended != 1 else ''}."


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    initial = _initial(request)
    bound = {}
    status = 200
    if request.method == "POST":
        section = request.POST.get("section", "")
        if section not in SECTIONS:
            messages.error(request, "Unknown setting.")
            return redirect("settings")
        form = SECTIONS[section](request.POST)
        if form.is_valid():
            try:
                messages.success(request, _apply(request, section, form))
            except ServiceError as exc:
                field = {
                    "email": "current_password" if exc.code == "reauth" else "new_email",
                    "password": "new_password"
                    if exc.code == "weak_password"
                    else "current_password",
                    "name": "display_name",
                    "tz": "tz",
                }.get(section)
                form.add_error(field, exc.message)
                bound[section] = form
                status = 200  # htmx and plain forms alike re-render with the message
            else:
                return redirect("settings")
        else:
            bound[section] = form
    context = {
        "forms": {
            name: bound.get(name) or cls(initial=initial.get(name))
            for name, cls in SECTIONS.items()
        },
        "zone_groups": zones.grouped(initial["tz"]["tz"]),
        "current_tz": initial["tz"]["tz"],
        "reauth_recent": sessions.recently_authenticated(request),
        "vapid_key": push.application_server_key(),
        "pending_email": request.user.email_changes.filter(confirmed_at__isnull=True)
        .order_by("-created_at")
        .first(),
    }
    return render(request, "preferences/settings.html", context, status=status)


@require_http_methods(["GET", "POST"])
@refusal_renders("preferences/email_confirm.html")
def email_confirm(request, token: str):
    """Opened from the email: GET shows a button (mail scanners open links), POST applies."""
    if request.method == "GET":
        return render(request, "preferences/email_confirm.html", {"token": token})
    change = services.email_change_confirm(token=token)
    messages.success(request, f"Your email address is now {change.new_email}.")
    return redirect("settings" if request.user.is_authenticated else "login")


@login_required
@require_POST
def guide_skip(request):
    services.guide_dismiss(person=request.user)
    return redirect("home")
