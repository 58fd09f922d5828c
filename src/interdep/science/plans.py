"""A practice plan: a few practices at a time, chosen from a person's (and couple's) growth edges.

Deterministic: the same edges, pauses and swaps always give the same plan, so a plan can be
rebuilt from its inputs and tested for every facet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from interdep.science.practices import Practice, load_practices, practices_for_facets

#: Two or three practices at a time: enough to make a difference, few enough to keep up.
DEFAULT_PLAN_SIZE = 3
MAX_PLAN_SIZE = 3


@dataclass(frozen=True)
class PlanItem:
    practice_id: str
    facet: str  # the growth edge it answers
    source: str  # "personal" | "couple"


def build_plan(
    *,
    person_edges: Sequence[str],
    couple_edges: Sequence[str] = (),
    size: int = DEFAULT_PLAN_SIZE,
    exclude: Sequence[str] = (),
    practices: tuple[Practice, ...] | None = None,
) -> list[PlanItem]:
    """Pick practices for the edges, lowest edge first, alternating personal and couple edges.

    A personal edge is served by a practice one does alone where one exists; a couple edge by a
    couple practice. An area that is both the person's edge and the couple's is practised
    together (a couple edge), so a shared report always brings a shared practice. ``exclude``
    holds practices paused or swapped out, which are never proposed.
    """
    if not 1 <= size <= MAX_PLAN_SIZE:
        raise ValueError(f"a plan holds 1 to {MAX_PLAN_SIZE} practices")
    pool = practices if practices is not None else load_practices()
    queue: list[tuple[str, str]] = []
    couple = list(dict.fromkeys(couple_edges))
    personal = [f for f in dict.fromkeys(person_edges) if f not in couple]
    for k in range(max(len(personal), len(couple))):
        if k < len(personal):
            queue.append((personal[k], "personal"))
        if k < len(couple):
            queue.append((couple[k], "couple"))
    chosen: list[PlanItem] = []
    taken = set(exclude)
    for rounds in range(2):  # second round: any kind, so an edge is never left without a practice
        for facet, source in queue:
            if len(chosen) >= size:
                return chosen
            if rounds == 0 and any(item.facet == facet for item in chosen):
                continue
            preferred = "self" if source == "personal" else "couple"
            candidates = (
                practices_for_facets([facet], kind=preferred, practices=pool) if rounds == 0 else []
            )
            candidates += practices_for_facets([facet], practices=pool)
            pick = next((p for p in candidates if p.id not in taken), None)
            if pick is not None:
                chosen.append(PlanItem(pick.id, facet, source))
                taken.add(pick.id)
    return chosen


def swap_practice(
    plan: Sequence[PlanItem],
    practice_id: str,
    *,
    exclude: Sequence[str] = (),
    practices: tuple[Practice, ...] | None = None,
) -> list[PlanItem]:
    """Replace one practice by the next best for the same edge (never one already in the plan)."""
    index = next((k for k, item in enumerate(plan) if item.practice_id == practice_id), None)
    if index is None:
        raise ValueError(f"practice {practice_id!r} is not in this plan")
    old = plan[index]
    taken = {item.practice_id for item in plan} | set(exclude) | {practice_id}
    candidates = practices_for_facets(
        [old.facet], practices=practices if practices is not None else load_practices()
    )
    pick = next((p for p in candidates if p.id not in taken), None)
    new = list(plan)
    if pick is None:
        del new[index]
    else:
        new[index] = PlanItem(pick.id, old.facet, old.source)
    return new


def completion(checked_weeks: int, weeks: int) -> float | None:
    """Share of weeks a practice was checked off (no streaks: a missed week costs nothing later)."""
    if weeks <= 0:
        return None
    return min(checked_weeks, weeks) / weeks
