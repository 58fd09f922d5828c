"""Every route x every role: the expected status, and no other person's private value in the body.

The people: Alice (the owner of the data under test) is linked with Bob, and both share a couple
report; Carol was Alice's partner before Bob (former partner); Dave is a stranger; Staff is a
staff superuser (staff get no look at anyone's data either). The enumeration test fails when a
route exists without an entry here, so a new route cannot ship unexamined.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from interdep.api.api import api
from interdep.couples import services as couple_services
from interdep.demo import demo_answers

from . import access
from .access import ROLES, Case
from .conftest import SAFETY_RAISING, SAFETY_WORDS, link, make_person, submit


def _load_feature_modules():
    return [
        importlib.import_module(f"{access.__name__}.{m.name}")
        for m in pkgutil.iter_modules(access.__path__)
    ]


FEATURES = _load_feature_modules()


def _merge() -> dict[str, Case]:
    merged: dict[str, Case] = {}
    for module in FEATURES:
        clash = set(merged) & set(module.CASES)
        assert not clash, f"routes listed twice: {sorted(clash)}"
        merged.update(module.CASES)
    return merged


MATRIX: dict[str, Case] = _merge()


API_DOCUMENT_ROUTES = ("api-root", "openapi-json", "openapi-view")


def _django_routes(patterns, names: set[str], api_patterns: list[URLPattern]) -> None:
    """URL names, descending into included URLconfs; the API's own resolver is kept apart."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == api.urls_namespace:
                api_patterns.extend(pattern.url_patterns)
            else:
                _django_routes(pattern.url_patterns, names, api_patterns)
        else:
            names.add(pattern.name)


def enumerate_routes() -> set[str]:
    """Every Django URL name, and every API operation as "METHOD /path"."""
    names: set[str] = set()
    api_patterns: list[URLPattern] = []
    _django_routes(get_resolver().url_patterns, names, api_patterns)
    paths = api.get_openapi_schema()["paths"]
    operations = {
        f"{method.upper()} {path}" for path, methods in paths.items() for method in methods
    }
    # Each API URL pattern is a document route or one operation (ninja adds a pattern per
    # operation, so a path with GET and PUT has two).
    assert len(api_patterns) == len(API_DOCUMENT_ROUTES) + len(operations)
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


def _build_world() -> dict:
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
    world = {
        "people": {
            "self": alice,
            "partner": bob,
            "former": carol,
            "stranger": dave,
            "staff": staff,
        },
        "ids": {"couple": couple.pk, "assessment": assessment.pk},
        "codes": {"stranger": dave_code},
        "private_to_self": [],  # e.g. Alice's private notes: no other role may ever see them
    }
    for module in FEATURES:
        if hasattr(module, "extend_world"):
            module.extend_world(world)
    return world


@pytest.fixture(scope="module")
def _shared_world(django_db_setup, django_db_blocker):
    """The world, built once per test process inside a transaction that is rolled back at the
    end. Each case runs in its own savepoint within it (the ``db`` fixture), so whatever a case
    changes (an unlink, a logout, a consent) is undone before the next case starts."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = _build_world()
        except BaseException:
            outer.__exit__(None, None, None)
            raise
    try:
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(_shared_world, db):
    """The shared world, with this case's changes rolled back after it (see ``_shared_world``)."""
    for person in _shared_world["people"].values():
        person.refresh_from_db()
    return _shared_world


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
        # A feature may let one role see another's display name (a granted clinician and the couple).
        if not is_partner and role not in world.get("names_visible", {}).get(actor_role, ()):
            values.append(person.display_name)
        if role in world["codes"]:
            values.append(world["codes"][role])
    if actor_role != "self":
        values.extend(world["private_to_self"])
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
