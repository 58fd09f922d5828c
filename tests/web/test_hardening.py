"""Hardening: login throttling and lock-out, single-use expiring reset links, a new session on
login, a strict Content-Security-Policy and security headers, and the admin out of sight."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .conftest import PASSWORD, make_person

# ---------------------------------------------------------------------------------------------
# Login throttling (django-axes)
# ---------------------------------------------------------------------------------------------


def _fail(client, email, times):
    for _ in range(times):
        response = client.post("/accounts/login/", {"email": email, "password": "guess"})
    return response


def test_failures_below_the_limit_still_let_the_right_password_in(client, alice, settings):
    assert _fail(client, alice.email, settings.AXES_FAILURE_LIMIT - 1).status_code == 200
    assert (
        client.post("/accounts/login/", {"email": alice.email, "password": PASSWORD}).status_code
        == 302
    )
    client.post("/accounts/logout/")
    # a success resets the count: the same number of failures again does not lock
    assert _fail(client, alice.email, settings.AXES_FAILURE_LIMIT - 1).status_code == 200


def test_reaching_the_limit_locks_out_even_the_right_password_on_the_page_and_the_api(
    client, alice, settings
):
    assert _fail(client, alice.email, settings.AXES_FAILURE_LIMIT).status_code == 429
    locked = client.post("/accounts/login/", {"email": alice.email, "password": PASSWORD})
    assert locked.status_code == 429 and "Too many attempts" in locked.content.decode()
    api = client.post(
        "/api/v1/auth/login",
        {"email": alice.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert api.status_code == 429 and api.json()["code"] == "locked_out"
    assert "_auth_user_id" not in client.session


def test_a_lock_out_is_per_account_and_address_and_cools_off(client, alice, bob, settings):
    from axes.models import AccessAttempt

    _fail(client, alice.email, settings.AXES_FAILURE_LIMIT)
    right = {"email": alice.email, "password": PASSWORD}
    assert client.post("/accounts/login/", right).status_code == 429
    # another account from the same address, and the same account from another address, get in
    assert (
        client.post("/accounts/login/", {"email": bob.email, "password": PASSWORD}).status_code
        == 302
    )
    client.post("/accounts/logout/")
    assert client.post("/accounts/login/", right, REMOTE_ADDR="203.0.113.9").status_code == 302
    client.post("/accounts/logout/")
    # an hour after the failures the lock is gone
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=1, minutes=1))
    assert client.post("/accounts/login/", right).status_code == 302


# ---------------------------------------------------------------------------------------------
# Password reset links
# ---------------------------------------------------------------------------------------------


def _reset_link(client, person) -> str:
    mail.outbox.clear()
    client.post("/accounts/password-reset/", {"email": person.email})
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)


def test_a_reset_link_works_once_only(client, alice):
    link = _reset_link(client, alice)
    form_url = client.get(link).url
    new = {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"}
    assert client.post(form_url, new).status_code == 302
    client.logout()
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()
    assert "new_password1" not in again.content.decode()


def test_a_reset_link_expires(client, alice, settings):
    generator = default_token_generator
    old = generator._num_seconds(generator._now()) - settings.PASSWORD_RESET_TIMEOUT - 60
    token = generator._make_token_with_timestamp(alice, old, generator.secret)
    assert not generator.check_token(alice, token)
    fresh = generator._make_token_with_timestamp(alice, old + 120, generator.secret)
    assert generator.check_token(alice, fresh)  # the same token a little younger is still fine
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    page = client.get(f"/accounts/reset/{uid}/{token}/", follow=True).content.decode()
    assert "This link no longer works" in page and "new_password1" not in page
    # whatever the setting, a link older than two hours no longer works
    two_hours_ago = generator._num_seconds(generator._now()) - 60 * 60 * 2 - 1
    stale = generator._make_token_with_timestamp(alice, two_hours_ago, generator.secret)
    assert not generator.check_token(alice, stale)


def test_a_reset_email_says_nothing_about_whether_an_account_exists(client, db):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 0


# ---------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------


def test_logging_in_rotates_the_session_key(client, alice):
    client.get("/accounts/login/")
    client.session.save()
    session = client.session
    session["before"] = "x"
    session.save()
    before = client.cookies["sessionid"].value
    assert (
        client.post("/accounts/login/", {"email": alice.email, "password": PASSWORD}).status_code
        == 302
    )
    after = client.cookies["sessionid"].value
    assert after != before
    from django.contrib.sessions.backends.db import SessionStore

    assert not SessionStore().exists(before)  # the old key is gone, not merely replaced


def test_api_login_rotates_the_session_key_too(client, alice):
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    client.session["x"] = 1
    session = client.session
    session.save()
    before = session.session_key
    client.post(
        "/api/v1/auth/login",
        {"email": alice.email, "password": PASSWORD},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert client.cookies["sessionid"].value not in ("", before)


def test_session_cookies_are_http_only_and_same_site(client, alice):
    response = client.post("/accounts/login/", {"email": alice.email, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


# ---------------------------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/support/", "/api/openapi.json"])
def test_every_response_carries_a_strict_csp_and_security_headers(client, db, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if " " in d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_signed_in_pages_are_never_cached(client, alice):
    client.force_login(alice)
    for path in ("/", "/clinic/access/", "/accounts/data/"):
        assert "no-store" in client.get(path)["Cache-Control"]


def test_no_page_has_inline_script_or_style(client, alice):
    client.force_login(alice)
    for path in ("/", "/clinic/", "/clinic/access/", "/accounts/data/"):
        body = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), path
        assert "<style" not in body and " style=" not in body, path


def test_the_admin_is_not_at_the_usual_path_and_is_for_staff_only(client, db, settings):
    assert settings.ADMIN_PATH not in ("admin", "") and len(settings.ADMIN_PATH) >= 12
    assert client.get("/admin/").status_code == 404
    person = make_person("Regular")
    client.force_login(person)
    assert client.get(f"/{settings.ADMIN_PATH}/").status_code == 302
    client.force_login(make_person("Staffer", is_staff=True))
    assert client.get(f"/{settings.ADMIN_PATH}/").status_code == 200


# Run in a fresh interpreter with the production variables: the pages' static files are
# linked through the manifest `collectstatic` writes at deployment, so the plain storage stands
# in for it (what is checked is the security behaviour, not the static files).
_PRODUCTION_PROBE = """
import json

