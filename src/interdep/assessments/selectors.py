"""Reads for assessments: pages of items, a person's answers, progress, and their scored results.

Results are re-scored from the stored answers with the instrument version they were given on,
so a later version never changes what an old report says.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from interdep.assessments.models import Answer, Assessment
from interdep.lib.prepared import PreparedModels
from interdep.science.instrument import Instrument, Item, load_instrument
from interdep.science.results import PersonResult, score_answers

ITEMS_PER_PAGE = 10


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    title: str
    intro: str
    items: tuple[Item, ...]


def _interleave(items: tuple[Item, ...]) -> list[Item]:
    """One item of each facet in turn, so a page is not a block of near-identical questions."""
    by_facet: dict[str, list[Item]] = {}
    for item in items:
        by_facet.setdefault(item.facet, []).append(item)
    ordered, depth = [], max((len(v) for v in by_facet.values()), default=0)
    for k in range(depth):
        ordered.extend(group[k] for group in by_facet.values() if k < len(group))
    return ordered


@functools.cache
def pages(version: str) -> tuple[Page, ...]:
    instrument = load_instrument(version)
    own = _interleave(instrument.self_items)
    about = _interleave(instrument.partner_items)
    chunks = [own[i : i + ITEMS_PER_PAGE] for i in range(0, len(own), ITEMS_PER_PAGE)]
    partner_chunks = [about[i : i + ITEMS_PER_PAGE] for i in range(0, len(about), ITEMS_PER_PAGE)]
    result = []
    for k, chunk in enumerate(chunks, start=1):
        result.append(
            Page(
                k,
                f"About you ({k} of {len(chunks)})",
                "How true is each sentence of you, these days?",
                tuple(chunk),
            )
        )
    for k, chunk in enumerate(partner_chunks, start=1):
        result.append(
            Page(
                len(chunks) + k,
                f"About your partner ({k} of {len(partner_chunks)})",
                "How true is each sentence of your partner, as you see them? Your partner never sees these answers one by one.",
                tuple(chunk),
            )
        )
    return tuple(result)


def _open_query(person_id):
    open_ones = Assessment.objects.filter(person_id=person_id, submitted_at__isnull=True)
    return open_ones.order_by("pk")[:1]


#: The home page asks it on every visit: compiled once per process (interdep.lib.prepared).
_OPEN = PreparedModels(_open_query)


def open_assessment(person) -> Assessment | None:
    return _OPEN.first(person.pk)


def answers_of(assessment: Assessment) -> dict[str, int]:
    return dict(Answer.objects.filter(assessment=assessment).values_list("item_id", "value"))


def _history_query(person_id):
    submitted = Assessment.objects.filter(person_id=person_id, submitted_at__isnull=False)
    return submitted.order_by("-submitted_at", "-pk")


#: Read by every report page: compiled once per process.
_HISTORY = PreparedModels(_history_query)


def history(person) -> list[Assessment]:
    return _HISTORY.rows(person.pk)


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def progress(assessment: Assessment, answers: dict[str, int] | None = None) -> Progress:
    instrument = load_instrument(assessment.instrument_version)
    answers = answers_of(assessment) if answers is None else answers
    return Progress(sum(1 for k in answers if instrument.has_item(k)), len(instrument.items))


def instrument_of(assessment: Assessment) -> Instrument:
    return load_instrument(assessment.instrument_version)


def private_scores(
    instrument: Instrument,
    answers: dict[str, int],
    *,
    person_id: str | None = None,
    couple_id: str | None = None,
) -> PersonResult:
    """A person's full result, safety items included: for that person's own eyes only (their
    report, their progress, their own export). Anything another person can receive is scored by
    `shared_scores`; a test keeps every other caller out of this function."""
    return score_answers(instrument, answers, person_id=person_id, couple_id=couple_id)


def shared_scores(
    instrument: Instrument,
    answers: dict[str, int],
    *,
    person_id: str | None = None,
    couple_id: str | None = None,
) -> PersonResult:
    """The one scorer for whatever leaves a person: couple report, the plan a partner sees,
    clinician views and exports, progress beside a partner.

    Fear, control and coercion answers stay out of anything another person sees, even blended
    into a facet score, a growth edge or a perception gap. They are left out for everyone,
    whatever was answered, so their absence tells nothing either.
    """
    return score_answers(
        instrument,
        instrument.without_safety_items(answers),
        person_id=person_id,
        couple_id=couple_id,
    )


def person_result(assessment: Assessment, *, couple_id: str | None = None) -> PersonResult:
    """The owner's own full result (all answers; private to them)."""
    return private_scores(
        instrument_of(assessment),
        answers_of(assessment),
        person_id=str(assessment.person_id),
        couple_id=couple_id,
    )


def shared_person_result(
    assessment: Assessment, *, person_id: str | None = None, couple_id: str | None = None
) -> PersonResult:
    """The result that may leave its owner (see `shared_scores`)."""
    return shared_scores(
        instrument_of(assessment),
        answers_of(assessment),
        person_id=person_id if person_id is not None else str(assessment.person_id),
        couple_id=couple_id,
    )


def plan_focus_of(assessment: Assessment) -> list[str]:
    """The areas a person's practice plan starts from, in order. From the scores that may leave
    the person (a plan's practices can be shown to the partner), and the one source for both
    the plan and the private report's "your plan starts with …", so the two agree."""
    return shared_person_result(assessment).plan_focus()
