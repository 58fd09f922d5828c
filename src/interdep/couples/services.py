"""Writes for couples: invites, linking, unlinking and consent (HackSoft style: keyword-only,
one transaction each). Readiness of the couple report is re-decided under a lock on the couple
row after every change that can affect it, so two partners acting at once never lose an update."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from interdep.access.core import active_membership, couple_report_access
from interdep.assessments import report_cache
from interdep.assessments.tasks import reports_prepare
from interdep.couples.models import Couple, Invite, Membership
from interdep.couples.signals import sharing_changed
from interdep.couples.tasks import notify_couple_report_ready
from interdep.lib import throttle
from interdep.lib.errors import ServiceError

#: No 0/O, 1/I/L: codes are read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def normalise_code(code: str) -> str:
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


def _new_code() -> str:
    return normalise_code("".join(secrets.choice(CODE_ALPHABET) for _ in range(8)))


def _lock_couple(couple_id: int) -> Couple:
    """Serialise changes to one couple (a row lock on PostgreSQL; SQLite's IMMEDIATE transactions
    already serialise every writer)."""
    return Couple.objects.select_for_update().get(pk=couple_id)


@transaction.atomic
def invite_create(*, person) -> Invite:
    if active_membership(person) is not None:
        raise ServiceError("already_linked", "You are already linked with a partner.", status=409)
    now = timezone.now()
    # One open invite at a time: a new code replaces the old one.
    Invite.objects.filter(inviter=person, used_at__isnull=True).delete()
    return Invite.objects.create(
        code=_new_code(), inviter=person, expires_at=now + timedelta(days=settings.INVITE_TTL_DAYS)
    )


def open_invite(person) -> Invite | None:
    return (
        Invite.objects.filter(inviter=person, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )


_BAD_CODE = ServiceError(
    "invalid_code", "That code is not valid. It may have expired or been used already."
)
#: Wrong codes a person may enter per hour before joining pauses (codes are not for guessing).
JOIN_FAILURES_PER_HOUR = 10


def _join_failures_key(person) -> str:
    return f"couple-join-failures:{person.pk}"


def couple_join(*, person, code: str) -> Couple:
    """Accept an invite: both become an active couple. Single use; expires after 7 days.

    Each try counts against JOIN_FAILURES_PER_HOUR until it proves right (then its count is given
    back), so the limit holds across every worker and app server, even for tries sent at once."""
    slot = throttle.claim(_join_failures_key(person), limit=JOIN_FAILURES_PER_HOUR, window=60 * 60)
    if slot is None:
        raise ServiceError(
            "too_many_attempts", "Too many wrong codes. Try again in an hour.", status=429
        )
    try:
        couple = _couple_join(person=person, code=code)
    except ServiceError as exc:
        if exc.code != "invalid_code":
            throttle.release(slot)
        raise
    except BaseException:
        throttle.release(slot)
        raise
    throttle.release(slot)
    return couple


@transaction.atomic
def _couple_join(*, person, code: str) -> Couple:
    code = normalise_code(code)
    now = timezone.now()
    invite = Invite.objects.select_for_update().select_related("inviter").filter(code=code).first()
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        raise _BAD_CODE
    if invite.inviter_id == person.pk:
        raise ServiceError("own_code", "That is your own code: give it to your partner to enter.")
    if active_membership(person) is not None:
        raise ServiceError("already_linked", "You are already linked with a partner.", status=409)
    if active_membership(invite.inviter) is not None:
        raise _BAD_CODE
    couple = Couple.objects.create()
    try:
        with transaction.atomic():
            Membership.objects.create(couple=couple, person=invite.inviter)
            Membership.objects.create(couple=couple, person=person)
    except IntegrityError:
        # The other one linked elsewhere at this very moment: the partial unique index said no.
        raise ServiceError(
            "already_linked", "One of you is already linked with a partner.", status=409
        ) from None
    invite.used_at = now
    invite.couple = couple
    invite.save(update_fields=["used_at", "couple"])
    return couple


@transaction.atomic
def couple_unlink(*, person) -> None:
    """End the couple for both. Each partner keeps their own assessments and reports."""
    mine = active_membership(person)
    if mine is None:
        raise ServiceError("not_linked", "You are not linked with a partner.", status=404)
    couple = _lock_couple(mine.couple_id)
    before = couple_report_access(person)
    transaction.on_commit(lambda: report_cache.forget_couple(before))
    now = timezone.now()
    couple.memberships.filter(left_at__isnull=True).update(
        left_at=now, shares=False, shares_changed_at=now
    )
    couple.ended_at = now
    couple.report_ready_at = None
    couple.save(update_fields=["ended_at", "report_ready_at"])
    sharing_changed.send(sender=Couple, couple_id=couple.pk, shared=False)


@transaction.atomic
def consent_set(*, person, share: bool) -> Membership:
    """Say yes or no to a couple report. A no (or a withdrawal) removes it for both at once."""
    mine = active_membership(person)
    if mine is None:
        raise ServiceError("not_linked", "Link with your partner first.", status=404)
    _lock_couple(mine.couple_id)
    mine = Membership.objects.get(pk=mine.pk)
    if mine.shares != share:
        before = couple_report_access(person)
        transaction.on_commit(lambda: report_cache.forget_couple(before))
        mine.shares = share
        mine.shares_changed_at = timezone.now()
        mine.save(update_fields=["shares", "shares_changed_at"])
    couple_refresh_readiness(person=person)
    return mine


def couple_refresh_readiness(*, person) -> None:
    """Record whether the couple report is available now (call inside a transaction holding the
    couple lock). Newly available: both partners get one notification, sent after commit."""
    access = couple_report_access(person)
    if access.couple is None:
        return
    couple = Couple.objects.get(pk=access.couple.pk)
    if access.allowed and couple.report_ready_at is None:
        couple.report_ready_at = timezone.now()
        couple.save(update_fields=["report_ready_at"])
        transaction.on_commit(lambda: notify_couple_report_ready.enqueue(couple.pk))
        sharing_changed.send(sender=Couple, couple_id=couple.pk, shared=True)
        transaction.on_commit(lambda: reports_prepare.enqueue(person.pk))
    elif not access.allowed:
        if couple.report_ready_at is not None:
            couple.report_ready_at = None
            couple.save(update_fields=["report_ready_at"])
        # every time, not only on the change: what others keep under this consent must not
        # outlive it, whatever state they were in
        sharing_changed.send(sender=Couple, couple_id=couple.pk, shared=False)


def lock_couple_of(person) -> None:
    """Take the couple lock for a change made by one partner (e.g. submitting an assessment)."""
    mine = active_membership(person)
    if mine is not None:
        _lock_couple(mine.couple_id)
