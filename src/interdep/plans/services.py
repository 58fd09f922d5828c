"""Writes for plans: build, swap, pause, resume, add, weekly check-off, reflection, settings and
encouragement. Changes to one plan are serialised by a row lock on the plan."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from interdep.access.core import active_membership, partner_membership
from interdep.access.plans import own_plan_item_or_404
from interdep.couples.models import Membership
from interdep.lib.errors import ServiceError
from interdep.plans import selectors
from interdep.plans.models import CheckOff, Encouragement, Plan, PlanItem
from interdep.science import plans as science

MAX_REFLECTION = 4000
RETAKE_WEEKS_RANGE = (1, 26)


def _locked_plan(person) -> Plan:
    plan, _ = Plan.objects.get_or_create(person=person)
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _edges_or_error(person) -> selectors.Edges:
    edges = selectors.growth_edges(person)
    if not edges:
        raise ServiceError(
            "no_results",
            "Finish an assessment first: your plan grows from your results.",
            status=409,
        )
    return edges


@transaction.atomic
def plan_build(*, person) -> Plan:
    """Build (or rebuild after a retake) the plan from the latest growth edges. Practices from
    an earlier plan are kept as history, reflections included."""
    edges = _edges_or_error(person)
    plan = _locked_plan(person)
    now = timezone.now()
    PlanItem.objects.filter(plan=plan, status__in=[PlanItem.ACTIVE, PlanItem.PAUSED]).update(
        status=PlanItem.RETIRED, ended_at=now
    )
    picks = science.build_plan(person_edges=edges.person, couple_edges=edges.couple)
    PlanItem.objects.bulk_create(
        PlanItem(plan=plan, practice_id=p.practice_id, facet=p.facet, source=p.source, position=k)
        for k, p in enumerate(picks)
    )
    plan.built_at = now
    plan.save(update_fields=["built_at", "updated_at"])
    return plan


def _own_item_locked(person, item_id: int) -> tuple[Plan, PlanItem]:
    item = own_plan_item_or_404(person, item_id)
    plan = _locked_plan(person)
    return plan, PlanItem.objects.get(pk=item.pk)


def _as_science(items) -> list[science.PlanItem]:
    return [science.PlanItem(i.practice_id, i.facet, i.source) for i in items]


@transaction.atomic
def item_swap(*, person, item_id: int) -> PlanItem | None:
    """Swap a practice for the next best one for the same growth edge; None when there is none
    left (the practice is then simply taken out)."""
    plan, item = _own_item_locked(person, item_id)
    if item.status != PlanItem.ACTIVE:
        raise ServiceError(
            "not_active", "Only a practice you are doing now can be swapped.", status=409
        )
    active = list(PlanItem.objects.filter(plan=plan, status=PlanItem.ACTIVE))
    set_aside = PlanItem.objects.filter(plan=plan, status__in=[PlanItem.PAUSED, PlanItem.SWAPPED])
    new = science.swap_practice(
        _as_science(active),
        item.practice_id,
        exclude=list(set_aside.values_list("practice_id", flat=True)),
    )
    item.status, item.ended_at = PlanItem.SWAPPED, timezone.now()
    item.save(update_fields=["status", "ended_at"])
    old_ids = {i.practice_id for i in active}
    added = [p for p in new if p.practice_id not in old_ids]
    if not added:
        return None
    pick = added[0]
    return PlanItem.objects.create(
        plan=plan,
        practice_id=pick.practice_id,
        facet=pick.facet,
        source=pick.source,
        position=item.position,
    )


@transaction.atomic
def item_pause(*, person, item_id: int) -> PlanItem:
    _, item = _own_item_locked(person, item_id)
    if item.status != PlanItem.ACTIVE:
        raise ServiceError("not_active", "This practice is not one you are doing now.", status=409)
    item.status, item.ended_at = PlanItem.PAUSED, timezone.now()
    item.save(update_fields=["status", "ended_at"])
    return item


@transaction.atomic
def item_resume(*, person, item_id: int) -> PlanItem:
    plan, item = _own_item_locked(person, item_id)
    if item.status != PlanItem.PAUSED:
        raise ServiceError("not_paused", "This practice is not paused.", status=409)
    practice = selectors.practices_by_id().get(item.practice_id)
    reason = selectors.held_reason(
        item.source, practice.kind if practice else "", selectors.couple_state(person)
    )
    if reason is not None:
        raise ServiceError("resting", selectors.HELD_WORDS[reason], status=409)
    if PlanItem.objects.filter(plan=plan, status=PlanItem.ACTIVE).count() >= science.MAX_PLAN_SIZE:
        raise ServiceError(
            "plan_full",
            f"You are doing {science.MAX_PLAN_SIZE} practices already; pause one first.",
            status=409,
        )
    item.status, item.ended_at = PlanItem.ACTIVE, None
    item.save(update_fields=["status", "ended_at"])
    return item


@transaction.atomic
def together_items_rest(*, person) -> int:
    """Pause the active practices that cannot be done now: those chosen from a couple report
    that is no longer shared, and those done together once no partner is linked. Their
    check-offs and reflections stay; how many were paused."""
    plan = Plan.objects.filter(person=person).first()
    if plan is None:
        return 0
    plan = _locked_plan(person)
    state = selectors.couple_state(person)
    kinds = {p.id: p.kind for p in selectors.practices_by_id().values()}
    rest = [
        item.pk
        for item in PlanItem.objects.filter(plan=plan, status=PlanItem.ACTIVE)
        if selectors.held_reason(item.source, kinds.get(item.practice_id, ""), state)
    ]
    return PlanItem.objects.filter(pk__in=rest).update(
        status=PlanItem.PAUSED, ended_at=timezone.now()
    )


def on_sharing_changed(sender, couple_id: int, shared: bool, **kwargs) -> None:
    """The couple report's consent no longer holds (a withdrawn yes, an unlinked couple, a
    deleted account): in the same transaction, each member's practices for the two of them
    rest. Idempotent; a new yes changes nothing here (the person picks them up again)."""
    if shared:
        return
    for membership in Membership.objects.filter(couple_id=couple_id).select_related("person"):
        together_items_rest(person=membership.person)


@transaction.atomic
def plan_add(*, person) -> PlanItem:
    """Add the next practice for the growth edges, when fewer than three are active."""
    edges = _edges_or_error(person)
    plan = _locked_plan(person)
    active = list(PlanItem.objects.filter(plan=plan, status=PlanItem.ACTIVE))
    if len(active) >= science.MAX_PLAN_SIZE:
        raise ServiceError(
            "plan_full", f"A plan holds {science.MAX_PLAN_SIZE} practices at a time.", status=409
        )
    used = (
        PlanItem.objects.filter(plan=plan)
        .exclude(status=PlanItem.RETIRED)
        .values_list("practice_id", flat=True)
    )
    picks = science.build_plan(
        person_edges=edges.person,
        couple_edges=edges.couple,
        size=science.MAX_PLAN_SIZE,
        exclude=list(used),
    )
    if not picks:
        raise ServiceError(
            "nothing_left",
            "There is no other practice for your growth edges right now.",
            status=409,
        )
    pick = picks[0]
    position = max((i.position for i in active), default=-1) + 1
    return PlanItem.objects.create(
        plan=plan,
        practice_id=pick.practice_id,
        facet=pick.facet,
        source=pick.source,
        position=position,
    )


@transaction.atomic
def checkoff_set(*, person, item_id: int, done: bool) -> bool:
    """Mark a practice done (or not) for the current week; idempotent."""
    _, item = _own_item_locked(person, item_id)
    week = selectors.week_start()
    once = selectors.practices_by_id()[item.practice_id].cadence == "once"
    if done:
        CheckOff.objects.get_or_create(item=item, week=week)
    elif once:  # a one-off is done or not, whichever week it was done in
        CheckOff.objects.filter(item=item).delete()
    else:
        CheckOff.objects.filter(item=item, week=week).delete()
    return done


@transaction.atomic
def reflection_save(*, person, item_id: int, text: str) -> PlanItem:
    """The person's private reflection on one practice (encrypted; only they ever read it)."""
    _, item = _own_item_locked(person, item_id)
    text = (text or "").strip()
    if len(text) > MAX_REFLECTION:
        raise ServiceError(
            "too_long", f"Keep a reflection under {MAX_REFLECTION} characters.", status=422
        )
    item.reflection = text
    item.reflection_updated_at = timezone.now()
    item.save(update_fields=["reflection", "reflection_updated_at"])
    return item


