"""The assessment (grouped pages, answers saved as given), personal reports, and the private
support page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interdep.access.assessments import latest_submitted, own_assessment_or_404
from interdep.access.core import couple_report_access
from interdep.assessments import report_cache, selectors, services
from interdep.assessments.forms import PageAnswersForm
from interdep.assessments.support import support_resources
from interdep.lib.errors import ServiceError
from interdep.lib.http import refusal_redirects_to
from interdep.science.instrument import load_instrument


def home(request):
    statements = len(load_instrument().items)
    if not request.user.is_authenticated:
        return render(request, "home_public.html", {"statements": statements})
    access = couple_report_access(request.user)  # the partner's membership comes with it
    partner = access.partner
    open_one = selectors.open_assessment(request.user)
    latest = latest_submitted(request.user)
    return render(
        request,
        "home.html",
        {
            "partner": partner,
            "open_assessment": open_one,
            "progress": selectors.progress(open_one) if open_one else None,
            "latest": latest,
            "access": access if partner else None,
            "statements": statements,
        },
    )


def _open_or_done(request):
    """The open assessment, or a redirect to the report when the person's answers were already
    sent: a GET (the back button, a bookmark, the Assessment link) never starts a new, blank
    assessment after a submit. Someone who never submitted starts their first one here."""
    open_one = selectors.open_assessment(request.user)
    if open_one is not None:
        return open_one, None
    if latest_submitted(request.user) is not None:
        messages.info(
            request,
            "Those answers are already sent, and this is the report they made. To answer again, "
            "choose “Take the assessment again” below.",
        )
        return None, redirect("report_latest")
    return services.assessment_open(person=request.user), None


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start(request):
    """Resume where the person left off: the first page with an unanswered question.

    After a submitted assessment, a new one starts only on an explicit POST ("Take the
    assessment again"); a GET shows that choice instead of starting one silently.
    """
    if request.method == "POST":
        assessment = services.assessment_open(person=request.user)
    else:
        assessment = selectors.open_assessment(request.user)
        if assessment is None and latest_submitted(request.user) is not None:
            return render(request, "assessments/retake.html")
        if assessment is None:
            assessment = services.assessment_open(person=request.user)
    answers = selectors.answers_of(assessment)
    for page in selectors.pages(assessment.instrument_version):
        if any(item.id not in answers for item in page.items):
            return redirect("assessment_page", number=page.number)
    return redirect("assessment_review")


def _page_or_404(version: str, number: int):
    all_pages = selectors.pages(version)
    if not 1 <= number <= len(all_pages):
        raise Http404
    return all_pages, all_pages[number - 1]


@login_required
@require_http_methods(["GET", "POST"])
def assessment_page(request, number: int):
    assessment, done = _open_or_done(request)
    if done is not None:
        return done
    all_pages, page = _page_or_404(assessment.instrument_version, number)
    if request.method == "POST":
        form = PageAnswersForm(request.POST, page=page)
        form.full_clean()
        try:
            services.answers_save(person=request.user, answers=form.answers())
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("assessment_page", number=number)
        if form.cleaned_data["go"] == "back" and number > 1:
            return redirect("assessment_page", number=number - 1)
        if number < len(all_pages):
            return redirect("assessment_page", number=number + 1)
        return redirect("assessment_review")
    answers = selectors.answers_of(assessment)
    instrument = selectors.instrument_of(assessment)
    return render(
        request,
        "assessments/page.html",
        {
            "assessment": assessment,
            "page": page,
            "page_count": len(all_pages),
            "items": [(item, answers.get(item.id)) for item in page.items],
            "progress": selectors.progress(assessment, answers),
            "scale": sorted(instrument.scale.anchors.items()),
            "next_url": reverse("assessment_page", args=[number + 1])
            if number < len(all_pages)
            else reverse("assessment_review"),
        },
    )


@login_required
@require_POST
def assessment_answer(request):
    """htmx: save the answers of one page as they are given; returns the progress fragment."""
    assessment = selectors.open_assessment(request.user)
    submitted = latest_submitted(request.user) is not None
    if assessment is None and not submitted:
        assessment = services.assessment_open(person=request.user)  # the very first answer
    if assessment is None:  # a page kept by the back button after submitting: start nothing
        return render(
            request,
            "assessments/page.html#progress",
            {
                "progress": None,
                "saved": False,
                "error": "These answers were already sent. To answer again, start a new "
                "assessment from your report.",
            },
        )
    instrument = selectors.instrument_of(assessment)
    given = {k: v for k, v in request.POST.items() if instrument.has_item(k)}
    error = None
    try:
        services.answers_save(person=request.user, answers=given)
    except ServiceError as exc:
        error = exc.message
    # 200 even on a refusal: htmx 2 does not swap 4xx responses, and the message must show.
    return render(
        request,
        "assessments/page.html#progress",
        {
            "progress": selectors.progress(assessment),
            "saved": error is None,
            "error": error,
        },
    )


@login_required
@require_GET
def assessment_review(request):
    assessment, done = _open_or_done(request)
    if done is not None:
        return done
    answers = selectors.answers_of(assessment)
    missing = [
        (page, sum(1 for i in page.items if i.id not in answers))
        for page in selectors.pages(assessment.instrument_version)
    ]
    return render(
        request,
        "assessments/review.html",
        {
            "progress": selectors.progress(assessment, answers),
            "missing": [(p, n) for p, n in missing if n],
            "page_count": len(missing),
        },
    )


@login_required
@require_POST
@refusal_redirects_to("assessment_review")
def assessment_submit(request):
    assessment = services.assessment_submit(person=request.user)
    if assessment.safety_raised:
        return redirect("support")
    return redirect("report_detail", assessment_id=assessment.pk)


@login_required
@require_GET
def report_latest(request):
    latest = latest_submitted(request.user)
    if latest is None:
        return render(request, "assessments/no_report.html")
    return redirect("report_detail", assessment_id=latest.pk)


@login_required
@require_GET
def report_detail(request, assessment_id: int):
    assessment = own_assessment_or_404(request.user, assessment_id)
    if not assessment.submitted:
        return redirect("assessment_start")
    report = report_cache.private_report(assessment)
    return render(
        request,
        "assessments/report.html",
        {
            "assessment": assessment,
            "report": report,
            "history": selectors.history(request.user),
            "quiet_support": report["quiet_support"],
        },
    )


@login_required
@require_GET
def history(request):
    return render(request, "assessments/history.html", {"history": selectors.history(request.user)})


@require_GET
def support(request):
    """Calm resources for everyone; the personal note shows only to the person whose own latest
    answers met the support rule (never to a partner, never in a title). The page always leads
    on to the person's report and offers a quick exit."""
    latest = latest_submitted(request.user) if request.user.is_authenticated else None
    return render(
        request,
        "assessments/support.html",
        {
            "raised": bool(latest and latest.safety_raised),
            "has_report": latest is not None,
            "resources": support_resources(),
            "quick_exit_url": settings.QUICK_EXIT_URL,
        },
    )
