"""A short list of common time zones, grouped by region, instead of every IANA name.

The full database has about 600 names, "Factory" and "localtime" among them; a person looks for
their city. Anyone elsewhere still gets their zone: the browser's guess is added to the list
when it is a real zone, and so is a zone already saved.
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

COMMON_ZONES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Europe",
        (
            ("Europe/London", "London, Dublin, Lisbon"),
            ("Europe/Paris", "Paris, Brussels, Madrid"),
            ("Europe/Berlin", "Berlin, Amsterdam, Vienna"),
            ("Europe/Rome", "Rome, Zurich, Stockholm"),
            ("Europe/Warsaw", "Warsaw, Prague, Budapest"),
            ("Europe/Athens", "Athens, Bucharest, Helsinki"),
            ("Europe/Kyiv", "Kyiv"),
            ("Europe/Istanbul", "Istanbul"),
            ("Europe/Moscow", "Moscow"),
        ),
    ),
    (
        "Americas",
        (
            ("America/New_York", "New York, Toronto (Eastern)"),
            ("America/Chicago", "Chicago, Mexico City (Central)"),
            ("America/Denver", "Denver (Mountain)"),
            ("America/Phoenix", "Phoenix"),
            ("America/Los_Angeles", "Los Angeles, Vancouver (Pacific)"),
            ("America/Anchorage", "Anchorage"),
            ("Pacific/Honolulu", "Honolulu"),
            ("America/Halifax", "Halifax (Atlantic)"),
            ("America/Bogota", "Bogotá, Lima"),
            ("America/Sao_Paulo", "São Paulo, Buenos Aires"),
        ),
    ),
    (
        "Africa and the Middle East",
        (
            ("Africa/Lagos", "Lagos, Kinshasa"),
            ("Africa/Cairo", "Cairo"),
            ("Africa/Johannesburg", "Johannesburg"),
            ("Africa/Nairobi", "Nairobi, Addis Ababa"),
            ("Asia/Jerusalem", "Jerusalem"),
            ("Asia/Dubai", "Dubai"),
            ("Asia/Tehran", "Tehran"),
        ),
    ),
    (
        "Asia",
        (
            ("Asia/Karachi", "Karachi"),
            ("Asia/Kolkata", "India"),
            ("Asia/Dhaka", "Dhaka"),
            ("Asia/Bangkok", "Bangkok, Jakarta"),
            ("Asia/Singapore", "Singapore, Kuala Lumpur"),
            ("Asia/Shanghai", "China"),
            ("Asia/Hong_Kong", "Hong Kong"),
            ("Asia/Tokyo", "Tokyo"),
            ("Asia/Seoul", "Seoul"),
            ("Asia/Manila", "Manila"),
        ),
    ),
    (
        "Oceania",
        (
            ("Australia/Perth", "Perth"),
            ("Australia/Adelaide", "Adelaide"),
            ("Australia/Brisbane", "Brisbane"),
            ("Australia/Sydney", "Sydney, Melbourne"),
            ("Pacific/Auckland", "Auckland"),
        ),
    ),
    ("Other", (("UTC", "UTC (coordinated universal time)"),)),
)

#: Names in the database that are not places a person lives in.
_NOT_PLACES = {"Factory", "localtime", "posixrules", "Etc/Unknown"}


def is_zone(name: str) -> bool:
    return bool(name) and name not in _NOT_PLACES and (name == "UTC" or name in _all())


_ALL: frozenset[str] | None = None


def _all() -> frozenset[str]:
    global _ALL
    if _ALL is None:
        _ALL = frozenset(available_timezones())
    return _ALL


def grouped(extra: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    """The groups for a <select>, with ``extra`` (a saved zone) added when not listed."""
    listed = {name for _, zones in COMMON_ZONES for name, _ in zones}
    groups = [(region, list(zones)) for region, zones in COMMON_ZONES]
    if extra and extra not in listed and is_zone(extra):
        groups.insert(0, ("Your zone", [(extra, extra.replace("_", " "))]))
    return groups


@lru_cache(maxsize=128)
def _options(selected: str) -> SafeString:
    return mark_safe(
        "".join(
            format_html(
                '<optgroup label="{}">{}</optgroup>',
                region,
                format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    ((v, " selected" if v == selected else "", label) for v, label in zones),
                ),
            )
            for region, zones in grouped(selected)
        )
    )


def select_options(selected: str) -> SafeString:
    """The <optgroup>s and <option>s of the short list with ``selected`` chosen (added as "Your
    zone" when it is a real zone not listed): made once per zone name and kept, because the list
    never changes while the process runs (a page with the picker spent most of its time
    rendering it). A name that is not a zone selects nothing and is not kept."""
    listed = {name for _, zones in COMMON_ZONES for name, _ in zones}
    if selected not in listed and not is_zone(selected):
        selected = ""
    return _options(selected)
