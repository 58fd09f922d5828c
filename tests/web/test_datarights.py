"""Data rights: each person downloads all of their own data (JSON and CSV in a zip) and deletes
their account end to end; the partner keeps their own data; grants end at once."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model

from interdep.access.core import active_membership
from interdep.assessments.models import Answer, Assessment
from interdep.clinic.models import Agreement, AuditEvent, Grant
from interdep.couples.models import Invite, Membership
from interdep.datarights import services
from interdep.lib import personal_data as registry

from .clinic_helpers import grant_by_both, make_clinician
from .conftest import PASSWORD, make_person


def _download(client, person) -> zipfile.ZipFile:
    client.force_login(person)
    response = client.post("/accounts/data/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_export_holds_all_of_my_data_as_json_and_csv_and_none_of_my_partners(
    client, alice, bob, shared_couple
):
    archive = _download(client, alice)
    names = set(archive.namelist())
    assert {
        "README.txt",
        "data.json",
        "account/account.csv",
        "assessments/answers.csv",
        "couples/memberships.csv",
        "clinic/audit_log.csv",
    } <= names
    data = json.loads(archive.read("data.json"))["data"]
    assert data["account"]["account"][0]["email"] == alice.email
    mine = Answer.objects.filter(assessment__person=alice).count()
    assert len(data["assessments"]["answers"]) == mine > 0
    assert {a["assessment_id"] for a in data["assessments"]["answers"]} == set(
        Assessment.objects.filter(person=alice).values_list("pk", flat=True)
    )
    text = archive.read("data.json").decode()
    assert bob.email not in text and "Bob" not in text
    rows = list(csv.DictReader(io.StringIO(archive.read("assessments/answers.csv").decode())))
    assert len(rows) == mine and set(rows[0]) == {
        "assessment_id",
        "item_id",
        "value",
        "answered_at",
    }
    results = list(csv.DictReader(io.StringIO(archive.read("assessments/results.csv").decode())))
    assert json.loads(results[0]["scales"])["connection"] == pytest.approx(
        data["assessments"]["results"][0]["scales"]["connection"]
    )


def test_every_registered_holder_is_exported_and_erased(client, alice):
    seen = []
    holder = registry.DataHolder(
        "testholder",
        lambda p: {"things": [{"owner": p.email, "n": 1}]},
        lambda p: seen.append(p.pk),
    )
    registry.register(holder)
    try:
        archive = _download(client, alice)
        assert "testholder/things.csv" in archive.namelist()
        assert alice.email in archive.read("testholder/things.csv").decode()
        pk = alice.pk
        services.person_delete(person=alice)
        assert seen == [pk]
    finally:
        registry._HOLDERS.pop("testholder", None)


def test_deleting_my_account_removes_my_data_revokes_grants_and_keeps_my_partners(
    client, alice, bob, shared_couple
):
    clinician, profile = make_clinician("Dr Quoll")
    grant = grant_by_both(alice, bob, profile)
    Invite.objects.create(code="ZZZZ-ZZZZ", inviter=alice, expires_at=grant.created_at)
    bob_answers = Answer.objects.filter(assessment__person=bob).count()
    client.force_login(alice)
    assert (
        client.post("/accounts/delete/", {"password": "not mine"}).status_code == 200
    )  # asks again
    client.post("/accounts/delete/", {"password": PASSWORD})
    assert not get_user_model().objects.filter(pk=alice.pk).exists()
    for model, lookup in (
        (Assessment, "person_id"),
        (Answer, "assessment__person_id"),
        (Membership, "person_id"),
        (Invite, "inviter_id"),
        (Agreement, "person_id"),
    ):
        assert not model.objects.filter(**{lookup: alice.pk}).exists(), model
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    client.force_login(clinician)
    assert client.get(f"/clinic/couples/{shared_couple.pk}/").status_code == 404
    # Bob keeps everything of his own, and the couple's log shows what happened.
    assert Answer.objects.filter(assessment__person=bob).count() == bob_answers
    assert active_membership(bob) is None
    assert AuditEvent.objects.filter(
        couple_id=shared_couple.pk, action=AuditEvent.GRANT_REVOKED
    ).exists()
    client.force_login(bob)
    export = json.loads(_download(client, bob).read("data.json"))["data"]
    assert len(export["assessments"]["answers"]) == bob_answers


def test_deleting_an_account_any_other_way_runs_the_erasers_too(db, alice, bob, couple):
    _, profile = make_clinician("Dr Quoll")
    grant = grant_by_both(alice, bob, profile)
    get_user_model().objects.filter(pk=bob.pk).delete()  # e.g. a script: queryset deletion
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert active_membership(alice) is None


def test_a_clinician_deleting_their_account_ends_their_grants_and_the_log_keeps_their_name(
    db, alice, bob, couple
):
    clinician, profile = make_clinician("Dr Quoll")
    grant_by_both(alice, bob, profile)
    services.person_delete(person=clinician)
    assert not Grant.objects.filter(clinician_id=profile.pk).exists()
    names = set(
        AuditEvent.objects.filter(couple_id=couple.pk).values_list("clinician_name", flat=True)
    )
    assert names == {"Dr Quoll"}


def test_the_data_page_offers_download_and_deletion(client, alice):
    client.force_login(alice)
    page = client.get("/accounts/data/").content.decode()
    assert "Download my data" in page and "/accounts/delete/" in page


@pytest.mark.parametrize("app", ["checkins", "plans", "exercises"])
def test_every_app_that_keeps_private_text_registers_its_data_holder(app):
    """Each app that keeps a person's data registers a holder (in its own AppConfig.ready())."""
    assert any(h.name.startswith(app) for h in registry.holders()), (
        f"interdep.{app} has no data holder"
    )


