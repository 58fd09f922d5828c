"""The instrument: items, facets and response scale, loaded from versioned TOML data files.

Content is data, not code: `content/instrument/<version>.toml`. A file is validated when loaded and
a broken one fails with a message naming the item (or facet) and the problem. Versions are
immutable once released; an answer set is always scored with the version it was given on.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

from interdep.science.content import Field, Schema
from interdep.science.errors import ContentError

Capacity = Literal["connection", "self"]
Pole = Literal["healthy", "fused", "distant"]
Kind = Literal["self", "partner"]

CAPACITIES = ("connection", "self")
POLES = ("healthy", "fused", "distant")
KINDS = ("self", "partner")
#: The unhealthy pole(s) each capacity's facets may use: Self facets fail by
#: fusion, Connection facets by distance; honest communication and openness may fail both ways.
UNHEALTHY_POLES_BY_CAPACITY = {"self": ("fused",), "connection": ("distant",)}
BOTH_WAYS_FACETS = ("honest_communication", "openness")
MIN_SELF_ITEMS_PER_FACET = 4
MIN_PARTNER_ITEMS = 16
MIN_PARTNER_FACETS = 8
PARTNER_ITEM_PREFIX = "My partner"


@dataclass(frozen=True)
class Facet:
    id: str
    capacity: Capacity
    label: str
    description: str
    strength: str
    edge: str


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    facet: str
    pole: Pole
    kind: Kind
    safety: bool = False

    @property
    def reverse_keyed(self) -> bool:
        """Agreeing with an unhealthy-pole item lowers the facet's (healthy-direction) score."""
        return self.pole != "healthy"


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    anchors: dict[int, str]

    def reverse(self, value: float) -> float:
        return self.min + self.max - value


@dataclass(frozen=True, eq=False)
class Instrument:
    """One released version of the instrument (compared and hashed by identity: versions are
    loaded once and cached)."""

    version: str
    name: str
    scale: Scale
    facets: tuple[Facet, ...]
    items: tuple[Item, ...]
    #: An answer at or beyond this value on a safety item's unhealthy pole raises a private signal.
    safety_threshold: int
    _by_id: dict[str, Item] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({item.id: item for item in self.items})

    def item(self, item_id: str) -> Item:
        return self._by_id[item_id]

    @functools.cached_property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    def has_item(self, item_id: str) -> bool:
        return item_id in self._by_id

    def facet(self, facet_id: str) -> Facet:
        for facet in self.facets:
            if facet.id == facet_id:
                return facet
        raise KeyError(facet_id)

    @functools.cached_property
    def facet_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.facets)

    def items_of(self, *, kind: Kind, facet: str | None = None) -> tuple[Item, ...]:
        return tuple(
            i for i in self.items if i.kind == kind and (facet is None or i.facet == facet)
        )

    @functools.cached_property
    def self_items(self) -> tuple[Item, ...]:
        return self.items_of(kind="self")

    @functools.cached_property
    def partner_items(self) -> tuple[Item, ...]:
        return self.items_of(kind="partner")

    @functools.cached_property
    def partner_facets(self) -> tuple[str, ...]:
        """Facets that partner-report items cover (where perception gaps can be computed)."""
        covered = {i.facet for i in self.partner_items}
        return tuple(f for f in self.facet_ids if f in covered)

    def without_safety_items(self, answers: dict[str, float]) -> dict[str, float]:
        """Answers fit for anything a partner or clinician sees: safety items are left out for
        everyone, whatever was answered, so their absence reveals nothing either."""
        return {k: v for k, v in answers.items() if k in self._by_id and not self._by_id[k].safety}

    def safety_raised(self, answers: dict[str, float]) -> bool:
        """Whether any safety item was answered on its unhealthy side at or beyond the threshold.

        One such answer is a *concerning* answer, not by itself a reason for the support page:
        that decision is science.safety.support_decision, which reads fear, control and
        coercion apart from conflict avoidance. Only ever shown to the person who answered.
        """
        for item in self.items:
            if not item.safety or item.id not in answers or answers[item.id] is None:
                continue
            value = answers[item.id]
            agreed = value >= self.safety_threshold
            if (item.reverse_keyed and agreed) or (
                not item.reverse_keyed and self.scale.reverse(value) >= self.safety_threshold
            ):
                return True
        return False

    def to_dict(self) -> dict:
        """The public shape printed by `interdep instrument --format json` and the API."""
        return {
            "version": self.version,
            "name": self.name,
            "scale": {
                "min": self.scale.min,
                "max": self.scale.max,
                "anchors": {str(k): v for k, v in self.scale.anchors.items()},
            },
            "items": [
                {
                    "id": i.id,
                    "text": i.text,
                    "facet": i.facet,
                    "pole": i.pole,
                    "kind": i.kind,
                    "safety": i.safety,
                }
                for i in self.items
            ],
            "facets": [
                {
                    "id": f.id,
                    "capacity": f.capacity,
                    "label": f.label,
                    "description": f.description,
                    "strength": f.strength,
                    "edge": f.edge,
                }
                for f in self.facets
            ],
        }


