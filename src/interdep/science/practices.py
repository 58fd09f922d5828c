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

from interdep.science.content import Field, Schema, content_text
from interdep.science.errors import ContentError, InputError
from interdep.science.instrument import Instrument, load_instrument

PracticeKind = Literal["self", "couple"]
Cadence = Literal["daily", "weekly", "once"]

KINDS = ("self", "couple")
CADENCES = ("daily", "weekly", "once")

CONTENT_FILE = "practices.toml"

#: One ``[[practices]]`` entry.
PRACTICE = Schema(
    "practice",
    (
        Field("id", "id"),
        Field("kind", choices=KINDS),
        Field("title"),
        Field("summary"),
        Field("target_facets", "texts"),
        Field("minutes", "int", minimum=1),
        Field("cadence", choices=CADENCES),
        Field("steps", "texts"),
        Field("went_well"),
    ),
)
#: The practices file: its entries.
PRACTICES_FILE = Schema("practices file", (Field("practices", "entries", schema=PRACTICE),))


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


def parse_practices(
    text: str, *, instrument: Instrument | None = None, source: str = CONTENT_FILE
) -> tuple[Practice, ...]:
    """Parse and validate practices TOML against `PRACTICE`; every problem names the file
    (``source``), the practice and the field.

    ``instrument`` defaults to the current one: target facets must be its facet ids, and each of
    its facets must be targeted at least once.
    """
    instrument = instrument if instrument is not None else load_instrument()
    data = PRACTICES_FILE.read(text, source)

    facet_ids = instrument.facet_ids
    practices: list[Practice] = []
    for entry in data["practices"]:
        where, targets = entry.where, entry["target_facets"]
        for facet_id in targets:
            if facet_id not in facet_ids:
                raise ContentError(
                    f"{where}: field 'target_facets': unknown facet {facet_id!r} "
                    f"(instrument {instrument.version} has: {', '.join(facet_ids)})"
                )
        if len(set(targets)) != len(targets):
            raise ContentError(f"{where}: field 'target_facets' lists a facet twice")
        practices.append(Practice(**entry.values))

    targeted = {facet for p in practices for facet in p.target_facets}
    untargeted = [f for f in facet_ids if f not in targeted]
    if untargeted:
        raise ContentError(
            f"{source}: no practice targets facet(s) {', '.join(untargeted)} "
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
