"""Clinicians.

- Only a clinician whom staff verified is a clinician; a self-declared one sees nobody.
- A clinician sees a couple only through an active grant: not revoked, the couple still
  together, and each current partner agreed. Revoking (either partner), unlinking or a
  partner deleting their account ends it at once; the next request is a 404.
- Within a grant, only its scope (reports: scores without the safety items, pattern, map,
  history; dynamics: check-in trends). Never private notes, reflections or safety answers.
- A revoked clinician, another couple's clinician, staff and everyone else get 404.
"""

from __future__ import annotations

from django.http import Http404

from interdep.access.core import active_membership
from interdep.access.ownership import object_or_404
from interdep.clinic.models import ClinicianProfile, Grant


def verified_clinician(user):
    """The user's clinician profile when staff have verified it, else None."""
    if not user.is_authenticated:
        return None
    return ClinicianProfile.objects.filter(person=user, verified_at__isnull=False).first()


def active_grants_for_clinician(user):
    """The grants through which this user may see couples now (a queryset; empty for anyone
    who is not a verified clinician)."""
    if not user.is_authenticated:
        return Grant.objects.none()
    return Grant.objects.filter(
        clinician__person=user,
        clinician__verified_at__isnull=False,
        revoked_at__isnull=True,
        active_since__isnull=False,
        couple__ended_at__isnull=True,
    )


def clinician_grant_or_404(user, couple_id: int, *, scope: str = "reports"):
    """The active grant letting this clinician see this couple within ``scope``; else 404."""
    try:
        grant = (
            active_grants_for_clinician(user)
            .select_related("clinician", "couple")
            .get(couple_id=couple_id)
        )
    except Exception:  # DoesNotExist, MultipleObjectsReturned cannot happen (unique), bad ids
        raise Http404 from None
    if not getattr(grant, scope, False):
        raise Http404
    return grant


def couple_grant_or_404(user, grant_id: int):
    """A grant of the user's active couple (for the partners to agree to or revoke)."""
    mine = active_membership(user)
    if mine is None:
        raise Http404
    return object_or_404(
        Grant.objects.select_related("clinician"), pk=grant_id, couple_id=mine.couple_id
    )
