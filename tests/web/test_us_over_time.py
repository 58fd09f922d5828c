""" "Us over time" is computed when check-ins arrive and read back by the page: the page reads
the stored document (no check-in is loaded on a view), over a bounded window; a withdrawn yes or
a deleted account removes it at once; a new check-in queues one refit (a burst queues one); the
couple's own network appears only when both move more than one feeling over enough days."""

from __future__ import annotations

import base64
import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from interdep.checkins import presenters, services, snapshots, tasks
from interdep.checkins.demo import couple_checkins
from interdep.checkins.models import CheckIn, DynamicsSnapshot
from interdep.couples import services as couple_services
from interdep.datarights.services import person_delete

LONDON = ZoneInfo("Europe/London")
REFRESH = "interdep.checkins.tasks.couple_dynamics_refresh"


def _days(alice, bob, first_day: date, days: int, **kw):
    return couple_checkins(
        alice, bob, first_day=first_day, days=days, tz="Europe/London", seed=4, skip=0.0, **kw
    )


def _stored(couple) -> DynamicsSnapshot | None:
    return DynamicsSnapshot.objects.filter(couple=couple).first()


def test_the_page_reads_the_stored_document_and_loads_no_check_in(
    alice, bob, shared_couple, client
):
    _days(alice, bob, date(2025, 3, 3), 21)
    assert tasks.couple_dynamics_refresh.call(shared_couple.pk) == "stored"
    row = _stored(shared_couple)
    assert row.document["days_together"] == 21 and row.computed_at is not None
    # What the page shows comes from the row: change the row, and the page says so.
    row.document["days_together"] = 77
    row.save(update_fields=["document"])
    client.force_login(alice)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/checkins/together/").content.decode()
    assert "from 77 days on which you both checked in" in page
    assert not [q for q in queries.captured_queries if "checkins_checkin" in q["sql"]], (
        "a view must not load check-ins when the stored document is there"
    )
    # The API reads the same row.
    assert client.get("/api/v1/checkins/dynamics").json()["days_together"] == 77


def test_without_a_stored_document_the_first_view_computes_and_stores_it(alice, bob, shared_couple):
    _days(alice, bob, date(2025, 3, 3), 14)
    assert _stored(shared_couple) is None
    view = presenters.couple_dynamics_view(alice)
    assert view.state == "ok"
    assert _stored(shared_couple).document["days_together"] == 14


def test_the_window_is_the_last_90_days_up_to_the_latest_check_in(
    alice, bob, shared_couple, client
):
    # Twenty days long ago, then a month now: only the month is read.
    _days(alice, bob, date(2024, 6, 1), 20)
    _days(alice, bob, date(2025, 3, 1), 30)
    document = snapshots.snapshot_refresh(couple_id=shared_couple.pk)
    assert document["window"] == {
        "days": 90,
        "start": "2024-12-31",
        "end": "2025-03-30",
        "first": "2024-06-01",
    }
    assert document["days_together"] == 30
    row = _stored(shared_couple)
    assert (row.window_start, row.window_end) == (date(2024, 12, 31), date(2025, 3, 30))
    # Exactly what the model gives on the window's check-ins alone.
    CheckIn.objects.filter(occurred_at__lt=datetime(2025, 1, 1, tzinfo=LONDON)).delete()
    alone = snapshots.compute_document(alice.pk, bob.pk, couple_id=shared_couple.pk)
    assert alone["variables"] == document["variables"]
    # The API says it too.
    client.force_login(alice)
    assert client.get("/api/v1/checkins/dynamics").json()["window"] == document["window"]
    # The page says which days it looks at.
    view = presenters.couple_dynamics_view(alice)
    assert (view.window_days, view.window_start, view.window_end) == (
        90,
        date(2024, 12, 31),
        date(2025, 3, 30),
    )
    assert view.whole_history is False  # older check-ins exist: "your last 90 days"


def test_the_page_says_all_check_ins_so_far_until_history_outgrows_the_window(
    alice, bob, shared_couple, client
):
    client.force_login(alice)
    _days(alice, bob, date(2025, 3, 3), 20)
    page = client.get("/checkins/together/").content.decode()
    assert "This looks at all your check-ins so far (3 March to 22 March 2025)" in page
    assert "last 90 days of check-ins" not in page
    _days(alice, bob, date(2024, 11, 1), 20)  # older history: now the window is full
    tasks.couple_dynamics_refresh.call(shared_couple.pk)
    page = client.get("/checkins/together/").content.decode()
    assert "This looks at your last 90 days of check-ins (23 December to 22 March 2025)" in page
    assert "all your check-ins so far" not in page


