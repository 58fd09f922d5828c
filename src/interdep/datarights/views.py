"""Your data: download all of it (a zip of JSON and CSV), or delete the account."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from interdep.accounts import sessions
from interdep.datarights import services
from interdep.datarights.forms import ExportForm
from interdep.lib.forms import posted
from interdep.lib.personal_data import holders


@login_required
@require_GET
def overview(request):
    return render(request, "datarights/overview.html", {"holders": [h.name for h in holders()]})


@login_required
@require_POST
def export(request):
    """Everything, safety answers included: only after the password was typed again recently
    (a session left open on a shared phone must not hand it over)."""
    if not (
        sessions.confirm_password(request, posted(ExportForm, request)["password"])
        or sessions.recently_authenticated(request)
    ):
        return render(
            request,
            "datarights/overview.html",
            {
                "holders": [h.name for h in holders()],
                "password_error": "Type your password to download your data.",
            },
            status=403,
        )
    data = services.export_zip(request.user)
    response = HttpResponse(data, content_type="application/zip")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="interdep-my-data-{stamp}.zip"'
    return response
