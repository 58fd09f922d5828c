"""The frame: the product's name (never the host), the manifest and service worker, icons,
branded error pages, the legal pages with the operator from settings, the clinician's home."""

from __future__ import annotations

import json
import re

import pytest
from django.template.loader import render_to_string
from django.test import Client

from .conftest import PASSWORD, make_person


def test_the_login_page_and_reset_email_show_the_products_name_not_the_host(settings, client, db):
    from django.core import mail

    settings.SITE_NAME = "Duo"
    page = client.get("/accounts/login/", HTTP_HOST="127.0.0.1").content.decode()
    assert "· Duo</title>" in page and "127.0.0.1" not in page.split("<main")[0]
    make_person("Alice")
    client.post("/accounts/password-reset/", {"email": "alice-private@example.org"})
    [message] = mail.outbox
    assert "Duo" in message.subject and "Duo account" in message.body


def test_the_manifest_makes_the_app_installable(client, settings):
    settings.SITE_NAME = "Duo"
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Duo" and data["display"] == "standalone"
    assert data["start_url"].startswith("/") and data["scope"] == "/"
    sizes = {i["sizes"] for i in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(i.get("purpose") == "maskable" for i in data["icons"])
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_service_worker_is_served_from_the_root_with_the_shell_list(client):
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert '"/offline/"' in body and "/static/css/site.css" in body
    assert "worker-src 'self'" in response["Content-Security-Policy"]


def test_a_favicon_is_there(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.content[:4] == b"\x00\x00\x01\x00"


def test_404_and_403_are_branded_with_a_way_back(client, alice):
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    text = page.content.decode()
    assert "This page is not here" in text and 'href="/"' in text and "Not Found" not in text
    client.force_login(alice)
    assert "This page is not here" in client.get("/report/999999/").content.decode()


def test_the_500_page_renders_without_a_request(settings):
    settings.SITE_NAME = "Duo"
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html and "Back to Duo" in html


def test_privacy_and_terms_name_the_operator_from_settings(client, settings):
    settings.OPERATOR_NAME = "Example Care Ltd"
    settings.OPERATOR_CONTACT = "dpo@care.example"
    for path in ("/privacy/", "/terms/"):
        text = client.get(path).content.decode()
        assert "Example Care Ltd" in text and "dpo@care.example" in text
    privacy = client.get("/privacy/").content.decode()
    for kept in ("check-ins", "encrypted", "push", "Delete your account"):
        assert kept in privacy


@pytest.mark.parametrize(
    "label", ["Couple report", "Us over time", "Exercises together", "Progress", "Settings"]
)
def test_the_menu_has_distinct_names(client, alice, label):
    client.force_login(alice)
    header = client.get("/").content.decode().split("<main")[0]
    assert f">{label}</a>" in header


def test_a_clinician_lands_on_the_caseload_with_their_own_menu(db):
    from interdep.clinic import services as clinic_services

    staff = make_person("Staff", is_staff=True)
    doctor = make_person("Doc")
    profile = clinic_services.clinician_apply(
        person=doctor, professional_name="Dr Quinn", registration="R-1"
    )
    clinic_services.clinician_verify(profile=profile, staff=staff)
    client = Client()
    response = client.post("/accounts/login/", {"email": doctor.email, "password": PASSWORD})
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == "/clinic/"  # so logging in lands on the caseload
    header = client.get("/clinic/").content.decode().split("<main")[0]
    assert ">Caseload</a>" in header and "Check in" not in header and "Couple report" not in header


def test_a_partner_still_lands_on_home(alice):
    client = Client()
    response = client.post("/accounts/login/", {"email": alice.email, "password": PASSWORD})
    assert response["Location"] == "/"


def _frame(client) -> str:
    """The page's frame: everything but the main content."""
    page = client.get("/support/").content.decode()
    return page.split("<main")[0] + page.split("</main>")[1]


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'(?:csrfmiddlewaretoken" value="|X-CSRFToken": ")([^"]+)', html))


def test_the_kept_frame_of_one_reader_is_never_anothers(alice, bob, settings):
    """The menu and links are drawn once per kind of reader (pwa/templatetags/frame.py): each
    reader still gets their own, and the form token of this very response."""
    from .clinic_helpers import make_clinician

    staff = make_person("Staffer", is_staff=True)
    doctor, _ = make_clinician("Dr Kept")
    readers = {"staff": staff, "alice": alice, "doctor": doctor, "anonymous": None, "bob": bob}
    frames = {}
    for _ in range(2):  # the second time from what was kept
        for name, person in readers.items():
            client = Client()
            if person is not None:
                client.force_login(person)
            html = _frame(client)
            frames.setdefault(name, []).append(re.sub(r"[\w-]{64}", "TOKEN", html))
            if person is not None:
                assert len(_tokens(html)) == 1  # the logout form's token is this response's
    for name, (first, second) in frames.items():
        assert first == second, name
    assert ">Psychometrics</a>" in frames["staff"][0]
    assert ">Psychometrics</a>" not in frames["alice"][0] + frames["bob"][0]
    assert ">Caseload</a>" in frames["doctor"][0] and "Check in" not in frames["doctor"][0]
    assert ">Clinician access</a>" not in frames["doctor"][0]
    assert ">Check in</a>" in frames["alice"][0] and "Caseload" not in frames["alice"][0]
    anonymous = frames["anonymous"][0]
    assert (
        ">Log in</a>" in anonymous and "Log out" not in anonymous and "Your data" not in anonymous
    )
    assert "outbox.js" not in anonymous and "outbox.js" in frames["alice"][0]
    assert frames["alice"][0] == frames["bob"][0]  # nothing personal is in the frame
    settings.SITE_NAME = "Duo"  # a setting changes: what was kept is drawn again
    client = Client()
    client.force_login(alice)
    assert "· Duo</title>" in client.get("/support/").content.decode()
    assert _frame(client).count("Duo") == 3  # title, brand and footer
    settings.STATIC_URL = "/assets/"  # a part's links follow the settings, too
    assert '"/assets/css/site.css"' in _frame(client)
