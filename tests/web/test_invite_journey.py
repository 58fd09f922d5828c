"""The invite link for a partner who has no account yet: the code survives sign-up (or log-in)
and becomes one "Join Alice" button."""

from __future__ import annotations

from interdep.access import core as permissions
from interdep.couples import services

from .conftest import PASSWORD, make_person


def test_a_new_partner_signs_up_through_the_link_and_joins_with_one_button(client, alice):
    code = services.invite_create(person=alice).code
    opened = client.get(f"/couple/join/?code={code.lower()}")
    assert opened.status_code == 302 and opened["Location"].startswith("/accounts/signup/?next=")
    signup_page = client.get(opened["Location"]).content.decode()
    assert "Alice invited you." in signup_page
    assert 'name="next"' in signup_page and "Log in</a>" in signup_page
    created = client.post(
        opened["Location"],
        {
            "display_name": "Sam",
            "email": "sam@example.org",
            "password": PASSWORD,
            "next": f"/couple/?code={code}",
        },
    )
    assert created.status_code == 302 and created["Location"] == f"/couple/?code={code}"
    page = client.get(created["Location"]).content.decode()
    assert "Join Alice" in page
    home = client.get("/").content.decode()
    assert "Join Alice" in home  # the code is kept in the session too
    joined = client.post("/couple/join/", {"code": code})
    assert joined.status_code == 302
    sam = permissions.active_membership(
        permissions.partner_membership(permissions.active_membership(alice)).person
    )
    assert sam is not None
    assert "Join Alice" not in client.get("/").content.decode()


def test_an_existing_partner_logs_in_through_the_link_and_keeps_the_code(client, alice):
    bob = make_person("Bob")
    code = services.invite_create(person=alice).code
    opened = client.get(f"/couple/join/?code={code}")
    signup = client.get(opened["Location"]).content.decode()
    login_link = signup.split('Already have an account? <a href="')[1].split('"')[0]
    assert login_link.startswith("/accounts/login/?next=")
    response = client.post(
        login_link.replace("&amp;", "&"),
        {"email": bob.email, "password": PASSWORD, "next": f"/couple/?code={code}"},
    )
    assert response.status_code == 302 and response["Location"] == f"/couple/?code={code}"
    assert "Join Alice" in client.get(response["Location"]).content.decode()


def test_an_outside_next_is_ignored(client, db):
    response = client.post(
        "/accounts/signup/?next=https://evil.example/",
        {"display_name": "Eve", "email": "eve@example.org", "password": PASSWORD},
    )
    assert response["Location"] == "/"


def test_a_used_or_unknown_code_shows_no_join_button(client, alice, bob):
    code = services.invite_create(person=alice).code
    services.couple_join(person=bob, code=code)
    carol = make_person("Carol")
    client.force_login(carol)
    for c in (code, "NOPE1234"):
        assert "Join" not in client.get(f"/couple/?code={c}").content.decode().split("<main")[1]


def test_the_invite_card_offers_copy_and_share_with_a_link_built_from_site_url(
    client, alice, settings
):
    settings.PRODUCTION, settings.SITE_URL = True, "https://interdep.example"
    client.force_login(alice)
    client.post("/couple/invite/")
    page = client.get("/couple/").content.decode()
    assert 'data-copy="https://interdep.example/couple/join/?code=' in page
    assert "data-share-url=" in page and "Copy code" in page
