"""The couple's "Us over time" as the task worker computes it and the page reads it back.

From the check-ins of a bounded window (the last ``WINDOW_DAYS`` days up to the couple's latest
check-in) to one document of numbers about the two of them together: each variable's dynamics
(``science.dynamics``) with its chance comparison, and, where they check in on more than one
feeling, their own small network (``science.network``). The document is stored per couple
(``DynamicsSnapshot``) only while the couple report's consent holds; a withdrawn yes deletes it
in the same transaction (``couples.signals.sharing_changed``, connected in ``apps.py``).

Only the numeric feelings of check-ins enter (never a note, never a safety answer: check-ins
hold none, and nothing else is read). Persons are tokens here ("@1" is the member with the lower
id); each page puts "You" and names in (``presenters``).
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from interdep.access.checkins import checkin_dynamics_access
from interdep.checkins.findings import chance_summary
from interdep.checkins.models import CheckIn, DynamicsSnapshot
from interdep.checkins.pairing import days_together, shared_moments
from interdep.couples.models import Couple, Membership
from interdep.lib.timezones import UTC, local_date
from interdep.science.dynamics import APP_MIN_OVERLAP_DAYS, couple_dynamics
from interdep.science.network import couple_network, surrogate_baseline

#: The page reads the last 90 days of check-ins: a season is recent enough to be about how the
#: two of them are now (a year ago may be another time of their life), long enough for the 14
#: shared days the model needs several times over, and it bounds the cost: the worker's refit
#: and the stored document no longer grow with the couple's history.
WINDOW_DAYS = 90
#: Stored documents of another version are recomputed on their next read.
DOCUMENT_VERSION = 2  # 2: the first check-in day, the family-wise network rule, reader on the left
#: In the app prompts are hours apart (one to a few a day), not minutes as in a research diary:
#: the previous check-in of the same day counts as "previous" up to this long before, and the
#: last one of the evening before counts for the first of the day (overnight pairs).
APP_MAX_GAP = timedelta(hours=12)
#: What the couple view models, in order; the first is the one drawn.
DYNAMICS_VARIABLES = (("valence", "mood"), ("closeness", "felt closeness"))
#: The feelings a couple's own network may hold (the sliders that are feelings; "I did something
#: for me" is something done, not felt). A feeling enters when both partners' answers vary.
NETWORK_FEELINGS = (("valence", "mood"), ("arousal", "energy"), ("closeness", "closeness"))
#: Fewest pairs of consecutive days, both partners checked in on both, for the network (the same
#: two weeks the rest of the page asks for; more when there are more feelings to estimate).
NETWORK_MIN_PAIRS = 14
#: A refit marked as queued longer ago than this is taken as lost (a stopped worker): the next
#: check-in queues a new one.
REQUEST_EXPIRES = timedelta(minutes=10)
TOKENS = ("@1", "@2")
_FIELDS = sorted({key for key, _ in (*DYNAMICS_VARIABLES, *NETWORK_FEELINGS)})


def _finite(x):
    return None if x is None or not math.isfinite(float(x)) else float(x)


def window_checkins(first_id: int, second_id: int, *, days: int = WINDOW_DAYS):
    """Both partners' check-ins of the window, oldest first: ({person id: [CheckIn]}, first
    local day, last local day). The window is the ``days`` local days ending on the day of the
    couple's latest check-in (each entry's day in its own zone); days are None when neither has
    checked in."""
    ids = (first_id, second_id)
    last = (
        CheckIn.objects.filter(person_id__in=ids)
        .order_by("-occurred_at")
        .values_list("occurred_at", "tz")
        .first()
    )
    entries: dict[int, list[CheckIn]] = {first_id: [], second_id: []}
    if last is None:
        return entries, None, None
    end = local_date(*last)
    start = end - timedelta(days=days - 1)
    # a local day begins up to 14 hours before or after the UTC day: one day of slack
    since = datetime.combine(start - timedelta(days=1), time.min, tzinfo=UTC)
    rows = (
        CheckIn.objects.filter(person_id__in=ids, occurred_at__gte=since)
        .only("person_id", "occurred_at", "tz", *_FIELDS)
        .order_by("occurred_at", "pk")
    )
    for entry in rows:
        if local_date(entry.occurred_at, entry.tz) >= start:
            entries[entry.person_id].append(entry)
    return entries, start, end


def _first_day(first_id: int, second_id: int) -> str | None:
    """The local day of the couple's first check-in (one indexed query)."""
    earliest = (
        CheckIn.objects.filter(person_id__in=(first_id, second_id))
        .order_by("occurred_at")
        .values_list("occurred_at", "tz")
        .first()
    )
    return local_date(*earliest).isoformat() if earliest else None


