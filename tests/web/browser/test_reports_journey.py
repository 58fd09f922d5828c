"""Reports that tell the truth, walked as people would in Chromium: one partner leaning
codependent (who also holds back opinions "Mostly true"), one leaning independent (who answers
that his partner pressures him), and an even responder.

Asserts: strengths and edges disjoint in every report; the conflict-avoidance answer alone does
not open the support page; the report follows the support page; the quick exit replaces the
history entry; no blank assessment after going back; the "Us over time" diagram's text is at
least 12 px on a 390 px phone. Screenshots of every report state at 390 and 1280 px go to
tests/artifacts/ (named reports-*.png).
"""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interdep.assessments.models import Assessment
from interdep.checkins.demo import couple_checkins
from interdep.science.instrument import load_instrument

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and calm passphrase"
WIDTHS = {"desktop": 1280, "phone": 390}
INSTRUMENT = load_instrument()


def _answers(kind: str) -> dict[str, int]:
    """Whole answer sets with a known lean (self- and partner-report items alike)."""
    out = {}
    for item in INSTRUMENT.items:
        capacity = INSTRUMENT.facet(item.facet).capacity
        healthy = item.pole == "healthy"
        if kind == "even":
            out[item.id] = 4 if healthy else 2
        elif kind == "codependent":  # close, with the self giving way
            high = capacity == "connection"
            out[item.id] = (5 if high else 2) if healthy else (1 if high else 4)
        else:  # independent: a self of one's own, the partner kept at a distance
            high = capacity == "self"
            out[item.id] = (5 if high else 2) if healthy else (1 if high else 4)
        if item.safety:
            out[item.id] = 1
    return out


class Person:
    def __init__(self, browser, base_url: str, name: str, artifacts):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base_url, self.name, self.artifacts = base_url, name, artifacts
        self.csp: list[str] = []
        self.page.on(
            "console", lambda m: "Content Security Policy" in m.text and self.csp.append(m.text)
        )

    def go(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def shoot(self, label: str) -> None:
        for kind, width in WIDTHS.items():
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.screenshot(
                path=str(self.artifacts / f"reports-{label}-{kind}.png"), full_page=True
            )
        self.page.set_viewport_size({"width": 1280, "height": 900})
        assert not self.csp, self.csp

    def sign_up(self, email: str) -> None:
        self.go("/accounts/signup/")
        self.page.get_by_label("What should your partner call you?").fill(self.name)
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Create account").click()
        self.page.wait_for_url(self.base_url + "/")

    def answer_all(self, answers: dict[str, int]) -> None:
        self.go("/assessment/")
        while "/assessment/page/" in self.page.url:
            self.page.eval_on_selector_all(
                "fieldset.item input[type=radio]",
                "(inputs, answers) => inputs.forEach(i => { if (answers[i.name] == i.value) i.checked = true; })",
                {k: str(v) for k, v in answers.items()},
            )
            self.page.get_by_role("button", name=re.compile("^(Next|Review)$")).click()
            self.page.wait_for_load_state("networkidle")
        self.page.get_by_role("button", name="Submit and see my report").click()
        self.page.wait_for_url(re.compile(r".*/(report/\d+|support)/$"))

    def lists(self) -> tuple[set[str], set[str]]:
        strengths = {
            e.get_attribute("data-strength") for e in self.page.locator("[data-strength]").all()
        }
        edges = {e.get_attribute("data-edge") for e in self.page.locator("[data-edge]").all()}
        return strengths, edges


def _svg_min_text_px(page, selector: str) -> float:
    """Smallest text in an <img> SVG as drawn on screen: font size x drawn width / viewBox."""
    img = page.locator(selector).first
    src = img.get_attribute("src")
    svg = base64.b64decode(src.split(",", 1)[1]).decode()
    view_width = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) [\d.]+"', svg).group(1))
    sizes = [float(x) for x in re.findall(r"font[^;\"]*?([\d.]+)px", svg)]
    assert sizes, "the figure has text"
    return min(sizes) * img.bounding_box()["width"] / view_width


