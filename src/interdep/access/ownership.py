"""The one shape of an "own thing or 404" read, used by every feature's access module."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404


def object_or_404(queryset, **lookup):
    """The one object ``lookup`` finds in ``queryset``; a missing one or a malformed id is 404."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def own_or_404(user, queryset, pk, *, owner: str = "person"):
    """The object ``pk`` of ``queryset`` whose ``owner`` is ``user``; anything else is 404."""
    if not user.is_authenticated:
        raise Http404
    return object_or_404(queryset, pk=pk, **{owner: user})
