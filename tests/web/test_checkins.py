"""Check-ins: the service's rules, late entries with their own time and zone, the private note
(encrypted at rest, its author's alone), the pages and the API, and bounded query counts."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from interdep.checkins import presenters, selectors, services, tasks
from interdep.checkins.models import CheckIn
from interdep.lib import zone_list
from interdep.lib.errors import ServiceError

NOW = datetime(2025, 3, 17, 18, 30, tzinfo=ZoneInfo("UTC"))
NOTE = "I miss my sister and did not say so - otter"


def _checkin(person, **kw):
    values = {"valence": 60, "arousal": 45, "closeness": 5, "felt_self": 4, "now": NOW, "tz": "UTC"}
    values.update(kw)
    return services.checkin_create(person=person, **values)


def test_a_late_entry_keeps_the_time_and_zone_the_person_gave(alice):
    entry = _checkin(alice, occurred_at=datetime(2025, 3, 16, 21, 15), tz="America/New_York")
    entry.refresh_from_db()
    assert entry.tz == "America/New_York"
    assert entry.occurred_at == datetime(2025, 3, 17, 1, 15, tzinfo=ZoneInfo("UTC"))  # EDT is UTC-4
    assert selectors.local_time(entry).strftime("%Y-%m-%d %H:%M") == "2025-03-16 21:15"


def test_a_check_in_without_a_time_is_now_in_the_schedule_zone(alice):
    services.schedule_save(person=alice, times=["20:00"], tz="Asia/Tokyo")
    entry = services.checkin_create(
        person=alice, valence=1, arousal=2, closeness=3, felt_self=4, now=NOW
    )
    assert entry.occurred_at == NOW and entry.tz == "Asia/Tokyo"


@pytest.mark.parametrize(
    "change, code",
    [
        ({"occurred_at": NOW + timedelta(hours=1)}, "in_future"),
        ({"occurred_at": NOW - timedelta(days=8)}, "too_late"),
        ({"valence": 101}, "invalid"),
        ({"closeness": 0}, "invalid"),
        ({"felt_self": "lots"}, "invalid"),
        ({"no_choice": "maybe"}, "invalid"),
        ({"tz": "Mars/Olympus"}, "bad_time_zone"),
        ({"note": "x" * 2001}, "invalid"),
    ],
)
def test_the_service_refuses_what_cannot_be_right(alice, change, code):
    with pytest.raises(ServiceError) as caught:
        _checkin(alice, **change)
    assert caught.value.code == code
    assert not CheckIn.objects.exists()


def test_two_entries_at_the_same_moment_are_refused_clearly(alice):
    _checkin(alice, occurred_at=NOW - timedelta(hours=1))
    with pytest.raises(ServiceError) as caught:
        _checkin(alice, occurred_at=NOW - timedelta(hours=1))
    assert caught.value.code == "duplicate" and caught.value.status == 409


def test_the_private_note_is_encrypted_in_the_raw_table(alice):
    entry = _checkin(alice, note=NOTE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT note FROM {CheckIn._meta.db_table} WHERE id = %s", [entry.pk])
        (raw,) = cursor.fetchone()
    assert raw and NOTE not in raw and "otter" not in raw
    assert CheckIn.objects.get(pk=entry.pk).note == NOTE


def test_the_note_is_shown_to_its_author_and_to_nobody_else_not_even_a_sharing_partner(
    client, alice, bob, shared_couple
):
    entry = _checkin(alice, note=NOTE, now=timezone.now())
    client.force_login(alice)
    assert NOTE in client.get(f"/checkins/{entry.pk}/").content.decode()
    assert NOTE in client.get("/api/v1/checkins").content.decode()
    client.force_login(bob)
    assert client.get(f"/checkins/{entry.pk}/").status_code == 404
    for url in (
        "/checkins/timeline/",
        "/checkins/together/",
        "/api/v1/checkins",
        "/api/v1/checkins/dynamics",
        f"/couple/{shared_couple.pk}/report/",
    ):
        assert NOTE not in client.get(url).content.decode(), url
    assert client.post(f"/checkins/{entry.pk}/delete/").status_code == 404
    assert CheckIn.objects.filter(pk=entry.pk).exists()


def test_a_check_in_from_the_page_is_saved_and_leads_to_the_timeline(client, alice):
    client.force_login(alice)
    form = client.get("/checkins/").content.decode()
    for label in ("Mood right now", "Energy", "Closeness to my partner", "I did something for me"):
        assert label in form
    response = client.post(
        "/checkins/",
        {
            "valence": "71",
            "arousal": "30",
            "closeness": "6",
            "felt_self": "2",
            "bid_made": "yes",
            "bid_answered": "no",
            "no_choice": "held_back",
            "conflict": "yes",
            "note": NOTE,
            "tz": "Europe/Paris",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/checkins/timeline/"
    entry = CheckIn.objects.get(person=alice)
    assert (entry.valence, entry.arousal, entry.closeness, entry.felt_self) == (71, 30, 6, 2)
    assert (
        entry.bid_made
        and entry.bid_answered == "no"
        and entry.no_choice == "held_back"
        and entry.conflict
    )
    assert entry.tz == "Europe/Paris"
    timeline = client.get("/checkins/timeline/").content.decode()
    assert "Mood by day" in timeline and "data:image/svg+xml;base64," in timeline
    assert NOTE not in timeline  # the note stays on its own page


def test_a_refused_check_in_keeps_what_was_entered(client, alice):
    client.force_login(alice)
    response = client.post(
        "/checkins/",
        {
            "valence": "80",
            "arousal": "30",
            "closeness": "6",
            "felt_self": "2",
            "when": "2001-01-01T09:00",
            "tz": "UTC",
            "note": "keep me",
        },
    )
    body = response.content.decode()
    assert response.status_code == 422 and "at most 7 days back" in body
    assert 'value="80"' in body and "keep me" in body


def test_the_timeline_has_no_streaks_and_no_guilt(client, alice):
    for days_ago in (1, 2, 5):
        _checkin(alice, occurred_at=NOW - timedelta(days=days_ago), valence=40 + days_ago)
    page = presenters.timeline(alice, now=NOW)
    assert page.days_with_entries == 3
    client.force_login(alice)
    body = client.get("/checkins/timeline/").content.decode().lower()
    for word in ("streak", "missed", "you broke", "don't lose", "in a row"):
        assert word not in body


def test_the_api_creates_lists_own_and_keeps_the_schedule(client, alice, bob):
    client.force_login(alice)
    created = client.post(
        "/api/v1/checkins",
        {
            "valence": 10,
            "arousal": 20,
            "closeness": 3,
            "felt_self": 7,
            "note": NOTE,
            "tz": "Europe/Oslo",
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["note"] == NOTE
    bad = client.post(
        "/api/v1/checkins",
        {"valence": 10, "arousal": 20, "closeness": 9, "felt_self": 7},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert [c["valence"] for c in client.get("/api/v1/checkins").json()] == [10]
    assert client.get("/api/v1/checkins/schedule").status_code == 404
    put = client.put(
        "/api/v1/checkins/schedule",
        {"times": ["21:00", "8:15"], "tz": "Europe/Oslo", "paused": True},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json() == {
        "times": ["08:15", "21:00"],
        "tz": "Europe/Oslo",
        "paused": True,
        "channel": "email",
    }
    wrong = client.put(
        "/api/v1/checkins/schedule",
        {"times": ["25:00"], "tz": "Europe/Oslo"},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "invalid"
    client.force_login(bob)
    assert client.get("/api/v1/checkins").json() == []


def test_the_schedule_page_saves_times_zone_and_pause(client, alice):
    client.force_login(alice)
    response = client.post(
        "/checkins/schedule/",
        {"times": ["07:30", "", "19:45"], "tz": "Australia/Perth", "paused": "yes"},
    )
    assert response.status_code == 302
    schedule = selectors.schedule_of(alice)
    assert (
        schedule.times == ["07:30", "19:45"]
        and schedule.tz == "Australia/Perth"
        and schedule.paused
    )
    refused = client.post("/checkins/schedule/", {"times": [""], "tz": "Australia/Perth"})
    assert refused.status_code == 422 and "at least one time" in refused.content.decode()


def test_check_in_pages_use_a_bounded_number_of_queries(
    client, alice, bob, shared_couple, django_assert_max_num_queries
):
    from interdep.checkins.demo import couple_checkins

    couple_checkins(
        alice,
        bob,
        first_day=(timezone.now() - timedelta(days=20)).date(),
        days=20,
        until=timezone.now(),
    )
    # As after check-ins in production: the task worker has stored "Us over time" (a first view
    # without it computes and stores it once, see test_us_over_time).
    assert tasks.couple_dynamics_refresh.call(shared_couple.pk) == "stored"
    client.force_login(alice)
    entry = CheckIn.objects.filter(person=alice).first()
    for url in (
        "/checkins/",
        "/checkins/timeline/",
        "/checkins/schedule/",
        "/checkins/together/",
        f"/checkins/{entry.pk}/",
        "/api/v1/checkins",
        "/api/v1/checkins/dynamics",
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200, url


def test_the_time_zone_options_are_made_once_and_are_the_short_list_by_region():
    html = zone_list.select_options("Europe/London")
    assert zone_list.select_options("Europe/London") is html  # made once, kept
    assert html.count("<option ") == sum(len(z) for _, z in zone_list.COMMON_ZONES)
    assert '<option value="Europe/London" selected>London, Dublin, Lisbon</option>' in html
    assert html.count(" selected") == 1
    # A saved zone that is not listed comes first, chosen; a name that is not a zone selects
    # nothing and adds nothing.
    lima = zone_list.select_options("America/Lima")
    assert lima.startswith('<optgroup label="Your zone"><option value="America/Lima" selected>')
    odd = zone_list.select_options("<script>")
    assert " selected" not in odd and "script" not in odd


def test_the_check_in_page_chooses_the_schedule_zone_in_the_picker(client, alice):
    services.schedule_save(person=alice, times=["20:00"], tz="America/Lima")
    client.force_login(alice)
    page = client.get("/checkins/").content.decode()
    assert '<option value="America/Lima" selected>' in page
    assert page.count("<option ") == sum(len(z) for _, z in zone_list.COMMON_ZONES) + 1
