"""The report pages whose figures and extras changed, in Chromium at 390 and 1280 px: a person
leaning codependent, their partner leaning independent, the couple report, the optional
questions after the assessment, progress, and the staff psychometrics page. Every figure on
those pages is checked for overlapping text and cut markers (inlined from its data URI), and
screenshots go to tests/artifacts/report-*.png."""

from __future__ import annotations

import base64

import pytest

from interdep.couples import services as couple_services
from interdep.psychometrics.models import AnchorAnswer

from ..conftest import PASSWORD, link, make_person, submit
from .test_figure_layout import _show, collisions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = {"phone": 390, "desktop": 1280}


def _log_in(chromium, base: str, email: str):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
    return page


def _shoot(page, base: str, path: str, label: str, artifacts) -> list[str]:
    """Screenshots at both widths; returns the SVG figures of the page (decoded)."""
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    for kind, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts / f"report-{label}-{kind}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    sources = page.eval_on_selector_all("img.figure", "imgs => imgs.map(i => i.src)")
    prefix = "data:image/svg+xml;base64,"
    return [base64.b64decode(s[len(prefix) :]).decode() for s in sources if s.startswith(prefix)]


def test_report_states_render_clean_figures(live_server, chromium, artifacts):
    base = live_server.url
    alex, sam = make_person("Alex"), make_person("Sam")
    link(alex, sam)
    mine = submit(alex, seed=5, lean=0.25)  # leaning codependent
    submit(sam, seed=6, lean=0.9)
    couple_services.consent_set(person=alex, share=True)
    couple_services.consent_set(person=sam, share=True)
    staff = make_person("Staff Wren", is_staff=True)
    for k in range(6):
        person = make_person(f"Pool {k}")
        assessment = submit(person, seed=20 + k, lean=0.2 + 0.12 * k)
        person.research_consent = True
        person.save(update_fields=["research_consent"])
        AnchorAnswer.objects.create(
            assessment=assessment, measure="ios", item_id="ios", value=1 + k
        )
        AnchorAnswer.objects.create(
            assessment=assessment, measure="satisfaction", item_id="sat", value=2 + k
        )

    page = _log_in(chromium, base, alex.email)
    figures = _shoot(page, base, f"/report/{mine.pk}/", "private", artifacts)
    figures += _shoot(page, base, f"/assessment/{mine.pk}/more/", "more-questions", artifacts)
    page.goto(base + f"/assessment/{mine.pk}/more/")
    page.locator("fieldset.item").first.locator("label.choice").nth(4).click()
    page.get_by_role("button", name="Save and see my report").click()
    page.wait_for_url(base + f"/report/{mine.pk}/")
    saved = AnchorAnswer.objects.get(assessment=mine, measure="ios")
    assert saved.value == 5  # the fifth picture was chosen
    couple_id = alex.memberships.get(left_at__isnull=True).couple_id
    figures += _shoot(page, base, f"/couple/{couple_id}/report/", "couple", artifacts)
    submit(alex, seed=7, lean=0.45)  # a second assessment: the progress map has a path
    figures += _shoot(page, base, "/progress/", "progress", artifacts)
    staff_page = _log_in(chromium, base, staff.email)
    _shoot(staff_page, base, "/staff/psychometrics/", "staff-psychometrics", artifacts)
    assert staff_page.locator("#validity").count() == 1

    assert len(figures) >= 5
    check = chromium.new_page()
    for width in WIDTHS.values():
        for svg in figures:
            if "marker-" not in svg:
                continue  # bar charts and lines: no markers, their text was checked elsewhere
            problems = collisions(_show(check, svg, width))
            assert not problems, problems
    check.close()