CONTENT_PACKAGE = "interdep.content.instrument"


def available_versions() -> list[str]:
    """Instrument versions shipped with the package, oldest first."""
    files = resources.files(CONTENT_PACKAGE).iterdir()
    return sorted(
        (Path(f.name).stem for f in files if f.name.endswith(".toml")),
        key=lambda v: int(v.lstrip("v")) if v.lstrip("v").isdigit() else 0,
    )


#: New assessments are taken on this version; stored ones keep the version they were given on.
CURRENT_VERSION = "v2"


@functools.cache
def load_instrument(version: str = CURRENT_VERSION) -> Instrument:
    """Load and validate a shipped instrument version (cached: versions never change)."""
    resource = resources.files(CONTENT_PACKAGE) / f"{version}.toml"
    if not resource.is_file():
        raise ContentError(
            f"unknown instrument version {version!r} (have: {', '.join(available_versions())})"
        )
    return parse_instrument(
        resource.read_text(encoding="utf-8"),
        expected_version=version,
        source=f"instrument/{version}.toml",
    )


def load_instrument_file(path: str | Path) -> Instrument:
    """Load and validate an instrument from any TOML file (authors drafting a new version)."""
    path = Path(path)
    return parse_instrument(path.read_text(encoding="utf-8"), source=path.name)


#: The response scale, ``[scale]``.
SCALE = Schema("scale", (Field("min", "int"), Field("max", "int"), Field("anchors", "labels")))
#: One ``[[facets]]`` entry.
FACET = Schema(
    "facet",
    (
        Field("id", "id"),
        Field("capacity", choices=CAPACITIES),
        Field("label"),
        Field("description"),
        Field("strength"),
        Field("edge"),
    ),
)
#: One ``[[items]]`` entry.
ITEM = Schema(
    "item",
    (
        Field("id", "id"),
        Field("text"),
        Field("facet"),
        Field("kind", choices=KINDS),
        Field("pole", choices=POLES),
        Field("safety", "bool", required=False, default=False),
    ),
)
#: ``[safety]``: the level at which a safety item's answer is concerning (default: one below
#: the top of the scale).
SAFETY = Schema("safety", (Field("threshold", "int", required=False),), id_field=None)
#: An instrument version's file.
INSTRUMENT_FILE = Schema(
    "instrument",
    (
        Field("version"),
        Field("name"),
        Field("scale", "table", schema=SCALE),
        Field("facets", "entries", schema=FACET),
        Field("items", "entries", schema=ITEM),
        Field("safety", "table", required=False, default={"threshold": None}, schema=SAFETY),
    ),
    id_field=None,
)


