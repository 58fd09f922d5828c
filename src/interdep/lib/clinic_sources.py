"""What other apps add to a clinician's view of a couple (check-in adherence, dynamics).

An app registers a ``ClinicSource`` in its own AppConfig.ready(); the caseload and the couple page
ask every source, within the grant's scope. A source only ever returns numbers about the
couple's two people (never a note, a reflection or a safety answer)::

    from interdep.lib.clinic_sources import ClinicSource, register_source

    register_source(ClinicSource(
        name="checkins",
        scope="dynamics",                       # the grant scope that must be on
        adherence=lambda ids, start, end: {...},  # person id -> % of days (0-100) with a check-in
        last_activity=lambda ids: {...},        # person id -> datetime of their newest entry
        section=lambda couple_id, people: {...} | None,  # context for `template` on the couple page
        template="checkins/_clinic_section.html",
    ))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class ClinicSource:
    name: str
    scope: str = "dynamics"
    adherence: Callable[[Sequence[int], date, date], dict[int, float | None]] | None = None
    last_activity: Callable[[Sequence[int]], dict[int, datetime]] | None = None
    section: Callable[[int, Sequence], dict | None] | None = None
    template: str | None = None


_SOURCES: dict[str, ClinicSource] = {}


def register_source(source: ClinicSource) -> ClinicSource:
    _SOURCES[source.name] = source
    return source


def sources(scope: str | None = None) -> list[ClinicSource]:
    return [s for s in _SOURCES.values() if scope is None or s.scope == scope]
