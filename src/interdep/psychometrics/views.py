"""Thin views: the research-consent toggle (on "Your data") and the staff psychometrics page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from interdep.access.core import staff_or_404
from interdep.lib.forms import posted
from interdep.psychometrics import selectors, services
from interdep.psychometrics.forms import ResearchConsentForm


@login_required
@require_POST
def research_consent(request):
    consent = posted(ResearchConsentForm, request)["consent"]
    services.research_consent_set(person=request.user, consent=consent)
    messages.success(
        request,
        "Thank you for helping us check the questionnaire. You can switch this off at any time."
        if consent
        else "Done: your answers are no longer part of the research pool.",
    )
    return redirect("datarights")


@require_GET
def staff_psychometrics(request):
    staff_or_404(request.user)
    return render(request, "psychometrics/staff.html", {"p": selectors.psychometrics()})
