"""Queries compiled once (interdep.lib.prepared): the same rows as the ORM, for every value."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, Value

from interdep.couples.models import Membership
from interdep.lib.prepared import PreparedValues
from interdep.pwa.roles import _facts_query, frame_facts

from .conftest import make_person, submit


def _people_query(person_id):
    return (
        get_user_model()
        .objects.filter(pk=person_id)
        .annotate(
            linked=Exists(Membership.objects.filter(person=OuterRef("pk"), left_at__isnull=True)),
            joined=Count("memberships", filter=Q(memberships__left_at__isnull=True)),
            label=Value("x"),
        )
        .values("linked", "joined", "label")
    )


def test_prepared_rows_equal_the_orms_for_every_person(alice, bob, couple):
    carol = make_person("Carol")
    submit(alice)
    prepared = PreparedValues(_people_query)
    for person in (alice, bob, carol):
        assert prepared.first(person.pk) == _people_query(person.pk).first()
    assert prepared.first(10**9) is None  # nobody: no row, as the ORM says
    assert prepared._compiled[0]  # compiled once, and used
    facts = PreparedValues(_facts_query)
    for person in (alice, bob, carol):
        assert facts.first(person.pk) == _facts_query(person.pk).first()
    assert frame_facts(alice).steps == (True, True, False)
    assert frame_facts(carol).steps == (False, False, False)


def test_a_query_without_the_marker_runs_through_the_orm(alice, bob):
    fixed = PreparedValues(lambda _: _people_query(alice.pk))
    assert fixed.first(bob.pk) == _people_query(alice.pk).first()
    assert fixed._compiled == ("", (), "")
