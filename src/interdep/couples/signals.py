"""Signals other apps may listen to without the couples app knowing them.

``sharing_changed`` (``couple_id``, ``shared``) is sent inside the transaction that changes
whether the couple report's consent holds: ``shared=False`` whenever it does not hold after a
change (a withdrawn yes, an unlinked couple, a deleted account), ``shared=True`` when it has
just come to hold. Receivers run in that same transaction, so whatever they delete is gone
exactly when the consent is (and stays if the change rolls back). They must be idempotent.
"""

from django.dispatch import Signal

sharing_changed = Signal()
