"""Practice plan and progress operations of the JSON API (a ninja Router under /api/v1/plan).

A reflection appears only in its author's own responses; the partner's view of a plan is the
practice titles, and only when its owner said yes to showing them.
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema, Status
from ninja.errors import HttpError

from interdep.access.core import active_membership, partner_membership
from interdep.access.plans import partner_practice_ids
from interdep.lib.api import ERRORS
from interdep.lib.numbers import rounded
from interdep.plans import presenters, selectors, services
from interdep.plans.models import PlanItem

router = Router(tags=["plans"])


class PlanPracticeOut(Schema):
    id: str
    kind: str
    title: str
    summary: str
    minutes: int
    cadence: str
    steps: list[str]
    went_well: str


class PlanItemOut(Schema):
    id: int
    status: str
    facet: str
    source: str
    practice: PlanPracticeOut
    done_this_week: bool
    weeks: int
    weeks_done: int
    reflection: str
    reflection_updated_at: datetime | None
    #: Why a practice for the two of you rests for now ("" when it can be picked up).
    held: str = ""


class PlanOut(Schema):
    built_at: datetime | None
    retake_weeks: int
    retake_due: date | None
    show_partner: bool
    items: list[PlanItemOut]


class CheckOffIn(Schema):
    done: bool = True


class ReflectionIn(Schema):
    text: str


class PlanSettingsIn(Schema):
    retake_weeks: int | None = None
    show_partner: bool | None = None


class EncouragementIn(Schema):
    preset: str = ""
    message: str = ""


class EncouragementOut(Schema):
    id: int
    from_display_name: str
    text: str
    created_at: datetime


class PartnerPlanOut(Schema):
    partner_display_name: str
    practices: list[str] | None  # titles; null while the partner keeps them to themself


class ReliableChangeOut(Schema):
    name: str
    label: str
    before: float | None
    after: float | None
    rci: float | None
    reliable: bool
    words: str


class PlanProgressOut(Schema):
    assessments: int
    since_first: list[ReliableChangeOut]
    retake_due: date | None
    plan_completion: list[dict]
    checkin_days: dict | None


def _plan(person) -> dict:
    plan = selectors.plan_of(person)
    if plan is None:
        raise HttpError(404, "No plan yet: build one with POST /api/v1/plan.")
    items = []
    for v in selectors.item_views(plan, person=person):
        p = v.practice
        items.append(
            {
                "id": v.item.pk,
                "status": v.item.status,
                # as on the page: a couple report's area is not named once the report is gone
                "facet": "" if v.held and v.item.source == "couple" else v.item.facet,
                "source": v.item.source,
                "practice": {
                    "id": p.id,
                    "kind": p.kind,
                    "title": p.title,
                    "summary": p.summary,
                    "minutes": p.minutes,
                    "cadence": p.cadence,
                    "steps": list(p.steps),
                    "went_well": p.went_well,
                },
                "done_this_week": v.done_this_week,
                "weeks": v.weeks,
                "weeks_done": v.weeks_done,
                "reflection": v.item.reflection,
                "reflection_updated_at": v.item.reflection_updated_at,
                "held": v.held,
            }
        )
    return {
        "built_at": plan.built_at,
        "retake_weeks": plan.retake_weeks,
        "retake_due": selectors.retake_due(person, plan),
        "show_partner": plan.show_partner,
        "items": items,
    }


@router.get("", response={200: PlanOut, **ERRORS})
def plan_get(request):
    """Your plan: the practices you are doing now and the paused ones, with your reflections."""
    return _plan(request.user)


@router.post("", response={201: PlanOut, **ERRORS})
def plan_build(request):
    """Build (or rebuild) your plan from your latest growth edges, and the couple's when shared."""
    services.plan_build(person=request.user)
    return Status(201, _plan(request.user))


@router.post("/add", response={201: PlanOut, **ERRORS})
def plan_add(request):
    """Add one more practice, when fewer than three are active."""
    services.plan_add(person=request.user)
    return Status(201, _plan(request.user))


