"""Guides for the couple exercises, loaded from `content/exercises.toml` and validated.

The words and the fields of each flow are data, so they can be rewritten without touching code.
A guide whose comparison needs fields it does not define (e.g. a "plans" comparison without a
``together`` list) fails at load time with a message naming the guide, not later in a page.
Also here: turning what a person typed into a clean entry (`clean_entry`), the same for the web
form and the JSON API.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from interdep.science.content import Field, Schema, content_text
from interdep.science.errors import ContentError, InputError

FLOWS = ("together", "prepare")
FIELD_TYPES = ("text", "lines", "number")
#: What each comparison reads from an entry (see interdep.science.exercises).
COMPARE_NEEDS = {
    "plans": {"together": "lines", "alone": "lines", "limits": "lines", "budget": "number"},
    "actions": {"view": "text", "contribute": "lines", "need": "lines"},
}
CONTENT_FILE = "exercises.toml"

#: One ``[[exercises.fields]]`` entry: what a person fills in.
GUIDE_FIELD = Schema(
    "field",
    (Field("id", "id"), Field("type", choices=FIELD_TYPES), Field("label"), Field("help")),
)
#: One ``[[exercises]]`` entry.
GUIDE = Schema(
    "exercise",
    (
        Field("id", "id"),
        Field("flow", choices=FLOWS),
        Field("compare", required=False),
        Field("title"),
        Field("summary"),
        Field("intro"),
        Field("after"),
        Field("fields", "entries", schema=GUIDE_FIELD),
    ),
)
#: The exercises file: its entries.
GUIDES_FILE = Schema("exercises file", (Field("exercises", "entries", schema=GUIDE),))

#: Limits on what one entry may hold: private notes, not documents.
MAX_TEXT = 2000
MAX_LINES = 20
MAX_LINE = 200
MAX_NUMBER = 10_000_000


@dataclass(frozen=True)
class GuideField:
    id: str
    type: str
    label: str
    help: str


@dataclass(frozen=True)
class Guide:
    id: str
    flow: str
    compare: str | None
    title: str
    summary: str
    intro: str
    after: str
    fields: tuple[GuideField, ...]

    @property
    def together(self) -> bool:
        return self.flow == "together"

    def field(self, field_id: str) -> GuideField:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)


@functools.cache
def load_guides() -> dict[str, Guide]:
    """The shipped guides by id, in file order (cached)."""
    return parse_guides(content_text(CONTENT_FILE))


def parse_guides(text: str, *, source: str = CONTENT_FILE) -> dict[str, Guide]:
    """Parse and validate exercises TOML against `GUIDE`; every problem names the file
    (``source``), the guide and the field."""
    guides: dict[str, Guide] = {}
    for entry in GUIDES_FILE.read(text, source)["exercises"]:
        where, flow, compare = entry.where, entry["flow"], entry["compare"]
        if flow == "together" and compare not in COMPARE_NEEDS:
            raise ContentError(
                f"{where}: a 'together' flow needs compare = one of {tuple(COMPARE_NEEDS)}"
            )
        if flow == "prepare" and compare is not None:
            raise ContentError(f"{where}: a 'prepare' flow has nothing to compare")
        fields = tuple(GuideField(**f.values) for f in entry["fields"])
        by_id = {f.id: f.type for f in fields}
        for need, kind in COMPARE_NEEDS.get(compare, {}).items():
            if by_id.get(need) != kind:
                raise ContentError(
                    f"{where}: compare = {compare!r} needs a {kind!r} field {need!r}"
                )
        guides[entry["id"]] = Guide(**{**entry.values, "fields": fields})
    return guides


def clean_entry(guide: Guide, raw: Mapping[str, Any]) -> dict[str, Any]:
    """What a person typed, as a clean entry: lines split and trimmed, numbers whole and >= 0,
    unknown keys refused. Raises `InputError` (column = the field id) on anything else."""
    unknown = set(raw) - {f.id for f in guide.fields}
    if unknown:
        raise InputError(f"unknown field(s): {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for f in guide.fields:
        value = raw.get(f.id)
        if f.type == "text":
            if value is not None and not isinstance(value, str):
                raise InputError("write it as text", column=f.id)
            text = "" if value is None else value.strip()
            if len(text) > MAX_TEXT:
                raise InputError(f"keep it under {MAX_TEXT} characters", column=f.id)
            out[f.id] = text
        elif f.type == "lines":
            if value is not None and not isinstance(value, str | list | tuple):
                raise InputError("write it as text, one thing per line", column=f.id)
            items = value.splitlines() if isinstance(value, str) else list(value or [])
            if not all(isinstance(x, str) for x in items):
                raise InputError("each line must be text", column=f.id)
            lines = [x.strip() for x in items if x.strip()]
            if len(lines) > MAX_LINES:
                raise InputError(f"at most {MAX_LINES} lines, please", column=f.id)
            if any(len(x) > MAX_LINE for x in lines):
                raise InputError(f"keep each line under {MAX_LINE} characters", column=f.id)
            out[f.id] = lines
        else:
            if value is None or (isinstance(value, str) and not value.strip()):
                out[f.id] = None
                continue
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise InputError("use a whole number, or leave it empty", column=f.id)
            try:
                number = int(value.strip()) if isinstance(value, str) else value
            except ValueError:
                raise InputError("use a whole number, or leave it empty", column=f.id) from None
            if not math.isfinite(number) or number != int(number) or not 0 <= number <= MAX_NUMBER:
                raise InputError(f"use a whole number from 0 to {MAX_NUMBER}", column=f.id)
            out[f.id] = int(number)
    return out


def is_empty(entry: Mapping[str, Any]) -> bool:
    """Nothing written at all (an empty entry cannot be sent)."""
    return not any(v not in (None, "", []) for v in entry.values())
