"""Notification pages and fragments, push subscriptions, and the email unsubscribe link.

New notices reach an open page by htmx polling (the menu count and the home list ask every
NOTIFICATION_POLL_SECONDS), not server-sent events: under gunicorn's sync workers every open
SSE stream would hold a worker for as long as the tab is open, whereas a poll is one indexed
COUNT query that any worker answers in a millisecond, passes every proxy, and needs nothing
new on the server. A few seconds of delay is right for "your partner said yes".
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interdep.lib.errors import ServiceError
from interdep.lib.http import refusal_as_json, refusal_renders
from interdep.notifications import push, selectors, services


@login_required
@require_GET
def notification_list(request):
    notes = list(request.user.notifications.all()[:50])
    services.mark_all_read(person=request.user)
    return render(request, "notifications/list.html", {"notes": notes})


@login_required
@require_GET
def badge(request):
    """The menu link with its count (polled; swapped in place)."""
    response = render(
        request, "notifications/_badge.html", {"unread": selectors.unread_count(request.user)}
    )
    response["Vary"] = "HX-Request"
    return response


@login_required
@require_GET
def recent(request):
    """The short list on the home page (polled; swapped in place)."""
    return render(
        request,
        "notifications/_recent.html",
        {"notes": selectors.recent(request.user), "poll": True},
    )


def _json(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise ServiceError("invalid", "The body must be JSON.", status=400) from None
    if not isinstance(data, dict):
        raise ServiceError("invalid", "The body must be a JSON object.", status=400)
    return data


@login_required
@require_POST
@refusal_as_json
def push_subscribe(request):
    """Keep this device's subscription (the browser's PushSubscription.toJSON())."""
    data = _json(request)
    keys = data.get("keys") or {}
    sub = services.subscription_save(
        person=request.user,
        endpoint=str(data.get("endpoint", "")),
        p256dh=str(keys.get("p256dh", "")),
        auth=str(keys.get("auth", "")),
        user_agent=request.headers.get("User-Agent", ""),
    )
    return JsonResponse({"id": sub.pk}, status=201)


@login_required
@require_POST
@refusal_as_json
def push_unsubscribe(request):
    data = _json(request)
    deleted = services.subscription_delete(
        person=request.user, endpoint=str(data.get("endpoint", ""))
    )
    return JsonResponse({"deleted": deleted})


@require_GET
def push_key(request):
    """The server's public VAPID key (public by nature)."""
    return HttpResponse(push.application_server_key(), content_type="text/plain")


@csrf_exempt  # the signed token in the link is the authority (RFC 8058 one-click POSTs too)
@require_http_methods(["GET", "POST"])
@refusal_renders("notifications/unsubscribe.html")
def unsubscribe(request, token: str):
    """From an email, without logging in: GET asks, POST (or a mail client's one-click POST)
    turns the emails off."""
    if request.method == "GET":
        return render(request, "notifications/unsubscribe.html", {"token": token})
    services.unsubscribe(token=token)
    return render(request, "notifications/unsubscribe.html", {"done": True})
