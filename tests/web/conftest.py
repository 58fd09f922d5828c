"""Shared people and helpers for the web tests (pytest-django; settings in pyproject.toml).

Named people, as in the access matrix: alice and bob are a linked couple, carol was Alice's
partner once (former partner), dave is a stranger, staff is a staff account.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from interdep.assessments import services as assessment_services
from interdep.couples import services as couple_services
from interdep.demo import demo_answers

PASSWORD = "correct horse battery staple"
#: Answers on the worrying side of safety items (afraid to refuse; partner checks up, pressures).
SAFETY_RAISING = {"no_s5": 5, "hon_s4": 5, "aut_p2": 5, "hon_p2": 5}
#: Words only the private safety note uses (the general support page is public).
SAFETY_WORDS = (
    "A note just for you",
    "feel afraid, pressured or watched",
    'support_suggested": true',
)


def make_person(name: str, **extra):
    return get_user_model().objects.create_user(
        email=f"{name.lower()}-private@example.org", password=PASSWORD, display_name=name, **extra
    )


def link(a, b):
    invite = couple_services.invite_create(person=a)
    return couple_services.couple_join(person=b, code=invite.code)


def submit(person, *, seed: int = 1, lean: float = 0.7, answers: dict | None = None):
    assessment_services.answers_save(
        person=person, answers=answers or demo_answers(seed, lean=lean)
    )
    return assessment_services.assessment_submit(person=person)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles count in the cache; each test starts from zero (ids repeat across tests)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(db):
    return make_person("Alice")


@pytest.fixture
def bob(db):
    return make_person("Bob")


@pytest.fixture
def couple(alice, bob):
    return link(alice, bob)


@pytest.fixture
def shared_couple(alice, bob, couple):
    """Linked, both submitted, both said yes: the couple report exists."""
    submit(alice, seed=1, lean=0.8)
    submit(bob, seed=2, lean=0.5)
    couple_services.consent_set(person=alice, share=True)
    couple_services.consent_set(person=bob, share=True)
    return couple
