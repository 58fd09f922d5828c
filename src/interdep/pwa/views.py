"""The installable app (manifest, service worker, offline page) and the public site pages
(privacy notice, terms)."""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

#: Static files the service worker keeps so the app opens without a connection.
SHELL_STATIC = (
    "css/site.css",
    "css/frame.css",
    "js/app.js",
    "js/checkins.js",
    "js/outbox.js",
    "js/push.js",
    "vendor/htmx-2.0.10.min.js",
    "icons/icon-192.png",
    "icons/favicon-32.png",
)


@require_GET
def manifest(request):
    name = settings.SITE_NAME
    data = {
        "name": name,
        "short_name": name[:12],
        "description": "Daily check-ins and practice for couples.",
        "id": "/",
        "start_url": "/?source=app",
        "scope": "/",
        "display": "standalone",
        "background_color": "#fbf8f4",
        "theme_color": "#1f6f5c",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
        "shortcuts": [{"name": "Check in", "url": "/checkins/"}],
    }
    response = JsonResponse(data)
    response["Content-Type"] = "application/manifest+json"
    return response


@cache
def _shell_version() -> str:
    """Changes whenever a shell file changes, so the service worker replaces its cache."""
    digest = hashlib.sha256(settings.SITE_NAME.encode())
    for name in SHELL_STATIC:
        path = finders.find(name)
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request):
    """Served from the site's root so its scope is the whole app."""
    response = render(
        request,
        "pwa/sw.js",
        {
            "version": _shell_version(),
            "shell": mark_safe(  # a JSON list of our own paths, for the worker's install step
                json.dumps(
                    [static(n) for n in SHELL_STATIC] + ["/offline/", "/manifest.webmanifest"]
                )
            ),
        },
        content_type="text/javascript",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request):
    return render(request, "pwa/offline.html")


@require_GET
def favicon(request):
    with open(finders.find("icons/favicon.ico"), "rb") as handle:
        response = HttpResponse(handle.read(), content_type="image/x-icon")
    response["Cache-Control"] = "max-age=86400"
    return response


@require_GET
def privacy(request):
    return render(request, "pwa/privacy.html", _operator())


@require_GET
def terms(request):
    return render(request, "pwa/terms.html", _operator())


def _operator() -> dict:
    return {"operator": settings.OPERATOR_NAME, "contact": settings.OPERATOR_CONTACT}
