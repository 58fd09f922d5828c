"""When the private support page opens: a calibrated rule over the safety-screen answers.

The instrument flags its safety items (fear, control, pressure); those stay out of everything
shared, whatever the rule below decides. This module reads a separate, validated rule file,
``content/safety.toml``, that sorts each version's safety items into *fear, control or coercion*
and *conflict avoidance*, because one "Mostly true" about holding back opinions for fear of the
partner's reaction is a common answer of someone who avoids conflict, not a sign of danger.

The page opens when (reasons in docs/assessment.md):

1. one fear, control or coercion item reaches its own level (threats: "Mostly true"; checking
   up: "Completely true");
2. two answers are concerning ("Mostly true" or more on the unhealthy side) and at least one
   of them is on a fear, control or coercion item; or
3. two answers on any screened items are at the extreme ("Completely true").

Conflict-avoidance answers alone, at "Mostly true", never open it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from interdep.science.content import Field, Schema, content_text
from interdep.science.errors import ContentError
from interdep.science.instrument import Instrument, load_instrument

CONTENT_FILE = "safety.toml"
CATEGORIES = ("fear_control_coercion", "conflict_avoidance")

#: ``[rule]``: the levels on the item's unhealthy side that count.
RULE = Schema(
    "rule", (Field("concerning_at", "int"), Field("both_extreme_at", "int")), id_field=None
)
#: ``[versions.<v>]``: that version's safety items, by category.
VERSION_RULE = Schema(
    "version",
    (
        Field("fear_control_coercion", "table", required=False, default={}),
        Field("conflict_avoidance", "texts", required=False, default=(), minimum=0),
    ),
    id_field=None,
)
#: The rule file: the rule, and one table per instrument version.
SAFETY_FILE = Schema(
    "safety rules", (Field("rule", "table", schema=RULE), Field("versions", "table")), id_field=None
)


@dataclass(frozen=True)
class SafetyRules:
    """The rule for one instrument version."""

    version: str
    concerning_at: int
    both_extreme_at: int
    #: item id -> the level at which that one answer opens the page
    alone_at: dict[str, int]
    conflict_avoidance: frozenset[str]

    def category(self, item_id: str) -> str:
        return "fear_control_coercion" if item_id in self.alone_at else "conflict_avoidance"


@dataclass(frozen=True)
class SafetyDecision:
    """Whether the support page opens, why (a rule name), and which answers were concerning."""

    support: bool
    reason: str | None
    concerning: tuple[str, ...]


def parse_safety_rules(
    text: str, instrument: Instrument, *, source: str = CONTENT_FILE
) -> SafetyRules:
    """Parse the rule file for ``instrument``'s version against `SAFETY_FILE`; every problem
    names the file (``source``) and what it is about."""
    data = SAFETY_FILE.read(text, source)
    scale = instrument.scale
    levels = data["rule"]
    for key, value in levels.items():
        if not scale.min < value <= scale.max:
            raise ContentError(f"{source}: rule.{key} must be within the scale, got {value}")
    where = f"{source}, version {instrument.version}"
    if not isinstance(data["versions"].get(instrument.version), dict):
        raise ContentError(f"{where}: missing [versions.{instrument.version}]")
    version = VERSION_RULE.check(data["versions"][instrument.version], where)
    fcc, avoid = version["fear_control_coercion"], version["conflict_avoidance"]
    for item_id, level in fcc.items():
        if not isinstance(level, int) or isinstance(level, bool):
            raise ContentError(f"{where}: item {item_id!r}: level must be a whole number")
        if not levels["concerning_at"] <= level <= scale.max:
            raise ContentError(
                f"{where}: item {item_id!r}: level {level} must be between "
                f"{levels['concerning_at']} and {scale.max}"
            )
    both = set(fcc) & set(avoid)
    if both:
        raise ContentError(f"{where}: item(s) {', '.join(sorted(both))} in both categories")
    classified = set(fcc) | set(avoid)
    flagged = {i.id for i in instrument.items if i.safety}
    if classified - flagged:
        raise ContentError(
            f"{where}: item(s) {', '.join(sorted(classified - flagged))} are not safety items "
            "of this version (only items left out of shared views may open the support page)"
        )
    if flagged - classified:
        raise ContentError(
            f"{where}: safety item(s) {', '.join(sorted(flagged - classified))} are not "
            "classified as fear_control_coercion or conflict_avoidance"
        )
    return SafetyRules(
        version=instrument.version,
        concerning_at=levels["concerning_at"],
        both_extreme_at=levels["both_extreme_at"],
        alone_at=dict(fcc),
        conflict_avoidance=frozenset(avoid),
    )


@functools.cache
def load_safety_rules(version: str) -> SafetyRules:
    """The shipped rule for an instrument version (cached)."""
    return parse_safety_rules(content_text(CONTENT_FILE), load_instrument(version))


def _unhealthy_side(instrument: Instrument, item_id: str, value: float) -> float:
    item = instrument.item(item_id)
    return value if item.reverse_keyed else instrument.scale.reverse(value)


def support_decision(
    instrument: Instrument,
    answers: Mapping[str, float | None],
    rules: SafetyRules | None = None,
) -> SafetyDecision:
    """Apply the rule to one person's answers (only the person who answered ever sees it).

    Parameters
    ----------
    instrument : the version the answers were given on.
    answers : {item id: value}; unanswered or None items are skipped.
    rules : defaults to the shipped rule for the instrument's version.

    Returns
    -------
    SafetyDecision
    """
    rules = rules if rules is not None else load_safety_rules(instrument.version)
    levels: dict[str, float] = {}
    for item_id in (*rules.alone_at, *sorted(rules.conflict_avoidance)):
        value = answers.get(item_id)
        if value is not None:
            levels[item_id] = _unhealthy_side(instrument, item_id, value)
    concerning = tuple(i for i, v in levels.items() if v >= rules.concerning_at)
    if any(levels.get(i, 0) >= at for i, at in rules.alone_at.items()):
        return SafetyDecision(True, "one_fear_control_coercion", concerning)
    if len(concerning) >= 2 and any(i in rules.alone_at for i in concerning):
        return SafetyDecision(True, "two_concerning", concerning)
    if sum(1 for v in levels.values() if v >= rules.both_extreme_at) >= 2:
        return SafetyDecision(True, "two_extreme", concerning)
    return SafetyDecision(False, None, concerning)
