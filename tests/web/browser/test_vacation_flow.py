"""Plan something together, in two browsers: each partner writes privately, nothing shows before
both have sent, then both see the two side by side and agree. Also the practice plan and the
progress page. Screenshots at 1280px and 390px go to tests/artifacts/; every new page is checked
by axe-core (no serious or critical problems) and for CSP violations."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from ..conftest import PASSWORD, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1280, "phone": 390}
ALICE_WISH = "a cabin by the lake"
BOB_WISH = "a cooking class in the old town"


class Partner:
    def __init__(self, browser, base_url, artifacts, axe, email):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base_url, self.artifacts, self.axe = base_url, artifacts, axe
        self.csp: list[str] = []
        self.page.on(
            "console", lambda m: "Content Security Policy" in m.text and self.csp.append(m.text)
        )
        self.go("/accounts/login/")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(self.base_url + "/")

    def go(self, path):
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def check(self, label):
        for kind, width in WIDTHS.items():
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.screenshot(
                path=str(self.artifacts / f"practice-{label}-{kind}.png"), full_page=True
            )
            assert self.page.evaluate("document.documentElement.scrollWidth") <= width + 1, (
                label,
                kind,
            )
        self.page.set_viewport_size({"width": 1280, "height": 900})
        violations = self.axe.run(self.page).response["violations"]
        bad = [
            (v["id"], v["impact"], len(v["nodes"]))
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, f"{label}: {bad}"
        assert not self.csp, f"{label}: {self.csp}"

    def write_wishes(self, together, alone, limits, budget):
        self.page.get_by_label("Things I would love to do together").fill(together)
        self.page.get_by_label("Things I would like to do on my own").fill(alone)
        self.page.get_by_label("My limits").fill(limits)
        self.page.get_by_label("What I am comfortable spending").fill(budget)


def test_two_partners_plan_a_trip_with_a_mutual_reveal_then_practise_and_see_progress(
    live_server, chromium, artifacts, alice, bob, shared_couple
):
    axe = Axe()
    ana = Partner(chromium, live_server.url, artifacts, axe, alice.email)
    ben = Partner(chromium, live_server.url, artifacts, axe, bob.email)

    # Alice starts the exercise from the Together page.
    ana.page.get_by_role("link", name="Together").click()
    ana.page.wait_for_load_state("networkidle")
    ana.check("exercises")
    ana.page.get_by_role("button", name="Start: Plan something together").click()
    ana.page.wait_for_load_state("networkidle")
    exercise_url = ana.page.url
    ana.check("vacation-form")
    ana.write_wishes(
        f"{ALICE_WISH}\nthe night market", "a slow morning with a book", "no flights", "1500"
    )
    ana.page.get_by_role("button", name="Send my part").click()
    ana.page.get_by_text("Waiting for Bob").first.wait_for()
    ana.check("vacation-waiting")

    # Bob sees that Alice has sent hers, but nothing of it.
    ben.go(exercise_url.removeprefix(live_server.url))
    ben.page.get_by_text("Alice has sent theirs").first.wait_for()
    assert ALICE_WISH not in ben.page.content() and "1500" not in ben.page.content()
    ben.write_wishes(f"The night market\n{BOB_WISH}", "a long run", "", "900")
    ben.page.get_by_role("button", name="Send my part").click()
    ben.page.get_by_role("heading", name="A plan to start from").wait_for()
    assert ALICE_WISH in ben.page.content()

    # Both now see the two side by side; Alice too, at the same moment.
    ana.go(exercise_url.removeprefix(live_server.url))
    ana.page.get_by_role("heading", name="You both named").wait_for()
    assert BOB_WISH in ana.page.content() and "Up to 900" in ana.page.content()
    ana.check("vacation-revealed")
    ana.page.get_by_role("button", name="This works for me").click()
    ana.page.get_by_text("When Bob says yes too").wait_for()
    ben.go(exercise_url.removeprefix(live_server.url))
    ben.page.get_by_role("button", name="This works for me").click()
    ben.page.get_by_text("You both said yes").wait_for()
    ben.check("vacation-agreed")

    # Practice: Alice makes a plan, checks one off and writes a private reflection.
    submit(alice, seed=3, lean=0.4)  # a retake, so the progress page has two results to compare
    ana.go("/practice/")
    ana.check("plan-empty")
    ana.page.get_by_role("button", name="Make my plan").click()
    ana.page.wait_for_load_state("networkidle")
    ana.page.get_by_role("button", name="I did this this week").first.click()
    ana.page.wait_for_load_state("networkidle")
    ana.page.get_by_text("Done this week.").first.wait_for()
    ana.page.get_by_text("My reflection").first.click()
    ana.page.get_by_label("What did you notice?").first.fill("Slower than I thought, and kinder.")
    ana.page.get_by_role("button", name="Save reflection").first.click()
    ana.page.get_by_text("Only you can read it").wait_for()
    ana.check("plan")

    # Bob sends encouragement; he never sees Alice's reflection.
    ben.go("/practice/")
    ben.page.get_by_role("button", name="Send").click()
    ben.page.wait_for_load_state("networkidle")
    assert "kinder" not in ben.page.content()
    ana.go("/practice/")
    ana.page.get_by_role("heading", name="From Bob").wait_for()

    # A "no" rehearsal: prepared alone, one part shared by choice.
    ana.go("/exercises/")
    ana.page.get_by_role("button", name='Start: Rehearse a kind "no"').click()
    ana.page.wait_for_load_state("networkidle")
    ana.page.get_by_role("textbox", name="My no, in one or two sentences").fill(
        "Not this weekend, thank you."
    )
    ana.page.get_by_role("textbox", name="The request I find hard to turn down").fill(
        "Covering a colleague's shift"
    )
    ana.page.get_by_role("button", name="Save", exact=True).click()
    ana.page.wait_for_load_state("networkidle")
    ana.page.get_by_role("checkbox", name="My no, in one or two sentences").check()
    ana.page.get_by_role("button", name="Share what I ticked").click()
    ana.page.get_by_text("Shared the parts you chose").wait_for()
    ana.check("no-rehearsal")
    ben.go(ana.page.url.removeprefix(live_server.url))
    assert "Not this weekend" in ben.page.content() and "colleague" not in ben.page.content()

    ana.go("/progress/")
    ana.page.get_by_role("heading", name="The four scales over time").wait_for()
    ana.check("progress")

    for person in (ana, ben):
        person.context.close()
