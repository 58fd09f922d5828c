"""Two partners' check-ins on one shared time line, for the dynamics model (no Django).

The model (interdep.science.dynamics) treats a moment as shared when both partners' entries
carry the same time stamp, as in a research diary where both answer the same signal. In the app
each partner checks in on their own, minutes apart, so entries of the two partners within
``window`` of each other are taken as one shared moment (closest first, each entry used once)
and both get the earlier of the two stamps. Entries with no partner entry close by stay alone:
they are still prompts of the couple's sequence, so they break lags rather than being bridged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

#: Check-ins of the two partners this close together count as the same moment.
SHARED_WINDOW = timedelta(minutes=90)


def shared_moments(
    a: Sequence[tuple[datetime, float | None]],
    b: Sequence[tuple[datetime, float | None]],
    *,
    window: timedelta = SHARED_WINDOW,
) -> tuple[list[tuple[datetime, float | None]], list[tuple[datetime, float | None]]]:
    """Return both series with the stamps of matched entries made equal.

    Each series is (aware datetime, value) per entry. Within one person's series, a later entry
    with the same stamp as an earlier one replaces it (a person has one value per moment).
    """
    a = sorted(a, key=lambda e: e[0])
    b = sorted(b, key=lambda e: e[0])
    candidates = []
    j0 = 0
    for i, (ta, _) in enumerate(a):
        while j0 < len(b) and b[j0][0] < ta - window:
            j0 += 1
        j = j0
        while j < len(b) and b[j][0] <= ta + window:
            candidates.append((abs((b[j][0] - ta).total_seconds()), i, j))
            j += 1
    candidates.sort()
    used_a: dict[int, int] = {}
    used_b: set[int] = set()
    for _, i, j in candidates:
        if i in used_a or j in used_b:
            continue
        used_a[i] = j
        used_b.add(j)
    stamp_a = [t for t, _ in a]
    stamp_b = [t for t, _ in b]
    for i, j in used_a.items():
        shared = a[i][0] if a[i][0] <= b[j][0] else b[j][0]
        stamp_a[i] = stamp_b[j] = shared
    return _one_per_stamp(stamp_a, a), _one_per_stamp(stamp_b, b)


def _one_per_stamp(stamps, entries):
    out: dict[datetime, tuple[datetime, float | None]] = {}
    for stamp, (_, value) in zip(stamps, entries, strict=True):
        out[stamp] = (stamp, value)
    return sorted(out.values(), key=lambda e: e[0])


def days_together(
    a: Sequence[tuple[datetime, float | None]], b: Sequence[tuple[datetime, float | None]]
) -> int:
    """Local calendar days on which both partners have a value (each stamp in its own zone),
    as the model counts them for its minimum of overlapping days."""
    days_a = {t.date() for t, v in a if v is not None}
    days_b = {t.date() for t, v in b if v is not None}
    return len(days_a & days_b)
