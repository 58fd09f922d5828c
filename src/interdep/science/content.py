"""The one loader for the content files: TOML parsing, one declarative schema language, and the
one rule every content id follows.

Each content module (instrument versions, practices, exercise guides, validity anchors, the
safety rule, the support resources) declares its file as a `Schema`: the fields an entry has,
each with its type and what it may hold. `Schema.read` checks a file against it and returns
the cleaned values; what a schema cannot say (a facet that must exist, a comparison that needs
a field) the module checks afterwards with the same message shape. Every message names the
file, the entry and the field, so a broken file reads the same whichever file it is:
``practices.toml: practice 'calm-talk': field 'minutes' must be a positive whole number, got 0``.

The schemas are small dataclasses rather than a validation library: content files hold only
TOML's own types, so the checks are a few lines each, the messages are ours, and the science
package (and the CLI that loads it) needs nothing beyond numpy, scipy and pandas.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from interdep.science.errors import ContentError

__all__ = [
    "FIELD_TYPES",
    "ID_RULE",
    "Entry",
    "Field",
    "Schema",
    "check_id",
    "content_text",
    "parse_toml",
]

CONTENT_PACKAGE = "interdep.content"

#: Every content id (item, facet, practice, exercise, exercise field, anchor measure and item):
#: lower-case letters and digits, in words joined by "-" (kebab-case) or "_" (snake_case). Ids
#: are stored with people's data and used in column and form names, so they never hold spaces,
#: capitals or punctuation.
ID_RULE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")

#: What a field may be: ``id`` (text following ID_RULE), ``text`` (non-blank when required, any
#: text when optional; trimmed), ``texts`` (a list of non-blank texts, at least ``minimum``
#: long, 1 unless given; a tuple), ``int`` (a whole number, not true/false, at least
#: ``minimum``), ``bool``, ``labels`` (a table of whole-number points to non-blank texts; a
#: dict of int to text), ``table`` (checked against ``schema`` when given), ``entries`` (a
#: non-empty array of tables, each checked against ``schema``; a list of `Entry`).
FIELD_TYPES = ("id", "text", "texts", "int", "bool", "labels", "table", "entries")


@dataclass(frozen=True)
class Field:
    """One field of a content entry. A field that is not ``required`` takes ``default`` when
    absent; ``choices`` limits a text (or each text of ``texts``) to a closed set."""

    name: str
    type: str = "text"
    required: bool = True
    default: Any = None
    choices: tuple = ()
    minimum: int | None = None
    schema: Schema | None = None

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.name!r}: unknown type {self.type!r}")


@dataclass(frozen=True)
class Entry:
    """One checked entry: where it stands (for the module's own messages) and its values."""

    where: str
    values: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


@dataclass(frozen=True)
class Schema:
    """The fields of one kind of entry (``what`` names it in messages: "practice", "item").

    When ``id_field`` is set, entries of an array are named by that field ("practice
    'calm-talk'"), it follows ID_RULE, and it is unique within the array; otherwise entries are
    named by position ("support resource #2"). A field the schema does not list is refused.
    """

    what: str
    fields: tuple[Field, ...]
    id_field: str | None = "id"

    def read(self, text: str, source: str) -> dict[str, Any]:
        """A whole file (``source`` names it in messages) checked against this schema."""
        return self.check(parse_toml(text, source), source)

    def check(self, table: Any, where: str) -> dict[str, Any]:
        """One table's cleaned values: every field checked, then unknown fields refused."""
        if not isinstance(table, dict):
            raise ContentError(f"{where}: must be a table")
        values = {f.name: _value(f, table, where) for f in self.fields}
        unknown = set(table) - {f.name for f in self.fields}
        if unknown:
            raise ContentError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        return values

    def entries(self, raw: Any, where: str, key: str) -> list[Entry]:
        """The non-empty array ``[[key]]``, each entry checked and named."""
        if not isinstance(raw, list) or not raw:
            raise ContentError(f"{where}: no [[{key}]] entries")
        out: list[Entry] = []
        seen: set[str] = set()
        for position, table in enumerate(raw, start=1):
            here = f"{where}: {self.what} #{position}"
            if not isinstance(table, dict):
                raise ContentError(f"{here}: must be a table")
            if self.id_field is not None:
                if self.id_field not in table:
                    raise ContentError(f"{here}: missing field {self.id_field!r}")
                entry_id = table[self.id_field]
                here = f"{where}: {self.what} {entry_id!r}"
                check_id(entry_id, here)
                if entry_id in seen:
                    raise ContentError(f"{here}: duplicate {self.what} id")
                seen.add(entry_id)
            out.append(Entry(here, self.check(table, here)))
        return out


def _value(field: Field, table: Mapping, where: str) -> Any:
    name = field.name
    if name not in table:
        if field.required:
            if field.type == "entries":
                raise ContentError(f"{where}: no [[{name}]] entries")
            raise ContentError(f"{where}: missing field {name!r}")
        return field.default
    value = table[name]
    about = f"{where}: field {name!r}"
    kind = field.type
    if kind == "id":
        return check_id(value, about)
    if kind == "text":
        if not isinstance(value, str) or (field.required and not value.strip()):
            raise ContentError(f"{about} must be {'non-empty ' if field.required else ''}text")
        value = value.strip()
        _check_choice(field, value, about)
        return value
    if kind == "texts":
        least = 1 if field.minimum is None else field.minimum
        if (
            not isinstance(value, list)
            or len(value) < least
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise ContentError(f"{about} must be a {'non-empty ' if least else ''}list of texts")
        for v in value:
            _check_choice(field, v.strip(), about)
        return tuple(v.strip() for v in value)
    if kind == "int":
        low = field.minimum
        if (
            not isinstance(value, int)
            or isinstance(value, bool)  # `minutes = true` is a typo, not a number
            or (low is not None and value < low)
        ):
            wanted = (
                "a positive whole number"
                if low == 1
                else "a whole number"
                if low is None
                else f"a whole number of {low} or more"
            )
            raise ContentError(f"{about} must be {wanted}, got {value!r}")
        _check_choice(field, value, about)
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ContentError(f"{about} must be true or false")
        return value
    if kind == "labels":
        if not isinstance(value, dict) or not value:
            raise ContentError(f"{about} must be a table of points and their labels")
        labels = {}
        for point, label in value.items():
            if not str(point).lstrip("-").isdigit() or not isinstance(label, str):
                raise ContentError(f"{about}: {point!r} must be a whole-number point with a label")
            if not label.strip():
                raise ContentError(f"{about}: {point!r} must be a whole-number point with a label")
            labels[int(point)] = label.strip()
        return labels
    if kind == "table":
        if not isinstance(value, dict):
            raise ContentError(f"{about} must be a table")
        return field.schema.check(value, f"{where}, {name}") if field.schema else value
    # entries
    assert field.schema is not None, f"{name}: an entries field needs a schema"
    return field.schema.entries(value, where, name)


def _check_choice(field: Field, value: Any, about: str) -> None:
    if field.choices and value not in field.choices:
        raise ContentError(f"{about} must be one of {field.choices}, got {value!r}")


def content_text(name: str) -> str:
    """The text of a content file shipped in the package (``name`` relative to it)."""
    return (resources.files(CONTENT_PACKAGE) / name).read_text(encoding="utf-8")


def parse_toml(text: str, source: str) -> dict:
    """``text`` as TOML; a ContentError naming the file (``source``) when it is broken."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{source}: not valid TOML: {exc}") from exc


def check_id(value: Any, where: str) -> str:
    """``value`` when it follows ``ID_RULE``; else a ContentError naming ``where``."""
    if not isinstance(value, str) or not ID_RULE.match(value):
        raise ContentError(
            f"{where}: ids are lower-case letters and digits, in words joined by '-' "
            f"(kebab-case) or '_' (snake_case); got {value!r}"
        )
    return value
