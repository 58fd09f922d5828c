"""Daily check-ins, each person's prompt schedule, and one record per reminder slot.

A check-in belongs to its author alone. Its private note is encrypted at rest and is shown to
nobody else, not even under couple consent: the couple dynamics view uses numbers only, pooled
into a model, and never one partner's single entries.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from interdep.crypto import EncryptedTextField

#: Slider scales (the same as the simulated check-ins of interdep.science.checkin_sim).
MOOD_MIN, MOOD_MAX = 0, 100
FEEL_MIN, FEEL_MAX = 1, 7


class NoChoice(models.TextChoices):
    NONE = "none", "Neither"
    SAID = "said", "I said a no I needed to say"
    HELD_BACK = "held_back", "I held back a no"


class BidAnswered(models.TextChoices):
    NOT_APPLICABLE = "", "No bid to answer"
    YES = "yes", "Yes, it was answered"
    NO = "no", "No, it was missed"


def _mood():
    return [MinValueValidator(MOOD_MIN), MaxValueValidator(MOOD_MAX)]


def _feel():
    return [MinValueValidator(FEEL_MIN), MaxValueValidator(FEEL_MAX)]


class CheckIn(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    #: When it was (the person may enter it late and say when); stored as an instant (UTC)...
    occurred_at = models.DateTimeField()
    #: ...together with the time zone the person was in, so local days and hours stay right.
    tz = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    valence = models.PositiveSmallIntegerField(validators=_mood())
    arousal = models.PositiveSmallIntegerField(validators=_mood())
    closeness = models.PositiveSmallIntegerField(validators=_feel())
    felt_self = models.PositiveSmallIntegerField(validators=_feel())
    bid_made = models.BooleanField(default=False)
    bid_answered = models.CharField(
        max_length=4, choices=BidAnswered.choices, blank=True, default=""
    )
    no_choice = models.CharField(max_length=10, choices=NoChoice.choices, default=NoChoice.NONE)
    conflict = models.BooleanField(default=False)
    note = EncryptedTextField(blank=True, default="")
    #: Made by the device for a check-in kept offline, so sending it again stores nothing new.
    client_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "occurred_at"], name="one_checkin_per_person_and_moment"
            ),
            models.UniqueConstraint(
                fields=["person", "client_id"], name="one_checkin_per_client_id"
            ),
        ]
        indexes = [models.Index(fields=["person", "occurred_at"], name="checkin_person_time")]


class Schedule(models.Model):
    """When a person would like to be prompted: local times in their own time zone."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_schedule"
    )
    #: Local prompt times as "HH:MM", sorted, 1 to MAX_PROMPTS_PER_DAY of them.
    times = models.JSONField(default=list)
    tz = models.CharField(max_length=64, default="UTC")
    paused = models.BooleanField(default=False)
    #: Name of the delivery channel (see interdep.checkins.channels).
    channel = models.CharField(max_length=20, default="email")
    updated_at = models.DateTimeField(auto_now=True)


class Reminder(models.Model):
    """One scheduled prompt of one person. Unique per person and slot, so however often the
    scheduler runs, a slot is reminded at most once."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        SKIPPED = "skipped"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_reminders"
    )
    slot_at = models.DateTimeField()
    channel = models.CharField(max_length=20)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "slot_at"], name="one_reminder_per_person_and_slot"
            ),
        ]


class DynamicsSnapshot(models.Model):
    """A couple's "Us over time", computed by the task worker when check-ins arrive and read by
    the page, so a view costs the same after a year as after a month.

    A table, not the cache: it must disappear in the same transaction as the consent it lives
    under (a withdrawn yes deletes it, see ``couples.signals``), which a cache in another
    process cannot promise; it survives restarts and evictions, so a view never falls back to a
    refit of the whole history; and the "a refit is queued" mark needs an atomic conditional
    update, so a burst of check-ins queues one refit, not hundreds.

    ``document`` holds numbers about the two together only (model estimates, day counts, the
    chance comparison, figures), never an entry, a note or a safety answer; persons are named
    by tokens there ("@1" the member with the lower id), and each viewer's page puts names in.
    """

    couple = models.OneToOneField(
        "couples.Couple", on_delete=models.CASCADE, related_name="dynamics_snapshot"
    )
    #: Null until the first computation has finished.
    document = models.JSONField(null=True, blank=True)
    #: The check-ins it covers: the local days from ``window_start`` to ``window_end``.
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    #: Set when a refit is queued, cleared when the worker starts it: while set, new check-ins
    #: queue nothing more (the queued refit will read them).
    requested_at = models.DateTimeField(null=True, blank=True)
