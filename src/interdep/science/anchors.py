"""Validity anchors: short measures answered after the assessment, and what the pool shows.

The shipped anchors (content/anchors.toml) are ours: a pictorial closeness scale after Aron, Aron
and Smollan (1992) and one satisfaction question. A deployment may add a licensed validated
measure from its own TOML file in the same format (items, scale, citation, licence); nothing of
another author's wording ships in this repository.

Convergent validity: Connection should rise with pictorial closeness, and both capacities (and
the couple pattern) should go with satisfaction. Pure: no Django here.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from interdep.science.content import Field, Schema, content_text
from interdep.science.errors import ContentError
from interdep.science.norms import MIN_ANSWERED_SHARE
from interdep.science.scoring import min_answered

MeasureKind = Literal["pictures", "rating"]
KINDS = ("pictures", "rating")
#: What an anchor may be expected to track: a capacity, or the couple pattern.
TARGETS = ("connection", "self", "pattern")


@dataclass(frozen=True)
class AnchorItem:
    id: str
    text: str
    reverse: bool = False


@dataclass(frozen=True)
class Measure:
    id: str
    kind: MeasureKind
    title: str
    instruction: str
    citation: str
    items: tuple[AnchorItem, ...]
    scale_min: int
    scale_max: int
    anchors: Mapping[int, str]
    expects: tuple[str, ...]
    licence: str = ""
    shipped: bool = True

    @property
    def points(self) -> range:
        return range(self.scale_min, self.scale_max + 1)

    def item(self, item_id: str) -> AnchorItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


#: A measure's scale: its whole-number ends, and labels for at least the two ends.
ANCHOR_SCALE = Schema(
    "scale", (Field("min", "int"), Field("max", "int"), Field("anchors", "labels")), id_field=None
)
#: One item of a measure.
ANCHOR_ITEM = Schema(
    "item",
    (Field("id", "id"), Field("text"), Field("reverse", "bool", required=False, default=False)),
)
#: One ``[[measures]]`` entry. ``licence`` is required of a measure a deployment adds.
MEASURE = Schema(
    "measure",
    (
        Field("id", "id"),
        Field("kind", required=False, default="rating", choices=KINDS),
        Field("title"),
        Field("instruction"),
        Field("citation"),
        Field("licence", required=False, default=""),
        Field("scale", "table", schema=ANCHOR_SCALE),
        Field("items", "entries", schema=ANCHOR_ITEM),
        Field("expects", "texts", required=False, default=(), choices=TARGETS, minimum=0),
    ),
)
#: An anchors file: its measures.
MEASURES_FILE = Schema("anchors file", (Field("measures", "entries", schema=MEASURE),))


def parse_measures(
    text: str, *, shipped: bool, source: str = "anchors.toml"
) -> tuple[Measure, ...]:
    """Parse and validate an anchors TOML file against `MEASURE`; every problem names the file
    (``source``), the measure and the field (and item).

    A file a deployment adds (``shipped=False``) must say under which licence it may use the
    measure, because its wording is another author's.
    """
    measures = []
    for entry in MEASURES_FILE.read(text, source)["measures"]:
        where, kind = entry.where, entry["kind"]
        scale = entry["scale"]
        low, high, anchors = scale["min"], scale["max"], scale["anchors"]
        if not (low < high and high - low <= 10):
            raise ContentError(f"{where}: scale needs whole min < max (at most 11 points)")
        if low not in anchors or high not in anchors:
            raise ContentError(f"{where}: scale anchors must name at least min and max")
        if any(not low <= k <= high for k in anchors):
            raise ContentError(f"{where}: a scale anchor lies outside min..max")
        items = tuple(AnchorItem(**item.values) for item in entry["items"])
        if kind == "pictures" and (len(items) != 1 or (low, high) != (1, 7)):
            raise ContentError(f"{where}: a picture measure has one item on a 1-7 scale")
        if not shipped and not entry["licence"]:
            raise ContentError(f"{where}: a measure you add must state its licence ('licence')")
        values = {k: v for k, v in entry.values.items() if k != "scale"}
        measures.append(
            Measure(
                **{**values, "items": items},
                scale_min=low,
                scale_max=high,
                anchors=anchors,
                shipped=shipped,
            )
        )
    return tuple(measures)


@functools.cache
def load_measures(extra: str | None = None) -> tuple[Measure, ...]:
    """The shipped anchors, then those of a deployment's own file (path ``extra``), if any."""
    measures = parse_measures(content_text("anchors.toml"), shipped=True)
    if extra:
        path = Path(extra)
        try:
            added = parse_measures(
                path.read_text(encoding="utf-8"), shipped=False, source=path.name
            )
        except OSError as exc:
            raise ContentError(f"extra anchors file {path.name}: cannot be read ({exc})") from exc
        clash = {m.id for m in measures} & {m.id for m in added}
        if clash:
            raise ContentError(f"extra anchors file: measure id already used: {sorted(clash)}")
        measures += added
    return measures


