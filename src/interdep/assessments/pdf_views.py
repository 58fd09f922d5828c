"""A person's own reports as PDF: their private report, and (when both partners share) the
couple report. Same permissions and contents as the pages; only the frame is paper's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from interdep.access.assessments import own_assessment_or_404
from interdep.access.core import active_membership, couple_report_for_member_or_404
from interdep.assessments import presenters, selectors
from interdep.lib.pdf import PERSONAL_FRAME, pdf_response, render_pdf


@login_required
@require_GET
def report_pdf(request, assessment_id: int):
    assessment = own_assessment_or_404(request.user, assessment_id)
    if not assessment.submitted:
        return redirect("assessment_start")
    mine = active_membership(request.user)
    report = presenters.personal_report(assessment, couple_id=str(mine.couple_id) if mine else None)
    pdf = render_pdf(
        "assessments/report.html",
        {"assessment": assessment, "report": report, "history": []},
        request=request,
        frame=PERSONAL_FRAME,
    )
    return pdf_response(pdf, f"my-report-{assessment.submitted_at:%Y-%m-%d}.pdf")


@login_required
@require_GET
def couple_report_pdf(request, couple_id: int):
    access = couple_report_for_member_or_404(request.user, couple_id)
    partner_name = access.partner.person.display_name
    if not access.allowed:
        return render(
            request,
            "couples/report_unavailable.html",
            {"access": access, "partner_name": partner_name},
            status=403,
        )
    report = presenters.couple_report(
        selectors.instrument_of(access.my_assessment),
        access.my_assessment,
        access.partner_assessment,
        couple_id=str(access.couple.pk),
        partner_name=partner_name,
    )
    pdf = render_pdf(
        "couples/report.html",
        {"report": report, "access": access},
        request=request,
        frame=PERSONAL_FRAME,
    )
    return pdf_response(pdf, "our-couple-report.pdf")
