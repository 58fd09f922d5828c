"""Time zones: a person's IANA zone checked once, and the local date of a moment."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from interdep.lib.errors import ServiceError

UTC = ZoneInfo("UTC")


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones() | {"UTC"})


def zone_choices() -> list[str]:
    """Every zone name a person may choose, sorted."""
    return sorted(_zone_names())


def zone(name: str) -> ZoneInfo:
    """The IANA time zone called ``name``; a ServiceError for anything else."""
    if not name or name not in _zone_names():
        raise ServiceError(
            "bad_time_zone", f"Unknown time zone {name!r}; use a name such as Europe/Paris."
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ServiceError("bad_time_zone", f"Unknown time zone {name!r}.") from None


def local_date(moment: datetime, tz: str) -> date:
    """The calendar date of ``moment`` where the zone ``tz`` is."""
    return moment.astimezone(ZoneInfo(tz)).date()
