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
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from interdep.science.errors import ContentError
from interdep.science.instrument import Instrument, load_instrument

CONTENT_PACKAGE = "interdep.content"
CONTENT_FILE = "safety.toml"
CATEGORIES = ("fear_control_coercion", "conflict_avoidance")


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


def parse_safety_rules(text: str, instrument: Instrument) -> SafetyRules:
    """Parse the rule file for ``instrument``'s version; every problem names what it is about."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"safety rules are not valid TOML: {exc}") from exc
    rule = data.get("rule", {})
    scale = instrument.scale
    levels = {}
    for key in ("concerning_at", "both_extreme_at"):
        value = rule.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ContentError(f"safety rules: rule.{key} must be a whole number")
        if not scale.min < value <= scale.max:
            raise ContentError(f"safety rules: rule.{key} must be within the scale, got {value}")
        levels[key] = value
    where = f"safety rules, version {instrument.version}"
    version = data.get("versions", {}).get(instrument.version)
    if not isinstance(version, dict):
        raise ContentError(f"{where}: missing [versions.{instrument.version}]")
    fcc = version.get("fear_control_coercion", {})
    avoid = version.get("conflict_avoidance", [])
    if not isinstance(fcc, dict) or not isinstance(avoid, list):
        raise ContentError(
            f"{where}: fear_control_coercion is a table of item = level, "
            "conflict_avoidance a list of item ids"
        )
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
    text = (resources.files(CONTENT_PACKAGE) / CONTENT_FILE).read_text(encoding="utf-8")
    return parse_safety_rules(text, load_instrument(version))


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
