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

from interdep import permissions
from interdep.assessments import reports, selectors
from interdep.couples import invites, services
from interdep.services import ServiceError


@login_required
@require_GET
def couple_home(request):
    mine = permissions.active_membership(request.user)
    partner = permissions.partner_membership(mine)
    access = permissions.couple_report_access(request.user) if partner else None
    return render(
        request,
        "couples/home.html",
        {
            "mine": mine,
            "partner": partner,
            "access": access,
            "invite": services.open_invite(request.user) if mine is None else None,
            "join_code": request.GET.get("code", "")
            or request.session.get(invites.SESSION_KEY, ""),
            "join_preview": invites.preview(
                request.GET.get("code", "") or request.session.get(invites.SESSION_KEY, ""),
                viewer=request.user,
            )
            if mine is None
            else None,
            "invite_url": f"{settings.SITE_URL}{reverse('couple_join')}",
        },
    )


@login_required
@require_POST
def invite(request):
    try:
        services.invite_create(person=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("couple")


@require_http_methods(["GET", "POST"])
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
    try:
        services.couple_join(person=request.user, code=request.POST.get("code", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("couple")
    request.session.pop(invites.SESSION_KEY, None)
    messages.success(request, "You are linked. Each of you keeps your own answers private.")
    return redirect("couple")


@login_required
@require_POST
def unlink(request):
    try:
        services.couple_unlink(person=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "You are no longer linked. Your own assessments and reports are still here."
        )
    return redirect("couple")


@login_required
@require_POST
def consent(request):
    share = request.POST.get("share") == "yes"
    try:
        services.consent_set(person=request.user, share=share)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
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
    access = permissions.couple_report_for_member_or_404(request.user, couple_id)
    partner_name = access.partner.person.display_name
    if not access.allowed:
        return render(
            request,
            "couples/report_unavailable.html",
            {"access": access, "partner_name": partner_name},
            status=403,
        )
    report = reports.couple_report(
        selectors.instrument_of(access.my_assessment),
        access.my_assessment,
        access.partner_assessment,
        couple_id=str(access.couple.pk),
        partner_name=partner_name,
    )
    return render(request, "couples/report.html", {"report": report, "access": access})