def test_reports_tell_the_truth_for_three_kinds_of_answers(
    live_server, chromium, artifacts, settings
):
    base = live_server.url
    settings.QUICK_EXIT_URL = (
        base + "/accounts/password-reset/"
    )  # "another site", reachable offline
    cora = Person(chromium, base, "Cora", artifacts)
    ivan = Person(chromium, base, "Ivan", artifacts)
    evan = Person(chromium, base, "Evan", artifacts)
    for person in (cora, ivan, evan):
        person.sign_up(f"{person.name.lower()}@example.org")

    # Link Cora and Ivan; Cora's share button waits for her own assessment.
    cora.go("/couple/")
    cora.page.get_by_role("button", name="Create an invite code").click()
    code = cora.page.locator("#invite-code").inner_text().strip()
    ivan.go("/couple/")
    ivan.page.get_by_label("Your partner's code").fill(code)
    ivan.page.get_by_role("button", name="Link with my partner").click()
    ivan.page.get_by_text("Linked with Cora").wait_for()
    cora.go("/couple/")
    assert cora.page.get_by_role("button", name="Yes, share a couple report").is_disabled()
    cora.shoot("couple-before-assessment")

    # Cora: codependent lean, and "Mostly true" to holding back opinions for fear of the
    # partner's reaction. That alone leads to her report, not to the support page.
    cora.answer_all({**_answers("codependent"), "hon_s4": 4})
    assert re.search(r"/report/\d+/$", cora.page.url), cora.page.url

    # Back after submitting, and the Assessment link: no new, blank assessment.
    cora.page.go_back()
    cora.page.wait_for_load_state("networkidle")
    assert "/report/" in cora.page.url
    cora.page.get_by_role("link", name="Assessment", exact=True).click()
    cora.page.get_by_role("heading", name="Answer the questions again?").wait_for()
    cora.shoot("retake-question")
    cora_id = Assessment.objects.get(person__email="cora@example.org").person_id
    assert Assessment.objects.filter(person_id=cora_id).count() == 1
    cora.go("/report/")

    assert "A note just for you" not in cora.page.content()
    assert "support is here" in cora.page.content()  # the quiet, private pointer
    strengths, edges = cora.lists()
    assert edges and not strengths & edges
    assert "Earlier results" not in cora.page.content()
    cora.shoot("codependent-report")
    first_edge = cora.page.locator("[data-edge] h3").first.inner_text()

    # The one next step: "Make my plan" builds a plan that starts from her first edge.
    cora.page.get_by_role("button", name="Make my plan").click()
    cora.page.wait_for_url(base + "/practice/")
    card = cora.page.locator("article.practice-card").first.inner_text()
    assert f"for {first_edge.lower()}" in card.lower()
    cora.go("/report/")

    # Ivan: independent lean, and "Mostly true" that his partner pressures or threatens him.
    ivan.answer_all({**_answers("independent"), "hon_p2": 4})
    assert ivan.page.url.endswith("/support/")
    assert "feel afraid, pressured or watched" in ivan.page.content()
    ivan.shoot("support-page")
    ivan.page.get_by_role("link", name="Continue to my report").click()
    ivan.page.wait_for_url(re.compile(r".*/report/\d+/$"))
    report_url = ivan.page.url
    strengths, edges = ivan.lists()
    assert edges and not strengths & edges
    ivan.shoot("independent-report")
    # The quick exit leaves and takes the support page out of the back button.
    ivan.go("/support/")
    ivan.page.get_by_role("link", name="Leave this site now").click()
    ivan.page.wait_for_url(base + "/accounts/password-reset/")
    ivan.page.go_back()
    ivan.page.wait_for_load_state("networkidle")
    assert ivan.page.url == report_url

    # Evan: the even responder. His areas sit close together: no list contradicts another.
    evan.answer_all(_answers("even"))
    strengths, edges = evan.lists()
    assert not strengths and not edges
    assert "Your areas sit close together" in evan.page.content()
    assert "blurry" not in evan.page.content()
    expect(evan.page.get_by_role("button", name="Make my plan")).to_be_visible()
    evan.shoot("even-report")

    # The couple report, from each side.
    for person in (cora, ivan):
        person.go("/couple/")
        person.page.get_by_role("button", name="Yes, share a couple report").click()
        person.page.wait_for_load_state("networkidle")
    own_words = {f.edge for f in INSTRUMENT.facets} | {f.strength for f in INSTRUMENT.facets}
    for person, partner, label in ((cora, "Ivan", "couple-cora"), (ivan, "Cora", "couple-ivan")):
        person.go("/couple/")
        person.page.get_by_role("link", name="Read your couple report").click()
        person.page.get_by_role("heading", name=f"You and {partner}").wait_for()
        strengths, edges = person.lists()
        differences = {
            e.get_attribute("data-difference")
            for e in person.page.locator("[data-difference]").all()
        }
        assert not strengths & edges and not strengths & differences and not edges & differences
        assert differences, "a codependent and an independent partner differ somewhere widely"
        text = person.page.locator("main").inner_text()
        assert not [w for w in own_words if w in text], "no one's own second-person words"
        expect(person.page.get_by_role("button", name="Make my plan")).to_be_visible()
        person.shoot(label)

    # "Us over time" after three weeks of check-ins: words first, numbers behind details, and a
    # diagram whose text is at least 12 px on a phone.
    cora_user = Assessment.objects.get(person_id=cora_id).person
    ivan_user = Assessment.objects.get(person__email="ivan@example.org").person
    now = timezone.now()
    couple_checkins(
        cora_user,
        ivan_user,
        first_day=(now - timedelta(days=21)).date(),
        days=21,
        skip=0.0,
        until=now,
    )
    cora.go("/checkins/together/")
    cora.page.get_by_text("What your check-ins show about you and Ivan").wait_for()
    assert not cora.page.locator("details.numbers").first.get_attribute("open")
    visible = cora.page.locator("main").inner_text()
    assert "likely between" not in visible and "We can't tell yet" not in visible
    cora.page.set_viewport_size({"width": 390, "height": 900})
    assert _svg_min_text_px(cora.page, "img.figure-dynamics") >= 12
    cora.shoot("us-over-time")

    for person in (cora, ivan, evan):
        person.context.close()
