"""Sign up, log in and out, reset a password, delete an account."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core import mail

from interdep.access.core import active_membership
from interdep.assessments.models import Assessment

from .conftest import PASSWORD, make_person, submit


def test_signing_up_creates_the_account_and_logs_in(client, db):
    response = client.post(
        "/accounts/signup/",
        {"display_name": "Robin", "email": "Robin@Example.org", "password": PASSWORD},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="robin@example.org")
    assert user.password.startswith(("argon2", "md5"))  # hashed, never stored as given
    assert "Hello, Robin" in client.get("/").content.decode()


def test_passwords_are_hashed_with_argon2_outside_the_tests(settings):
    from django.conf import settings as live

    assert "Argon2PasswordHasher" in next(h for h in live.PASSWORD_HASHERS if "MD5" not in h)


def test_signup_refuses_a_weak_password_and_a_taken_email(client, alice):
    weak = client.post(
        "/accounts/signup/", {"display_name": "R", "email": "r@example.org", "password": "12345"}
    )
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    taken = client.post(
        "/accounts/signup/", {"display_name": "A", "email": alice.email, "password": PASSWORD}
    )
    assert "already exists" in taken.content.decode()


def test_logging_in_and_out(client, alice):
    response = client.post("/accounts/login/", {"email": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "Hello, Alice" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert "Create an account" in client.get("/").content.decode()


def test_a_wrong_password_is_refused_and_repeated_failures_lock_out(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"email": alice.email, "password": "not it"})
    assert response.status_code in (403, 429)
    locked = client.post("/accounts/login/", {"email": alice.email, "password": PASSWORD})
    assert locked.status_code in (403, 429)
    assert "Too many attempts" in locked.content.decode()


def test_a_password_reset_email_leads_to_a_new_password(client, alice):
    client.post("/accounts/password-reset/", {"email": alice.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session marker
    client.post(
        form_url,
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    alice.refresh_from_db()
    assert alice.check_password("a new long passphrase")


def test_deleting_an_account_keeps_the_partners_own_data(client, alice, bob, couple):
    submit(bob, seed=4)
    client.force_login(alice)
    assert client.post("/accounts/delete/", {"password": "wrong"}).status_code == 200
    client.post("/accounts/delete/", {"password": PASSWORD})
    assert not get_user_model().objects.filter(pk=alice.pk).exists()
    assert active_membership(bob) is None
    assert Assessment.objects.filter(person=bob, submitted_at__isnull=False).count() == 1


def test_people_are_named_by_display_name_only(db):
    person = make_person("Kim")
    assert str(person) == "Kim"
