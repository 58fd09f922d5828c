"""Couple exercises.

- A "together" exercise belongs to the two partners of an active couple; each sees their own
  entry, and the other's only after both have sent theirs (the science module's rule).
- A "prepare" exercise belongs to the partner who started it; the other partner sees it only
  once it is shared, and then only the parts its owner chose.
- Anyone else, and both partners after they unlink, get 404.
"""

from __future__ import annotations

from django.http import Http404

from interdep.access.core import active_membership, partner_membership
from interdep.access.ownership import object_or_404
from interdep.exercises import selectors as exercise_selectors
from interdep.exercises.models import Exercise
from interdep.science.exercise_guides import load_guides
from interdep.science.exercises import visible_entries


def exercise_for_member_or_404(user, exercise_id: int):
    """An exercise of the user's active couple that the user may open now (see the rules above)."""
    mine = active_membership(user)
    if mine is None:
        raise Http404
    exercise = object_or_404(
        Exercise.objects.select_related("started_by", "partner"),
        pk=exercise_id,
        couple_id=mine.couple_id,
    )
    if user.pk not in exercise.people or partner_membership(mine) is None:
        raise Http404
    guide = load_guides().get(exercise.kind)
    if guide is None:
        raise Http404
    if not guide.together and user.pk != exercise.started_by_id and exercise.shared_at is None:
        raise Http404  # an unshared preparation does not exist for the partner
    return exercise


def exercise_visible_entries(user, exercise, entries: dict) -> dict[int, dict]:
    """What ``user`` may read of the entries, by person id: the only place that decides reveal."""
    if user.pk not in exercise.people:
        return {}
    guide = exercise_selectors.guide_of(exercise)
    if guide.together:
        state = exercise_selectors.as_state(exercise, entries)
        return {
            int(pid): dict(content) for pid, content in visible_entries(state, str(user.pk)).items()
        }
    owner = exercise.started_by_id
    content = exercise_selectors.content_of(entries.get(owner))
    if user.pk == owner:
        return {owner: content}
    if exercise.shared_at is None:
        return {}
    return {owner: {k: v for k, v in content.items() if k in exercise.shared_fields}}