def test_withdrawing_consent_deletes_the_stored_document_at_once(alice, bob, shared_couple, client):
    _days(alice, bob, date(2025, 3, 3), 14)
    tasks.couple_dynamics_refresh.call(shared_couple.pk)
    assert _stored(shared_couple) is not None
    couple_services.consent_set(person=bob, share=False)
    assert _stored(shared_couple) is None  # gone in the withdrawal's own transaction
    client.force_login(alice)
    assert "Not shared right now" in client.get("/checkins/together/").content.decode()
    # A refit queued before the withdrawal stores nothing after it.
    assert tasks.couple_dynamics_refresh.call(shared_couple.pk) == "not_shared"
    assert _stored(shared_couple) is None
    # Saying yes again brings it back (computed anew).
    couple_services.consent_set(person=bob, share=True)
    assert presenters.couple_dynamics_view(alice).state == "ok"
    assert _stored(shared_couple) is not None


@pytest.mark.parametrize("how", ["unlink", "delete_account"])
def test_ending_the_couple_or_deleting_an_account_deletes_it(alice, bob, shared_couple, how):
    _days(alice, bob, date(2025, 3, 3), 14)
    tasks.couple_dynamics_refresh.call(shared_couple.pk)
    assert _stored(shared_couple) is not None
    if how == "unlink":
        couple_services.couple_unlink(person=alice)
    else:
        person_delete(person=bob)
    assert not DynamicsSnapshot.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_check_ins_queues_one_refit_and_the_worker_runs_it(alice, bob, shared_couple):
    # Committed for real here, so every check-in's after-commit hook runs, as in production.
    queued = DBTaskResult.objects.filter(task_path=REFRESH)
    _days(alice, bob, date(2025, 3, 3), 14)  # 84 check-ins, one after another
    assert queued.count() == 1, "many check-ins, one queued refit"
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert queued.get().status == "SUCCESSFUL"
    before = _stored(shared_couple)
    assert before.requested_at is None and before.document["days_together"] == 14
    now = datetime(2025, 3, 17, 21, 0, tzinfo=LONDON)
    for minutes in range(0, 50, 10):  # a burst of five, the partners taking turns
        services.checkin_create(
            person=alice if minutes % 20 == 0 else bob,
            valence=20 + minutes,
            arousal=50,
            closeness=4,
            felt_self=4,
            occurred_at=now + timedelta(minutes=minutes),
            tz="Europe/London",
            now=now + timedelta(hours=1),
        )
    assert queued.count() == 2, "a burst queues one refit"
    assert _stored(shared_couple).requested_at is not None
    job = queued.order_by("-enqueued_at").first()
    assert job.args_kwargs["args"] == [shared_couple.pk]
    # The task worker itself runs the queue, and the page then shows the new day.
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL" and job.return_value == "stored"
    after = _stored(shared_couple)
    assert after.requested_at is None and after.window_end == date(2025, 3, 17)
    assert after.document["days_together"] == 15
    assert presenters.couple_dynamics_view(alice).days_together == 15
    # Deleting a check-in queues a refit too (what is shown must not keep a deleted entry).
    services.checkin_delete(
        person=alice, checkin_id=CheckIn.objects.filter(person=alice).first().pk
    )
    assert queued.count() == 3


def test_a_refit_mark_left_by_a_stopped_worker_expires(alice, bob, shared_couple):
    _days(alice, bob, date(2025, 3, 3), 3)
    now = timezone.now()
    assert snapshots.snapshot_request(couple_id=shared_couple.pk, now=now)
    assert not snapshots.snapshot_request(couple_id=shared_couple.pk, now=now)
    later = now + snapshots.REQUEST_EXPIRES + timedelta(seconds=1)
    assert snapshots.snapshot_request(couple_id=shared_couple.pk, now=later)


def test_check_ins_of_people_without_consent_store_nothing(alice, bob, couple):
    _days(alice, bob, date(2025, 3, 3), 14)  # linked, but no couple report consent
    assert tasks.couple_dynamics_refresh.call(couple.pk) == "not_shared"
    assert not DynamicsSnapshot.objects.exists()


