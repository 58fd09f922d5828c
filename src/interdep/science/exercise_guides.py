"""Guides for the couple exercises, loaded from `content/exercises.toml` and validated.

The words and the fields of each flow are data, so they can be rewritten without touching code.
A guide whose comparison needs fields it does not define (e.g. a "plans" comparison without a
``together`` list) fails at load time with a message naming the guide, not later in a page.
Also here: turning what a person typed into a clean entry (`clean_entry`), the same for the web
form and the JSON API.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from interdep.science.content import (
    check_id,
    check_known_fields,
    content_text,
    entries,
    parse_toml,
    text_field,
)
from interdep.science.errors import ContentError, InputError

FLOWS = ("together", "prepare")
FIELD_TYPES = ("text", "lines", "number")
#: What each comparison reads from an entry (see interdep.science.exercises).
COMPARE_NEEDS = {
    "plans": {"together": "lines", "alone": "lines", "limits": "lines", "budget": "number"},
    "actions": {"view": "text", "contribute": "lines", "need": "lines"},
}
_GUIDE_KEYS = frozenset({"id", "flow", "compare", "title", "summary", "intro", "after", "fields"})
_FIELD_KEYS = frozenset({"id", "type", "label", "help"})

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
    return parse_guides(content_text("exercises.toml"))


def parse_guides(text: str) -> dict[str, Guide]:
    raw = entries(parse_toml(text, "exercises"), "exercises", "exercises")
    guides: dict[str, Guide] = {}
    for position, entry in enumerate(raw, start=1):
        gid = check_id(
            entry.get("id") if isinstance(entry, dict) else None, f"exercise #{position}"
        )
        where = f"exercise {gid!r}"
        if gid in guides:
            raise ContentError(f"{where}: duplicate id")
        check_known_fields(entry, _GUIDE_KEYS, where)
        flow = text_field(entry, "flow", where)
        if flow not in FLOWS:
            raise ContentError(f"{where}: flow must be one of {FLOWS}, got {flow!r}")
        compare = entry.get("compare")
        if flow == "together" and compare not in COMPARE_NEEDS:
            raise ContentError(
                f"{where}: a 'together' flow needs compare = one of {tuple(COMPARE_NEEDS)}"
            )
        if flow == "prepare" and compare is not None:
            raise ContentError(f"{where}: a 'prepare' flow has nothing to compare")
        fields = _fields(entry.get("fields"), where)
        by_id = {f.id: f.type for f in fields}
        for need, kind in COMPARE_NEEDS.get(compare, {}).items():
            if by_id.get(need) != kind:
                raise ContentError(
                    f"{where}: compare = {compare!r} needs a {kind!r} field {need!r}"
                )
        guides[gid] = Guide(
            id=gid,
            flow=flow,
            compare=compare,
            title=text_field(entry, "title", where),
            summary=text_field(entry, "summary", where),
            intro=text_field(entry, "intro", where),
            after=text_field(entry, "after", where),
            fields=fields,
        )
    return guides


def _fields(raw: Any, where: str) -> tuple[GuideField, ...]:
    if not isinstance(raw, list) or not raw:
        raise ContentError(f"{where}: needs at least one [[exercises.fields]]")
    out: list[GuideField] = []
    for k, f in enumerate(raw, start=1):
        if not isinstance(f, dict):
            raise ContentError(f"{where}: field #{k} must be a table")
        fid = check_id(f.get("id"), f"{where}: field #{k}")
        here = f"{where}, field {fid!r}"
        if any(o.id == fid for o in out):
            raise ContentError(f"{here}: duplicate field id")
        check_known_fields(f, _FIELD_KEYS, here)
        ftype = text_field(f, "type", here)
        if ftype not in FIELD_TYPES:
            raise ContentError(f"{here}: type must be one of {FIELD_TYPES}, got {ftype!r}")
        out.append(
            GuideField(fid, ftype, text_field(f, "label", here), text_field(f, "help", here))
        )
    return tuple(out)


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
            text = "" if value is None else str(value).strip()
            if len(text) > MAX_TEXT:
                raise InputError(f"keep it under {MAX_TEXT} characters", column=f.id)
            out[f.id] = text
        elif f.type == "lines":
            items = value.splitlines() if isinstance(value, str) else list(value or [])
            lines = [str(x).strip() for x in items if str(x).strip()]
            if len(lines) > MAX_LINES:
                raise InputError(f"at most {MAX_LINES} lines, please", column=f.id)
            if any(len(x) > MAX_LINE for x in lines):
                raise InputError(f"keep each line under {MAX_LINE} characters", column=f.id)
            out[f.id] = lines
        else:
            if value is None or (isinstance(value, str) and not value.strip()):
                out[f.id] = None
                continue
            try:
                number = int(str(value).strip()) if not isinstance(value, int | float) else value
            except ValueError:
                raise InputError("use a whole number, or leave it empty", column=f.id) from None
            if isinstance(number, bool) or number != int(number) or not 0 <= number <= MAX_NUMBER:
                raise InputError(f"use a whole number from 0 to {MAX_NUMBER}", column=f.id)
            out[f.id] = int(number)
    return out


def is_empty(entry: Mapping[str, Any]) -> bool:
    """Nothing written at all (an empty entry cannot be sent)."""
    return not any(v not in (None, "", []) for v in entry.values())
