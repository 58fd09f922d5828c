"""What the check-ins app adds to a clinician's view of a couple: adherence, last activity and
the couple's dynamics (numbers and model estimates only: never an entry or a note)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Max

from interdep.checkins.models import CheckIn
from interdep.checkins.presenters import view_from_document
from interdep.checkins.selectors import checkin_days
from interdep.checkins.snapshots import compute_document
from interdep.lib.clinic_sources import ClinicSource, register_source


def checkin_adherence(person_ids, start: date, end: date) -> dict[int, float | None]:
    """Share of days from ``start`` to ``end`` on which each person checked in at least once."""
    span = (end - start).days + 1
    return {
        pid: 100.0 * days / span if days else None
        for pid, days in checkin_days(person_ids, start, end).items()
    }


def checkin_last_activity(person_ids):
    rows = (
        CheckIn.objects.filter(person_id__in=list(person_ids))
        .values("person_id")
        .annotate(last=Max("occurred_at"))
    )
    return {row["person_id"]: row["last"] for row in rows}


def checkin_dynamics_section(couple_id: int, person_ids) -> dict | None:
    """The couple's dynamics as the couple sees them (same model, same window, same figure),
    named in the third person; estimates about the two together only, never an entry or a note.
    Computed here, not read from the couple's stored document: that one exists only under the
    couple's own consent, and a clinician sees this under the grant's dynamics scope."""
    names = dict(
        get_user_model().objects.filter(pk__in=list(person_ids)).values_list("pk", "display_name")
    )
    first, second = person_ids
    view = view_from_document(
        compute_document(first, second, couple_id=couple_id, network=False),
        {first: names.get(first, "Partner 1"), second: names.get(second, "Partner 2")},
        first=first,
        title_label="their",
    )
    return {"view": view}


def register_source_for_clinic() -> None:
    register_source(
        ClinicSource(
            "checkins",
            "dynamics",
            checkin_adherence,
            checkin_last_activity,
            section=checkin_dynamics_section,
            template="clinic/_dynamics_section.html",
        )
    )
