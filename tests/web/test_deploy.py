"""Production settings pass Django's deployment checklist."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

#: A fixed, valid Fernet key for these subprocesses (never a real deployment's).
FERNET_KEY = "0v9hI8mN3dPq2bX7kR5tW1yZ4cF6gJ8aL0sE2uV4oH8="
GOOD_SECRET = "k7#Qz9!vR2@mW4$tY6^uI8&oP0*aS1(dF3)gH5_jK7+lZ9=xC" + "b" * 10


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "interdep.settings",
        "PRODUCTION": "true",
        "SECRET_KEY": "k7#Qz9!vR2@mW4$tY6^uI8&oP0*aS1(dF3)gH5_jK7+lZ9=xC" + "b" * 10,
        "ALLOWED_HOSTS": "interdep.example.org",
        "INTERDEP_VAR_DIR": str(tmp_path),
        "INTERDEP_ENCRYPTION_KEYS": FERNET_KEY,
        "SITE_URL": "https://interdep.example.org",
    }
    for name in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "TEST_DATABASE_URL"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "interdep.settings",
        "PRODUCTION": "true",
        "INTERDEP_VAR_DIR": str(tmp_path),
    }
    env.pop("SECRET_KEY", None)
    done = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "SECRET_KEY" in done.stderr


def _production_env(tmp_path, **changes) -> dict:
    """The documented production variables (README, deployment), with ``changes`` (None unsets)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "interdep.settings",
        "PRODUCTION": "true",
        "SECRET_KEY": GOOD_SECRET,
        "ALLOWED_HOSTS": "interdep.example.org",
        "SITE_URL": "https://interdep.example.org",
        "INTERDEP_ENCRYPTION_KEYS": FERNET_KEY,
        "INTERDEP_VAR_DIR": str(tmp_path),
    }
    for name in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "TEST_DATABASE_URL"):
        env.pop(name, None)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _derived(secret: str) -> str:
    from interdep.deploy import derived_key

    return derived_key(secret)


DEV_SECRET = "dev-only-insecure-key-change-me-" + "x" * 32


CASES = [
    ({"INTERDEP_ENCRYPTION_KEYS": None}, "INTERDEP_ENCRYPTION_KEYS"),
    ({"INTERDEP_ENCRYPTION_KEYS": _derived(GOOD_SECRET)}, "derived from a SECRET_KEY"),
    ({"INTERDEP_ENCRYPTION_KEYS": _derived(DEV_SECRET)}, "derived from a SECRET_KEY"),
    ({"INTERDEP_ENCRYPTION_KEYS": "not-a-key"}, "not a Fernet key"),
    ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
    ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
    ({"SITE_URL": None}, "SITE_URL"),
    ({"SITE_URL": "http://interdep.example.org"}, "SITE_URL"),
    ({"SECRET_KEY": DEV_SECRET}, "SECRET_KEY"),
]


@pytest.mark.parametrize(("changes", "named"), CASES)
def test_each_deployment_rule_names_what_is_wrong(changes, named):
    from interdep.deploy import problems

    values = {
        "secret_key": GOOD_SECRET,
        "allowed_hosts": ["interdep.example.org"],
        "encryption_keys": [FERNET_KEY],
        "site_url": "https://interdep.example.org",
    }
    assert problems(**values) == []
    names = {
        "INTERDEP_ENCRYPTION_KEYS": ("encryption_keys", lambda v: [v] if v else []),
        "ALLOWED_HOSTS": ("allowed_hosts", lambda v: [v] if v else ["127.0.0.1", "localhost"]),
        "SITE_URL": ("site_url", lambda v: v or "http://127.0.0.1:8000"),
        "SECRET_KEY": ("secret_key", lambda v: v or ""),
    }
    for variable, value in changes.items():
        key, convert = names[variable]
        values[key] = convert(value)
    found = problems(**values)
    assert found and any(named in message for _, message in found), found


