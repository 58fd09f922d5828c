"""Link with a partner, share or withdraw, unlink, and the couple report page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interdep.access.core import (
    active_membership,
    couple_report_access,
    couple_report_for_member_or_404,
    partner_membership,
)
from interdep.assessments import presenters, selectors
from interdep.couples import services
from interdep.couples.forms import ConsentForm, JoinForm
from interdep.lib.forms import posted
from interdep.lib.http import refusal_redirects_to


@login_required
@require_GET
def couple_home(request):
    mine = active_membership(request.user)
    partner = partner_membership(mine)
    access = couple_report_access(request.user) if partner else None
    return render(
        request,
        "couples/home.html",
        {
            "mine": mine,
            "partner": partner,
            "access": access,
            "invite": services.open_invite(request.user) if mine is None else None,
            "join_code": request.GET.get("code", ""),
        },
    )


@login_required
@require_POST
@refusal_redirects_to("couple")
def invite(request):
    services.invite_create(person=request.user)
    return redirect("couple")


@login_required
@require_http_methods(["GET", "POST"])
@refusal_redirects_to("couple")
def join(request):
    if request.method == "GET":  # the shareable link: /couple/join/?code=...
        return redirect(
            f"{reverse('couple')}?code={services.normalise_code(request.GET.get('code', ''))}"
        )
    services.couple_join(person=request.user, code=posted(JoinForm, request)["code"])
    messages.success(request, "You are linked. Each of you keeps your own answers private.")
    return redirect("couple")


@login_required
@require_POST
@refusal_redirects_to("couple")
def unlink(request):
    services.couple_unlink(person=request.user)
    messages.success(
        request, "You are no longer linked. Your own assessments and reports are still here."
    )
    return redirect("couple")


@login_required
@require_POST
@refusal_redirects_to("couple")
def consent(request):
    share = posted(ConsentForm, request)["share"]
    services.consent_set(person=request.user, share=share)
    messages.success(
        request,
        "Thank you: you said yes to a couple report."
        if share
        else "Sharing is off. The couple report is gone for both of you.",
    )
    return redirect("couple")


@login_required
@require_GET
def couple_report(request, couple_id: int):
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
    return render(request, "couples/report.html", {"report": report, "access": access})
