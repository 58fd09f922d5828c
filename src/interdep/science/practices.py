"""Practices: concrete exercises tied to facets, loaded from `content/practices.toml`.

A growth plan picks practices for a person's or a couple's growth edges, so
each practice names the instrument facets it targets. The file is data, validated when loaded: a
broken entry fails with a message naming the practice and the problem, and every facet of the
current instrument must be reachable by at least one practice (otherwise an edge would have no
advice attached to it).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from interdep.science.content import (
    check_id,
    check_known_fields,
    content_text,
    entries,
    parse_toml,
    text_field,
    text_list_field,
)
from interdep.science.errors import ContentError, InputError
from interdep.science.instrument import Instrument, load_instrument

PracticeKind = Literal["self", "couple"]
Cadence = Literal["daily", "weekly", "once"]

KINDS = ("self", "couple")
CADENCES = ("daily", "weekly", "once")
_FIELDS = frozenset(
    {"id", "kind", "title", "summary", "target_facets", "minutes", "cadence", "steps", "went_well"}
)

CONTENT_FILE = "practices.toml"


@dataclass(frozen=True)
class Practice:
    id: str
    kind: PracticeKind
    title: str
    summary: str
    target_facets: tuple[str, ...]
    minutes: int
    cadence: Cadence
    steps: tuple[str, ...]
    went_well: str

    def targets(self, facet_id: str) -> bool:
        return facet_id in self.target_facets


@functools.cache
def load_practices() -> tuple[Practice, ...]:
    """The shipped practices, validated against the current instrument (cached)."""
    return parse_practices(content_text(CONTENT_FILE), instrument=load_instrument())


def parse_practices(text: str, *, instrument: Instrument | None = None) -> tuple[Practice, ...]:
    """Parse and validate practices TOML; every problem names the practice it is about.

    ``instrument`` defaults to the current one: target facets must be its facet ids, and each of
    its facets must be targeted at least once.
    """
    instrument = instrument if instrument is not None else load_instrument()
    raw = entries(parse_toml(text, "practices"), "practices", "practices")

    facet_ids = instrument.facet_ids
    practices: list[Practice] = []
    seen: set[str] = set()
    for position, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise ContentError(f"practice #{position}: must be a table")
        practice_id = entry.get("id")
        if not isinstance(practice_id, str) or not practice_id.strip():
            raise ContentError(f"practice #{position}: missing field 'id'")
        where = f"practice {practice_id!r}"
        if practice_id in seen:
            raise ContentError(f"{where}: duplicate practice id")
        check_id(practice_id, where)
        seen.add(practice_id)
        check_known_fields(entry, _FIELDS, where)

        kind = text_field(entry, "kind", where)
        if kind not in KINDS:
            raise ContentError(f"{where}: kind must be one of {KINDS}, got {kind!r}")
        cadence = text_field(entry, "cadence", where)
        if cadence not in CADENCES:
            raise ContentError(f"{where}: cadence must be one of {CADENCES}, got {cadence!r}")
        minutes = entry.get("minutes")
        # bool is an int subclass; `minutes = true` is a typo, not a duration.
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
            raise ContentError(f"{where}: minutes must be a positive whole number, got {minutes!r}")
        targets = text_list_field(entry, "target_facets", where)
        for facet_id in targets:
            if facet_id not in facet_ids:
                raise ContentError(
                    f"{where}: unknown facet {facet_id!r} "
                    f"(instrument {instrument.version} has: {', '.join(facet_ids)})"
                )
        if len(set(targets)) != len(targets):
            raise ContentError(f"{where}: target_facets lists a facet twice")
        steps = text_list_field(entry, "steps", where)
        practices.append(
            Practice(
                id=practice_id,
                kind=kind,  # type: ignore[arg-type]
                title=text_field(entry, "title", where),
                summary=text_field(entry, "summary", where),
                target_facets=targets,
                minutes=minutes,
                cadence=cadence,  # type: ignore[arg-type]
                steps=steps,
                went_well=text_field(entry, "went_well", where),
            )
        )

    targeted = {facet for p in practices for facet in p.target_facets}
    untargeted = [f for f in facet_ids if f not in targeted]
    if untargeted:
        raise ContentError(
            f"practices: no practice targets facet(s) {', '.join(untargeted)} "
            f"of instrument {instrument.version}"
        )
    return tuple(practices)


def practices_for_facets(
    facet_ids: Iterable[str],
    *,
    limit: int | None = None,
    kind: PracticeKind | None = None,
    practices: tuple[Practice, ...] | None = None,
) -> list[Practice]:
    """Practices that target the given facets, best match first.

    ``facet_ids`` is in priority order (e.g. a person's growth edges, lowest first). Ranking:
    more of the given facets targeted first; then the practice touching the highest-priority
    facet; then file order. Deterministic, so the same edges always give the same plan.
    Practices targeting none of the facets are left out.
    """
    if isinstance(facet_ids, str):  # one facet id, not its letters
        facet_ids = (facet_ids,)
    wanted = list(dict.fromkeys(facet_ids))
    if limit is not None and limit < 0:
        raise InputError(f"limit must be zero or more, got {limit}")
    if kind is not None and kind not in KINDS:
        raise InputError(f"kind must be one of {KINDS}, got {kind!r}")
    pool = practices if practices is not None else load_practices()
    known = {f for p in pool for f in p.target_facets} | set(load_instrument().facet_ids)
    unknown = [f for f in wanted if f not in known]
    if unknown:
        raise InputError(f"unknown facet(s): {', '.join(unknown)}")

    priority = {facet: rank for rank, facet in enumerate(wanted)}
    scored = []
    for order, practice in enumerate(pool):
        if kind is not None and practice.kind != kind:
            continue
        hits = [priority[f] for f in practice.target_facets if f in priority]
        if hits:
            scored.append((-len(hits), min(hits), order, practice))
    scored.sort(key=lambda row: row[:3])
    ranked = [row[3] for row in scored]
    return ranked if limit is None else ranked[:limit]
