"""Daily check-ins: own entries, reminders, the couple's dynamics, and their API."""

from datetime import timedelta

from django.utils import timezone

from . import Case, api_auth, signed_in

#: Only Alice ever sees this: it is in her private check-in note.
PRIVATE_NOTE = "Quietly hoping the move goes well - heron"

CASES: dict[str, Case] = {
    "checkin_new": Case("GET", "/checkins/", signed_in(200)),
    "checkin_timeline": Case("GET", "/checkins/timeline/", signed_in(200)),
    "checkin_schedule": Case("GET", "/checkins/schedule/", signed_in(200)),
    "checkin_dynamics": Case("GET", "/checkins/together/", signed_in(200)),
    "checkin_detail": Case("GET", "/checkins/{checkin}/", signed_in(404, self=200)),
    "checkin_delete": Case("POST", "/checkins/{checkin}/delete/", signed_in(404, self=302)),
    "POST /api/v1/checkins": Case(
        "POST",
        "/api/v1/checkins",
        api_auth(201),
        {"valence": 60, "arousal": 40, "closeness": 5, "felt_self": 4},
        json=True,
    ),
    "GET /api/v1/checkins": Case("GET", "/api/v1/checkins", api_auth(200)),
    "GET /api/v1/checkins/schedule": Case(
        "GET", "/api/v1/checkins/schedule", api_auth(404, self=200)
    ),
    "PUT /api/v1/checkins/schedule": Case(
        "PUT",
        "/api/v1/checkins/schedule",
        api_auth(200),
        {"times": ["08:30", "21:00"], "tz": "Europe/Berlin"},
        json=True,
    ),
    "GET /api/v1/checkins/dynamics": Case(
        "GET", "/api/v1/checkins/dynamics", api_auth(403, self=200, partner=200)
    ),
}


def extend_world(world):
    from interdep.checkins import services

    alice, bob = world["people"]["self"], world["people"]["partner"]
    now = timezone.now()
    services.schedule_save(person=alice, times=["09:00", "20:00"], tz="Europe/Paris")
    first = services.checkin_create(
        person=alice,
        valence=72,
        arousal=40,
        closeness=6,
        felt_self=3,
        bid_made=True,
        bid_answered="yes",
        note=PRIVATE_NOTE,
        occurred_at=now - timedelta(hours=2),
        tz="Europe/Paris",
    )
    services.checkin_create(
        person=alice,
        valence=55,
        arousal=50,
        closeness=5,
        felt_self=5,
        occurred_at=now - timedelta(days=1),
        tz="Europe/Paris",
    )
    services.checkin_create(
        person=bob,
        valence=61,
        arousal=35,
        closeness=6,
        felt_self=4,
        occurred_at=now - timedelta(hours=2, minutes=-10),
        tz="Europe/Paris",
    )
    world["ids"]["checkin"] = first.pk
    world["private_to_self"].append(PRIVATE_NOTE)
