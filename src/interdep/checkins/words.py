"""Sentences about a couple's dynamics: what each estimate says, every number with its
uncertainty, spoken to the couple ("you and Sam") or about them ("Alex and Sam", a clinician's
page), and why there is no picture yet."""

from __future__ import annotations

from interdep.science.dynamics import APP_MIN_OVERLAP_DAYS, CoupleDynamics


def _clear(interval) -> int:
    """+1 / -1 when the interval lies above / below zero, 0 when it includes zero."""
    if interval is None:
        return 0
    low, high = interval
    return 1 if low > 0 else -1 if high < 0 else 0


def _size(effect: float) -> str:
    size = abs(effect)
    return "a little" if size < 0.2 else "clearly" if size < 0.4 else "strongly"


def _numbers(effect: float, interval) -> str:
    return f"({effect:+.2f}; likely between {interval[0]:+.2f} and {interval[1]:+.2f})"


def _poss(label: str) -> str:
    return "your" if label == "You" else f"{label}'s"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _subj(label: str) -> str:
    return "you" if label == "You" else label


def describe(
    result: CoupleDynamics, label: str, *, order: tuple[str, str] | None = None
) -> list[str]:
    """Warm, plain sentences for one variable; every number comes with its uncertainty.

    ``order`` puts the viewer first (the model lists persons sorted by label)."""
    a, b = order or tuple(result.persons)
    # Spoken to the couple when the viewer is one of them ("You"), about them otherwise (a
    # clinician's page): "between you" / "between them", "your mood" / "their mood".
    to_them = "You" in (a, b)
    pair, both = ("you", "your") if to_them else ("them", "their")
    out = []
    for person in (a, b):
        eff, iv = result.inertia[person], result.intervals[person]
        sign = _clear(iv)
        whose = _cap(_poss(person))
        if sign > 0:
            out.append(
                f"{whose} {label} tends to linger {_size(eff)}: how {_subj(person)} felt at one check-in "
                f"still shows at the next {_numbers(eff, iv)}."
            )
        elif sign < 0:
            out.append(
                f"{whose} {label} tends to swing back: a higher moment is often followed by a lower one "
                f"{_numbers(eff, iv)}."
            )
        else:
            out.append(
                f"We can't tell yet whether {_poss(person)} {label} carries over from one check-in to the "
                f"next {_numbers(eff, iv)}."
            )
    for src, dst in ((a, b), (b, a)):
        key = f"{src}->{dst}"
        eff, iv = result.transmission[key], result.intervals[key]
        sign = _clear(iv)
        if sign > 0:
            out.append(
                f"When {_poss(src)} {label} was higher than usual, {_poss(dst)} tended to be higher at the "
                f"next check-in too: it reaches {_subj(dst)} {_size(eff)} {_numbers(eff, iv)}."
            )
        elif sign < 0:
            out.append(
                f"When {_poss(src)} {label} was higher than usual, {_poss(dst)} tended to be a little lower "
                f"at the next check-in {_numbers(eff, iv)}."
            )
        else:
            out.append(
                f"We can't tell yet whether {_poss(src)} {label} carries over to {_poss(dst)} "
                f"{label} {_numbers(eff, iv)}."
            )
    asym = result.asymmetry
    if asym.get("estimate") is not None and asym.get("interval"):
        one_way_only = sorted(
            _clear(result.intervals[f"{x}->{y}"]) != 0 for x, y in ((a, b), (b, a))
        ) == [False, True]
        if _clear(asym["interval"]) == 0 and one_way_only:
            out.append(
                f"Only one direction is clear so far, but the difference between the two "
                f"directions could still be chance: we can't yet say {label} travels more one way "
                f"between {pair}."
            )
        elif _clear(asym["interval"]) == 0:
            out.append(
                f"As far as we can tell, {label} travels about as much each way between {pair}."
            )
        else:
            first, second = result.persons
            src, dst = (first, second) if asym["estimate"] > 0 else (second, first)
            out.append(
                f"{_cap(label)} travels more from {_subj(src)} to {_subj(dst)} than the other way "
                f"{_numbers(abs(asym['estimate']), sorted(abs(x) for x in asym['interval']))}."
            )
    r = result.co_movement
    if r is not None:
        if abs(r) < 0.1:
            out.append(f"In the same moment, {both} {label} hardly moves together (r = {r:+.2f}).")
        elif r > 0:
            out.append(
                f"In the same moment, {both} {label} moves together {_size(r)}: good and hard moments "
                f"tend to be shared (r = {r:+.2f})."
            )
        else:
            out.append(
                f"In the same moment, {both} {label} tends to move in opposite directions "
                f"(r = {r:+.2f})."
            )
    return out


def not_yet_message(
    result: CoupleDynamics, together: int, partner_label: str, *, first_label: str = "You"
) -> str:
    """Why there is no picture yet, to the couple ("you and Sam") or about them ("Alex and Sam")."""
    need = APP_MIN_OVERLAP_DAYS
    to_them = first_label == "You"
    pair = f"you and {partner_label}" if to_them else f"{first_label} and {partner_label}"
    if together < need:
        more = need - together
        return (
            f"{together} of {need} days together so far: the picture needs {need} days on which {pair} "
            f"both checked in, so {more} more day{'s' if more != 1 else ''} to go."
        )
    if result.n_pairs_by_person and min(result.n_pairs_by_person.values()) < 10:
        return (
            f"{_cap(pair)} have {together} days together, but still too few check-ins close in time to each "
            "other. The picture follows how one check-in leads to the next, so it needs both checking in "
            "around the same times (within an hour and a half) on at least 10 occasions, "
            "ideally more than once a day."
        )
    return (
        f"There is enough data, but the answers vary too little to see how {'your' if to_them else 'their'} "
        "moods move (for example, always the same answer). Moving the sliders to match each moment will help."
    )
