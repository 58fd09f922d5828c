"""Data rights: a person exports everything of theirs, and deletes their account end to end.

Both go through the registry (interdep.lib.personal_data), so an app that registers its data
holder is covered by export and deletion without changes here.
"""

from __future__ import annotations

import io
import json
import zipfile

from django.db import transaction
from django.utils import timezone

from interdep.lib.csv_writer import dict_rows_csv
from interdep.lib.personal_data import erase_sequence, holders

README = """Your data from Interdep
========================

data.json holds everything below in one file; each folder holds the same tables as CSV
(one file per table, UTF-8, a header row; nested values are written as JSON text).

Private free text (notes, reflections, exercise entries) is stored encrypted on our side and
is given back here as plain text: it is yours. Nothing of your partner's is included apart
from what the two of you share (for example a couple's id).
"""


def collect_person_data(person) -> dict[str, dict[str, list[dict]]]:
    """Every registered holder's tables for this person: {holder: {table: rows}}."""
    return {holder.name: holder.export(person) for holder in holders()}


def export_zip(person) -> bytes:
    """A zip with data.json (all tables), <holder>/<table>.csv, and a README."""
    data = collect_person_data(person)
    document = {"exported_at": timezone.now().isoformat(), "format": 1, "data": data}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        archive.writestr(
            "data.json", json.dumps(document, ensure_ascii=False, indent=2, default=str)
        )
        for holder_name, tables in data.items():
            for table, rows in tables.items():
                archive.writestr(f"{holder_name}/{table}.csv", dict_rows_csv(rows))
    return buffer.getvalue()


def erase_person_data(*, person) -> None:
    """Run every eraser (in their order) for this person; the account row is left to the caller.
    Safe to call twice: erasers delete what is there."""
    if getattr(person, "_datarights_erased", False):
        return
    with transaction.atomic():
        for holder in erase_sequence():
            holder.erase(person)
    person._datarights_erased = True


@transaction.atomic
def person_delete(*, person) -> None:
    """Delete the account and everything of theirs: grants revoked, couple ended (the partner
    keeps their own data), every app's rows erased, then the account row."""
    erase_person_data(person=person)
    person.delete()
