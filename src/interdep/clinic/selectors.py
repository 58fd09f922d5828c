"""Reads for the clinician's workspace: the caseload and one couple's figures, loaded in bulk so a
page costs a fixed number of queries however many couples there are.

Every score here is the couple-report score (safety-screen items left out, as in
`assessments.selectors.shared_person_result`); a clinician never sees an item-level answer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from interdep.access.clinic import active_grants_for_clinician
from interdep.assessments.models import Answer, Assessment
from interdep.assessments.presenters import dynamic_title
from interdep.clinic.models import AuditEvent, Grant
from interdep.couples.models import Membership
from interdep.lib.clinic_sources import sources
from interdep.science.change import Change, reliable_change
from interdep.science.couple import PATTERN_LABELS, CoupleResult, analyse_couple
from interdep.science.instrument import load_instrument
from interdep.science.results import PersonResult, score_answers

#: The scales whose change since intake the caseload reports.
CHANGE_SCALES = ("connection", "self")
ADHERENCE_DAYS = 14


@dataclass
class PersonSummary:
    person_id: int
    name: str
    assessments: list[Assessment]
    results: dict[int, PersonResult] = field(default_factory=dict)  # by assessment id
    adherence: float | None = None
    last_activity: datetime | None = None

    @property
    def intake(self) -> Assessment | None:
        return self.assessments[0] if self.assessments else None

    @property
    def latest(self) -> Assessment | None:
        return self.assessments[-1] if self.assessments else None

    @property
    def current(self) -> PersonResult | None:
        return self.results.get(self.latest.pk) if self.latest else None

    @property
    def dynamic_title(self) -> str:
        return dynamic_title(self.current.dynamic if self.current else None)

    @property
    def changes(self) -> list[tuple[str, Change | None]]:
        """Reliable change of Connection and Self from intake to the latest assessment."""
        if self.intake is None or self.intake.pk == self.latest.pk:
            return [(s, None) for s in CHANGE_SCALES]
        before, after = self.results[self.intake.pk], self.results[self.latest.pk]
        return [
            (s, reliable_change(before.scales.get(s), after.scales.get(s), score=s))
            for s in CHANGE_SCALES
        ]

    @property
    def history(self) -> list[tuple[Assessment, PersonResult, str]]:
        """Newest first: (assessment, scored result, the dynamic in words)."""
        return [
            (a, self.results[a.pk], dynamic_title(self.results[a.pk].dynamic))
            for a in reversed(self.assessments)
            if a.pk in self.results
        ]


@dataclass
class CoupleSummary:
    grant: Grant
    people: list[PersonSummary]
    result: CoupleResult | None
    stale: bool
    last_activity: datetime | None

    @property
    def couple_id(self) -> int:
        return self.grant.couple_id

    @property
    def names(self) -> str:
        return " and ".join(p.name for p in self.people)

    @property
    def pattern_label(self) -> str:
        if self.result is None:
            return "Not both assessed yet"
        return PATTERN_LABELS.get(self.result.pattern or "", "Not clear yet")


def _shared_result(
    assessment: Assessment, answers: dict[str, int], *, label: str, couple_id: int
) -> PersonResult:
    """As `assessments.selectors.shared_person_result`, from answers already loaded."""
    instrument = load_instrument(assessment.instrument_version)
    kept = {
        k: v for k, v in answers.items() if instrument.has_item(k) and not instrument.item(k).safety
    }
    return score_answers(instrument, kept, person_id=label, couple_id=str(couple_id))


def summaries(grants: list[Grant], *, with_history: bool = False) -> list[CoupleSummary]:
    """Figures for each granted couple: 3 queries for the lot, plus one per registered source."""
    if not grants:
        return []
    couple_ids = [g.couple_id for g in grants]
    members: dict[int, list[Membership]] = defaultdict(list)
    for m in (
        Membership.objects.filter(couple_id__in=couple_ids, left_at__isnull=True)
        .select_related("person")
        .order_by("joined_at", "pk")
    ):
        members[m.couple_id].append(m)
    person_ids = [m.person_id for ms in members.values() for m in ms]
    assessments: dict[int, list[Assessment]] = defaultdict(list)
    for a in Assessment.objects.filter(
        person_id__in=person_ids, submitted_at__isnull=False
    ).order_by("submitted_at", "pk"):
        assessments[a.person_id].append(a)
    needed = {
        a.pk
        for items in assessments.values()
        for a in (items if with_history else items[:1] + items[-1:])
    }
    answers: dict[int, dict[str, int]] = defaultdict(dict)
    for assessment_id, item_id, value in Answer.objects.filter(
        assessment_id__in=needed
    ).values_list("assessment_id", "item_id", "value"):
        answers[assessment_id][item_id] = value

    now = timezone.now()
    start = (now - timedelta(days=ADHERENCE_DAYS - 1)).date()
    adherence: dict[int, float | None] = {}
    activity: dict[int, datetime] = {}
    for source in sources():
        if source.adherence is not None:
            adherence.update(source.adherence(person_ids, start, now.date()))
        if source.last_activity is not None:
            activity.update(source.last_activity(person_ids))

    out = []
    for grant in grants:
        people = []
        for k, m in enumerate(members.get(grant.couple_id, [])):
            summary = PersonSummary(
                m.person_id, m.person.display_name, assessments.get(m.person_id, [])
            )
            for a in summary.assessments:
                if a.pk in needed:
                    summary.results[a.pk] = _shared_result(
                        a, answers[a.pk], label=("a", "b")[k % 2], couple_id=grant.couple_id
                    )
            if grant.dynamics:
                summary.adherence = adherence.get(m.person_id)
            latest_times = [
                t
                for t in (
                    summary.latest.submitted_at if summary.latest else None,
                    activity.get(m.person_id) if grant.dynamics else None,
                )
                if t
            ]
            summary.last_activity = max(latest_times) if latest_times else None
            people.append(summary)
        result = None
        if len(people) == 2 and all(p.current for p in people):
            instrument = load_instrument(people[0].latest.instrument_version)
            result = analyse_couple(
                instrument, people[0].current, people[1].current, couple_id=str(grant.couple_id)
            )
        times = [p.last_activity for p in people if p.last_activity]
        last = max(times) if times else None
        stale = last is None or now - last > timedelta(days=settings.CLINIC_STALE_DAYS)
        out.append(CoupleSummary(grant, people, result, stale, last))
    return out


def caseload(user) -> list[Grant]:
    return list(
        active_grants_for_clinician(user)
        .select_related("clinician", "couple")
        .order_by("active_since")
    )


def audit_log(couple_id: int, *, limit: int = 200) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(couple_id=couple_id)[:limit])


def couple_grants(couple_id: int) -> list[Grant]:
    return list(
        Grant.objects.filter(couple_id=couple_id)
        .select_related("clinician")
        .prefetch_related("agreements")
        .order_by("-created_at", "-pk")
    )
