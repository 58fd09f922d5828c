"""The clinician's workspace (caseload, a couple's page, PDF and CSV exports) and the couple's
side (grant with a code, agree, revoke, and the log of who saw what, when). Thin: permissions
decide, services write, selectors read; every clinician view and export is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from interdep.access.clinic import clinician_grant_or_404, couple_grant_or_404
from interdep.access.core import active_membership, partner_membership
from interdep.clinic import selectors, services
from interdep.clinic.figures import couple_figures
from interdep.clinic.forms import ApplyForm, GrantForm
from interdep.clinic.models import AuditEvent, ClinicianProfile
from interdep.clinic.pdf import render_pdf
from interdep.lib.clinic_sources import sources
from interdep.lib.csv_writer import csv_text
from interdep.lib.errors import ServiceError
from interdep.lib.http import refusal_redirects_to
from interdep.lib.numbers import rounded

# ---------------------------------------------------------------------------------------------
# Clinician side
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def workspace(request):
    """Verified: the caseload. Applied: waiting for staff. Anyone else: how to apply."""
    profile = ClinicianProfile.objects.filter(person=request.user).first()
    if profile is None or not profile.verified:
        return render(request, "clinic/apply.html", {"profile": profile, "form": ApplyForm()})
    grants = selectors.caseload(request.user)
    couples = selectors.summaries(grants)
    services.audit_views(grants=grants, action=AuditEvent.VIEW_CASELOAD)
    return render(request, "clinic/caseload.html", {"profile": profile, "couples": couples})


@login_required
@require_POST
@refusal_redirects_to("clinic_home")
def apply(request):
    form = ApplyForm(request.POST)
    if form.is_valid():
        services.clinician_apply(person=request.user, **form.cleaned_data)
        messages.success(
            request, "Thank you. Staff will check your registration; until then you see nobody."
        )
    else:
        messages.error(request, "Give your professional name and your registration.")
    return redirect("clinic_home")


@login_required
@require_POST
def new_code(request):
    try:
        services.clinician_new_code(person=request.user)
    except ServiceError:
        raise Http404 from None  # not a (verified) clinician: nothing here
    messages.success(request, "You have a new code. The old one no longer works for new couples.")
    return redirect("clinic_home")


def _couple_context(request, couple_id: int, *, history: bool):
    grant = clinician_grant_or_404(request.user, couple_id)
    (summary,) = selectors.summaries([grant], with_history=history)
    sections = []
    if grant.dynamics:
        for source in sources("dynamics"):
            if source.section is not None and source.template:
                context = source.section(grant.couple_id, [p.person_id for p in summary.people])
                if context is not None:
                    sections.append((source.template, context))
    return grant, {
        "grant": grant,
        "couple": summary,
        "figures": couple_figures(summary),
        "sections": sections,
    }


@login_required
@require_GET
def couple_detail(request, couple_id: int):
    grant, context = _couple_context(request, couple_id, history=True)
    services.audit_views(grants=[grant], action=AuditEvent.VIEW_COUPLE)
    return render(request, "clinic/couple.html", {**context, "base_template": "base.html"})


@login_required
@require_GET
def couple_pdf(request, couple_id: int):
    grant, context = _couple_context(request, couple_id, history=True)
    pdf = render_pdf("clinic/couple.html", context, request=request)
    return _audited_download(
        grant, AuditEvent.EXPORT_PDF, pdf, "application/pdf", f"couple-{couple_id}-report.pdf"
    )


@login_required
@require_GET
def couple_csv(request, couple_id: int):
    """Every assessment of both partners as the couple report scores it (no item answers)."""
    grant, context = _couple_context(request, couple_id, history=True)
    summary = context["couple"]
    header: list[str] | None = None
    rows = []
    for person in summary.people:
        for assessment, result, _ in reversed(person.history):
            scales, facets = sorted(result.scales), sorted(result.facets)
            if header is None:
                fixed = ["couple_id", "partner", "assessment", "submitted_at", "instrument_version"]
                header = [*fixed, "dynamic", *scales, *facets]
            rows.append(
                [
                    summary.couple_id,
                    person.name,
                    assessment.pk,
                    assessment.submitted_at.isoformat(),
                    assessment.instrument_version,
                    result.dynamic or "",
                    *(rounded(result.scales[s], 2) for s in scales),
                    *(rounded(result.facets[f], 2) for f in facets),
                ]
            )
    document = csv_text(header, rows) if header is not None else ""
    return _audited_download(
        grant,
        AuditEvent.EXPORT_CSV,
        document,
        "text/csv; charset=utf-8",
        f"couple-{couple_id}-scores.csv",
    )


def _audited_download(grant, action: str, body, content_type: str, filename: str):
    """A file the clinician downloads about a couple, written to the audit log first."""
    services.audit_views(grants=[grant], action=action)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------------------------------------
# The couple's side
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def access(request):
    mine = active_membership(request.user)
    partner = partner_membership(mine)
    if mine is None or partner is None:
        return render(request, "clinic/access.html", {"linked": False})
    grants = selectors.couple_grants(mine.couple_id)
    rows = []
    for grant in grants:
        agreed = {a.person_id for a in grant.agreements.all()}
        rows.append(
            {
                "grant": grant,
                "i_agreed": request.user.pk in agreed,
                "partner_agreed": partner.person_id in agreed,
            }
        )
    names = {request.user.pk: "You", partner.person_id: partner.person.display_name}
    log = [
        (e, names.get(e.actor_id, "A former partner") if e.actor_id else "")
        for e in selectors.audit_log(mine.couple_id)
    ]
    return render(
        request,
        "clinic/access.html",
        {
            "linked": True,
            "partner": partner,
            "rows": rows,
            "log": log,
            "form": GrantForm(),
        },
    )


@login_required
@require_POST
@refusal_redirects_to("clinic_access")
def grant(request):
    form = GrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the code your clinician gave you.")
        return redirect("clinic_access")
    services.grant_propose(person=request.user, **form.cleaned_data)
    messages.success(
        request, "Done. Your partner must agree too before the clinician sees anything."
    )
    return redirect("clinic_access")


@login_required
@require_POST
@refusal_redirects_to("clinic_access")
def grant_agree(request, grant_id: int):
    couple_grant_or_404(request.user, grant_id)  # another couple's grant does not exist
    g = services.grant_agree(person=request.user, grant_id=grant_id)
    messages.success(
        request,
        "You agreed."
        + (
            " The clinician can see your couple now."
            if g.active_since
            else " Your partner must agree too."
        ),
    )
    return redirect("clinic_access")


@login_required
@require_POST
@refusal_redirects_to("clinic_access")
def grant_revoke(request, grant_id: int):
    couple_grant_or_404(request.user, grant_id)  # another couple's grant does not exist
    services.grant_revoke(person=request.user, grant_id=grant_id)
    messages.success(
        request, "Access is revoked. The clinician cannot see anything of yours from now on."
    )
    return redirect("clinic_access")
