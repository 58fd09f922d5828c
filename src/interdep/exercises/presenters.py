"""What a page or an API response shows of an exercise, from one viewer's side ("you" and the
partner). Every entry passes through `exercise_visible_entries` first."""

from __future__ import annotations

from interdep.access.exercises import exercise_visible_entries
from interdep.exercises import selectors
from interdep.exercises.models import Exercise
from interdep.science import exercises as science

SAVED_WORDS = {
    "draft": "Draft saved. Only you can see it.",
    "send": "Sent. It stays private until you have both sent yours.",
    "edit": "Updated. You both see the change, and the plan is open to agree on again.",
    "save": "Saved. Only you can see it until you choose to share.",
}


def status_words(viewer, exercise: Exercise, entries: dict, partner_name: str) -> str:
    state = selectors.state_name(exercise, entries)
    mine = entries.get(viewer.pk)
    if state == "draft":
        return "Private to you" if viewer.pk == exercise.started_by_id else ""
    if state == "shared":
        return (
            f"Shared with {partner_name}"
            if viewer.pk == exercise.started_by_id
            else f"{partner_name} shared this with you"
        )
    if state == "agreed":
        return "Agreed together"
    if state == "revealed":
        return "Both sent: read them side by side"
    if mine is not None and mine.submitted_at is not None:
        return f"Sent. Waiting for {partner_name}"
    if state == "waiting":
        return f"{partner_name} has sent theirs; yours is still to come"
    return "Your draft is saved" if mine is not None else "Not started yet"


def list_row(viewer, exercise: Exercise, partner) -> dict | None:
    guide = selectors.guide_of(exercise)
    if not guide.together and viewer.pk != exercise.started_by_id and exercise.shared_at is None:
        return None  # someone else's unshared preparation: not there for this viewer
    entries = selectors.entries_of(exercise)
    return {
        "exercise": exercise,
        "guide": guide,
        "status": status_words(viewer, exercise, entries, partner.display_name),
    }


def _fields(guide, content: dict) -> list[dict]:
    out = []
    for f in guide.fields:
        value = content.get(f.id)
        if f.type == "lines":
            form_value = "\n".join(value or [])
        else:
            form_value = "" if value is None else str(value)
        out.append(
            {
                "field": f,
                "value": value,
                "form_value": form_value,
                "filled": value not in (None, "", []),
            }
        )
    return out


def _balance_words(split: dict, my_name: str, partner_name: str) -> str | None:
    warning = split.get("balance_warning")
    if warning is None:
        return None
    mine, theirs = split["actions"]["a"], split["actions"]["b"]
    if warning == "one_hands_over":
        who = my_name if not mine else partner_name
        verb = "have" if who == "You" else "has"
        return (
            f"{who} {verb} not listed an action of {'your' if who == 'You' else 'their'} own yet. "
            "It tends to go better when each of you keeps a part, even a small one, rather than handing it all over."
        )
    who = my_name if len(mine) > len(theirs) else partner_name
    verb = "are" if who == "You" else "is"
    return (
        f"{who} {verb} taking on most of the actions. Could the other take one more, so that "
        "nobody carries this alone?"
    )


def detail(viewer, exercise: Exercise) -> dict:
    guide = selectors.guide_of(exercise)
    entries = selectors.entries_of(exercise)
    other = exercise.partner if viewer.pk == exercise.started_by_id else exercise.started_by
    visible = exercise_visible_entries(viewer, exercise, entries)
    mine = visible.get(viewer.pk, {})
    theirs = visible.get(other.pk)
    state = selectors.state_name(exercise, entries)
    my_row = entries.get(viewer.pk)
    context = {
        "exercise": exercise,
        "guide": guide,
        "state": state,
        "status": status_words(viewer, exercise, entries, other.display_name),
        "partner_name": other.display_name,
        "is_owner": viewer.pk == exercise.started_by_id,
        "my_fields": _fields(guide, mine),
        "their_fields": _fields(guide, theirs) if theirs is not None else None,
        "i_sent": my_row is not None and my_row.submitted_at is not None,
        "i_agreed": viewer.pk in exercise.agreed_by,
        "they_agreed": other.pk in exercise.agreed_by,
        "comparison": None,
        "balance_words": None,
        "shared_fields": exercise.shared_fields,
    }
    if guide.together and theirs is not None and state in ("revealed", "agreed"):
        if guide.compare == "plans":
            context["comparison"] = science.compare_plans(mine, theirs)
        else:
            split = science.split_actions(mine, theirs)
            context["comparison"] = split
            context["balance_words"] = _balance_words(split, "You", other.display_name)
    return context


def as_json(viewer, exercise: Exercise) -> dict:
    """The API shape: entries keyed "me" and "partner" (the partner's only when visible)."""
    context = detail(viewer, exercise)
    entries = selectors.entries_of(exercise)
    other_id = (
        exercise.partner_id if viewer.pk == exercise.started_by_id else exercise.started_by_id
    )
    visible = exercise_visible_entries(viewer, exercise, entries)
    return {
        "id": exercise.pk,
        "kind": exercise.kind,
        "title": context["guide"].title,
        "state": context["state"],
        "status": context["status"],
        "started_by_me": context["is_owner"],
        "partner_display_name": context["partner_name"],
        "revision": exercise.revision,
        "i_sent": context["i_sent"],
        "i_agreed": context["i_agreed"],
        "partner_agreed": context["they_agreed"],
        "agreed_at": exercise.agreed_at,
        "me": visible.get(viewer.pk),
        "partner": visible.get(other_id),
        "comparison": context["comparison"],
        "balance_warning": (context["comparison"] or {}).get("balance_warning")
        if context["comparison"]
        else None,
        "shared_fields": exercise.shared_fields if not context["guide"].together else [],
    }