import django

django.setup()
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
call_command("migrate", "sessions", verbosity=0)
out = {}
with override_settings(STORAGES=plain):
    client = Client(HTTP_HOST="x.example.org")
    over_http = client.get("/accounts/login/")
    out["over_http"] = [over_http.status_code, over_http.get("Location")]
    page = client.get("/accounts/login/", secure=True)
    out["page"] = page.status_code
    out["hsts"] = page.get("Strict-Transport-Security", "")
    out["csp"] = page["Content-Security-Policy"]
    out["csrf_cookie_secure"] = bool(page.cookies["csrftoken"]["secure"])
    missing = client.get("/no-such-page/", secure=True)
    out["not_found"] = [missing.status_code, b"URLconf" in missing.content]
    out["admin"] = client.get("/admin/", secure=True).status_code


def keep_something(request):
    request.session["seen"] = True
    return HttpResponse()


session = SessionMiddleware(keep_something)(RequestFactory().get("/", secure=True))
out["session_cookie"] = {k: bool(session.cookies["sessionid"][k]) for k in ("secure", "httponly")}
print(json.dumps(out))
"""


def test_in_production_pages_are_https_only_with_secure_cookies_and_no_debug_page(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "interdep.settings",
        "PRODUCTION": "true",
        "SECRET_KEY": "p" * 60,
        "ALLOWED_HOSTS": "x.example.org",
        # the other documented production variables (without them the app refuses to start)
        "SITE_URL": "https://x.example.org",
        "INTERDEP_ENCRYPTION_KEYS": "0v9hI8mN3dPq2bX7kR5tW1yZ4cF6gJ8aL0sE2uV4oH8=",
        "INTERDEP_VAR_DIR": str(tmp_path),
    }
    for name in ("DEBUG", "INTERDEP_ADMIN_PATH", "DATABASE_URL", "TEST_DATABASE_URL"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", _PRODUCTION_PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    # plain HTTP is sent to HTTPS; over HTTPS the browser is told to stay there for a year
    assert seen["over_http"] == [301, "https://x.example.org/accounts/login/"]
    assert seen["page"] == 200
    max_age = int(re.search(r"max-age=(\d+)", seen["hsts"]).group(1))
    assert max_age >= 31536000 and "includeSubDomains" in seen["hsts"]
    assert "upgrade-insecure-requests" in seen["csp"]
    # both cookies travel only over HTTPS
    assert seen["csrf_cookie_secure"] is True
    assert seen["session_cookie"] == {"secure": True, "httponly": True}
    # an unknown page is a plain 404, not Django's debug page; the admin is not at /admin/
    assert seen["not_found"] == [404, False]
    assert seen["admin"] == 404
