"""Two-person exercises with a mutual reveal: nothing of one partner's private entry is visible
to the other until both have submitted.

The state is a plain immutable value; each transition returns a new one or raises
`ExerciseError`. The web layer stores the value and asks `visible_entries` what a viewer may see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any


class ExerciseError(ValueError):
    """A transition that the exercise's rules do not allow, with the reason in words."""


@dataclass(frozen=True)
class Entry:
    content: Mapping[str, Any]
    submitted: bool = False


@dataclass(frozen=True)
class Exercise:
    kind: str
    partners: tuple[str, str]
    entries: Mapping[str, Entry] = field(default_factory=dict)
    revealed: bool = False
    revision: int = (
        0  # bumps on every edit after the reveal, so an agreement names what it agreed to
    )
    agreed: frozenset[str] = frozenset()
    agreed_revision: int | None = None

    @property
    def state(self) -> str:
        if self.agreed_revision is not None:
            return "agreed"
        if self.revealed:
            return "revealed"
        submitted = sum(1 for e in self.entries.values() if e.submitted)
        return "waiting" if submitted == 1 else "open"


def start(kind: str, partner_a: str, partner_b: str) -> Exercise:
    if partner_a == partner_b:
        raise ExerciseError("an exercise needs two different partners")
    return Exercise(kind=kind, partners=(partner_a, partner_b))


def _check_partner(exercise: Exercise, person: str) -> None:
    if person not in exercise.partners:
        raise ExerciseError("only the two partners take part in this exercise")


def save_draft(exercise: Exercise, person: str, content: Mapping[str, Any]) -> Exercise:
    """Save a private draft before submitting (after the reveal, use `edit`)."""
    _check_partner(exercise, person)
    if exercise.revealed:
        raise ExerciseError("both entries are already shared; edit yours instead")
    current = exercise.entries.get(person)
    if current is not None and current.submitted:
        raise ExerciseError("you have already submitted; withdraw it first to change it")
    return replace(exercise, entries={**exercise.entries, person: Entry(dict(content))})


def submit(exercise: Exercise, person: str, content: Mapping[str, Any] | None = None) -> Exercise:
    """Submit one's entry; when both have submitted, both are revealed together."""
    _check_partner(exercise, person)
    if exercise.revealed:
        raise ExerciseError("both entries are already shared")
    entry = exercise.entries.get(person)
    body = dict(content) if content is not None else (dict(entry.content) if entry else None)
    if not body:
        raise ExerciseError("there is nothing to submit yet")
    entries = {**exercise.entries, person: Entry(body, submitted=True)}
    both = all(entries.get(p) is not None and entries[p].submitted for p in exercise.partners)
    return replace(exercise, entries=entries, revealed=both)


def withdraw(exercise: Exercise, person: str) -> Exercise:
    """Take back a submitted entry before the reveal (it goes back to a private draft)."""
    _check_partner(exercise, person)
    if exercise.revealed:
        raise ExerciseError(
            "both entries are already shared and cannot be taken back; you can edit yours"
        )
    entry = exercise.entries.get(person)
    if entry is None or not entry.submitted:
        raise ExerciseError("you have not submitted anything to withdraw")
    return replace(
        exercise, entries={**exercise.entries, person: Entry(entry.content, submitted=False)}
    )


def edit(exercise: Exercise, person: str, content: Mapping[str, Any]) -> Exercise:
    """Change one's entry after the reveal: both see the change, and any agreement is reopened."""
    _check_partner(exercise, person)
    if not exercise.revealed:
        raise ExerciseError("entries can be edited openly only after both are shared")
    return replace(
        exercise,
        entries={**exercise.entries, person: Entry(dict(content), submitted=True)},
        revision=exercise.revision + 1,
        agreed=frozenset(),
        agreed_revision=None,
    )


def agree(exercise: Exercise, person: str) -> Exercise:
    """Say yes to the current revision; it is agreed when both have said yes to the same one."""
    _check_partner(exercise, person)
    if not exercise.revealed:
        raise ExerciseError("you can agree once both entries are shared")
    agreed = exercise.agreed | {person}
    done = exercise.revision if agreed == set(exercise.partners) else None
    return replace(exercise, agreed=agreed, agreed_revision=done)


def visible_entries(exercise: Exercise, viewer: str) -> dict[str, Mapping[str, Any]]:
    """What ``viewer`` may see: always their own entry; the partner's only after the reveal."""
    if viewer not in exercise.partners:
        return {}
    out = {}
    for person, entry in exercise.entries.items():
        if person == viewer or exercise.revealed:
            out[person] = entry.content
    return out


# ---- the two guided exercises' comparisons --------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def compare_plans(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict:
    """Plan something together: overlaps, differences, and a proposal with time together and apart.

    Each entry: ``together`` (things to do together), ``alone`` (time for oneself), ``limits``
    and ``budget`` (a number). Nothing is forced: the proposal is a starting point to agree on.
    """
    wants_a = {_norm(x): x for x in a.get("together", []) if x.strip()}
    wants_b = {_norm(x): x for x in b.get("together", []) if x.strip()}
    shared = [wants_a[k] for k in wants_a if k in wants_b]
    only_a = [wants_a[k] for k in wants_a if k not in wants_b]
    only_b = [wants_b[k] for k in wants_b if k not in wants_a]
    # Alternate each partner's own wishes, so neither's list is dropped in favour of the other's.
    alternated = [x for pair in zip(only_a, only_b, strict=False) for x in pair]
    longer = only_a if len(only_a) > len(only_b) else only_b
    alternated += longer[min(len(only_a), len(only_b)) :]
    budgets = [x for x in (a.get("budget"), b.get("budget")) if isinstance(x, int | float)]
    return {
        "overlap": shared,
        "differences": {"a": only_a, "b": only_b},
        "limits": {"a": list(a.get("limits", [])), "b": list(b.get("limits", []))},
        "proposal": {
            "together": shared + alternated,
            "apart": {"a": list(a.get("alone", [])), "b": list(b.get("alone", []))},
            "budget": min(budgets) if budgets else None,
        },
    }


#: Above this share of the concrete actions, one partner is carrying the problem alone.
CARRYING_ALONE_SHARE = 0.7


def split_actions(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict:
    """Face a shared problem: each keeps their own part. Each entry: ``view`` (how I see it),
    ``contribute`` (actions I can take) and ``need`` (what I need)."""
    actions_a = [x for x in a.get("contribute", []) if x.strip()]
    actions_b = [x for x in b.get("contribute", []) if x.strip()]
    total = len(actions_a) + len(actions_b)
    share_a = len(actions_a) / total if total else None
    warning = None
    if total and min(len(actions_a), len(actions_b)) == 0:
        warning = "one_hands_over"  # one partner has given the whole problem to the other
    elif total and max(share_a, 1 - share_a) > CARRYING_ALONE_SHARE:
        warning = "one_carries"
    return {
        "actions": {"a": actions_a, "b": actions_b},
        "needs": {"a": list(a.get("need", [])), "b": list(b.get("need", []))},
        "share_a": share_a,
        "balance_warning": warning,
    }
