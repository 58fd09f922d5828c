"""Reads for plans: growth edges to build from, the plan as a page shows it, the retake date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from interdep.access.assessments import latest_submitted
from interdep.access.core import couple_report_access
from interdep.assessments import selectors as assessment_selectors
from interdep.assessments.presenters import couple_result
from interdep.plans.models import CheckOff, Encouragement, Plan, PlanItem
from interdep.science.highlights import couple_plan_focus
from interdep.science.instrument import available_versions, load_instrument
from interdep.science.plans import completion
from interdep.science.practices import Practice, load_practices

#: Preset notes of encouragement (the partner may also write a short one of their own).
PRESETS = {
    "proud": "I'm proud of you for making time for this.",
    "here": "I'm here if you'd like to talk about how it's going.",
    "cheering": "Cheering you on this week.",
    "noticed": "I noticed the effort you're putting in. Thank you.",
}
MAX_MESSAGE = 280


def week_start(day: date | None = None) -> date:
    """The Monday of the week ``day`` falls in (today, by default, in the site's time zone)."""
    day = day or timezone.localdate()
    return day - timedelta(days=day.weekday())


def practices_by_id() -> dict[str, Practice]:
    return {p.id: p for p in load_practices()}


def facet_labels() -> dict[str, str]:
    """Facet labels of every instrument version, lower-cased for use inside a sentence."""
    labels: dict[str, str] = {}
    for version in available_versions():
        for f in load_instrument(version).facets:
            labels.setdefault(f.id, f.label.lower())
    return labels


def plan_of(person) -> Plan | None:
    return Plan.objects.filter(person=person).first()


@dataclass(frozen=True)
class Edges:
    person: list[str]
    couple: list[str]

    def __bool__(self) -> bool:
        return bool(self.person or self.couple)


def growth_edges(person) -> Edges:
    """Where the person's plan starts (their growth edges, then other areas with room), and the couple's while the couple
    report is shared (both said yes); nothing else feeds a plan.

    A plan's practices may be shown to the partner, so the person's own edges are scored
    without the safety items too: otherwise fear or coercion answers would change which
    practices the partner sees listed."""
    latest = latest_submitted(person)
    if latest is None:
        return Edges([], [])
    mine = assessment_selectors.plan_focus_of(latest)
    couple: list[str] = []
    access = couple_report_access(person)
    if access.allowed:
        me, partner, _ = couple_result(
            assessment_selectors.instrument_of(access.my_assessment),
            access.my_assessment,
            access.partner_assessment,
            couple_id=str(access.couple.pk),
        )
        couple = couple_plan_focus(me.facets, partner.facets)
    return Edges(mine, couple)


def weeks_since(started: datetime, *, today: date | None = None) -> int:
    """Weeks a practice has been in the plan, counting the current one."""
    return (week_start(today) - week_start(timezone.localdate(started))).days // 7 + 1


#: Why a practice for the two of them rests for now, in words for its reader. Nothing in them
#: says which partner stopped sharing, or anything of the partner's answers.
HELD_WORDS = {
    "not_shared": (
        "Resting for now. This practice came from your couple report, and the report is not "
        "shared at the moment, so it has stepped out of your plan. If you both say yes to the "
        "report again, you can pick it up here where you left off."
    ),
    "not_linked": (
        "Resting for now. This practice is for two, and you are not linked with a partner at "
        "the moment, so it has stepped out of your plan. Your reflection on it stays here, "
        "for you alone."
    ),
}


def couple_state(person, access=None) -> str:
    """Where the person stands with a partner: "shared" (the couple report's consent holds),
    "linked" (linked, but it does not) or "alone" (no partner linked). ``access``: the person's
    couple report access, when the caller has it."""
    access = access or couple_report_access(person)
    if access.allowed:
        return "shared"
    return "alone" if access.reason == "not_linked" else "linked"


def held_reason(source: str, kind: str, state: str) -> str | None:
    """Why a practice cannot be done now (a key of HELD_WORDS), or None when it can: one chosen
    from the couple report needs the report shared; one done together needs a partner."""
    if state == "alone" and (source == "couple" or kind == "couple"):
        return "not_linked"
    if state == "linked" and source == "couple":
        return "not_shared"
    return None


@dataclass(frozen=True)
class ItemView:
    item: PlanItem
    practice: Practice
    done_this_week: bool
    weeks: int
    weeks_done: int
    share: float | None
    facet_label: str
    #: Why this practice rests for now (HELD_WORDS), "" when it can be picked up.
    held: str = ""


def item_views(
    plan: Plan, *, statuses=(PlanItem.ACTIVE, PlanItem.PAUSED), person=None, access=None
) -> list[ItemView]:
    """The plan's items with their practice and check-offs (two queries; two more for whether
    a practice for the two of them can be done now, when the plan holds one). ``person``: the
    plan's owner and ``access`` their couple report access, when the caller has them at hand."""
    by_id = practices_by_id()
    labels = facet_labels()
    this_week = week_start()
    items = PlanItem.objects.filter(plan=plan, status__in=statuses).prefetch_related("checkoffs")
    for_two = any(
        i.source == "couple" or getattr(by_id.get(i.practice_id), "kind", "") == "couple"
        for i in items
    )
    state = couple_state(person or plan.person, access) if for_two else "shared"
    out = []
    for item in items:
        practice = by_id.get(item.practice_id)
        if practice is None:  # a practice removed from the content: nothing to show
            continue
        weeks = {c.week for c in item.checkoffs.all()}
        total = weeks_since(item.started_at)
        reason = held_reason(item.source, practice.kind, state)
        # a couple report's area is not named once the report is gone: it came from both
        hide_area = reason is not None and item.source == "couple"
        out.append(
            ItemView(
                item,
                practice,
                this_week in weeks,
                total,
                len(weeks),
                completion(len(weeks), total),
                "" if hide_area else labels.get(item.facet, item.facet.replace("_", " ")),
                HELD_WORDS[reason] if reason else "",
            )
        )
    return out


def received_encouragements(person, *, limit: int = 5) -> list[Encouragement]:
    """Notes from the current partner (an ended couple's notes are not shown any more)."""
    return list(
        Encouragement.objects.filter(
            recipient=person, couple__ended_at__isnull=True
        ).select_related("sender")[:limit]
    )


def encouragement_text(e: Encouragement) -> str:
    return e.message or PRESETS.get(e.preset, "")


def retake_due(person, plan: Plan | None) -> date | None:
    """When a retake is suggested: the chosen weeks after the latest submitted assessment."""
    latest = latest_submitted(person)
    if latest is None:
        return None
    weeks = plan.retake_weeks if plan is not None else Plan._meta.get_field("retake_weeks").default
    return timezone.localdate(latest.submitted_at) + timedelta(weeks=weeks)


def checkoff_exists(item: PlanItem, week: date) -> bool:
    return CheckOff.objects.filter(item=item, week=week).exists()