def _series(entries, key: str):
    return [(e.occurred_at.astimezone(ZoneInfo(e.tz)), float(getattr(e, key))) for e in entries]


def daily_means(first: list, second: list, keys) -> tuple[list[int], np.ndarray]:
    """Each partner's mean of each of ``keys`` per own local day, on one list of day ordinals:
    columns are the first partner's keys, then the second's (NaN where one did not check in)."""
    q = len(keys)
    per_day: dict[int, list[list[float]]] = {}
    for slot, entries in enumerate((first, second)):
        for e in entries:
            day = local_date(e.occurred_at, e.tz).toordinal()
            cells = per_day.setdefault(day, [[] for _ in range(2 * q)])
            for j, key in enumerate(keys):
                cells[slot * q + j].append(float(getattr(e, key)))
    days = sorted(per_day)
    values = np.array(
        [[np.mean(v) if v else np.nan for v in per_day[d]] for d in days], dtype=float
    ).reshape(len(days), 2 * q)
    return days, values


def _network(first: list, second: list) -> dict:
    """The couple's own network over the feelings both partners' answers move on."""
    keys = [k for k, _ in NETWORK_FEELINGS]
    days, values = daily_means(first, second, keys)
    q = len(keys)
    with np.errstate(invalid="ignore"):
        sd = np.nanstd(values, axis=0) if len(days) else np.zeros(2 * q)
    moving = [j for j in range(q) if sd[j] > 0 and sd[q + j] > 0]
    feelings = [list(NETWORK_FEELINGS[j]) for j in moving]
    if len(moving) < 2:
        return {"status": "one_feeling", "feelings": feelings}
    q = len(moving)
    values = values[:, moving + [len(keys) + j for j in moving]]
    need = max(NETWORK_MIN_PAIRS, 2 * q + 6)
    net = couple_network(days, values, q, min_pairs=need)
    if net.status != "ok":
        return {
            "status": "not_enough_days",
            "feelings": feelings,
            "n_pairs": net.n_pairs,
            "pairs_needed": need,
        }
    return {
        "status": "ok",
        "feelings": feelings,
        "n_pairs": net.n_pairs,
        "pairs_needed": need,
        "temporal": [[_finite(x) for x in row] for row in net.temporal],
        "temporal_se": [[_finite(x) for x in row] for row in net.temporal_se],
        "indices": {k: _finite(v) for k, v in net.indices.items()},
        "chance": chance_summary(surrogate_baseline(days, values, q, min_pairs=need)),
    }


