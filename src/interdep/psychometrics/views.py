"""Thin views: the research-consent toggle (on "Your data") and the staff psychometrics page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interdep.access.assessments import own_assessment_or_404
from interdep.access.core import staff_or_404
from interdep.lib.forms import posted
from interdep.lib.http import refusal_redirects_to
from interdep.psychometrics import selectors, services
from interdep.psychometrics.figures import ios_svg
from interdep.psychometrics.forms import ResearchConsentForm, posted_anchor_answers


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


@login_required
@require_http_methods(["GET", "POST"])
@refusal_redirects_to("assessment_anchors", "assessment_id")
def anchors(request, assessment_id: int):
    """A few optional questions after an assessment (closeness pictures, satisfaction, and any
    measure the deployment added); every one may be skipped, and the report follows either way."""
    assessment = own_assessment_or_404(request.user, assessment_id)
    if not assessment.submitted:
        return redirect("assessment_start")
    on_offer = selectors.measures()
    if request.method == "POST":
        saved = services.anchors_save(
            person=request.user,
            assessment_id=assessment.pk,
            answers=posted_anchor_answers(request.POST, on_offer),
        )
        if saved:
            messages.success(request, "Thank you. Your answers are saved with this report.")
        return redirect("report_detail", assessment_id=assessment.pk)
    given = selectors.anchors_of(assessment)
    questions = [
        {
            "measure": m,
            "items": [
                {
                    "item": item,
                    "name": f"{m.id}.{item.id}",
                    "value": given.get(m.id, {}).get(item.id),
                    "points": [
                        {
                            "value": v,
                            "anchor": m.anchors.get(v, ""),
                            "picture": ios_svg(v) if m.kind == "pictures" else "",
                        }
                        for v in m.points
                    ],
                }
                for item in m.items
            ],
        }
        for m in on_offer
    ]
    return render(
        request,
        "psychometrics/anchors.html",
        {"assessment": assessment, "questions": questions, "count": len(on_offer)},
    )
