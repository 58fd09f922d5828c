""" "Us over time" on a phone: a page a couple reads, not a report to scroll through. The figure
and a few plain sentences fit in about two screens at 390 px; the rest opens on a tap. Light and
dark, 390 and 1280 px, closed and with every disclosure open: axe-clean, nothing wider than the
screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from interdep.checkins import tasks
from interdep.checkins.demo import couple_checkins

from ..conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: The closed page at 390 px, in CSS pixels (about two phone screens; it was over 4,000).
PHONE_HEIGHT_MAX = 2200


def _serious(axe, page) -> list:
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in axe.run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_us_over_time_leads_short_on_a_phone_and_opens_the_rest(
    live_server, chromium, artifacts, alice, bob, shared_couple
):
    now = timezone.now()
    couple_checkins(
        alice, bob, first_day=(now - timedelta(days=20)).date(), days=21, skip=0.0, until=now
    )
    assert tasks.couple_dynamics_refresh.call(shared_couple.pk) == "stored"
    axe = Axe()
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/checkins/together/")
    page.wait_for_load_state("networkidle")
    page.get_by_text("What your check-ins show about you and Bob").wait_for()

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(50)
            page.screenshot(
                path=str(artifacts / f"us-over-time-{scheme}-{width}.png"), full_page=True
            )
            height = page.evaluate("document.documentElement.scrollHeight")
            if width == 390:
                assert height <= PHONE_HEIGHT_MAX, (scheme, height)
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
            assert not _serious(axe, page), (scheme, width, _serious(axe, page))
            # The figure is there at once, with its words; the detail waits for a tap.
            assert page.locator("main img.figure-dynamics").is_visible()
            assert not page.locator("main details[open]").count()

    details = page.locator("main details.us-detail")
    assert details.count() >= 3  # each feeling, the network, how to read the page
    # Open everything (a tap on each summary): all of it is there, and still axe-clean.
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 390, "height": 844})
    for summary in page.locator("main details > summary").all():
        if summary.is_visible():
            summary.click()
    page.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
    text = page.locator("main").inner_text()
    assert "likely between" in text and "More linkage is not better" in text
    assert page.locator("main img.figure-network").is_visible()
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.screenshot(path=str(artifacts / f"us-over-time-open-{scheme}-390.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
        assert not _serious(axe, page), (scheme, _serious(axe, page))
    context.close()
