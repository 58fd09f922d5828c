"""Link with a partner, share or withdraw, unlink, and the couple report page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interdep.access.assessments import latest_submitted
from interdep.access.core import (
    active_membership,
    couple_report_access,
    couple_report_for_member_or_404,
    partner_membership,
)
from interdep.assessments import report_cache
from interdep.couples import invites, services
from interdep.couples.forms import ConsentForm, JoinForm
from interdep.lib.forms import posted
from interdep.lib.http import refusal_redirects_to
from interdep.lib.pdf import PERSONAL_FRAME, pdf_response, render_pdf


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
            "has_results": latest_submitted(request.user) is not None,
            "invite": services.open_invite(request.user) if mine is None else None,
            "join_code": request.GET.get("code", "")
            or request.session.get(invites.SESSION_KEY, ""),
            "join_preview": invites.preview(
                request.GET.get("code", "") or request.session.get(invites.SESSION_KEY, ""),
                viewer=request.user,
            )
            if mine is None
            else None,
            # a deployment's own address; in development, the address this page was opened at
            # (the default SITE_URL names port 8000, which a server on another port is not)
            "invite_url": f"{settings.SITE_URL}{reverse('couple_join')}"
            if settings.PRODUCTION
            else request.build_absolute_uri(reverse("couple_join")),
        },
    )


@login_required
@require_POST
@refusal_redirects_to("couple")
def invite(request):
    services.invite_create(person=request.user)
    return redirect("couple")


@require_http_methods(["GET", "POST"])
@refusal_redirects_to("couple")
def join(request):
    if request.method == "GET":  # the shareable link: /couple/join/?code=...
        code = services.normalise_code(request.GET.get("code", ""))
        target = f"{reverse('couple')}?code={code}"
        if not request.user.is_authenticated:
            # A partner without an account: keep the code through sign-up or log-in.
            request.session[invites.SESSION_KEY] = code
            found = invites.preview(code, viewer=request.user)
            if found is not None:
                messages.info(
                    request,
                    f"{found.inviter_name} invited you. Create your account (or log in) "
                    "and you can link in one step.",
                )
            return redirect(f"{reverse('signup')}?{urlencode({'next': target})}")
        return redirect(target)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("couple"))
    services.couple_join(person=request.user, code=posted(JoinForm, request)["code"])
    request.session.pop(invites.SESSION_KEY, None)
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
    if share and latest_submitted(request.user) is None:
        # A yes means "share my results": there are none yet (the button is disabled too).
        messages.error(request, "Finish your own assessment first; then you can say yes.")
        return redirect("couple")
    services.consent_set(person=request.user, share=share)
    messages.success(
        request,
        "Thank you: you said yes to a couple report."
        if share
        else "Sharing is off. The couple report is gone for both of you.",
    )
    return redirect("couple")


def _couple_report_or_refusal(request, couple_id: int):
    """(context, None) with the couple report for a member while both share, else (None, the
    page saying why there is none, 403): one path for the page and its PDF."""
    access = couple_report_for_member_or_404(request.user, couple_id)
    partner_name = access.partner.person.display_name
    if not access.allowed:
        refusal = render(
            request,
            "couples/report_unavailable.html",
            {"access": access, "partner_name": partner_name},
            status=403,
        )
        return None, refusal
    return {"report": report_cache.couple_report(access), "access": access}, None


@login_required
@require_GET
def couple_report(request, couple_id: int):
    context, refusal = _couple_report_or_refusal(request, couple_id)
    if refusal is not None:
        return refusal
    return render(request, "couples/report.html", context)


@login_required
@require_GET
def couple_report_pdf(request, couple_id: int):
    context, refusal = _couple_report_or_refusal(request, couple_id)
    if refusal is not None:
        return refusal
    pdf = render_pdf("couples/report.html", context, request=request, frame=PERSONAL_FRAME)
    return pdf_response(pdf, "our-couple-report.pdf")