@router.put("/settings", response={200: PlanOut, **ERRORS})
def plan_settings(request, payload: PlanSettingsIn):
    """When to suggest a retake (weeks), and whether your partner sees your practice titles."""
    services.settings_set(
        person=request.user, retake_weeks=payload.retake_weeks, show_partner=payload.show_partner
    )
    return _plan(request.user)


@router.put("/items/{item_id}/check", response={200: PlanOut, **ERRORS})
def item_check(request, item_id: int, payload: CheckOffIn):
    """Mark a practice done (or not) for this week."""
    services.checkoff_set(person=request.user, item_id=item_id, done=payload.done)
    return _plan(request.user)


@router.put("/items/{item_id}/reflection", response={200: PlanOut, **ERRORS})
def item_reflection(request, item_id: int, payload: ReflectionIn):
    """Your private reflection on one practice (nobody else ever reads it)."""
    services.reflection_save(person=request.user, item_id=item_id, text=payload.text)
    return _plan(request.user)


@router.post("/items/{item_id}/swap", response={200: PlanOut, **ERRORS})
def item_swap(request, item_id: int):
    services.item_swap(person=request.user, item_id=item_id)
    return _plan(request.user)


@router.post("/items/{item_id}/pause", response={200: PlanOut, **ERRORS})
def item_pause(request, item_id: int):
    services.item_pause(person=request.user, item_id=item_id)
    return _plan(request.user)


@router.post("/items/{item_id}/resume", response={200: PlanOut, **ERRORS})
def item_resume(request, item_id: int):
    services.item_resume(person=request.user, item_id=item_id)
    return _plan(request.user)


@router.get("/partner", response={200: PartnerPlanOut, **ERRORS})
def partner_plan(request):
    """What you may see of your partner's plan: titles only, and only if they said yes."""
    mine = active_membership(request.user)
    theirs = partner_membership(mine)
    if theirs is None:
        return Status(
            404, {"detail": "You are not linked with a partner right now.", "code": "not_linked"}
        )
    ids = partner_practice_ids(request.user, theirs.person)
    by_id = selectors.practices_by_id()
    titles = [by_id[i].title for i in ids if i in by_id] if ids is not None else None
    return {"partner_display_name": theirs.person.display_name, "practices": titles}


@router.post("/encouragements", response={201: EncouragementOut, **ERRORS})
def encourage(request, payload: EncouragementIn):
    """Send your partner a preset note or a few words of your own (280 characters at most)."""
    e = services.encouragement_send(
        person=request.user, preset=payload.preset, message=payload.message
    )
    return Status(
        201,
        {
            "id": e.pk,
            "from_display_name": request.user.display_name,
            "text": selectors.encouragement_text(e),
            "created_at": e.created_at,
        },
    )


@router.get("/encouragements", response={200: list[EncouragementOut], **ERRORS})
def encouragements(request):
    """Notes your partner sent you, newest first."""
    return [
        {
            "id": e.pk,
            "from_display_name": e.sender.display_name,
            "text": selectors.encouragement_text(e),
            "created_at": e.created_at,
        }
        for e in selectors.received_encouragements(request.user, limit=50)
    ]


@router.get("/progress", response={200: PlanProgressOut, **ERRORS})
def progress_get(request):
    """Reliable change since your first assessment (only |RCI| > 1.96 counts as change), plan
    completion and check-in days, without figures."""
    view = presenters.progress_view(request.user, draw=False)
    rows = []
    since = view.get("since_first")
    if since:
        for row in since["scales"] + since["facets"]:
            c = row["change"]
            rows.append(
                {
                    "name": row["name"],
                    "label": row["label"],
                    "before": row["before"],
                    "after": row["after"],
                    "rci": None if c is None else rounded(c.rci, 3),
                    "reliable": row["reliable"],
                    "words": row["words"],
                }
            )
    completion = [
        {
            "practice": v.practice.title,
            "status": v.item.status,
            "weeks": v.weeks,
            "weeks_done": v.weeks_done,
        }
        for v in view["items"]
        if v.item.status != PlanItem.RETIRED
    ]
    return {
        "assessments": view["count"],
        "since_first": rows,
        "retake_due": view["retake_due"],
        "plan_completion": completion,
        "checkin_days": view["adherence"],
    }
