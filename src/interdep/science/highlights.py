"""Strengths, growth edges and differences: rules that cannot contradict one another.

A facet is a *strength* only at or above :data:`STRENGTH_LEVEL` and a *growth edge* only below
:data:`EDGE_LEVEL`. The band between the two belongs to neither list, so no facet is ever both,
and a facet cannot move from one list to the other through measurement error alone (the band is
almost two facet SEMs wide). For a couple, a *shared* strength needs both partners at strength
level and a *shared* edge needs both below edge level; where the two differ widely the facet is a
*difference* (of view or of experience), shown with both scores and never averaged away.

Every sentence carries its subject ("you", "partner" or "both") so a test can prove that a
reader is only ever addressed about their own results, and that the partner's results appear
only as the partner's, in the couple report.

The thresholds and their reasons are documented in docs/assessment.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from interdep.science.instrument import Instrument

#: At or above: a strength. Answers averaging "mostly true" on the healthy side (3.8 of 5).
STRENGTH_LEVEL = 70.0
#: Below: a growth edge. The middle of the scale: the facet's answers lean to its unhealthy pole.
EDGE_LEVEL = 50.0
#: A profile whose highest and lowest facets are less than this apart is "even": under two
#: facet SEMs (11 points each, provisional), so ranking its facets would mostly rank noise.
EVEN_SPREAD = 20.0
#: Two partners this far apart on a facet differ in view or experience there.
WIDE_DIFFERENCE = 30.0
#: At most this many strengths and edges are named (a short list is one a person can use).
HIGHLIGHTS = 3

Subject = Literal["you", "partner", "both"]


@dataclass(frozen=True)
class PersonHighlights:
    """One person's strengths and growth edges, as (facet id, score), best or lowest first."""

    strengths: tuple[tuple[str, float], ...]
    growth_edges: tuple[tuple[str, float], ...]
    even: bool
    spread: float | None
    lowest: tuple[str, float] | None
    highest: tuple[str, float] | None
    #: Facets also below edge level but beyond the ones named (named in one sentence only).
    more_edges: tuple[str, ...] = ()
    #: Whether another facet scores the same as the lowest (then "the most room" is a choice).
    lowest_tied: bool = False

    def to_dict(self) -> dict:
        return {
            "strengths": [{"facet": f, "score": s} for f, s in self.strengths],
            "growth_edges": [{"facet": f, "score": s} for f, s in self.growth_edges],
            "even_profile": self.even,
            "spread": self.spread,
        }


def person_highlights(
    facets: Mapping[str, float | None], *, limit: int = HIGHLIGHTS
) -> PersonHighlights:
    """Strengths (at or above STRENGTH_LEVEL, highest first) and growth edges (below EDGE_LEVEL,
    lowest first) of one person.

    An even profile (spread below EVEN_SPREAD) names no ranked strengths, and at most its one
    lowest facet as an edge, only if that facet is below EDGE_LEVEL.

    Parameters
    ----------
    facets : mapping of facet id to score (0-100) or None when missing.
    limit : how many of each to name at most.

    Returns
    -------
    PersonHighlights
    """
    scored = sorted(((f, float(s)) for f, s in facets.items() if s is not None), key=lambda x: x[0])
    if not scored:
        return PersonHighlights((), (), False, None, None, None)
    high_first = sorted(scored, key=lambda fs: (-fs[1], fs[0]))
    low_first = sorted(scored, key=lambda fs: (fs[1], fs[0]))
    spread = round(high_first[0][1] - low_first[0][1], 4)
    even = len(scored) > 1 and spread < EVEN_SPREAD
    below = tuple(fs for fs in low_first if fs[1] < EDGE_LEVEL)
    if even:
        strengths: tuple = ()
        edges = below[:1]
        more: tuple = ()
    else:
        strengths = tuple(fs for fs in high_first if fs[1] >= STRENGTH_LEVEL)[:limit]
        edges = below[:limit]
        more = tuple(f for f, _ in below[limit:])
    tied = len(low_first) > 1 and low_first[1][1] == low_first[0][1]
    return PersonHighlights(strengths, edges, even, spread, low_first[0], high_first[0], more, tied)


