"""The progress view's reads: every submitted result over time, reliable change between them,
the map path, plan completion and (when the check-ins app is there) check-in adherence.

Only a reliable change (Jacobson & Truax RCI beyond 1.96) is called a change; everything else is
described as the usual ups and downs of a questionnaire. Nothing here counts streaks or scores
effort: completion is shown as plain numbers beside the change, not as a target.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

from django.utils import timezone

from interdep.access.core import couple_report_access
from interdep.assessments import selectors as assessment_selectors
from interdep.assessments.models import Answer, Assessment
from interdep.checkins.selectors import checkin_days
from interdep.lib.figures import svg_data_uri
from interdep.plans import figures, selectors
from interdep.plans.models import Plan, PlanItem
from interdep.science.change import LOWER_IS_BETTER, profile_change
from interdep.science.instrument import load_instrument
from interdep.science.results import PersonResult
from interdep.science.scoring import SCALES

SCALE_LABELS = {
    "connection": "Connection",
    "self": "Self",
    "fusion": "Losing yourself",
    "distance": "Keeping away",
}
ADHERENCE_WEEKS = 6


def _answers(assessments: list[Assessment]) -> dict[int, dict[str, int]]:
    """The answers of all the given assessments, in one query."""
    by_assessment: dict[int, dict[str, int]] = defaultdict(dict)
    for aid, item, value in Answer.objects.filter(assessment__in=assessments).values_list(
        "assessment_id", "item_id", "value"
    ):
        by_assessment[aid][item] = value
    return by_assessment


def _results(
    assessments: list[Assessment], by_assessment: dict[int, dict[str, int]], *, shared: bool
) -> list[PersonResult]:
    """Score each assessment: in full for the viewer's own, through the shared scorer (without
    the safety items) for the partner's results that may appear beside one's own."""
    score = assessment_selectors.shared_scores if shared else assessment_selectors.private_scores
    return [
        score(
            load_instrument(a.instrument_version), by_assessment[a.pk], person_id=str(a.person_id)
        )
        for a in assessments
    ]


def change_words(name: str, change) -> str:
    if change is None:
        return "Not enough answers to compare"
    if not change.reliable:
        return "No reliable change: within the usual ups and downs"
    up = change.difference > 0
    good = change.direction == "improved"
    if name in LOWER_IS_BETTER:
        return (
            "Reliably lower: a good sign here" if good else "Reliably higher: worth a gentle look"
        )
    return "Reliably higher" if up else "Reliably lower: worth a gentle look, not a verdict"


def _change_rows(labels: dict[str, str], before: PersonResult, after: PersonResult) -> list[dict]:
    changes = profile_change(before.to_dict(), after.to_dict())
    rows = []
    for name, label in labels.items():
        change = changes.get(name)
        rows.append(
            {
                "name": name,
                "label": label,
                "change": change,
                "before": None if change is None else change.before,
                "after": None if change is None else change.after,
                "reliable": bool(change and change.reliable),
                "words": change_words(name, change),
            }
        )
    return rows


def _reliable_steps(results: list[PersonResult], names: list[str]) -> dict[str, list[bool]]:
    flags = {n: [False] for n in names}
    for prev, cur in pairwise(results):
        changes = profile_change(prev.to_dict(), cur.to_dict())
        for n in names:
            c = changes.get(n)
            flags[n].append(bool(c and c.reliable))
    return flags


def checkin_adherence(person, *, weeks: int = ADHERENCE_WEEKS) -> dict:
    """Days with at least one check-in over the last weeks (from the day the person joined, when
    that is more recent)."""
    today = timezone.localdate()
    span = weeks * 7
    start = today - timedelta(days=span - 1)
    # Count from the day the person joined when that is recent: on day one that is "today",
    # not "1 of the last 42 days" (and it costs no query: the user row is already loaded).
    joined = timezone.localdate(person.date_joined)
    since_joined = joined > start
    if since_joined:
        start = min(joined, today)
    days = checkin_days([person.pk], start, today)[person.pk]
    return {"days": days, "of": (today - start).days + 1, "since_joined": since_joined}


def _date_labels(labels: list[str]) -> list[str]:
    """Axis labels, numbered when two assessments fall on the same day."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def progress_view(person, *, draw: bool = True) -> dict:
    access = couple_report_access(person)
    people = [person.pk]
    partner = access.partner.person if access.allowed else None
    if partner is not None:
        people.append(partner.pk)
    assessments = list(
        Assessment.objects.filter(person_id__in=people, submitted_at__isnull=False).order_by(
            "submitted_at", "pk"
        )
    )
    mine = [a for a in assessments if a.person_id == person.pk]
    theirs = [
        a
        for a in assessments
        if partner is not None
        and a.person_id == partner.pk
        and a.submitted_at >= access.couple.created_at
    ]
    answers = _answers(mine + theirs)
    results = _results(mine, answers, shared=False)
    partner_results = _results(theirs, answers, shared=True)
    instrument = load_instrument(mine[-1].instrument_version) if mine else load_instrument()
    facet_labels = {f.id: f.label for f in instrument.facets}
    scale_labels = dict(SCALE_LABELS)
    dates = _date_labels([timezone.localdate(a.submitted_at).strftime("%-d %b") for a in mine])

    context: dict = {"count": len(mine), "latest": mine[-1] if mine else None, "partner": partner}
    if len(results) >= 2 and draw:
        flags = _reliable_steps(results, [*SCALES, *facet_labels])
        scale_series = [
            figures.Series(scale_labels[n], [r.scales.get(n) for r in results], flags[n])
            for n in SCALES
        ]
        facet_series = [
            figures.Series(label, [r.facets.get(f) for r in results], flags[f])
            for f, label in facet_labels.items()
        ]
        context["scales_uri"] = svg_data_uri(figures.lines_svg(scale_series, dates))
        context["facets_uri"] = svg_data_uri(figures.small_multiples_svg(facet_series, dates))
    if len(results) >= 2:
        first, previous, last = results[0], results[-2], results[-1]
        context["since_first"] = {
            "scales": _change_rows(scale_labels, first, last),
            "facets": _change_rows(facet_labels, first, last),
            "from": mine[0].submitted_at,
        }
        if len(results) >= 3:
            context["since_previous"] = {
                "scales": _change_rows(scale_labels, previous, last),
                "from": mine[-2].submitted_at,
            }
        context["reliable_count"] = sum(
            row["reliable"]
            for row in context["since_first"]["scales"] + context["since_first"]["facets"]
        )
    paths = []
    for label, rs in (("You", results), (partner.display_name if partner else "", partner_results)):
        points = [
            (r.scales["connection"], r.scales["self"])
            for r in rs
            if r.scales.get("connection") is not None and r.scales.get("self") is not None
        ]
        if points:
            paths.append(figures.Path(label, points))
    if paths and draw:
        context["map_uri"] = svg_data_uri(figures.map_path_svg(paths))
        context["map_points"] = paths

    plan = Plan.objects.filter(person=person).first()
    context["plan"] = plan
    context["items"] = (
        selectors.item_views(
            plan,
            statuses=(PlanItem.ACTIVE, PlanItem.PAUSED, PlanItem.SWAPPED, PlanItem.RETIRED),
            person=person,
            access=access,
        )
        if plan
        else []
    )
    context["adherence"] = checkin_adherence(person)
    context["retake_due"] = (
        timezone.localdate(mine[-1].submitted_at)
        + timedelta(weeks=plan.retake_weeks if plan else 6)
        if mine
        else None
    )
    context["retake_weeks"] = plan.retake_weeks if plan else 6
    return context
