"""A person's own report as PDF (the couple report's PDF is beside its page in couples.views).
Same permissions and contents as the page; only the frame is paper's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from interdep.access.assessments import own_assessment_or_404
from interdep.assessments import report_cache
from interdep.lib.pdf import PERSONAL_FRAME, pdf_response, render_pdf


@login_required
@require_GET
def report_pdf(request, assessment_id: int):
    assessment = own_assessment_or_404(request.user, assessment_id)
    if not assessment.submitted:
        return redirect("assessment_start")
    report = report_cache.private_report(assessment)
    pdf = render_pdf(
        "assessments/report.html",
        {"assessment": assessment, "report": report, "history": []},
        request=request,
        frame=PERSONAL_FRAME,
    )
    return pdf_response(pdf, f"my-report-{assessment.submitted_at:%Y-%m-%d}.pdf")
