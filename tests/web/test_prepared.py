"""Queries compiled once (interdep.lib.prepared): the same rows as the ORM, for every value."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, Value
from django.http import Http404

from interdep.access.assessments import (
    _latest_of_query,
    _latest_query,
    latest_submitted,
    own_assessment_or_404,
)
from interdep.access.core import _members_query, couple_members
from interdep.assessments import services as assessment_services
from interdep.assessments.selectors import _history_query, _open_query, history, open_assessment
from interdep.couples.models import Membership
from interdep.lib.prepared import PreparedModels, PreparedValues
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


def _fields(obj):
    """Every column's value, and those of the related objects loaded with it."""
    if obj is None:
        return None
    found = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    for name, related in obj._state.fields_cache.items():
        found[name] = _fields(related)
    return found


def test_prepared_models_equal_the_orms_instances(alice, bob, couple, django_assert_num_queries):
    carol = make_person("Carol")
    first = submit(alice)
    again = submit(alice)  # the later one is the latest
    assert again.pk != first.pk
    assessment_services.assessment_open(person=bob)  # an open one, for open_assessment
    members = PreparedModels(_members_query)
    for person in (alice, bob, carol):
        orm = [_fields(m) for m in _members_query(person.pk)]
        assert [_fields(m) for m in members.rows(person.pk)] == orm
        assert [_fields(m) for m in couple_members(person) if m] == sorted(
            orm, key=lambda m: m["person_id"] != person.pk
        )
        assert _fields(latest_submitted(person)) == _fields(_latest_query(person.pk).first())
        assert _fields(open_assessment(person)) == _fields(_open_query(person.pk).first())
    with django_assert_num_queries(1):  # the partner's account and the couple come with it
        mine, theirs = couple_members(alice)
        assert (mine.person.pk, theirs.person.display_name) == (alice.pk, bob.display_name)
        assert mine.couple.pk == theirs.couple.pk == couple.pk
    assert mine.joined_at.tzinfo is not None  # converted as the ORM converts it
    latest_of = PreparedModels(_latest_of_query)
    assert sorted(_fields(a)["id"] for a in latest_of.rows(alice.pk, bob.pk)) == sorted(
        a.pk for a in _latest_of_query(alice.pk, bob.pk)
    )
    assert latest_submitted(alice).pk == again.pk
    assert open_assessment(bob) is not None and open_assessment(alice) is None
    assert members._compiled and latest_of._compiled  # compiled once, and used


def test_prepared_models_without_a_marker_run_through_the_orm(alice, bob, couple):
    fixed = PreparedModels(lambda _: Membership.objects.filter(person=alice))
    assert [m.pk for m in fixed.rows(bob.pk)] == [
        m.pk for m in Membership.objects.filter(person=alice)
    ]
    assert fixed._compiled == {}


def test_own_assessment_and_history_compiled_once_read_the_owners_only(alice, bob):
    first, again = submit(alice), submit(alice)
    theirs = submit(bob)
    assert own_assessment_or_404(alice, again.pk).pk == again.pk
    for person, assessment_id in ((bob, again.pk), (alice, theirs.pk), (alice, 2**63), (alice, 0)):
        with pytest.raises(Http404):
            own_assessment_or_404(person, assessment_id)
    assert [a.pk for a in history(alice)] == [again.pk, first.pk]
    assert [_fields(a) for a in history(bob)] == [_fields(a) for a in _history_query(bob.pk)]
