"""Support resources for the private support page, from a deployment-configurable TOML file.

The shipped file (content/support_resources.toml) holds only the local emergency number; an
operator lists their country's services in their own copy (settings.SUPPORT_RESOURCES_FILE).
A broken file fails with a message naming the entry and the field, and never shows half a list.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.conf import settings

from interdep.science.errors import ContentError

_FIELDS = ("country", "name", "about", "phone", "web", "hours")


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


def parse_resources(text: str) -> tuple[Resource, ...]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"support resources are not valid TOML: {exc}") from exc
    raw = data.get("resources")
    if not isinstance(raw, list) or not raw:
        raise ContentError("support resources: no [[resources]] entries")
    out = []
    for n, entry in enumerate(raw, start=1):
        where = f"support resource #{n}"
        if not isinstance(entry, dict):
            raise ContentError(f"{where}: must be a table")
        unknown = set(entry) - set(_FIELDS)
        if unknown:
            raise ContentError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        for key, value in entry.items():
            if not isinstance(value, str):
                raise ContentError(f"{where}: field {key!r} must be text")
        if not entry.get("name", "").strip():
            raise ContentError(f"{where}: field 'name' is required")
        web = entry.get("web", "").strip()
        if web and not web.startswith("https://"):
            raise ContentError(f"{where}: field 'web' must start with https://")
        out.append(Resource(**{k: entry.get(k, "").strip() for k in _FIELDS}))
    return tuple(out)


def support_resources() -> tuple[Resource, ...]:
    """The deployment's file if configured, else the shipped one (anywhere entries first)."""
    path = getattr(settings, "SUPPORT_RESOURCES_FILE", "")
    if path:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = (resources.files("interdep.content") / "support_resources.toml").read_text(
            encoding="utf-8"
        )
    return tuple(sorted(parse_resources(text), key=lambda r: (r.country != "", r.country)))
