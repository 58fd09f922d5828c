"""Response headers Django does not set on its own."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render


class PermissionsPolicyMiddleware:
    """Switch off browser features that no page here uses (camera, microphone, location...)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer once an account is locked: the JSON error shape on the API (as its
    OpenAPI document promises for 429), the friendly page everywhere else."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Too many attempts. Try again later.", "code": "locked_out"}, status=429
        )
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
