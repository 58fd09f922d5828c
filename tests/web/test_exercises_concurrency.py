"""Both partners sending at the same instant: the reveal happens exactly once (one notification,
both entries sent, revealed). Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL, where
the row lock on the exercise is what keeps the second sender from missing the first."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from interdep.exercises import services
from interdep.exercises.models import Exercise, ExerciseEntry

from .conftest import link, make_person
from .test_concurrency import _together


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_both_partners_sending_at_once_reveal_exactly_once(round_):
    a, b = make_person(f"Ana{round_}"), make_person(f"Ben{round_}")
    link(a, b)
    exercise = services.exercise_start(person=a, kind="vacation")

    def send(person, wish):
        return lambda: services.entry_save(
            person=person,
            exercise_id=exercise.pk,
            content={"together": wish, "budget": 500},
            send=True,
        )

    _together(send(a, "a lake"), send(b, "a mountain"))

    exercise = Exercise.objects.get(pk=exercise.pk)
    assert exercise.revealed_at is not None
    assert ExerciseEntry.objects.filter(exercise=exercise, submitted_at__isnull=False).count() == 2
    notifications = DBTaskResult.objects.filter(task_path__endswith="notify_exercise_revealed")
    assert notifications.count() == 1
    assert notifications.get().args_kwargs["args"] == [exercise.pk]


@pytest.mark.django_db(transaction=True)
def test_both_agreeing_at_once_saves_the_agreement_once():
    a, b = make_person("Cleo"), make_person("Dan")
    link(a, b)
    exercise = services.exercise_start(person=a, kind="vacation")
    for person in (a, b):
        services.entry_save(
            person=person, exercise_id=exercise.pk, content={"together": "the coast"}, send=True
        )
    _together(
        lambda: services.exercise_agree(person=a, exercise_id=exercise.pk),
        lambda: services.exercise_agree(person=b, exercise_id=exercise.pk),
    )
    exercise = Exercise.objects.get(pk=exercise.pk)
    assert sorted(exercise.agreed_by) == sorted([a.pk, b.pk])
    assert exercise.agreed_revision == 0 and exercise.agreed_at is not None and exercise.outcome
