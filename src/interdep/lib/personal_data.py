"""Who holds a person's data: one entry per app, so export and deletion reach all of it.

Each app that stores anything about a person registers one ``DataHolder`` in its own
AppConfig.ready() (no app registers on another's behalf); the data-rights app only asks the
registry, so it imports none of them::

    from interdep.lib.personal_data import DataHolder, register

    register(DataHolder(
        name="checkins",                       # folder name in the export zip
        export=lambda person: {"checkins": [...]},  # table name -> list of flat JSON-able dicts
        erase=lambda person: None,             # delete what is theirs (called before the account row goes)
    ))

``export`` returns every row that is the person's own (decrypted free text included: it is
theirs), as tables of flat dicts; nested values are allowed in JSON and are written as JSON text
into the CSV cell. Never include a partner's private rows. ``erase`` deletes the person's rows
and anything derived from them that would outlive the account (rows cascading from the user
need nothing, but saying so explicitly is fine); it runs inside the deletion's transaction,
before the account row is deleted, so it may still read the person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Tables = dict[str, list[dict]]


@dataclass(frozen=True)
class DataHolder:
    name: str
    export: Callable[[object], Tables]
    erase: Callable[[object], None] | None = None
    #: Lower runs first when erasing (grants are revoked before a couple is unlinked, ...).
    erase_order: int = 100


_HOLDERS: dict[str, DataHolder] = {}


def register(holder: DataHolder) -> DataHolder:
    """Add (or replace, on re-import) the holder of one app's personal data."""
    if not holder.name.replace("_", "").isalnum():
        raise ValueError(f"holder name must be a plain word: {holder.name!r}")
    _HOLDERS[holder.name] = holder
    return holder


def holders() -> list[DataHolder]:
    """Every registered holder, in registration order."""
    return list(_HOLDERS.values())


def erase_sequence() -> list[DataHolder]:
    return sorted(
        (h for h in _HOLDERS.values() if h.erase is not None), key=lambda h: h.erase_order
    )


def iso(value):
    """A date or time as ISO text for an export (None stays None)."""
    return value.isoformat() if value is not None else None


def rows(queryset, fields) -> list[dict]:
    """``fields`` of every object in ``queryset`` as flat dicts, dates and times as ISO text."""
    return [
        {
            f: (iso(v) if hasattr(v, "isoformat") else v)
            for f, v in ((f, getattr(o, f)) for f in fields)
        }
        for o in queryset
    ]