def test_the_document_holds_numbers_about_the_two_together_only(alice, bob, shared_couple):
    _days(alice, bob, date(2025, 3, 3), 21)
    CheckIn.objects.filter(person=alice).update(note="")
    entry = CheckIn.objects.filter(person=alice).first()
    entry.note = "a private note only Alice may read"
    entry.save()
    document = (
        tasks.couple_dynamics_refresh.call(shared_couple.pk) and _stored(shared_couple).document
    )
    text = json.dumps(document)
    assert "private note" not in text
    assert set(document) == {
        "version",
        "persons",
        "window",
        "days_together",
        "variables",
        "network",
        "figures",
    }
    assert "checkins" not in text and "occurred_at" not in text


# --------------------------------------------------------------------------- the network


def test_the_network_section_appears_with_more_than_one_feeling_and_enough_days(
    alice, bob, shared_couple, client
):
    _days(alice, bob, date(2025, 3, 3), 28)  # mood, energy and closeness all move
    view = presenters.couple_dynamics_view(alice)
    net = view.network
    assert net is not None and net.feelings == ["mood", "energy", "closeness"]
    assert net.n_pairs == 27 and net.figure_uri.startswith("data:image/svg+xml;base64,")
    client.force_login(alice)
    page = client.get("/checkins/together/").content.decode().replace("&#x27;", "'")
    assert "How your feelings pass between you, day to day" in page
    assert "from 27 pairs of days in a row on which you both checked in" in page
    assert net.chance in page
    # The same couple seen from Bob's side: his feelings first, the same estimates.
    stored = _stored(shared_couple).document["network"]
    theirs = presenters.couple_dynamics_view(bob).network
    assert theirs.n_pairs == net.n_pairs
    q = len(stored["feelings"])
    b_from_a = stored["temporal"][q][0]  # Bob's mood today from Alice's mood yesterday
    line = f"From Alice's mood one day to your mood the next: {b_from_a:+.2f}"
    assert any(n.startswith(line) for n in theirs.numbers)


def test_no_network_when_only_one_feeling_moves(alice, bob, shared_couple, client):
    _days(alice, bob, date(2025, 3, 3), 28)
    CheckIn.objects.update(arousal=50, closeness=4)  # the sliders left where they start
    view = presenters.couple_dynamics_view(alice)
    assert view.state == "ok" and view.network is None
    assert _stored(shared_couple).document["network"]["status"] == "one_feeling"
    client.force_login(alice)
    assert (
        "How your feelings pass between you"
        not in client.get("/checkins/together/").content.decode()
    )


def test_no_network_before_enough_days_in_a_row(alice, bob, shared_couple):
    _days(alice, bob, date(2025, 3, 3), 14)  # 13 pairs of days: the rest of the page is there
    view = presenters.couple_dynamics_view(alice)
    assert view.state == "ok" and view.network is None
    network = _stored(shared_couple).document["network"]
    assert network["status"] == "not_enough_days"
    assert (network["n_pairs"], network["pairs_needed"]) == (13, 14)


def test_the_network_is_gone_with_the_consent(alice, bob, shared_couple, client):
    _days(alice, bob, date(2025, 3, 3), 28)
    assert presenters.couple_dynamics_view(alice).network is not None
    couple_services.consent_set(person=alice, share=False)
    client.force_login(bob)
    page = client.get("/checkins/together/").content.decode()
    assert "How your feelings pass between you" not in page and "Not shared right now" in page
    assert not DynamicsSnapshot.objects.exists()


def _name_x(figure_uri: str, name: str) -> float:
    """Where a name's text stands in the figure (matplotlib writes each text's position)."""
    svg = base64.b64decode(figure_uri.split(",", 1)[1]).decode()
    for match in re.finditer(r"<text[^>]*>([^<]*)</text>", svg):
        if match.group(1).strip() == name:
            found = re.search(r'x="([\d.]+)"', match.group(0)) or re.search(
                r"translate\(([\d.]+)", match.group(0)
            )
            return float(found.group(1))
    raise AssertionError(f"{name} is not in the figure")


def test_each_partner_sees_themself_on_the_left_of_the_mood_figure(alice, bob, shared_couple):
    _days(alice, bob, date(2025, 3, 3), 21)
    tasks.couple_dynamics_refresh.call(shared_couple.pk)
    for reader, partner in ((alice, bob), (bob, alice)):
        view = presenters.couple_dynamics_view(reader)
        assert _name_x(view.figure_uri, "You") < _name_x(view.figure_uri, partner.display_name)
