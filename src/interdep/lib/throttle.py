"""Counting attempts (wrong invite codes) so that a limit holds across every worker process and
every app server, whatever cache backs it.

Each attempt claims one of ``limit`` numbered slots with ``cache.add``, which is atomic on every
shared backend Django ships: Redis (``SET NX``), memcached (``add``) and the database cache (the
key is the table's primary key, so of two processes inserting the same slot one fails). ``incr``
would not do: the database cache's is a read then a write, and two workers would lose a count.
A slot expires ``window`` seconds after it was claimed (a sliding window), and an attempt that
turns out not to count (the right code) gives its slot back.

The cache is the one in settings.CACHES: Redis with REDIS_URL, otherwise a table in the
application's database, which `migrate` creates (``create_cache_tables`` below, connected to
``post_migrate``), so a fresh deployment needs no extra step.
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.management import call_command


def _slots(key: str, limit: int) -> list[str]:
    return [f"throttle:{key}:{i}" for i in range(limit)]


def claim(key: str, *, limit: int, window: int) -> str | None:
    """Count one attempt under ``key``: the slot it took, or None when ``limit`` attempts were
    already counted in the last ``window`` seconds (the caller refuses)."""
    slots = _slots(key, limit)
    taken = cache.get_many(slots)  # the database cache also deletes expired slots here
    for slot in slots:
        if slot not in taken and cache.add(slot, 1, timeout=window):
            return slot
    return None


def release(slot: str) -> None:
    """Give a slot back: the attempt did not count (e.g. the code was right)."""
    cache.delete(slot)


def used(key: str, *, limit: int) -> int:
    """How many attempts are counted under ``key`` now."""
    return len(cache.get_many(_slots(key, limit)))


def create_cache_tables(sender, using: str = "default", **kwargs) -> None:
    """``post_migrate`` receiver: the database cache's table exists after every `migrate` (a
    no-op with Redis or when it is there already)."""
    if sender.name == "interdep.accounts":
        call_command("createcachetable", database=using, verbosity=0)
