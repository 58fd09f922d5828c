"""Coming back, in Chromium: the invite link for a partner without an account through to a
linked couple; the app installable (manifest, active service worker) and a check-in made
offline stored exactly once with its original time; a partner's action appearing without a
reload (htmx polling) and as a push to a loopback push service; settings; the clinician's home.
Every new screen is screenshotted at 390 and 1280 px in light and dark and checked by axe-core
in both schemes."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import expect

from interdep.access.core import active_membership, partner_membership
from interdep.checkins.models import CheckIn
from interdep.notifications.models import Notification
from interdep.notifications.tasks import deliver_notification
from interdep.plans import services as plan_services

from ..clinic_helpers import grant_by_both, make_clinician
from ..conftest import PASSWORD, link, make_person, submit
from ..push_receiver import PushService

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)
SCHEMES = ("light", "dark")


class Browser:
    """One person's browser (its own context: cookies, storage, service worker)."""

    def __init__(self, chromium, base_url, artifacts, axe, **context_options):
        self.context = chromium.new_context(
            viewport={"width": 390, "height": 844}, **context_options
        )
        self.page = self.context.new_page()
        self.base, self.artifacts, self.axe = base_url, artifacts, axe
        self.csp: list[str] = []
        self.page.on(
            "console", lambda m: "Content Security Policy" in m.text and self.csp.append(m.text)
        )

    def go(self, path):
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def log_in(self, email, *, lands="/"):
        self.go("/accounts/login/")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(self.base + lands)
        self.page.wait_for_load_state("networkidle")

    def shoot(self, name):
        """Screenshots at both widths in both schemes; axe in both schemes at both widths
        (the phone menu and the wide menu differ); nothing wider than the screen."""
        for scheme in SCHEMES:
            self.page.emulate_media(color_scheme=scheme)
            for width in WIDTHS:
                self.page.set_viewport_size({"width": width, "height": 900})
                self.page.wait_for_timeout(50)
                self.page.screenshot(
                    path=str(self.artifacts / f"comeback-{name}-{scheme}-{width}.png"),
                    full_page=True,
                )
                overflow = self.page.evaluate("document.documentElement.scrollWidth")
                assert overflow <= width + 1, (name, scheme, width, overflow)
                violations = self.axe.run(self.page).response["violations"]
                bad = [
                    (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                    for v in violations
                    if v["impact"] in ("serious", "critical")
                ]
                assert not bad, f"{name} {scheme} {width}: {bad}"
        assert not self.csp, f"{name}: {self.csp}"
        self.page.emulate_media(color_scheme="light")
        self.page.set_viewport_size({"width": 390, "height": 844})

    def close(self):
        self.context.close()


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.NOTIFICATION_POLL_SECONDS = 1
    return live_server.url


def test_the_invite_link_takes_a_partner_without_an_account_to_a_linked_couple(
    site, chromium, artifacts
):
    axe = Axe()
    alice = make_person("Alice")
    a = Browser(chromium, site, artifacts, axe)
    a.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    a.log_in(alice.email)
    a.shoot("home-first-run")
    expect(a.page.get_by_text("Getting started: 0 of 3 done")).to_be_visible()
    a.go("/couple/")
    a.page.get_by_role("button", name="Create an invite code").click()
    a.page.wait_for_load_state("networkidle")
    invite_link = a.page.locator("#invite-link").inner_text()
    assert invite_link.startswith(site + "/couple/join/?code=")
    a.page.get_by_role("button", name="Copy link").click()
    expect(a.page.locator("#copy-status")).to_have_text("Copied.")  # the clipboard answers later
    assert a.page.evaluate("navigator.clipboard.readText()") == invite_link
    a.shoot("couple-invite")

    sam = Browser(chromium, site, artifacts, axe)
    sam.page.goto(invite_link)
    sam.page.wait_for_url("**/accounts/signup/**")
    expect(sam.page.get_by_text("Alice invited you.")).to_be_visible()
    sam.shoot("signup-invited")
    sam.page.get_by_label("What should your partner call you?").fill("Sam")
    sam.page.get_by_label("Email").fill("sam@example.org")
    sam.page.get_by_label("Password").fill(PASSWORD)
    sam.page.get_by_role("button", name="Create account").click()
    sam.page.wait_for_url("**/couple/?code=*")
    sam.shoot("couple-join-invited")
    sam.page.get_by_role("button", name="Join Alice").click()
    sam.page.wait_for_load_state("networkidle")
    expect(sam.page.get_by_role("heading", name="Linked with Alice")).to_be_visible()
    assert partner_membership(active_membership(alice)).person.display_name == "Sam"
    # Alice hears about it without reloading: the menu count and the home list.
    a.go("/")
    a.page.wait_for_selector("#recent-notes >> text=Sam linked with you.", timeout=5000)
    a.page.wait_for_selector("#nav-notes .nav-count", timeout=5000)
    a.close()
    sam.close()


def test_installable_and_a_check_in_made_offline_is_stored_once_with_its_time(
    site, chromium, artifacts
):
    axe = Axe()
    alice = make_person("Alice")
    a = Browser(chromium, site, artifacts, axe)
    a.log_in(alice.email)
    # Install prerequisites: a manifest with name, icons, start_url, display; a service worker
    # that controls the page.
    manifest = a.page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["display"] == "standalone" and manifest["name"] == django_settings.SITE_NAME
    assert {"192x192", "512x512"} <= {i["sizes"] for i in manifest["icons"]}
    state = a.page.evaluate("navigator.serviceWorker.ready.then(r => r.active && r.active.state)")
    assert state in ("activating", "activated")
    a.go("/checkins/")  # now under the worker's control; it keeps this page for offline use
    assert a.page.evaluate("!!navigator.serviceWorker.controller")

    a.context.set_offline(True)
    assert a.page.evaluate("navigator.onLine") is False
    a.page.get_by_label("Mood right now").fill("83")
    made = timezone.now()
    a.page.get_by_role("button", name="Save check-in").click()
    a.page.wait_for_selector("#outbox-status >> text=kept on this device")
    assert a.page.evaluate("window.interdepOutbox.pending().then(x => x.length)") == 1
    assert CheckIn.objects.count() == 0
    a.shoot("checkin-offline")
    # Reloading without a connection still opens the check-in page (kept by the worker).
    a.page.reload()
    a.page.wait_for_selector("text=How are you, right now?")
    time.sleep(2)  # the connection comes back later; the check-in keeps its own time

    a.context.set_offline(False)
    a.page.wait_for_selector("#outbox-status >> text=made offline is saved", timeout=10000)
    assert a.page.evaluate("window.interdepOutbox.pending().then(x => x.length)") == 0
    [stored] = CheckIn.objects.filter(person=alice)
    assert stored.valence == 83 and stored.client_id is not None
    assert abs(stored.occurred_at - made) < timedelta(seconds=2)
    assert stored.created_at - stored.occurred_at >= timedelta(seconds=2)
    # The device sends it again (a lost answer, a second tab): still one.
    status = a.page.evaluate(
        """id => fetch('/api/v1/checkins', {method: 'POST', headers: {'Content-Type':
        'application/json', 'X-CSRFToken': document.cookie.match(/csrftoken=([^;]+)/)[1]},
        body: JSON.stringify({client_id: id, valence: 83, arousal: 50, closeness: 4,
        felt_self: 4, occurred_at: new Date().toISOString()})}).then(r => r.status)""",
        str(stored.client_id),
    )
    assert status == 200 and CheckIn.objects.filter(person=alice).count() == 1
    a.go("/offline/")
    a.shoot("offline")
    a.close()


def test_a_partners_actions_appear_without_a_reload_and_as_a_push(site, chromium, artifacts):
    axe = Axe()
    alice, bob = make_person("Alice"), make_person("Bob")
    link(alice, bob)
    submit(alice, seed=1, lean=0.8)
    submit(bob, seed=2, lean=0.5)
    Notification.objects.all().delete()
    a = Browser(chromium, site, artifacts, axe)
    b = Browser(chromium, site, artifacts, axe)
    a.log_in(alice.email)
    b.log_in(bob.email)
    b.go("/")
    b.page.evaluate("window.__same_page = true")

    with PushService() as service:
        device = service.device("bob-phone")
        created = b.page.evaluate(
            """sub => fetch('/notifications/push/subscribe/', {method: 'POST', headers:
            {'Content-Type': 'application/json', 'X-CSRFToken':
            document.cookie.match(/csrftoken=([^;]+)/)[1]}, body: JSON.stringify(sub)})
            .then(r => r.status)""",
            device.subscription(),
        )
        assert created == 201

        a.go("/couple/")
        started = time.monotonic()
        a.page.get_by_role("button", name="Yes, share a couple report").click()
        b.page.wait_for_selector(
            "#recent-notes >> text=Alice said yes to the couple report.", timeout=5000
        )
        assert time.monotonic() - started < 5
        plan_services.encouragement_send(person=alice, preset="proud")
        b.page.wait_for_selector(
            "#recent-notes >> text=Alice sent you encouragement.", timeout=5000
        )
        assert b.page.evaluate("window.__same_page") is True  # no reload happened
        # the menu's count is polled on its own: it may arrive a moment after the list
        expect(b.page.locator("#nav-notes .nav-count")).to_have_text("2", timeout=5000)

        for note in Notification.objects.filter(person=bob):
            assert deliver_notification.call(note.pk) == "push"
        assert service.errors == []
        assert len(service.deliveries) == 2
        for delivery in service.deliveries:
            assert delivery.payload["body"] == "Something new is waiting for you."
            assert "Alice" not in str(delivery.payload)
    b.shoot("home-notifications")
    b.go("/notifications/")
    b.shoot("notifications")
    a.close()
    b.close()


def test_settings_change_in_the_browser_with_the_zone_from_the_device(site, chromium, artifacts):
    axe = Axe()
    alice = make_person("Alice")
    a = Browser(chromium, site, artifacts, axe, timezone_id="Asia/Tokyo")
    a.log_in(alice.email)
    a.go("/settings/")
    assert a.page.locator("#id_tz").input_value() == "Asia/Tokyo"  # preselected from the device
    a.page.get_by_label("Search for your city").fill("sydney")
    assert a.page.locator("#id_tz").input_value() == "Australia/Sydney"
    a.shoot("settings")
    a.page.get_by_role("button", name="Save time zone").click()
    a.page.wait_for_load_state("networkidle")
    expect(a.page.get_by_text("Your time zone is saved")).to_be_visible()
    a.page.get_by_label("Your name (what your partner sees)").fill("Ali")
    a.page.get_by_role("button", name="Save name").click()
    a.page.wait_for_load_state("networkidle")
    alice.refresh_from_db()
    assert alice.display_name == "Ali" and alice.preferences.tz == "Australia/Sydney"
    a.page.get_by_label("New email address").fill("ali@example.org")
    a.page.get_by_role("button", name="Send the confirmation link").click()
    a.page.wait_for_load_state("networkidle")
    alice.refresh_from_db()
    assert alice.email == "alice-private@example.org"  # not before the link is opened
    change = alice.email_changes.get()
    from django.core import signing

    token = signing.dumps(
        {"c": change.pk, "e": change.new_email}, salt="interdep.preferences.email-change"
    )
    a.go(f"/settings/email/{token}/")
    a.shoot("email-confirm")
    a.page.get_by_role("button", name="Yes, use this address").click()
    a.page.wait_for_load_state("networkidle")
    alice.refresh_from_db()
    assert alice.email == "ali@example.org"
    a.close()


def test_a_clinician_lands_on_the_caseload_and_the_site_pages_look_finished(
    site, chromium, artifacts
):
    axe = Axe()
    alice, bob = make_person("Alice"), make_person("Bob")
    link(alice, bob)
    submit(alice)
    submit(bob, seed=2)
    doctor, profile = make_clinician("Dr Quoll")
    grant_by_both(alice, bob, profile)
    c = Browser(chromium, site, artifacts, axe)
    c.log_in(doctor.email, lands="/clinic/")
    assert (
        c.page.get_by_role("link", name="Caseload").is_visible()
        or c.page.get_by_role("button", name="Menu").is_visible()
    )
    c.shoot("clinician-caseload")
    c.go("/no-such-page/")
    c.shoot("404")
    c.close()

    anon = Browser(chromium, site, artifacts, axe)
    for path, name in (
        ("/privacy/", "privacy"),
        ("/terms/", "terms"),
        ("/accounts/login/", "login"),
        ("/notifications/unsubscribe/x/", "unsubscribe"),
    ):
        anon.go(path)
        anon.shoot(name)
    anon.go("/accounts/login/")
    assert "127.0.0.1" not in anon.page.locator("header").inner_text()
    anon.close()


def test_the_phone_menu_folds_into_a_button(site, chromium, artifacts):
    alice = make_person("Alice")
    a = Browser(chromium, site, artifacts, Axe())
    a.log_in(alice.email)
    menu = a.page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(a.page.get_by_role("link", name="Exercises together")).not_to_be_visible()
    header_height = a.page.locator("header").bounding_box()["height"]
    assert header_height < 80  # one line on a phone
    menu.click()
    expect(a.page.get_by_role("link", name="Exercises together")).to_be_visible()
    assert menu.get_attribute("aria-expanded") == "true"
    a.page.screenshot(path=str(artifacts / "comeback-menu-open-light-390.png"), full_page=True)
    a.page.set_viewport_size({"width": 1280, "height": 900})
    expect(menu).not_to_be_visible()
    expect(a.page.get_by_role("link", name="Us over time")).to_be_visible()
    assert a.page.locator("header").bounding_box()["height"] < 80  # one line on a desktop
    a.close()


def test_the_existing_pages_are_axe_clean_in_dark_mode_too(
    site, chromium, artifacts, alice, bob, shared_couple
):
    from interdep.checkins.demo import couple_checkins

    now = timezone.now()
    couple_checkins(
        alice,
        bob,
        first_day=(now - timedelta(days=20)).date(),
        days=21,
        until=now - timedelta(minutes=30),
    )
    plan_services.plan_build(person=alice)
    a = Browser(chromium, site, artifacts, Axe())
    a.log_in(alice.email)
    for path, name in (
        ("/", "home"),
        ("/checkins/", "checkin-form"),
        ("/checkins/schedule/", "checkin-schedule"),
        ("/checkins/together/", "us-over-time"),
        ("/couple/", "couple"),
        (f"/couple/{shared_couple.pk}/report/", "couple-report"),
        ("/report/", "my-report"),
        ("/practice/", "practice"),
        ("/progress/", "progress"),
        ("/exercises/", "exercises-together"),
    ):
        a.go(path)
        a.shoot(f"existing-{name}")
    a.close()
