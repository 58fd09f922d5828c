"""A person's check-ins (notes decrypted: they are theirs), schedule and reminders in their data
export, and their erasure."""

from __future__ import annotations

from interdep.checkins.models import CheckIn, DynamicsSnapshot, Reminder, Schedule
from interdep.lib.personal_data import DataHolder, register, rows


def export_checkins(person) -> dict:
    return {
        "checkins": rows(
            CheckIn.objects.filter(person=person).order_by("occurred_at"),
            [
                "id",
                "occurred_at",
                "tz",
                "created_at",
                "valence",
                "arousal",
                "closeness",
                "felt_self",
                "bid_made",
                "bid_answered",
                "no_choice",
                "conflict",
                "note",
            ],
        ),
        "schedule": rows(
            Schedule.objects.filter(person=person),
            ["times", "tz", "paused", "channel", "updated_at"],
        ),
        "reminders": rows(
            Reminder.objects.filter(person=person).order_by("slot_at"),
            ["slot_at", "channel", "status", "created_at", "sent_at"],
        ),
        # "Us over time" as stored for the couple: that it exists and what it covers (its
        # estimates are about the two together and come from the partner's check-ins too).
        "us_over_time": rows(
            _snapshots_of(person),
            ["couple_id", "window_start", "window_end", "computed_at"],
        ),
    }


def _snapshots_of(person):
    return DynamicsSnapshot.objects.filter(couple__memberships__person=person).order_by("pk")


def erase_checkins(person) -> None:
    # What was computed from the person's check-ins goes with them (the couple's stored
    # dynamics of every couple they were in), then the check-ins themselves.
    _snapshots_of(person).delete()
    for model in (CheckIn, Reminder, Schedule):
        model.objects.filter(person=person).delete()


def register_holder() -> None:
    register(DataHolder("checkins", export_checkins, erase_checkins, erase_order=40))
