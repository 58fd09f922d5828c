"""Background delivery (run by the db_worker; arguments are ids).

Each task is defined beside the code that enqueues it (`services.deliver_notification`,
`receivers.notify_access_used`), so no import runs in a circle; this module names them all in
one place, and tasks queued under their earlier path here still resolve.
"""

from __future__ import annotations

from interdep.notifications.receivers import notify_access_used
from interdep.notifications.services import deliver_notification

__all__ = ["deliver_notification", "notify_access_used"]