def measure_score(measure: Measure, answers: Mapping[str, int | None]) -> float | None:
    """Mean of the answered items (reverse items flipped), on the measure's own scale; None when
    fewer than two thirds are answered (as a facet)."""
    values = []
    for item in measure.items:
        value = answers.get(item.id)
        if value is None:
            continue
        values.append(measure.scale_min + measure.scale_max - value if item.reverse else value)
    if len(values) < min_answered(len(measure.items), MIN_ANSWERED_SHARE):
        return None
    return sum(values) / len(values)


@dataclass(frozen=True)
class Correlation:
    """Pearson r with its 95% interval (Fisher z), or None below ``MIN_PAIRS`` pairs."""

    n: int
    r: float | None
    low: float | None
    high: float | None


#: Fewer pairs than this give no correlation: an r of 3 points says nothing and its interval is
#: undefined (Fisher's z needs n > 3).
MIN_PAIRS = 5


def correlation(x: Sequence[float | None], y: Sequence[float | None]) -> Correlation:
    """Pearson r over the pairs where both are present, with a Fisher-z 95% interval."""
    pairs = np.array(
        [(a, b) for a, b in zip(x, y, strict=True) if a is not None and b is not None], dtype=float
    ).reshape(-1, 2)
    pairs = pairs[~np.isnan(pairs).any(axis=1)]
    n = len(pairs)
    if n < MIN_PAIRS or np.std(pairs[:, 0]) == 0 or np.std(pairs[:, 1]) == 0:
        return Correlation(n, None, None, None)
    r = float(np.corrcoef(pairs[:, 0], pairs[:, 1])[0, 1])
    z, half = math.atanh(max(min(r, 0.999999), -0.999999)), 1.959963984540054 / math.sqrt(n - 3)
    return Correlation(n, r, math.tanh(z - half), math.tanh(z + half))


@dataclass(frozen=True)
class GroupMeans:
    """An outcome's mean per group (e.g. couple pattern), and eta squared across groups."""

    groups: dict[str, tuple[int, float | None]]  # group -> (n, mean or None if too few)
    eta_squared: float | None


def group_means(
    labels: Sequence[str | None], values: Sequence[float | None], *, min_group: int
) -> GroupMeans:
    """Mean per group; groups smaller than ``min_group`` show their count only (no mean), so no
    small group's answers can be read back. Eta squared over the groups that show a mean."""
    by: dict[str, list[float]] = {}
    for label, value in zip(labels, values, strict=True):
        if label is not None and value is not None:
            by.setdefault(label, []).append(float(value))
    shown = {g: v for g, v in by.items() if len(v) >= min_group}
    groups = {g: (len(v), float(np.mean(v)) if g in shown else None) for g, v in sorted(by.items())}
    eta = None
    if len(shown) >= 2:
        every = np.concatenate([np.array(v) for v in shown.values()])
        total = float(((every - every.mean()) ** 2).sum())
        between = sum(len(v) * (np.mean(v) - every.mean()) ** 2 for v in shown.values())
        eta = float(between / total) if total > 0 else None
    return GroupMeans(groups, eta)
