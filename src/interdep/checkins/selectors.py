"""Reads for check-ins: a person's own entries and timeline, and the couple's dynamics.

The dynamics view never hands one partner's entries to the other: it returns the model's
estimates (numbers about the two of you together), counts of shared days, and words.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import fmean
from zoneinfo import ZoneInfo

from django.utils import timezone

from interdep.access.checkins import checkin_dynamics_access
from interdep.access.core import REASONS
from interdep.checkins import figures
from interdep.checkins.models import CheckIn, Schedule
from interdep.checkins.pairing import days_together, shared_moments
from interdep.lib.figures import svg_data_uri
from interdep.lib.timezones import UTC, local_date
from interdep.science.dynamics import APP_MIN_OVERLAP_DAYS, CoupleDynamics, couple_dynamics
from interdep.science.figures_dynamics import dynamics_svg

#: In the app prompts are hours apart (one to a few a day), not minutes as in a research diary:
#: the previous check-in of the same day counts as "previous" up to this long before, and the
#: last one of the evening before counts for the first of the day (overnight pairs).
APP_MAX_GAP = timedelta(hours=12)
#: What the couple view models, in order; the first is the one drawn.
DYNAMICS_VARIABLES = (("valence", "mood"), ("closeness", "felt closeness"))


def own_checkins(person, *, since: datetime | None = None, limit: int | None = None):
    qs = CheckIn.objects.filter(person=person).order_by("-occurred_at", "-pk")
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    return list(qs[:limit] if limit else qs)


def schedule_of(person) -> Schedule | None:
    return Schedule.objects.filter(person=person).first()


def checkin_days(person_ids, start: date, end: date) -> dict[int, int]:
    """For each person, the number of their own local days from ``start`` to ``end`` with at least
    one check-in (one query; the clinic's adherence and the progress page both count this way)."""
    days: dict[int, set[date]] = {pid: set() for pid in person_ids}
    since = start - timedelta(days=1)  # a local day may begin the evening before in UTC
    rows = CheckIn.objects.filter(person_id__in=list(person_ids), occurred_at__date__gte=since)
    for pid, at, tz in rows.values_list("person_id", "occurred_at", "tz"):
        try:
            day = local_date(at, tz)
        except (ValueError, KeyError):  # an unknown zone name: the UTC day
            day = at.date()
        if start <= day <= end:
            days[pid].add(day)
    return {pid: len(found) for pid, found in days.items()}


def local_time(checkin: CheckIn) -> datetime:
    return checkin.occurred_at.astimezone(ZoneInfo(checkin.tz))


# ---------------------------------------------------------------------------------------------
# Personal timeline
# ---------------------------------------------------------------------------------------------

ENCOURAGEMENT = (
    "Every check-in is a small kindness to yourself. Days without one are simply days.",
    "There is no score to keep here. Come back whenever noticing helps.",
    "Noticing how you feel is the whole point; there is nothing to catch up on.",
)


@dataclass
class Timeline:
    today: date
    recent: list[CheckIn]
    calendar_uri: str
    trends_uri: str
    encouragement: str
    any_entries: bool
    days_with_entries: int
    summary: list[str] = field(default_factory=list)


def timeline(person, *, now: datetime | None = None, weeks: int = 6) -> Timeline:
    """Calendar heat map and trend lines of the person's own last weeks (one query)."""
    now = now or timezone.now()
    schedule_tz = (
        Schedule.objects.filter(person=person).values_list("tz", flat=True).first() or "UTC"
    )
    today = local_date(now, schedule_tz)
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    entries = own_checkins(
        person,
        since=datetime.combine(start - timedelta(days=1), datetime.min.time(), tzinfo=UTC),
    )
    by_day: dict[str, dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        entry.local = local_time(entry)
        day = entry.local.date()
        if day < start:
            continue
        for key in ("valence", "closeness", "felt_self"):
            by_day[key][day].append(getattr(entry, key))
    daily = {key: {d: fmean(vs) for d, vs in days.items()} for key, days in by_day.items()}
    mood = daily.get("valence", {})
    summary = []
    if len(mood) >= 3:
        own_time = [d for d, v in daily.get("felt_self", {}).items() if v >= 5]
        other = [d for d in mood if d not in set(own_time)]
        if len(own_time) >= 2 and len(other) >= 2:
            with_time = fmean(mood[d] for d in own_time)
            without = fmean(mood[d] for d in other)
            if abs(with_time - without) >= 5:
                summary.append(
                    f"On days you made time for yourself, your mood was on average {'higher' if with_time > without else 'lower'} "
                    f"({with_time:.0f} against {without:.0f} out of 100)."
                )
    return Timeline(
        today=today,
        recent=entries[:10],
        calendar_uri=svg_data_uri(figures.calendar_svg(mood, today=today, weeks=weeks)),
        trends_uri=svg_data_uri(figures.trends_svg(daily, today=today, days=7 * weeks)),
        encouragement=ENCOURAGEMENT[today.isocalendar()[1] % len(ENCOURAGEMENT)],
        any_entries=bool(entries),
        days_with_entries=len(mood),
        summary=summary,
    )


# ---------------------------------------------------------------------------------------------
# The couple's dynamics
# ---------------------------------------------------------------------------------------------


@dataclass
class VariableDynamics:
    variable: str
    label: str
    result: CoupleDynamics
    sentences: list[str]


@dataclass
class DynamicsView:
    """What the couple dynamics page and API show. ``state``: "no_access" (not linked or no
    shared consent: ``message`` says why), "not_yet" (too little shared data) or "ok"."""

    state: str
    message: str = ""
    code: str = ""
    partner_name: str = ""
    days_together: int = 0
    days_needed: int = APP_MIN_OVERLAP_DAYS
    variables: list[VariableDynamics] = field(default_factory=list)
    figure_uri: str | None = None

    def to_dict(self) -> dict:
        return {
            "state": self.state,
            "message": self.message,
            "days_together": self.days_together,
            "days_needed": self.days_needed,
            "variables": {v.variable: v.result.to_dict() for v in self.variables},
        }


def _labels(partner_name: str) -> tuple[str, str]:
    return (
        "You",
        partner_name if partner_name and partner_name.lower() != "you" else "Your partner",
    )


def _series(entries, key: str):
    return [(local_time(e), float(getattr(e, key))) for e in entries]


def couple_dynamics_view(user, *, figure: bool = True, roles: bool = False) -> DynamicsView:
    """The couple's emotional interdependence, under the couple report's consent only.

    Persons are "You" and the partner's name for pages; with ``roles`` they are "me" and
    "partner" (as in the API's couple report) and no sentences are written.
    """
    access = checkin_dynamics_access(user)
    if not access.allowed:
        return DynamicsView(
            "no_access",
            message=access.message or REASONS["not_linked"],
            code=access.reason or "not_linked",
        )
    partner = access.partner.person
    me_label, partner_label = ("me", "partner") if roles else _labels(partner.display_name)
    view = pair_dynamics(
        (user.pk, me_label),
        (partner.pk, partner_label),
        couple_id=access.couple.pk,
        sentences=not roles,
        figure=figure and not roles,
        title_label="your",
    )
    view.partner_name = partner.display_name
    if view.state == "not_yet":
        view.message = not_yet_message(
            view.variables[0].result, view.days_together, "your partner" if roles else partner_label
        )
    return view


def pair_dynamics(
    first: tuple[int, str],
    second: tuple[int, str],
    *,
    couple_id: int,
    sentences: bool = True,
    figure: bool = True,
    title_label: str = "the",
) -> DynamicsView:
    """Two people's dynamics from their check-ins, labelled as given ((person id, label) each,
    the first listed first in the sentences). Callers decide who may see it: the couple under
    their shared consent, a clinician under a grant with the dynamics scope."""
    (first_id, first_label), (second_id, second_label) = first, second
    entries: dict[int, list[CheckIn]] = {first_id: [], second_id: []}
    for entry in (
        CheckIn.objects.filter(person_id__in=(first_id, second_id))
        .only("person_id", "occurred_at", "tz", "valence", "closeness")
        .order_by("occurred_at")
    ):
        entries[entry.person_id].append(entry)
    variables = []
    together = 0
    for key, label in DYNAMICS_VARIABLES:
        a, b = shared_moments(_series(entries[first_id], key), _series(entries[second_id], key))
        if key == DYNAMICS_VARIABLES[0][0]:
            together = days_together(a, b)
        result = couple_dynamics(
            a,
            b,
            persons=(first_label, second_label),
            couple_id=str(couple_id),
            variable=key,
            max_gap=APP_MAX_GAP,
            overnight=True,
            min_overlap_days=APP_MIN_OVERLAP_DAYS,
        )
        words = (
            describe(result, label, order=(first_label, second_label))
            if result.ok and sentences
            else []
        )
        variables.append(VariableDynamics(key, label, result, words))
    view = DynamicsView("ok", days_together=together, variables=variables)
    first_result = variables[0].result
    if not first_result.ok:
        view.state = "not_yet"
        view.message = not_yet_message(
            first_result, together, second_label, first_label=first_label
        )
        return view
    if figure:
        title = f"How {title_label} {variables[0].label} moves"
        view.figure_uri = svg_data_uri(dynamics_svg(first_result, title=title, compact=True))
    return view


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


# ---------------------------------------------------------------------------------------------
# Plain words
# ---------------------------------------------------------------------------------------------


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
        if _clear(asym["interval"]) == 0:
            out.append(
                f"As far as we can tell, {label} travels about as much each way between you."
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
            out.append(f"In the same moment, your {label} hardly moves together (r = {r:+.2f}).")
        elif r > 0:
            out.append(
                f"In the same moment, your {label} moves together {_size(r)}: good and hard moments "
                f"tend to be shared (r = {r:+.2f})."
            )
        else:
            out.append(
                f"In the same moment, your {label} tends to move in opposite directions (r = {r:+.2f})."
            )
    return out
