"""A clinician in the browser: applies, is verified by staff in the admin, is granted access by
both partners, opens the couple, exports a PDF; the couple sees it in their log. Screenshots at
1280 and 390 px; axe-core finds no serious or critical problem on the new pages."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from interdep.couples import services as couple_services

from ..conftest import PASSWORD, link, make_person, submit
from .test_journey import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(person: Person, email: str) -> None:
    person.go("/accounts/login/")
    person.page.get_by_label("Email").fill(email)
    person.page.get_by_label("Password").fill(PASSWORD)
    person.page.get_by_role("button", name="Log in").click()
    person.page.wait_for_url(person.base_url + "/")


def test_a_verified_clinician_granted_by_both_partners_views_and_exports(
    live_server, chromium, artifacts
):
    axe, base = Axe(), live_server.url
    alice, bob = make_person("Alice"), make_person("Bob")
    link(alice, bob)
    submit(alice, seed=1, lean=0.8)
    submit(bob, seed=2, lean=0.5)
    couple_services.consent_set(person=alice, share=True)
    couple_services.consent_set(person=bob, share=True)
    doctor = make_person("Dr Quoll")
    make_person("Staff Echidna", is_staff=True, is_superuser=True)

    clinician = Person(chromium, base, "Dr Quoll", artifacts, axe)
    _login(clinician, doctor.email)
    clinician.go("/clinic/")
    clinician.page.get_by_label("Your professional name").fill("Dr Quoll")
    clinician.page.get_by_label("Registration body and number").fill("HCPC PYL04321")
    clinician.page.get_by_role("button", name="Apply as a clinician").click()
    expect(clinician.page.get_by_text("Waiting for verification")).to_be_visible()
    clinician.check("clinic-apply")

    staff = Person(chromium, base, "Staff", artifacts, axe)
    _login(staff, "staff echidna-private@example.org")
    staff.go(f"/{settings.ADMIN_PATH}/clinic/clinicianprofile/")
    staff.page.locator("input[name=_selected_action]").first.check()
    staff.page.locator("select[name=action]").select_option("verify")
    staff.page.locator("button[name=index]").click()
    staff.page.wait_for_load_state("networkidle")
    assert "1 verified" in staff.page.content()

    clinician.go("/clinic/")
    code = clinician.page.locator("#clinician-code").inner_text().strip()
    assert code.startswith("DR-")

    first = Person(chromium, base, "Alice", artifacts, axe)
    _login(first, alice.email)
    first.go("/clinic/access/")
    first.page.get_by_label("Your clinician's code").fill(code)
    first.page.get_by_role("button", name="Ask Bob to agree").click()
    expect(first.page.get_by_text("Waiting for Bob to agree")).to_be_visible()
    clinician.go(f"/clinic/couples/{alice.memberships.get().couple_id}/")
    assert "Alice and Bob" not in clinician.page.content()  # one yes is not enough

    second = Person(chromium, base, "Bob", artifacts, axe)
    _login(second, bob.email)
    second.go("/clinic/access/")
    second.page.get_by_role("button", name="I agree").click()
    expect(second.page.get_by_text("Active").first).to_be_visible()

    clinician.go("/clinic/")
    clinician.check("clinic-caseload")
    clinician.page.get_by_role("link", name="Alice and Bob").click()
    clinician.page.wait_for_load_state("networkidle")
    expect(clinician.page.get_by_role("heading", name="Change since intake")).to_be_visible()
    clinician.check("clinic-couple")
    with clinician.page.expect_download() as info:
        clinician.page.get_by_role("link", name="Export report (PDF)").click()
    pdf = info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    (artifacts / "clinic-couple-report.pdf").write_bytes(pdf)

    second.go("/clinic/access/")
    log = second.page.locator("table.audit").inner_text()
    assert (
        "Exported your report as PDF" in log
        and "Opened your couple page" in log
        and "Dr Quoll" in log
    )
    second.check("clinic-access")
    second.page.get_by_role("button", name="Revoke access").click()
    expect(second.page.get_by_text("Access is revoked.")).to_be_visible()
    clinician.go("/clinic/")
    assert "Alice and Bob" not in clinician.page.content()
    first.go("/accounts/data/")
    first.check("datarights")