@dataclass(frozen=True)
class CoupleHighlights:
    """What two profiles share and where they differ; every entry carries both scores."""

    shared_strengths: tuple[dict, ...]
    shared_edges: tuple[dict, ...]
    differences: tuple[dict, ...]
    #: How many more facets differ widely beyond the ones named.
    more_differences: int = 0

    def to_dict(self) -> dict:
        return {
            "strengths": [dict(e) for e in self.shared_strengths],
            "growth_edges": [dict(e) for e in self.shared_edges],
            "differences": [dict(e) for e in self.differences],
        }


def couple_highlights(
    a_id: str,
    a: Mapping[str, float | None],
    b_id: str,
    b: Mapping[str, float | None],
    *,
    limit: int = HIGHLIGHTS,
) -> CoupleHighlights:
    """Shared strengths (both at strength level), shared edges (both below edge level) and wide
    differences (at least WIDE_DIFFERENCE apart, not already shared), as three disjoint lists.

    Shared strengths rank by the lower of the two scores (the couple is as strong there as its
    less strong partner); shared edges by the higher (lowest first); differences by their size.
    """
    rows = []
    for facet in sorted(set(a) & set(b)):
        sa, sb = a.get(facet), b.get(facet)
        if sa is not None and sb is not None:
            rows.append((facet, float(sa), float(sb)))

    def entry(facet: str, sa: float, sb: float) -> dict:
        return {"facet": facet, "scores": {a_id: sa, b_id: sb}}

    strong = [r for r in rows if r[1] >= STRENGTH_LEVEL and r[2] >= STRENGTH_LEVEL]
    weak = [r for r in rows if r[1] < EDGE_LEVEL and r[2] < EDGE_LEVEL]
    shared = {r[0] for r in strong} | {r[0] for r in weak}
    apart = [r for r in rows if abs(r[1] - r[2]) >= WIDE_DIFFERENCE and r[0] not in shared]
    strong.sort(key=lambda r: (-min(r[1], r[2]), r[0]))
    weak.sort(key=lambda r: (max(r[1], r[2]), r[0]))
    apart.sort(key=lambda r: (-abs(r[1] - r[2]), r[0]))
    differences = tuple(
        {
            **entry(*r),
            "higher": a_id if r[1] > r[2] else b_id,
            "difference": round(abs(r[1] - r[2]), 4),
        }
        for r in apart[:limit]
    )
    return CoupleHighlights(
        tuple(entry(*r) for r in strong[:limit]),
        tuple(entry(*r) for r in weak[:limit]),
        differences,
        max(0, len(apart) - limit),
    )


# ---------------------------------------------------------------------------------------------
# Sentences, each with its subject
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """One sentence for one reader: ``subject`` says whom it is about, ``facet`` what."""

    subject: Subject
    kind: str  # "strength" | "edge" | "even" | "lowest" | "difference"
    facet: str | None
    text: str


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def person_sentences(
    instrument: Instrument, h: PersonHighlights, *, plan_start: str | None = None
) -> list[Sentence]:
    """The private report's sentences, all about the reader, in the second person.

    ``plan_start`` is the area the practice plan starts with, when it is known: the plan is
    built from the scores that may leave the person (without safety answers), which can put a
    different area first than these private scores do, and the report must promise what the
    plan will do."""
    out: list[Sentence] = []
    for facet, _ in h.strengths:
        out.append(Sentence("you", "strength", facet, instrument.facet(facet).strength))
    if h.even and h.lowest is not None and h.highest is not None:
        low, high = round(h.lowest[1]), round(h.highest[1])
        where = (
            "all of them at a level we count as a strength"
            if h.lowest[1] >= STRENGTH_LEVEL
            else "none of them far ahead of the others"
        )
        out.append(
            Sentence(
                "you",
                "even",
                None,
                f"Your areas sit close together, between {low} and {high} out of 100, {where}.",
            )
        )
    for facet, _ in h.growth_edges:
        out.append(Sentence("you", "edge", facet, instrument.facet(facet).edge))
    if h.more_edges:
        names = [instrument.facet(f).label.lower() for f in h.more_edges]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        number = ("One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")
        count = (
            "One more of your areas sits"
            if len(names) == 1
            else f"{number[len(names) - 1]} more of your areas sit"
        )
        out.append(
            Sentence(
                "you",
                "more_edges",
                None,
                f"{count} below the middle as well: {listed}. Starting with one is enough; "
                "the others often move with it.",
            )
        )
    if not h.growth_edges and h.lowest is not None:
        label = instrument.facet(h.lowest[0]).label.lower()
        first = instrument.facet(plan_start or h.lowest[0]).label.lower()
        room = (
            f"choose the area that matters most to you; your plan starts with {first} unless "
            "you swap it."
            if h.lowest_tied or h.even
            else f"{label} is the one with the most room."
        )
        out.append(
            Sentence(
                "you",
                "lowest",
                h.lowest[0],
                f"None of your areas sits below the middle of the scale. If you would like "
                f"something to practise, {room}",
            )
        )
    return out