@transaction.atomic
def settings_set(
    *, person, retake_weeks: int | None = None, show_partner: bool | None = None
) -> Plan:
    plan = _locked_plan(person)
    if retake_weeks is not None:
        low, high = RETAKE_WEEKS_RANGE
        if not low <= retake_weeks <= high:
            raise ServiceError("bad_weeks", f"Choose between {low} and {high} weeks.", status=422)
        plan.retake_weeks = retake_weeks
    if show_partner is not None:
        plan.show_partner = show_partner
    plan.save()
    return plan


@transaction.atomic
def encouragement_send(*, person, preset: str = "", message: str = "") -> Encouragement:
    """A short note to one's current partner about their practice."""
    mine = active_membership(person)
    theirs = partner_membership(mine)
    if theirs is None:
        raise ServiceError(
            "not_linked", "Link with your partner to send encouragement.", status=409
        )
    message = (message or "").strip()
    if preset and preset not in selectors.PRESETS:
        raise ServiceError("bad_preset", "Choose one of the suggested notes.", status=422)
    if not preset and not message:
        raise ServiceError("empty", "Choose a note or write a few words.", status=422)
    if len(message) > selectors.MAX_MESSAGE:
        raise ServiceError(
            "too_long", f"Keep it under {selectors.MAX_MESSAGE} characters.", status=422
        )
    return Encouragement.objects.create(
        sender=person,
        recipient=theirs.person,
        couple_id=mine.couple_id,
        preset="" if message else preset,
        message=message,
    )
