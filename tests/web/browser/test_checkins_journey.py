"""Check-ins in Chromium: on a 390px phone, once by keyboard and once by mouse; the timeline and
the couple view (not yet, then with three weeks of data) screenshotted at 1280px and 390px, each
checked by axe-core for serious or critical problems and for CSP violations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone

from interdep.checkins.demo import couple_checkins
from interdep.checkins.models import CheckIn

from ..conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1280, "phone": 390}


class Phone:
    def __init__(self, browser, base_url, artifacts, axe):
        self.context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=False)
        self.page = self.context.new_page()
        self.base_url, self.artifacts, self.axe = base_url, artifacts, axe
        self.csp: list[str] = []
        self.page.on(
            "console", lambda m: "Content Security Policy" in m.text and self.csp.append(m.text)
        )

    def go(self, path):
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def log_in(self, email):
        self.go("/accounts/login/")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(self.base_url + "/")

    def check(self, label):
        for kind, width in WIDTHS.items():
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.screenshot(
                path=str(self.artifacts / f"checkins-{label}-{kind}.png"), full_page=True
            )
            # nothing sticks out sideways on a phone (the figure scrolls inside its own box)
            assert self.page.evaluate("document.documentElement.scrollWidth") <= width + 1, (
                label,
                kind,
            )
        violations = self.axe.run(self.page).response["violations"]
        bad = [
            (v["id"], v["impact"], len(v["nodes"]))
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, f"{label}: {bad}"
        assert not self.csp, f"{label}: {self.csp}"
        self.page.set_viewport_size({"width": 390, "height": 844})


def test_a_check_in_on_a_phone_by_keyboard_and_by_mouse_then_the_timeline_and_the_couple_view(
    live_server, chromium, artifacts, alice, bob, shared_couple
):
    axe = Axe()
    phone = Phone(chromium, live_server.url, artifacts, axe)
    phone.log_in(alice.email)
    phone.page.get_by_role("link", name="Check in").first.click()
    phone.page.wait_for_url(live_server.url + "/checkins/")
    phone.check("form")

    # By keyboard only: focus the mood slider, move it, tab through, submit with Enter.
    page = phone.page
    page.get_by_label("Mood right now").focus()
    page.keyboard.press("End")
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    assert page.locator("#out_valence").inner_text() == "90"  # the value is visible as it moves
    page.keyboard.press("Tab")  # energy
    page.keyboard.press("Home")
    page.keyboard.press("Tab")  # closeness
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.locator("#out_closeness").inner_text() == "6"
    page.keyboard.press("Tab")  # time for me
    page.keyboard.press("Tab")  # reached out
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save check-in").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/checkins/timeline/")
    entry = CheckIn.objects.get(person=alice)
    assert (entry.valence, entry.arousal, entry.closeness, entry.felt_self, entry.bid_made) == (
        90,
        0,
        6,
        4,
        True,
    )

    # By mouse (a tap on a phone): the slider track, a choice, the note, the button.
    phone.go("/checkins/")
    track = page.get_by_label("Mood right now")
    box = track.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)
    mood = int(page.locator("#out_valence").inner_text())
    assert 15 <= mood <= 35
    page.get_by_text("I held back a no").click()
    page.get_by_text("We had a conflict").click()
    page.get_by_text("Add a private note").click()
    page.get_by_label("Note (only you will ever see it, not even your partner)").fill(
        "just for me - wren"
    )
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url(live_server.url + "/checkins/timeline/")
    latest = CheckIn.objects.filter(person=alice).order_by("-pk").first()
    assert latest.valence == mood and latest.no_choice == "held_back" and latest.conflict
    assert latest.note == "just for me - wren"
    phone.check("timeline")

    phone.go("/checkins/together/")
    assert "days together so far" in page.content()
    phone.check("together-not-yet")

    now = timezone.now()
    couple_checkins(
        alice,
        bob,
        first_day=(now - timedelta(days=20)).date(),
        days=21,
        until=now - timedelta(minutes=30),
    )
    # The check-ins queued one refit of "Us over time"; the task worker runs it.
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    phone.go("/checkins/together/")
    assert "What your check-ins show about you and Bob" in page.content()
    assert "How your feelings pass between you, day to day" in page.content()
    assert "wren" not in page.content()
    phone.check("together")

    phone.go("/checkins/timeline/")
    phone.check("timeline-three-weeks")
    phone.go("/checkins/schedule/")
    phone.check("schedule")
    phone.context.close()
