"""Signals other apps may listen to without the clinic knowing them (notifications do)."""

from django.dispatch import Signal

#: Sent after audit entries were written in bulk (which sends no post_save): ``events``.
audited = Signal()
