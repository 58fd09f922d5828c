"""schemathesis fuzzes the JSON API against its own OpenAPI document, through the WSGI app with a
logged-in session (and CSRF token): no 5xx, every response conforms to the document (status,
content type, body), and every error status the document lists is used somewhere.

Bounded: a few examples per operation (positive and negative data) and a per-example deadline,
so the whole file runs in well under two minutes. The number of generated cases is printed.
"""

from __future__ import annotations

import time

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from django.test import Client  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from interdep.couples import services as couple_services  # noqa: E402
from interdep.wsgi import application  # noqa: E402

from .conftest import link, make_person, submit  # noqa: E402

MAX_EXAMPLES = 15  # per operation and generation mode
DEADLINE_MS = 3000
#: Logging out would end the session the rest of the run uses; its own tests cover it.
SKIP = {("POST", "/api/v1/auth/logout")}
#: Signing up or in starts a new session, which would end Alice's: these go without her session
#: cookie (they are for people who are not logged in), keeping only the CSRF cookie.
ANONYMOUS = {("POST", "/api/v1/auth/signup"), ("POST", "/api/v1/auth/login")}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def _one_connection():
    """The app runs in this thread on the test's own transaction: keep Django from closing the
    connection at the end of each request (as Django's test client does too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def session(db):
    """Alice, linked with Bob, both assessed and sharing: most operations have something to do."""
    alice, bob = make_person("Alice"), make_person("Bob")
    link(alice, bob)
    submit(alice, seed=1)
    submit(bob, seed=2)
    couple_services.consent_set(person=alice, share=True)
    couple_services.consent_set(person=bob, share=True)
    client = Client()
    client.force_login(alice)
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    cookies = {
        "sessionid": client.cookies["sessionid"].value,
        "csrftoken": client.cookies["csrftoken"].value,
    }
    return {"alice": alice, "headers": {"X-CSRFToken": token}, "cookies": cookies}


def _keep_connection() -> None:
    """Called after any use of Django's test client, which reconnects the signal when it is done."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


def _api_path(operation) -> str:
    return operation.path if operation.path.startswith("/api") else "/api" + operation.path


def _documented_errors(raw: dict) -> set[int]:
    return {
        int(code)
        for methods in raw["paths"].values()
        for operation in methods.values()
        for code in operation.get("responses", {})
        if code.isdigit() and int(code) >= 400
    }


def _fuzz(operation, mode, session, counts, observed, failures) -> None:
    label = f"{operation.method.upper()} {operation.path}"
    cookies = session["cookies"]
    if (operation.method.upper(), _api_path(operation)) in ANONYMOUS:
        cookies = {"csrftoken": cookies["csrftoken"]}

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=DEADLINE_MS,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        counts["cases"] += 1
        response = case.call(headers=session["headers"], cookies=cookies)
        case.validate_response(response, checks=CHECKS)
        observed.setdefault(response.status_code, set()).add(label)

    try:
        run()
    except Unsatisfiable:
        # No parameters and no body: there is nothing to make invalid (negative mode only).
        assert mode == GenerationMode.NEGATIVE, label
    except (
        Exception,
        BaseExceptionGroup,
    ) as exc:  # a check failed: collect it, so one run reports all
        detail = " | ".join(
            line.strip() for line in str(getattr(exc, "exceptions", [exc])[0]).splitlines()[:3]
        )
        failures.append(f"{label} [{mode.value}]: {detail}")


def test_the_api_holds_to_its_openapi_document_under_fuzzing(session, _one_connection):
    _keep_connection()
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    observed: dict[int, set[str]] = {}
    failures: list[str] = []
    counts = {"cases": 0, "operations": 0}
    started = time.monotonic()

    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), _api_path(operation)) in SKIP:
            continue
        counts["operations"] += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, session, counts, observed, failures)

    # Directed requests for the statuses a logged-in, well-behaved session never meets.
    anonymous = Client()
    observed.setdefault(anonymous.get("/api/v1/me").status_code, set()).add(
        "GET /api/v1/me (anonymous)"
    )
    for _ in range(20):
        locked = anonymous.post(
            "/api/v1/auth/login",
            {"email": "nobody@example.org", "password": "guess"},
            content_type="application/json",
        )
    observed.setdefault(locked.status_code, set()).add(
        "POST /api/v1/auth/login (repeated failures)"
    )

    raw = schema.raw_schema
    documented = _documented_errors(raw)
    unused = documented - set(observed)
    elapsed = time.monotonic() - started
    print(
        f"\nschemathesis: {counts['cases']} generated cases over {counts['operations']} operations in "
        f"{elapsed:.1f} s; statuses seen: { {k: len(v) for k, v in sorted(observed.items())} }"
    )
    assert not failures, "\n".join(failures)
    assert not any(status >= 500 for status in observed)
    assert counts["cases"] >= counts["operations"] * 2
    assert not unused, (
        f"documented error statuses never returned by any operation: {sorted(unused)}"
    )
