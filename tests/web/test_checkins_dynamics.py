"""Two partners check in for two weeks on a fixed clock, then see their dynamics together; not
before 14 shared days ("not yet" says what is missing); a withdrawn yes hides it for both."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from interdep.checkins import presenters, snapshots
from interdep.checkins.demo import couple_checkins
from interdep.checkins.pairing import shared_moments
from interdep.couples import services as couple_services
from interdep.science.dynamics import couple_dynamics

FIRST_DAY = date(2025, 3, 3)
LONDON = ZoneInfo("Europe/London")


def _flat(value, key=""):
    """A nested document as {path: number or text}, so numbers compare approximately."""
    if isinstance(value, dict):
        return {
            k: v for name, item in value.items() for k, v in _flat(item, f"{key}/{name}").items()
        }
    if isinstance(value, list | tuple):
        return {k: v for n, item in enumerate(value) for k, v in _flat(item, f"{key}/{n}").items()}
    return {key: value}


def _two_weeks(alice, bob, days=14, **kw):
    return couple_checkins(
        alice, bob, first_day=FIRST_DAY, days=days, tz="Europe/London", seed=4, skip=0.0, **kw
    )


def test_partners_checking_in_minutes_apart_share_one_moment_and_lone_entries_stay_alone():
    t = datetime(2025, 3, 3, 9, 0, tzinfo=LONDON)
    a = [(t, 50.0), (t + timedelta(hours=5), 60.0)]
    b = [(t + timedelta(minutes=12), 40.0), (t + timedelta(hours=8), 30.0)]
    sa, sb = shared_moments(a, b)
    assert sa[0][0] == sb[0][0] == t  # the earlier of the two stamps
    assert sa[1][0] == t + timedelta(hours=5)  # 3 hours from B's next entry: not the same moment
    assert sb[1][0] == t + timedelta(hours=8)
    assert [v for _, v in sa] == [50.0, 60.0] and [v for _, v in sb] == [40.0, 30.0]


def test_each_entry_is_matched_once_closest_first():
    t = datetime(2025, 3, 3, 9, 0, tzinfo=LONDON)
    a = [(t, 1.0), (t + timedelta(minutes=30), 2.0)]
    b = [(t + timedelta(minutes=25), 3.0)]
    sa, sb = shared_moments(a, b)
    # B at 09:25 is closer to A's 09:30 (5 min) than to A's 09:00 (25 min)
    assert sb == [(t + timedelta(minutes=25), 3.0)]
    assert sa == [(t, 1.0), (t + timedelta(minutes=25), 2.0)]


def test_the_view_is_not_yet_before_fourteen_shared_days_and_says_how_many(
    alice, bob, shared_couple
):
    _two_weeks(alice, bob, days=9)
    for person in (alice, bob):
        view = presenters.couple_dynamics_view(person)
        assert view.state == "not_yet"
        assert view.days_together == 9
        assert "9 of 14 days together so far" in view.message
        assert view.figure_uri is None


def test_after_two_weeks_both_partners_see_their_dynamics_and_they_agree(
    alice, bob, shared_couple, client
):
    made = _two_weeks(alice, bob)
    assert made == 2 * 14 * 3
    mine = presenters.couple_dynamics_view(alice)
    theirs = presenters.couple_dynamics_view(bob)
    assert mine.state == theirs.state == "ok"
    assert mine.days_together == 14
    a, b = mine.variables[0].result, theirs.variables[0].result
    # The same couple seen from each side: Alice's inertia is Bob's view of his partner's.
    assert a.inertia["You"] == pytest.approx(b.inertia["Alice"], abs=1e-9)
    assert a.transmission["You->Bob"] == pytest.approx(b.transmission["Alice->You"], abs=1e-9)
    assert a.co_movement == pytest.approx(b.co_movement, abs=1e-9)
    assert mine.figure_uri.startswith("data:image/svg+xml;base64,")
    client.force_login(alice)
    page = client.get("/checkins/together/").content.decode()
    assert "What your check-ins show about you and Bob" in page
    # Plain words first; every number sits behind the details disclosure.
    before, details = page.split('<details class="numbers">', 1)
    assert "We can't tell yet" not in page and "r = " not in before
    assert re.search(r"[+-]\d\.\d\d", before) is None
    assert "likely between" in details
    for finding, practice in mine.variables[0].findings:
        assert finding.meaning in page.replace("&#x27;", "'")
        assert practice is None or practice.title in page
    linked = [p for v in mine.variables for _, p in v.findings if p is not None]
    assert linked and len({p.id for p in linked}) == len(linked), "each practice shown once"
    assert "More linkage is not better" in page


def test_the_view_equals_the_science_on_the_paired_series(alice, bob, shared_couple):
    """The web layer adds no statistics of its own: same numbers as couple_dynamics directly."""
    _two_weeks(alice, bob)
    from interdep.checkins.models import CheckIn

    def series(person):
        return [
            (c.occurred_at.astimezone(ZoneInfo(c.tz)), float(c.valence))
            for c in CheckIn.objects.filter(person=person).order_by("occurred_at")
        ]

    a, b = shared_moments(series(alice), series(bob))
    direct = couple_dynamics(
        a,
        b,
        persons=("You", "Bob"),
        couple_id=str(shared_couple.pk),
        max_gap=snapshots.APP_MAX_GAP,
        overnight=True,
    )
    shown = presenters.couple_dynamics_view(alice).variables[0].result
    # Stored with the two partners as tokens and named for the viewer when read: the same
    # numbers, up to the last bits of floating point (the estimator sees the partners in
    # another order).
    got, want = _flat(shown.to_dict()), _flat(direct.to_dict())
    assert got.keys() == want.keys()
    # The bias-corrected values come from a seeded bootstrap whose draws follow the partners'
    # order, so they match only for the same order; stored once per couple, both partners now
    # see the same ones.
    theirs = presenters.couple_dynamics_view(bob).variables[0].result.bias_corrected
    assert shown.bias_corrected["You"] == theirs["Alice"]
    assert shown.bias_corrected["You->Bob"] == theirs["Alice->You"]
    for key, value in want.items():
        if key.startswith("/bias_corrected/"):
            continue
        if isinstance(value, float):
            assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
        else:
            assert got[key] == value, key
    assert shown.persons == direct.persons
    assert direct.n_pairs >= 40  # 42 shared moments, each with the one before (overnight too)


def test_withdrawing_consent_hides_the_dynamics_for_both(alice, bob, shared_couple, client):
    _two_weeks(alice, bob)
    couple_services.consent_set(person=bob, share=False)
    for person in (alice, bob):
        view = presenters.couple_dynamics_view(person)
        assert view.state == "no_access" and view.variables == []
        client.force_login(person)
        page = client.get("/checkins/together/").content.decode()
        assert "Not shared right now" in page and "linger" not in page
        api = client.get("/api/v1/checkins/dynamics")
        assert api.status_code == 403
        assert api.json()["code"] in ("you_not_sharing", "partner_not_sharing")


def test_the_api_gives_the_couple_entry_with_roles_not_names(alice, bob, shared_couple, client):
    _two_weeks(alice, bob)
    client.force_login(bob)
    body = client.get("/api/v1/checkins/dynamics").json()
    assert body["state"] == "ok" and body["days_together"] == 14
    valence = body["variables"]["valence"]
    assert valence["status"] == "ok" and valence["persons"] == ["me", "partner"]
    assert set(valence["transmission"]) == {"me->partner", "partner->me"}
    low, high = valence["intervals"]["me->partner"]
    assert low < valence["transmission"]["me->partner"] < high


def test_unlinked_people_get_a_reason_not_a_view(alice, client):
    client.force_login(alice)
    assert client.get("/api/v1/checkins/dynamics").json()["code"] == "not_linked"
    assert "Not shared right now" in client.get("/checkins/together/").content.decode()


def test_the_demo_couple_has_three_weeks_of_check_ins_and_a_dynamics_view(db):
    from interdep.demo import demo_couple_create

    a, b = demo_couple_create(
        people=(("Alex", "alex-demo@example.org"), ("Sam", "sam-demo@example.org")),
        password="a demo password 42",
    )
    days = {c.occurred_at.astimezone(LONDON).date() for c in a.checkins.all()}
    assert 20 <= len(days) <= 21  # the last day has only the prompts that have come
    for person in (a, b):
        view = presenters.couple_dynamics_view(person)
        assert view.state == "ok" and view.days_together >= 20
        assert view.figure_uri and view.variables[0].sentences


JARGON = ("95%", "likely between", "estimate", "chance", "interval", "significan", "inertia")


def test_the_page_leads_with_the_figure_and_a_few_plain_sentences_and_keeps_every_detail(
    alice, bob, shared_couple, client
):
    """On a phone the page is read top down: the figure and at most three plain sentences come
    first; each feeling, the network and how to read the page follow behind disclosures, and
    nothing the page said before is gone."""
    _two_weeks(alice, bob, days=21)
    view = presenters.couple_dynamics_view(alice)
    assert view.state == "ok" and view.network is not None
    client.force_login(alice)
    page = client.get("/checkins/together/").content.decode().replace("&#x27;", "'")
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    lead, rest = main.split("<details", 1)
    assert 'class="figure figure-dynamics"' in lead
    assert 1 <= len(view.headline) <= presenters.HEADLINE_SENTENCES
    assert all(sentence in lead for sentence in view.headline)
    assert not [word for word in JARGON if word in lead.lower()]
    assert re.search(r"[+-]?\d\.\d\d", lead) is None and "Try:" not in lead
    # Every finding, suggestion, practice, number and caveat is still on the page, below.
    for v in view.variables:
        for finding, practice in v.findings:
            assert finding.meaning in rest
            assert not finding.suggestion or finding.suggestion in rest
            assert practice is None or practice.title in rest
        assert v.quiet in rest and all(n in rest for n in v.numbers)
        assert not v.chance or v.chance in rest
    net = view.network
    assert 'class="figure figure-network"' in rest
    assert all(s in rest for s in [*net.sentences, net.chance, net.sureness, *net.numbers])
    assert "More linkage is not better" in rest and "This looks at" in rest
