"""A check-in kept on the device while offline is sent with its own id: stored exactly once,
with the moment it was made, however often it is sent."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from interdep.checkins.models import CheckIn

BODY = {"valence": 61, "arousal": 40, "closeness": 5, "felt_self": 4, "tz": "Europe/Paris"}


def test_the_same_client_id_twice_is_stored_once_with_its_original_time(client, alice):
    client.force_login(alice)
    made = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)
    body = {**BODY, "client_id": str(uuid.uuid4()), "occurred_at": made.isoformat()}
    first = client.post("/api/v1/checkins", body, "application/json")
    again = client.post("/api/v1/checkins", body, "application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    [stored] = CheckIn.objects.filter(person=alice)
    assert stored.occurred_at == made and str(stored.client_id) == body["client_id"]


def test_two_people_may_use_the_same_id_and_different_ids_are_two_check_ins(client, alice, bob):
    same = str(uuid.uuid4())
    for person in (alice, bob):
        client.force_login(person)
        assert (
            client.post(
                "/api/v1/checkins", {**BODY, "client_id": same}, "application/json"
            ).status_code
            == 201
        )
    client.force_login(alice)
    earlier = (timezone.now() - timedelta(hours=1)).isoformat()
    response = client.post(
        "/api/v1/checkins",
        {**BODY, "client_id": str(uuid.uuid4()), "occurred_at": earlier},
        "application/json",
    )
    assert response.status_code == 201
    assert CheckIn.objects.filter(person=alice).count() == 2


def test_a_bad_client_id_is_a_clear_422(client, alice):
    client.force_login(alice)
    response = client.post("/api/v1/checkins", {**BODY, "client_id": "x"}, "application/json")
    assert response.status_code == 422
    assert not CheckIn.objects.exists()


def test_the_database_itself_refuses_a_second_row_with_the_same_id(alice):
    import pytest
    from django.db import IntegrityError, transaction

    key = uuid.uuid4()
    now = timezone.now()
    CheckIn.objects.create(
        person=alice,
        occurred_at=now,
        tz="UTC",
        valence=1,
        arousal=1,
        closeness=1,
        felt_self=1,
        client_id=key,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(
            person=alice,
            occurred_at=now - timedelta(minutes=5),
            tz="UTC",
            valence=1,
            arousal=1,
            closeness=1,
            felt_self=1,
            client_id=key,
        )