def compute_document(
    first_id: int, second_id: int, *, couple_id: int, network: bool = True
) -> dict:
    """The couple's document from the window's check-ins (pure reads; nothing is stored);
    without ``network`` the couple's own network is left out (None)."""
    first_id, second_id = sorted((first_id, second_id))
    entries, start, end = window_checkins(first_id, second_id)
    first, second = entries[first_id], entries[second_id]
    variables = []
    together = 0
    for key, label in DYNAMICS_VARIABLES:
        a, b = shared_moments(_series(first, key), _series(second, key))
        if key == DYNAMICS_VARIABLES[0][0]:
            together = days_together(a, b)
        result = couple_dynamics(
            a,
            b,
            persons=TOKENS,
            couple_id=str(couple_id),
            variable=key,
            max_gap=APP_MAX_GAP,
            overnight=True,
            min_overlap_days=APP_MIN_OVERLAP_DAYS,
        )
        chance = None
        if result.ok:
            chance = chance_summary(surrogate_baseline(*daily_means(first, second, (key,)), 1))
        variables.append(
            {"variable": key, "label": label, "result": result.to_dict(), "chance": chance}
        )
    return {
        "version": DOCUMENT_VERSION,
        "persons": [first_id, second_id],
        "window": {
            "days": WINDOW_DAYS,
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            # their first check-in ever: on or after ``start`` while all of it fits the window
            "first": _first_day(first_id, second_id),
        },
        "days_together": together,
        "variables": variables,
        "network": (
            _network(first, second)
            if network and variables[0]["result"]["status"] == "ok"
            else None
        ),
    }


# --------------------------------------------------------------------------- stored


def _members(couple_id: int) -> list[Membership]:
    return list(
        Membership.objects.filter(couple_id=couple_id, left_at__isnull=True)
        .select_related("person")
        .order_by("person_id")
    )


def _shared(members: list[Membership]) -> bool:
    return len(members) == 2 and checkin_dynamics_access(members[0].person).allowed


def snapshot_delete(*, couple_id: int) -> None:
    """Delete what is stored for the couple (consent withdrawn, couple ended, account deleted)."""
    DynamicsSnapshot.objects.filter(couple_id=couple_id).delete()


def snapshot_request(*, couple_id: int, now=None) -> bool:
    """Mark a refit as queued; True when the caller should queue it (no refit queued yet), so a
    burst of check-ins queues one refit, not one each."""
    now = now or timezone.now()
    stale = now - REQUEST_EXPIRES
    marked = (
        DynamicsSnapshot.objects.filter(couple_id=couple_id)
        .filter(Q(requested_at__isnull=True) | Q(requested_at__lt=stale))
        .update(requested_at=now)
    )
    if marked:
        return True
    if DynamicsSnapshot.objects.filter(couple_id=couple_id).exists():
        return False  # a refit is queued and will read this check-in too
    try:
        with transaction.atomic():
            DynamicsSnapshot.objects.create(couple_id=couple_id, requested_at=now)
    except IntegrityError:  # another request made the row at this moment: it queues the refit
        return False
    return True


def snapshot_refresh(*, couple_id: int, figures=None) -> dict | None:
    """Recompute and store the couple's document; returns it (None when the consent does not
    hold: then nothing is stored and anything stored is deleted).

    ``figures(document, members)`` may add drawn figures to the document before it is stored.
    The fit runs outside any transaction; the store re-checks the consent under the couple's
    lock, so a yes withdrawn during the fit still leaves nothing behind.
    """
    DynamicsSnapshot.objects.filter(couple_id=couple_id).update(requested_at=None)
    members = _members(couple_id)
    if not _shared(members):
        snapshot_delete(couple_id=couple_id)
        return None
    document = compute_document(members[0].person_id, members[1].person_id, couple_id=couple_id)
    if figures is not None:
        document["figures"] = figures(document, members)
    with transaction.atomic():
        Couple.objects.select_for_update().filter(pk=couple_id).first()
        members = _members(couple_id)
        if not _shared(members) or [m.person_id for m in members] != document["persons"]:
            snapshot_delete(couple_id=couple_id)
            return None
        window = document["window"]
        DynamicsSnapshot.objects.update_or_create(
            couple_id=couple_id,
            defaults={
                "document": document,
                "window_start": window["start"],
                "window_end": window["end"],
                "computed_at": timezone.now(),
            },
        )
    return document


def stored_document(couple_id: int) -> dict | None:
    """The couple's stored document, if one of the current version is there (callers ask
    ``access`` first: this reads, it does not decide who may see it)."""
    document = (
        DynamicsSnapshot.objects.filter(couple_id=couple_id)
        .values_list("document", flat=True)
        .first()
    )
    if not document or document.get("version") != DOCUMENT_VERSION:
        return None
    return document
