"""Your data: download all of it (a zip of JSON and CSV), or delete the account."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from interdep.datarights import services
from interdep.lib.personal_data import holders


@login_required
@require_GET
def overview(request):
    return render(request, "datarights/overview.html", {"holders": [h.name for h in holders()]})


@login_required
@require_POST
def export(request):
    data = services.export_zip(request.user)
    response = HttpResponse(data, content_type="application/zip")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="interdep-my-data-{stamp}.zip"'
    return response
