"""Daily check-ins and the couple's dynamics.

- A check-in (and its private note) is its author's alone; anyone else gets 404. The note is
  shown to nobody else ever, not even under couple consent.
- The couple dynamics view exists under exactly the couple report's consent (both linked, both
  submitted, both said yes); a no from either removes it for both. It shows model estimates
  about the two together, never one partner's single entries.
"""

from __future__ import annotations

from interdep.access.core import CoupleReportAccess, couple_report_access
from interdep.access.ownership import own_or_404
from interdep.checkins.models import CheckIn


def own_checkin_or_404(user, checkin_id: int) -> CheckIn:
    return own_or_404(user, CheckIn.objects, checkin_id)


def checkin_dynamics_access(user) -> CoupleReportAccess:
    """The same consent as the couple report, decided in the same place."""
    return couple_report_access(user)
