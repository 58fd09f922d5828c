"""The progress view: scores over time, and only a reliable change (RCI beyond 1.96) is called a
change; the map path; the partner's path only while the couple report is shared."""

from __future__ import annotations

import math

import pytest

from interdep.assessments import selectors as assessment_selectors
from interdep.couples import services as couple_services
from interdep.plans import presenters
from interdep.science.norms import RCI_CRITERION, norm_for

from .conftest import submit

pytestmark = pytest.mark.django_db


def _rci(before: float, after: float, name: str) -> float:
    """Jacobson & Truax by hand: (after - before) / (sqrt(2) * SD * sqrt(1 - r))."""
    norm = norm_for(name)
    return (after - before) / (math.sqrt(2) * norm.sd * math.sqrt(1 - norm.reliability))


def test_with_one_result_the_page_waits_for_a_second(client, alice):
    submit(alice, seed=1)
    client.force_login(alice)
    page = client.get("/progress/").content.decode()
    assert (
        "You have one result so far" in page and "data:image/svg+xml" in page
    )  # the map, one point


def test_a_big_move_is_called_a_reliable_change_and_a_small_one_is_not(client, alice):
    first = submit(alice, seed=21, lean=0.05)
    again = submit(alice, seed=21, lean=0.05)  # same answers: no change at all
    last = submit(alice, seed=22, lean=0.98)
    results = [assessment_selectors.person_result(a) for a in (first, again, last)]
    view = presenters.progress_view(alice)
    rows = {
        row["name"]: row for row in view["since_first"]["scales"] + view["since_first"]["facets"]
    }
    reliable_any = False
    for name, row in rows.items():
        before = results[0].scales.get(name, results[0].facets.get(name))
        after = results[2].scales.get(name, results[2].facets.get(name))
        if before is None or after is None:
            continue
        expected = abs(_rci(before, after, name)) > RCI_CRITERION
        assert row["reliable"] is expected, name
        assert ("No reliable change" in row["words"]) is (not expected), name
        reliable_any |= expected
    assert reliable_any, "answers from one pole to the other move at least one score reliably"
    # Between the first two (identical answers) nothing is a change.
    same = presenters._change_rows(presenters.SCALE_LABELS, results[0], results[1])
    assert not any(row["reliable"] for row in same)
    client.force_login(alice)
    page = client.get("/progress/").content.decode()
    assert page.count("data:image/svg+xml") == 3  # scales, facets, map path
    assert f"{view['reliable_count']} reliable change" in page


def test_the_partners_path_shows_only_while_the_couple_report_is_shared(
    client, alice, bob, shared_couple
):
    submit(bob, seed=5, lean=0.9)
    view = presenters.progress_view(alice)
    assert [p.label for p in view["map_points"]] == ["You", "Bob"]
    assert len(view["map_points"][1].points) == 2
    couple_services.consent_set(person=bob, share=False)
    view = presenters.progress_view(alice)
    assert [p.label for p in view["map_points"]] == ["You"]
    client.force_login(alice)
    assert "Bob&#x27;s path" not in client.get("/progress/").content.decode()


def test_the_api_reports_rci_for_each_score(client, alice):
    submit(alice, seed=31, lean=0.1)
    submit(alice, seed=32, lean=0.95)
    client.force_login(alice)
    data = client.get("/api/v1/plan/progress").json()
    assert data["assessments"] == 2
    for row in data["since_first"]:
        if row["rci"] is not None:
            assert row["rci"] == pytest.approx(
                _rci(row["before"], row["after"], row["name"]), abs=1e-3
            )
            assert row["reliable"] is (abs(row["rci"]) > RCI_CRITERION)


def test_check_in_days_are_counted_as_the_persons_own_local_days(alice):
    """Two check-ins on one local day count once; a late-evening one in Sydney is its own day."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from interdep.checkins.models import CheckIn
    from interdep.plans.presenters import checkin_adherence

    now = timezone.now()
    for hours_ago, tz in (
        (1, "Europe/London"),
        (2, "Europe/London"),
        (30, "Europe/London"),
        (80, "Australia/Sydney"),
    ):
        CheckIn.objects.create(
            person=alice,
            occurred_at=now - timedelta(hours=hours_ago),
            tz=tz,
            valence=50,
            arousal=50,
            closeness=4,
            felt_self=4,
        )
    today = timezone.localdate()
    expected = {
        day
        for h, tz in (
            (1, "Europe/London"),
            (2, "Europe/London"),
            (30, "Europe/London"),
            (80, "Australia/Sydney"),
        )
        if (day := (now - timedelta(hours=h)).astimezone(ZoneInfo(tz)).date()) <= today
    }
    assert 2 <= len(expected) <= 4
    assert checkin_adherence(alice) == {"days": len(expected), "of": 42}