@pytest.mark.parametrize(("changes", "named"), [CASES[0], CASES[4], CASES[7]])
def test_production_refuses_to_start_with_a_missing_or_development_value(tmp_path, changes, named):
    done = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=_production_env(tmp_path, **changes),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert named in done.stderr, done.stderr[-2000:]


def test_check_deploy_fails_on_development_values_without_production(tmp_path):
    """The same rules as system checks tagged deploy: a development environment fails them."""
    env = _production_env(
        tmp_path,
        PRODUCTION=None,
        SECRET_KEY=None,
        ALLOWED_HOSTS=None,
        SITE_URL=None,
        INTERDEP_ENCRYPTION_KEYS=None,
    )
    done = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    report = done.stdout + done.stderr
    for check_id in ("interdep.E001", "interdep.E003", "interdep.E004", "interdep.E005"):
        assert check_id in report, report[-2000:]


SERVE_PAGES = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from interdep.wsgi import application  # a production start: collects the static files
from django.test import Client
client = Client(HTTP_HOST="interdep.example.org")
for path in ("/", "/accounts/login/", "/accounts/signup/", "/support/", "/accounts/password-reset/"):
    response = client.get(path, secure=True)
    print(path, response.status_code)
    assert response.status_code == 200, (path, response.status_code)
"""


def test_production_with_the_documented_variables_serves_pages_on_a_fresh_start(tmp_path):
    """No collectstatic by hand: a fresh data folder, the documented variables, and pages work."""
    done = subprocess.run(
        [sys.executable, "-c", SERVE_PAGES],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_the_login_throttle_counts_the_client_behind_the_proxies_not_the_proxy(settings, rf):
    from interdep.lib.http import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    settings.PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.PROXY_COUNT = 1  # the TLS proxy appended the client's address; 6.6.6.6 is forged
    assert client_ip(request) == "203.0.113.9"
    behind_two = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1", REMOTE_ADDR="10.0.0.2")
    settings.PROXY_COUNT = 2  # a load balancer, then the TLS proxy
    assert client_ip(behind_two) == "203.0.113.9"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"  # no header: the peer


def test_the_reference_deployments_environment_passes_check_deploy(tmp_path):
    """deploy/interdep.env.example, its placeholders filled in, is a deployment Django and our
    own rules accept (and it names every variable the units and the proxy rely on)."""
    import re
    import secrets
    from pathlib import Path

    from cryptography.fernet import Fernet

    example = Path(__file__).resolve().parents[2] / "deploy" / "interdep.env.example"
    fills = {
        "<random-64-characters>": secrets.token_urlsafe(64),
        "<fernet-key>": Fernet.generate_key().decode(),
        "<interdep.example.org>": "interdep.example.org",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    for name in ("DATABASE_URL", "TEST_DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    read = {}
    for line in example.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, value = line.split("=", 1)
        for placeholder, real in fills.items():
            value = value.replace(placeholder, real)
        read[name] = re.sub(r"<[^<>]*>", "placeholder", value)
    assert {"PRODUCTION", "DATABASE_URL", "REDIS_URL", "BEHIND_PROXY", "GUNICORN_BIND"} <= set(read)
    env.update(read)
    env.update(DJANGO_SETTINGS_MODULE="interdep.settings", INTERDEP_VAR_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_warm_up_leaves_the_routes_and_templates_ready_for_the_forked_workers(db):
    """gunicorn forks its workers from a master that ran warm_up (wsgi.py): they start with
    every view imported, reverse() built and the site's templates compiled."""
    from django.template import engines
    from django.urls import clear_url_caches, get_resolver

    from interdep.deploy import warm_up

    engine = engines["django"].engine
    [partials] = engine.template_loaders  # django-template-partials around Django's cache
    cached = partials.loaders[0]
    cached.reset()
    clear_url_caches()
    assert "base.html" not in cached.get_template_cache
    warm_up()
    kept = cached.get_template_cache
    assert {"base.html", "home.html", "couples/report.html"} <= set(kept)
    assert get_resolver()._populated
