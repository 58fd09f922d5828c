"""Signals of the check-ins app, so a write does not need to know who follows it.

``checkins_changed`` (``person_id``) is sent by ``services`` when a person's check-ins changed (one
stored, one deleted); ``tasks`` listens and queues the couple's refit of "Us over time" after
commit. One send per service call: an account's erasure deletes its check-ins in bulk without it
(the couple has ended by then, and its stored dynamics with it).
"""

from django.dispatch import Signal

checkins_changed = Signal()
