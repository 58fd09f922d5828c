"""Every route x every role: the expected status, and no other person's private value in the body.

The people: Alice (the owner of the data under test) is linked with Bob, and both share a couple
report; Carol was Alice's partner before Bob (former partner); Dave is a stranger; Staff is a
staff superuser (staff get no look at anyone's data either). The enumeration test fails when a
route exists without an entry here, so a new route cannot ship unexamined.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from interdep.api.api import api
from interdep.couples import services as couple_services
from interdep.demo import demo_answers

from .conftest import SAFETY_RAISING, SAFETY_WORDS, link, make_person, submit

ROLES = ("anonymous", "self", "partner", "former", "stranger", "staff")


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # formatted with the world's ids: {couple}, {assessment}
    expect: dict[str, int]
    data: dict = field(default_factory=dict)
    json: bool = False


def every(status: int, **overrides: int) -> dict[str, int]:
    return {role: overrides.get(role, status) for role in ROLES}


def signed_in(status: int, **overrides: int) -> dict[str, int]:
    """Pages that send anonymous visitors to the login page."""
    return every(status, anonymous=302, **overrides)


def api_auth(status: int, **overrides: int) -> dict[str, int]:
    return every(status, anonymous=401, **overrides)


#: Django URL names, then API operations as "METHOD /path" (OpenAPI templates).
MATRIX: dict[str, Case] = {
    "home": Case("GET", "/", every(200)),
    "signup": Case("GET", "/accounts/signup/", every(302, anonymous=200)),
    "login": Case("GET", "/accounts/login/", every(302, anonymous=200)),
    "logout": Case("POST", "/accounts/logout/", every(302)),
    "delete_account": Case("POST", "/accounts/delete/", signed_in(200), {"password": "wrong"}),
    "password_reset": Case("GET", "/accounts/password-reset/", every(200)),
    "password_reset_done": Case("GET", "/accounts/password-reset/sent/", every(200)),
    "password_reset_confirm": Case("GET", "/accounts/reset/MQ/bad-token/", every(200)),
    "password_reset_complete": Case("GET", "/accounts/reset/done/", every(200)),
    "couple": Case("GET", "/couple/", signed_in(200)),
    "couple_invite": Case("POST", "/couple/invite/", signed_in(302)),
    "couple_join": Case("POST", "/couple/join/", signed_in(302), {"code": "ABCD-EFGH"}),
    "couple_unlink": Case("POST", "/couple/unlink/", signed_in(302)),
    "couple_consent": Case("POST", "/couple/consent/", signed_in(302), {"share": "no"}),
    "couple_report": Case(
        "GET", "/couple/{couple}/report/", signed_in(404, self=200, partner=200)
    ),
    "assessment_start": Case("GET", "/assessment/", signed_in(302)),
    "assessment_page": Case("GET", "/assessment/page/1/", signed_in(200)),
    "assessment_answer": Case("POST", "/assessment/answer/", signed_in(200), {"bnd_s1": "4"}),
    "assessment_review": Case("GET", "/assessment/review/", signed_in(200)),
    "assessment_submit": Case("POST", "/assessment/submit/", signed_in(302)),
    "assessment_history": Case("GET", "/assessment/history/", signed_in(200)),
    "report_latest": Case("GET", "/report/", signed_in(200, self=302, partner=302)),
    "report_detail": Case("GET", "/report/{assessment}/", signed_in(404, self=200)),
    "support": Case("GET", "/support/", every(200)),
    # the API and its documents
    "api-root": Case("GET", "/api/", every(404)),
    "openapi-json": Case("GET", "/api/openapi.json", every(200)),
    "openapi-view": Case("GET", "/api/docs", every(200)),
    "GET /api/v1/auth/csrf": Case("GET", "/api/v1/auth/csrf", every(200)),
    "POST /api/v1/auth/signup": Case("POST", "/api/v1/auth/signup", every(422), {"email": "x"}, json=True),
    "POST /api/v1/auth/login": Case(
        "POST", "/api/v1/auth/login", every(401), {"email": "alice-private@example.org", "password": "wrong"}, json=True
    ),
    "POST /api/v1/auth/logout": Case("POST", "/api/v1/auth/logout", api_auth(204)),
    "GET /api/v1/me": Case("GET", "/api/v1/me", api_auth(200)),
    "POST /api/v1/couple/invite": Case("POST", "/api/v1/couple/invite", api_auth(201, self=409, partner=409)),
    "POST /api/v1/couple/join": Case("POST", "/api/v1/couple/join", api_auth(400), {"code": "ABCD-EFGH"}, json=True),
    "DELETE /api/v1/couple": Case("DELETE", "/api/v1/couple", api_auth(404, self=204, partner=204)),
    "PUT /api/v1/couple/consent": Case(
        "PUT", "/api/v1/couple/consent", api_auth(404, self=200, partner=200), {"share": False}, json=True
    ),
    "GET /api/v1/instrument": Case("GET", "/api/v1/instrument", api_auth(200)),
    "GET /api/v1/assessments/current": Case("GET", "/api/v1/assessments/current", api_auth(200)),
    "PUT /api/v1/assessments/current/answers": Case(
        "PUT", "/api/v1/assessments/current/answers", api_auth(200), {"bnd_s1": 3}, json=True
    ),
    "POST /api/v1/assessments/current/submit": Case("POST", "/api/v1/assessments/current/submit", api_auth(409)),
    "GET /api/v1/assessments/{assessment_id}": Case(
        "GET", "/api/v1/assessments/{assessment}", api_auth(404, self=200)
    ),
    "GET /api/v1/reports/me": Case("GET", "/api/v1/reports/me", api_auth(404, self=200, partner=200)),
    "GET /api/v1/reports/couple": Case("GET", "/api/v1/reports/couple", api_auth(403, self=200, partner=200)),
}


API_DOCUMENT_ROUTES = ("api-root", "openapi-json", "openapi-view")


def enumerate_routes() -> set[str]:
    """Every Django URL name, and every API operation as "METHOD /path"."""
    names: set[str] = set()
    api_patterns: list[URLPattern] = []
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            api_patterns.extend(pattern.url_patterns)
        else:
            names.add(pattern.name)
    paths = api.get_openapi_schema()["paths"]
    operations = {f"{method.upper()} {path}" for path, methods in paths.items() for method in methods}
    # Each API URL pattern is a document route or the home of one OpenAPI path's operations.
    assert len(api_patterns) == len(API_DOCUMENT_ROUTES) + len(paths)
    return names | set(API_DOCUMENT_ROUTES) | operations


def test_every_route_has_an_entry_in_the_matrix():
    routes = enumerate_routes()
    missing = sorted(routes - set(MATRIX))
    stale = sorted(set(MATRIX) - routes)
    assert not missing, f"routes without an access-matrix entry: {missing}"
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


def test_a_route_added_without_an_entry_is_caught(settings):
    """The check above is not vacuous: a new URL name shows up in the enumeration."""
    from django.urls import clear_url_caches, path

    import interdep.urls as urls

    extra = path("new-thing/", lambda request: None, name="new_thing")
    urls.urlpatterns.append(extra)
    clear_url_caches()
    try:
        assert "new_thing" in enumerate_routes() - set(MATRIX)
    finally:
        urls.urlpatterns.remove(extra)
        clear_url_caches()


@pytest.fixture
def world(db):
    """Alice linked with Bob (both submitted, both sharing), Carol her former partner, Dave a
    stranger, and a staff superuser. Alice's answers raise the safety signal."""
    alice, bob = make_person("Alice Quokka"), make_person("Bob Wombat")
    carol, dave = make_person("Carol Numbat"), make_person("Dave Bilby")
    staff = make_person("Staff Platypus", is_staff=True, is_superuser=True)
    link(alice, carol)
    couple_services.couple_unlink(person=carol)
    couple = link(alice, bob)
    assessment = submit(alice, answers={**demo_answers(11, lean=0.8), **SAFETY_RAISING})
    assert assessment.safety_raised
    submit(bob, seed=12, lean=0.5)
    couple_services.consent_set(person=alice, share=True)
    couple_services.consent_set(person=bob, share=True)
    dave_code = couple_services.invite_create(person=dave).code  # an open invite is private too
    return {
        "people": {"self": alice, "partner": bob, "former": carol, "stranger": dave, "staff": staff},
        "ids": {"couple": couple.pk, "assessment": assessment.pk},
        "codes": {"stranger": dave_code},
    }


