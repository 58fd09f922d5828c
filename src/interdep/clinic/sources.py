"""Check-in figures for the clinician's view, used when the check-ins app is installed (numbers
only: never a note). The check-ins app may register a richer source under the same name."""

from __future__ import annotations

from datetime import date

from django.db.models import Max

from interdep.clinic.registry import ClinicSource, register_source


def checkin_adherence(person_ids, start: date, end: date) -> dict[int, float | None]:
    """Share of days from ``start`` to ``end`` on which each person checked in at least once."""
    from interdep.checkins.selectors import checkin_days

    span = (end - start).days + 1
    return {
        pid: 100.0 * days / span if days else None
        for pid, days in checkin_days(person_ids, start, end).items()
    }


def checkin_last_activity(person_ids):
    from interdep.checkins.models import CheckIn

    rows = (
        CheckIn.objects.filter(person_id__in=list(person_ids))
        .values("person_id")
        .annotate(last=Max("occurred_at"))
    )
    return {row["person_id"]: row["last"] for row in rows}


def checkin_dynamics_section(couple_id: int, person_ids) -> dict | None:
    """The couple's dynamics as the couple sees them (same model, same figure), named in the
    third person; estimates about the two together only, never an entry or a note."""
    from django.contrib.auth import get_user_model

    from interdep.checkins.selectors import pair_dynamics

    names = dict(
        get_user_model().objects.filter(pk__in=list(person_ids)).values_list("pk", "display_name")
    )
    first, second = person_ids
    view = pair_dynamics(
        (first, names.get(first, "Partner 1")),
        (second, names.get(second, "Partner 2")),
        couple_id=couple_id,
        title_label="their",
    )
    return {"view": view}


def register_default_sources() -> None:
    from django.apps import apps

    if apps.is_installed("interdep.checkins"):
        from interdep.clinic.registry import sources

        if not any(s.name == "checkins" for s in sources()):
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
