"""Support resources for the private support page, from a deployment-configurable TOML file.

The shipped file (content/support_resources.toml) holds only the local emergency number; an
operator lists their country's services in their own copy (settings.SUPPORT_RESOURCES_FILE).
A broken file fails with a message naming the entry and the field, and never shows half a list.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from interdep.science.content import Field, Schema, content_text
from interdep.science.errors import ContentError

CONTENT_FILE = "support_resources.toml"

#: One ``[[resources]]`` entry: only ``name`` is required, the rest may be left empty.
RESOURCE = Schema(
    "support resource",
    (
        Field("country", required=False, default=""),
        Field("name"),
        Field("about", required=False, default=""),
        Field("phone", required=False, default=""),
        Field("web", required=False, default=""),
        Field("hours", required=False, default=""),
    ),
    id_field=None,
)
RESOURCES_FILE = Schema(
    "support resources", (Field("resources", "entries", schema=RESOURCE),), id_field=None
)


@dataclass(frozen=True)
class Resource:
    country: str
    name: str
    about: str = ""
    phone: str = ""
    web: str = ""
    hours: str = ""

    @property
    def tel(self) -> str:
        """The phone number as a tel: link target (digits and a leading +)."""
        return "".join(c for c in self.phone if c.isdigit() or c == "+")


def parse_resources(text: str, *, source: str = CONTENT_FILE) -> tuple[Resource, ...]:
    """Parse and validate a resources file against `RESOURCE`; every problem names the file
    (``source``), the entry and the field."""
    out = []
    for entry in RESOURCES_FILE.read(text, source)["resources"]:
        if entry["web"] and not entry["web"].startswith("https://"):
            raise ContentError(f"{entry.where}: field 'web' must start with https://")
        out.append(Resource(**entry.values))
    return tuple(out)


def support_resources() -> tuple[Resource, ...]:
    """The deployment's file if configured, else the shipped one (anywhere entries first)."""
    path = getattr(settings, "SUPPORT_RESOURCES_FILE", "")
    if path:
        found = parse_resources(Path(path).read_text(encoding="utf-8"), source=Path(path).name)
    else:
        found = parse_resources(content_text(CONTENT_FILE))
    return tuple(sorted(found, key=lambda r: (r.country != "", r.country)))