def test_a_second_person_in_the_export_is_never_there(client, db):
    lone = make_person("Lone")
    archive = _download(client, lone)
    data = json.loads(archive.read("data.json"))["data"]
    assert data["couples"]["memberships"] == [] and data["assessments"]["answers"] == []


def test_my_check_ins_with_their_private_note_are_exported_and_deleted_with_me(
    client, alice, bob, couple
):
    from django.utils import timezone

    from interdep.checkins.models import CheckIn

    note = "only mine: the quiet walk helped"
    for person in (alice, bob):
        CheckIn.objects.create(
            person=person,
            occurred_at=timezone.now(),
            tz="Europe/London",
            valence=60,
            arousal=40,
            closeness=5,
            felt_self=4,
            note=note + f" ({person.display_name})",
        )
    archive = _download(client, alice)
    checkins = json.loads(archive.read("data.json"))["data"]["checkins"]["checkins"]
    assert [c["note"] for c in checkins] == [note + " (Alice)"]
    assert note + " (Alice)" in archive.read("checkins/checkins.csv").decode()
    services.person_delete(person=alice)
    assert list(CheckIn.objects.values_list("person_id", flat=True)) == [bob.pk]


def test_deleting_my_account_keeps_my_partners_exercise_entry(db, alice, bob, couple):
    """A shared exercise holds both partners' entries: deleting one account removes only that
    person's entry; the partner's stays theirs (in their export too)."""
    from interdep.exercises import services as exercises
    from interdep.exercises.models import Exercise, ExerciseEntry

    exercise = exercises.exercise_start(person=alice, kind="vacation")
    exercises.entry_save(
        person=alice, exercise_id=exercise.pk, content={"together": ["a walk"]}, send=True
    )
    exercises.entry_save(
        person=bob, exercise_id=exercise.pk, content={"together": ["the sea"]}, send=True
    )
    services.person_delete(person=alice)
    assert Exercise.objects.filter(pk=exercise.pk).exists()
    assert list(
        ExerciseEntry.objects.filter(exercise=exercise).values_list("person_id", flat=True)
    ) == [bob.pk]
    bobs = services.collect_person_data(bob)["exercises"]
    assert [e["exercise_id"] for e in bobs["entries"]] == [exercise.pk]
