"""Deterministic check-ins for a demo couple (and for tests): two partners whose moods carry
over and reach each other, answered at the same prompt times a few minutes apart."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from interdep.checkins import services
from interdep.checkins.models import FEEL_MAX, FEEL_MIN, MOOD_MAX, MOOD_MIN
from interdep.lib.timezones import local_date

DEMO_TIMES = ("09:00", "14:00", "20:00")


def _clip(value: float, low: int, high: int) -> int:
    return int(min(high, max(low, round(value))))


def couple_checkins(
    a,
    b,
    *,
    first_day: date,
    days: int,
    times=DEMO_TIMES,
    tz: str = "Europe/London",
    seed: int = 4,
    skip: float = 0.08,
    inertia=(0.45, 0.35),
    transmission=(0.35, 0.10),
    until: datetime | None = None,
) -> int:
    """Create check-ins for both partners over ``days`` local days from ``first_day``.

    Mood (valence) and closeness follow a bivariate VAR(1) around each person's own mean:
    ``inertia`` per partner, ``transmission`` = (a->b, b->a). Partner b answers 3 to 25 minutes
    after a; each answer is skipped with probability ``skip``; nothing after ``until``.
    Returns how many check-ins were made.
    """
    rng = random.Random(seed)
    where = ZoneInfo(tz)
    means = {"valence": (64.0, 58.0), "closeness": (5.0, 4.6)}
    sds = {"valence": 13.0, "closeness": 1.0}
    state = {k: [0.0, 0.0] for k in means}
    made = 0
    for d in range(days):
        day = first_day + timedelta(days=d)
        for text in times:
            hh, mm = (int(x) for x in text.split(":"))
            at_a = datetime.combine(day, time(hh, mm), tzinfo=where) + timedelta(
                minutes=rng.randint(0, 20)
            )
            at_b = at_a + timedelta(minutes=rng.randint(3, 25))
            for key in means:
                prev_a, prev_b = state[key]
                shock_a = rng.gauss(0, 1)
                shock_b = 0.35 * shock_a + (1 - 0.35**2) ** 0.5 * rng.gauss(0, 1)
                state[key] = [
                    inertia[0] * prev_a + transmission[1] * prev_b + shock_a * sds[key] * 0.8,
                    inertia[1] * prev_b + transmission[0] * prev_a + shock_b * sds[key] * 0.8,
                ]
            for slot, (person, at) in enumerate(((a, at_a), (b, at_b))):
                if rng.random() < skip or (until is not None and at > until):
                    continue
                services.checkin_create(
                    person=person,
                    valence=_clip(
                        means["valence"][slot] + state["valence"][slot], MOOD_MIN, MOOD_MAX
                    ),
                    arousal=_clip(rng.gauss(50, 15), MOOD_MIN, MOOD_MAX),
                    closeness=_clip(
                        means["closeness"][slot] + state["closeness"][slot], FEEL_MIN, FEEL_MAX
                    ),
                    felt_self=_clip(rng.gauss(4.2 if slot else 3.8, 1.3), FEEL_MIN, FEEL_MAX),
                    bid_made=rng.random() < 0.4,
                    bid_answered=rng.choice(("yes", "yes", "no")),
                    no_choice=rng.choice(("none",) * 6 + ("said", "held_back")),
                    conflict=rng.random() < 0.06,
                    occurred_at=at,
                    tz=tz,
                    now=at + timedelta(minutes=1),
                )
                made += 1
    return made


def demo_checkins(a, b, *, now: datetime | None = None, days: int = 21) -> int:
    """Three weeks of check-ins for the demo couple, ending now, with both reminder schedules."""
    now = now or timezone.now()
    tz = "Europe/London"
    for person in (a, b):
        services.schedule_save(person=person, times=list(DEMO_TIMES), tz=tz)
    today = local_date(now, tz)
    return couple_checkins(
        a, b, first_day=today - timedelta(days=days - 1), days=days, tz=tz, seed=4, until=now
    )
