"""Person-level results: the scored profile in the shape the CLI, API and reports share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from interdep.lib.numbers import rounded
from interdep.science.highlights import (
    HIGHLIGHTS,
    PersonHighlights,
    person_highlights,
    plan_focus,
)
from interdep.science.instrument import Instrument
from interdep.science.profile import balance_band, classify, dynamic_note
from interdep.science.scoring import (
    SCALES,
    answers_to_row,
    partner_report_plan,
    partner_view_matrix,
    score_matrix,
    self_report_plan,
)

__all__ = ["HIGHLIGHTS", "PersonResult", "score_answers", "score_persons"]


def _num(value: float | None) -> float | None:
    """JSON-friendly number: NaN becomes None (missing is never zero), rounded for display."""
    return rounded(value, 4)


@dataclass(frozen=True)
class PersonResult:
    person_id: str
    couple_id: str | None
    instrument_version: str
    facets: dict[str, float | None]
    scales: dict[str, float | None]
    balance_ratio: float | None
    balance_band: str | None
    dynamic: str | None
    dynamic_note: str
    confidence: float | None
    #: How this person sees their partner (partner-report facets). Private: feeds gaps only.
    partner_view: dict[str, float | None] = field(default_factory=dict, repr=False)

    @property
    def quadrant(self) -> str | None:
        """The observed quadrant, even when the label is "between" two."""
        if self.dynamic and self.dynamic.startswith("between:"):
            return self.dynamic.split(":")[1]
        return self.dynamic

    @property
    def highlights(self) -> PersonHighlights:
        """Strengths and growth edges by the rules in science.highlights (never overlapping)."""
        return person_highlights(self.facets)

    def strengths(self, n: int = HIGHLIGHTS) -> list[tuple[str, float]]:
        return list(self.highlights.strengths[:n])

    def growth_edges(self, n: int = HIGHLIGHTS) -> list[tuple[str, float]]:
        return list(self.highlights.growth_edges[:n])

    def plan_focus(self) -> list[str]:
        """Facets a practice plan starts from: the growth edges, then other areas with room
        (science.highlights.plan_focus), so "make my plan" always has somewhere to begin."""
        return plan_focus(self.facets)

    def to_dict(self) -> dict:
        """The public JSON shape (`interdep score --format json`, `GET /api/v1/reports/me`)."""
        return {
            "person_id": self.person_id,
            "couple_id": self.couple_id,
            "instrument_version": self.instrument_version,
            "facets": dict(self.facets),
            "scales": dict(self.scales),
            "balance_ratio": self.balance_ratio,
            "balance_band": self.balance_band,
            "dynamic": self.dynamic,
            "dynamic_confidence": self.confidence,
            "dynamic_note": self.dynamic_note,
            **self.highlights.to_dict(),
        }


def score_persons(
    instrument: Instrument,
    self_answers: np.ndarray,
    person_ids: Sequence[str],
    couple_ids: Sequence[str | None] | None = None,
    partner_answers: np.ndarray | None = None,
) -> list[PersonResult]:
    """Score many persons at once; matrices in the instrument plans' column order."""
    table = score_matrix(instrument, self_answers)
    dyn = classify(table)
    n = len(table)
    views = (
        partner_view_matrix(instrument, partner_answers)
        if partner_answers is not None
        else np.full((n, len(instrument.partner_facets)), np.nan)
    )
    couples = list(couple_ids) if couple_ids is not None else [None] * n
    # Python lists and Python's round (what _num does) instead of one numpy scalar at a time:
    # the same numbers, a tenth of the time. Facets are already rounded to 4 places by numpy,
    # and rounding such a value again with round() returns it unchanged.
    facet_rows = np.round(table.facets, 4).tolist()
    scale_columns = [[_num(v) for v in table.scale(name).tolist()] for name in SCALES]
    confidences = [_num(v) for v in np.asarray(dyn.confidence, dtype=float).tolist()]
    ratios = [_num(v) for v in np.asarray(dyn.balance, dtype=float).tolist()]
    view_rows = views.tolist()
    facet_ids, partner_facets = table.facet_ids, instrument.partner_facets
    results = []
    for k in range(n):
        label = dyn.label[k]
        confidence = confidences[k]
        ratio = ratios[k]
        results.append(
            PersonResult(
                person_id=str(person_ids[k]),
                couple_id=None if couples[k] is None else str(couples[k]),
                instrument_version=instrument.version,
                facets={
                    f: (None if v != v else v)
                    for f, v in zip(facet_ids, facet_rows[k], strict=True)
                },
                scales={
                    name: column[k] for name, column in zip(SCALES, scale_columns, strict=True)
                },
                balance_ratio=ratio,
                balance_band=balance_band(ratio) if ratio is not None else None,
                dynamic=label,
                dynamic_note=dynamic_note(label, confidence),
                confidence=confidence,
                partner_view={
                    f: _num(v) for f, v in zip(partner_facets, view_rows[k], strict=True)
                },
            )
        )
    return results


def score_answers(
    instrument: Instrument,
    answers: Mapping[str, float | None],
    *,
    person_id: str = "me",
    couple_id: str | None = None,
) -> PersonResult:
    """Score one person's {item_id: value} answers (self- and partner-report items together)."""
    own = answers_to_row(self_report_plan(instrument).item_ids, answers)
    about_partner = answers_to_row(partner_report_plan(instrument).item_ids, answers)
    return score_persons(instrument, own, [person_id], [couple_id], about_partner)[0]
