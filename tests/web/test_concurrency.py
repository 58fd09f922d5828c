"""Both partners submitting and saying yes at the same moment leave one consistent state."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from interdep.access.core import couple_report_access
from interdep.assessments import services as assessment_services
from interdep.couples import services as couple_services
from interdep.couples.models import Couple, Membership
from interdep.demo import demo_answers

from .conftest import link, make_person


def _together(*actions):
    """Run the actions in threads released at the same instant; re-raise the first error."""
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action):
        try:
            barrier.wait()
            action()
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    if errors:
        raise errors[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_both_partners_submitting_and_consenting_at_once_is_consistent(round_):
    a, b = make_person(f"Ana{round_}"), make_person(f"Ben{round_}")
    couple = link(a, b)
    for k, person in enumerate((a, b)):
        assessment_services.answers_save(person=person, answers=demo_answers(30 + k, lean=0.7))

    def journey(person):
        def act():
            assessment_services.assessment_submit(person=person)
            couple_services.consent_set(person=person, share=True)

        return act

    _together(journey(a), journey(b))

    assert Membership.objects.filter(couple=couple, shares=True).count() == 2
    assert couple_report_access(a).allowed and couple_report_access(b).allowed
    assert Couple.objects.get(pk=couple.pk).report_ready_at is not None
    # Exactly one "report ready" notification: neither lost nor doubled.
    assert (
        DBTaskResult.objects.filter(task_path__endswith="notify_couple_report_ready").count() == 1
    )


@pytest.mark.django_db(transaction=True)
def test_two_people_joining_with_one_code_at_once_links_only_one():
    inviter, x, y = make_person("Ivy"), make_person("Xan"), make_person("Yael")
    code = couple_services.invite_create(person=inviter).code
    outcomes = []

    def join(person):
        def act():
            try:
                couple_services.couple_join(person=person, code=code)
                outcomes.append("linked")
            except couple_services.ServiceError:
                outcomes.append("refused")

        return act

    _together(join(x), join(y))
    assert sorted(outcomes) == ["linked", "refused"]
    assert Membership.objects.filter(person=inviter, left_at__isnull=True).count() == 1