def _request(client: Client, case: Case, ids: dict):
    path = case.path.format(**ids)
    method = getattr(client, case.method.lower())
    if case.json:
        return method(path, data=case.data, content_type="application/json")
    if case.method in ("GET", "DELETE"):
        return method(path)
    return method(path, data=case.data)


def _private_values(world, actor_role: str) -> list[str]:
    """What the actor must never see: other people's emails (nobody sees another's email), and
    the names of people who are not the actor's current partner."""
    people = world["people"]
    actor = people.get(actor_role)
    values = []
    for role, person in people.items():
        if person == actor:
            continue
        values.append(person.email)
        is_partner = {actor_role, role} == {"self", "partner"}
        if not is_partner:
            values.append(person.display_name)
        if role in world["codes"]:
            values.append(world["codes"][role])
    return values


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_route_gives_each_role_its_status_and_nothing_private(route, role, world, client):
    case = MATRIX[route]
    actor = world["people"].get(role)
    if actor is not None:
        client.force_login(actor)
    response = _request(client, case, world["ids"])
    assert response.status_code == case.expect[role], (route, role, response.content[:300])
    body = response.content.decode("utf-8", errors="replace")
    for value in _private_values(world, role):
        assert value not in body, f"{route} shows {value!r} to {role}"
    # Alice's safety signal is hers alone: nobody else's page or response mentions it.
    if role != "self":
        for words in SAFETY_WORDS:
            assert words not in body
