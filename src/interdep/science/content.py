"""The one loader for the content files (instrument versions, practices, exercise guides): TOML
parsing, the entry lists, the field checks and the one rule every content id follows. Each
content module declares its fields and meaning; the shape checks and their messages are here,
so a broken file reads the same whichever file it is.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from interdep.science.errors import ContentError

__all__ = [
    "ID_RULE",
    "check_id",
    "check_known_fields",
    "content_text",
    "entries",
    "parse_toml",
    "text_field",
    "text_list_field",
]

CONTENT_PACKAGE = "interdep.content"

#: Every content id (item, facet, practice, exercise, exercise field): lower-case letters and
#: digits, in words joined by "-" (kebab-case) or "_" (snake_case). Ids are stored with people's
#: data and used as column names, so they never hold spaces, capitals or punctuation.
ID_RULE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


def content_text(name: str) -> str:
    """The text of a content file shipped in the package (``name`` relative to it)."""
    return (resources.files(CONTENT_PACKAGE) / name).read_text(encoding="utf-8")


def parse_toml(text: str, what: str) -> dict:
    """``text`` as TOML; a ContentError saying which kind of file (``what``) is broken."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{what} file is not valid TOML: {exc}") from exc


def entries(data: Mapping, key: str, what: str) -> list:
    """The non-empty array of tables ``[[key]]``."""
    raw = data.get(key)
    if not isinstance(raw, list) or not raw:
        raise ContentError(f"{what}: no [[{key}]] entries")
    return raw


def check_id(value: Any, where: str) -> str:
    """``value`` when it follows ``ID_RULE``; else a ContentError naming ``where``."""
    if not isinstance(value, str) or not ID_RULE.match(value):
        raise ContentError(
            f"{where}: ids are lower-case letters and digits, in words joined by '-' "
            f"(kebab-case) or '_' (snake_case); got {value!r}"
        )
    return value


def check_known_fields(entry: Mapping, allowed: Iterable[str], where: str) -> None:
    unknown = set(entry) - set(allowed)
    if unknown:
        raise ContentError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")


def text_field(entry: Mapping, key: str, where: str) -> str:
    """A required, non-blank text field, trimmed."""
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: field {key!r} must be non-empty text")
    return value.strip()


def text_list_field(entry: Mapping, key: str, where: str) -> tuple[str, ...]:
    """A required, non-empty list of non-blank texts, each trimmed."""
    value = entry.get(key)
    if not isinstance(value, list) or not value:
        raise ContentError(f"{where}: field {key!r} must be a non-empty list")
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(f"{where}: every entry of {key!r} must be non-empty text")
    return tuple(v.strip() for v in value)
