"""Two partners in two browsers: sign up, link, answer, share, read, withdraw; a stranger is
kept out. Screenshots of each main page at 1280px and 390px go to tests/artifacts/, and axe-core
checks each page for serious or critical accessibility problems."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from interdep.science.instrument import load_instrument

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and calm passphrase"
WIDTHS = {"desktop": 1280, "phone": 390}
TOTAL = len(load_instrument().items)


class Person:
    """One browser context (its own cookies) with the checks every page gets."""

    def __init__(self, browser, base_url: str, name: str, artifacts, axe: Axe):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base_url, self.name, self.artifacts, self.axe = base_url, name, artifacts, axe
        self.csp_violations: list[str] = []
        self.safety_raised = False
        self.page.on(
            "console",
            lambda m: "Content Security Policy" in m.text and self.csp_violations.append(m.text),
        )

    def go(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def check(self, label: str) -> None:
        """Screenshots at both widths and an axe run; fails on serious/critical violations."""
        for kind, width in WIDTHS.items():
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.screenshot(path=str(self.artifacts / f"{label}-{kind}.png"), full_page=True)
        self.page.set_viewport_size({"width": 1280, "height": 900})
        violations = self.axe.run(self.page).response["violations"]
        bad = [
            (v["id"], v["impact"], len(v["nodes"]))
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, f"{label}: {bad}"
        assert not self.csp_violations, f"{label}: {self.csp_violations}"

    def sign_up(self, email: str) -> None:
        self.go("/accounts/signup/")
        self.page.get_by_label("What should your partner call you?").fill(self.name)
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Create account").click()
        self.page.wait_for_url(self.base_url + "/")

    def take_assessment(self, lean: int, *, check_pages: bool = False) -> None:
        self.go("/assessment/")
        # First answers by hand: each click is saved at once (htmx) and the progress moves.
        first = self.page.locator("fieldset.item").first
        first.locator("label.choice").nth(3).click()
        status = self.page.locator("#progress [role=status]")
        status.filter(has_text=f"1 of {TOTAL} answered").wait_for()
        # And by keyboard: focus the next question's choices, arrow key to pick one.
        self.page.locator("fieldset.item").nth(1).locator("input").first.focus()
        self.page.keyboard.press("ArrowRight")
        status.filter(has_text=f"2 of {TOTAL} answered").wait_for()
        if check_pages:
            self.check("assessment-page")
        while "/assessment/page/" in self.page.url:
            # The rest quickly: pick one answer per question, then the page's own Next button.
            self.page.eval_on_selector_all(
                "fieldset.item",
                "(sets, lean) => sets.forEach((s, i) => { const r = s.querySelectorAll('input'); r[(i + lean) % r.length].checked = true; })",
                lean,
            )
            self.page.get_by_role("button", name=re.compile("^(Next|Review)$")).click()
            self.page.wait_for_load_state("networkidle")
        assert f"{TOTAL} of {TOTAL}" in self.page.content()
        if check_pages:
            self.check("assessment-review")
        self.page.get_by_role("button", name="Submit and see my report").click()
        # Answers on the worrying side of a safety item lead privately to the support page.
        self.page.wait_for_url(re.compile(r".*/(report/\d+|support)/$"))
        if self.page.url.endswith("/support/"):
            self.safety_raised = True
            if check_pages:
                self.check("support-private")
            self.go("/report/")


def test_two_partners_share_a_couple_report_and_a_stranger_cannot_see_it(
    live_server, chromium, artifacts
):
    axe = Axe()
    base = live_server.url
    ana = Person(chromium, base, "Ana", artifacts, axe)
    ben = Person(chromium, base, "Ben", artifacts, axe)
    eve = Person(chromium, base, "Eve", artifacts, axe)

    ana.go("/")
    ana.check("home-public")
    ana.go("/accounts/login/")
    ana.check("login")
    ana.go("/accounts/signup/")
    ana.check("signup")
    ana.sign_up("ana@example.org")
    ana.check("home")
    ben.sign_up("ben@example.org")

    # Link: Ana makes a code, Ben types it.
    ana.go("/couple/")
    ana.page.get_by_role("button", name="Create an invite code").click()
    code = ana.page.locator("#invite-code").inner_text().strip()
    ana.check("couple-invite")
    ben.go("/couple/")
    ben.page.get_by_label("Your partner's code").fill(code)
    ben.page.get_by_role("button", name="Link with my partner").click()
    ben.page.get_by_text("Linked with Ana").wait_for()

    ana.take_assessment(lean=3, check_pages=True)
    ana.check("report")
    ben.take_assessment(lean=1)

    for person in (ana, ben):
        person.go("/couple/")
        person.page.get_by_role("button", name="Yes, share a couple report").click()
        person.page.wait_for_load_state("networkidle")
    for person, partner in ((ana, "Ben"), (ben, "Ana")):
        person.go("/couple/")
        if person is ana:
            ana.check("couple-sharing")
        person.page.get_by_role("link", name="Read your couple report").click()
        person.page.get_by_role("heading", name=f"You and {partner}").wait_for()
    ana.check("couple-report")
    report_url = ana.page.url
    # Nothing of Ana's private safety note reaches Ben, whatever her answers were.
    assert "A note just for you" not in ben.page.content()
    assert "pressured or watched" not in ben.page.content()

    # A stranger gets "not found" for both reports and for Ana's personal report.
    eve.sign_up("eve@example.org")
    assert eve.go(report_url.removeprefix(base)).status == 404
    ana.go("/report/")
    personal_url = ana.page.url
    assert eve.go(personal_url.removeprefix(base)).status == 404
    assert "Ana" not in eve.page.content()

    # Ben withdraws: the report is gone for both.
    ben.go("/couple/")
    ben.page.get_by_role("button", name="Stop sharing").click()
    ben.page.wait_for_load_state("networkidle")
    for person in (ana, ben):
        assert person.go(report_url.removeprefix(base)).status == 403
        assert "No couple report right now" in person.page.content()
    ana.check("couple-report-withdrawn")
    ana.go("/support/")
    ana.check("support")

    for person in (ana, ben, eve):
        person.context.close()