def parse_instrument(
    text: str, *, expected_version: str | None = None, source: str = "instrument"
) -> Instrument:
    """Parse and validate instrument TOML against `INSTRUMENT_FILE`; every problem names the
    file (``source``), the entry and the field."""
    data = INSTRUMENT_FILE.read(text, source)
    version = data["version"]
    if expected_version is not None and version != expected_version:
        raise ContentError(f"instrument file for {expected_version!r} declares version {version!r}")
    scale = _scale(data["scale"], f"{source}, scale")
    facets = tuple(Facet(**entry.values) for entry in data["facets"])
    items = _items(data["items"], {f.id: f for f in facets})
    threshold = data["safety"]["threshold"]
    threshold = scale.max - 1 if threshold is None else threshold
    if not scale.min < threshold <= scale.max:
        raise ContentError(
            f"{source}: safety.threshold must be an integer within the scale, got {threshold!r}"
        )
    instrument = Instrument(version, data["name"], scale, facets, items, threshold)
    _check_coverage(instrument)
    return instrument


def _scale(values: dict, where: str) -> Scale:
    low, high, anchors = values["min"], values["max"], values["anchors"]
    if high - low < 2:
        raise ContentError(f"{where}: need at least three points, got {low}..{high}")
    if sorted(anchors) != list(range(low, high + 1)):
        raise ContentError(f"{where}: anchors must label every point {low}..{high}")
    return Scale(low, high, anchors)


def _items(entries, facet_by_id: dict[str, Facet]) -> tuple[Item, ...]:
    items = []
    for entry in entries:
        where, item_id, text = entry.where, entry["id"], entry["text"]
        facet_id, kind, pole = entry["facet"], entry["kind"], entry["pole"]
        if "-" in item_id:  # the one id rule, narrowed: item ids are also column names
            raise ContentError(f"{where}: item ids are column names: letters, digits and '_' only")
        if facet_id not in facet_by_id:
            raise ContentError(f"{where}: field 'facet': unknown facet {facet_id!r}")
        capacity = facet_by_id[facet_id].capacity
        allowed = (
            POLES
            if facet_id in BOTH_WAYS_FACETS
            else ("healthy", *UNHEALTHY_POLES_BY_CAPACITY[capacity])
        )
        if pole not in allowed:
            raise ContentError(
                f"{where}: pole {pole!r} does not fit facet {facet_id!r} ({capacity} facet: {', '.join(allowed)})"
            )
        if kind == "partner" and not text.startswith(PARTNER_ITEM_PREFIX):
            raise ContentError(f"{where}: partner-report items start with {PARTNER_ITEM_PREFIX!r}")
        if kind == "self" and text.startswith(PARTNER_ITEM_PREFIX):
            raise ContentError(
                f"{where}: a self-report item cannot be about 'my partner' as its subject"
            )
        items.append(Item(**entry.values))
    return tuple(items)


def _check_coverage(instrument: Instrument) -> None:
    for facet in instrument.facets:
        own = instrument.items_of(kind="self", facet=facet.id)
        if len(own) < MIN_SELF_ITEMS_PER_FACET:
            raise ContentError(
                f"facet {facet.id!r}: needs at least {MIN_SELF_ITEMS_PER_FACET} self-report items, has {len(own)}"
            )
        if not any(i.reverse_keyed for i in own):
            raise ContentError(
                f"facet {facet.id!r}: needs at least one reverse-keyed (unhealthy-pole) self-report item"
            )
        if not any(not i.reverse_keyed for i in own):
            raise ContentError(
                f"facet {facet.id!r}: needs at least one healthy-pole self-report item"
            )
    partner = instrument.partner_items
    if len(partner) < MIN_PARTNER_ITEMS:
        raise ContentError(
            f"instrument: needs at least {MIN_PARTNER_ITEMS} partner-report items, has {len(partner)}"
        )
    if len(instrument.partner_facets) < MIN_PARTNER_FACETS:
        raise ContentError(
            f"instrument: partner-report items must cover at least {MIN_PARTNER_FACETS} facets, "
            f"cover {len(instrument.partner_facets)}"
        )
    if not any(i.safety for i in instrument.items):
        raise ContentError("instrument: no item is flagged safety = true (fear, control, coercion)")