def couple_sentences(
    instrument: Instrument,
    h: CoupleHighlights,
    *,
    reader: str,
    partner: str,
    partner_name: str,
) -> list[Sentence]:
    """The couple report's sentences for ``reader``: shared lists about both of you, differences
    naming who scored higher. Never a facet's second-person text, which belongs to one person."""
    out: list[Sentence] = []
    for e in h.shared_strengths:
        label = instrument.facet(e["facet"]).label
        desc = _lower_first(instrument.facet(e["facet"]).description).rstrip(".")
        out.append(
            Sentence("both", "strength", e["facet"], f"{label} is strong in both of you: {desc}.")
        )
    for e in h.shared_edges:
        label = instrument.facet(e["facet"]).label
        desc = _lower_first(instrument.facet(e["facet"]).description).rstrip(".")
        out.append(
            Sentence(
                "both",
                "edge",
                e["facet"],
                f"Room for both of you to grow in {label.lower()}: {desc}.",
            )
        )
    for e in h.differences:
        facet = instrument.facet(e["facet"])
        mine, theirs = round(e["scores"][reader]), round(e["scores"][partner])
        out.append(
            Sentence(
                "both",
                "difference",
                e["facet"],
                f"{facet.label}: you scored {mine} and {partner_name} {theirs}.",
            )
        )
    if h.more_differences:
        n = h.more_differences
        out.append(
            Sentence(
                "both",
                "more_differences",
                None,
                f"Your answers also sit far apart in {n} other area{'s' if n != 1 else ''}; "
                "the bars above show every one.",
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Where a practice plan starts
# ---------------------------------------------------------------------------------------------


def plan_focus(facets: Mapping[str, float | None], *, limit: int = HIGHLIGHTS) -> list[str]:
    """Facets a person's practice plan starts from: the growth edges first, then other areas
    below strength level (lowest first), so "make my plan" always has two or three small steps.
    A profile with everything at strength level starts from its one lowest area."""
    edges = [f for f, _ in person_highlights(facets).growth_edges]
    rest = sorted((s, f) for f, s in facets.items() if s is not None and f not in edges)
    chosen = edges + [f for s, f in rest if s < STRENGTH_LEVEL]
    if not chosen and rest:
        chosen = [rest[0][1]]
    return chosen[:limit]


def couple_plan_focus(
    a: Mapping[str, float | None], b: Mapping[str, float | None], *, limit: int = HIGHLIGHTS
) -> list[str]:
    """Facets a couple's shared practice starts from: shared edges, then wide differences (a
    practice for talking about them), then areas where neither partner is at strength level."""
    h = couple_highlights("a", a, "b", b, limit=len(a))
    chosen = [e["facet"] for e in h.shared_edges] + [e["facet"] for e in h.differences]
    both_room = sorted(
        (max(a[f], b[f]), f)
        for f in a
        if f in b and a[f] is not None and b[f] is not None and f not in chosen
        if a[f] < STRENGTH_LEVEL and b[f] < STRENGTH_LEVEL
    )
    chosen += [f for _, f in both_room]
    return chosen[:limit]
