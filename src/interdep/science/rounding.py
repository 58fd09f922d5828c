"""One rounding rule for every number a person sees: charts, tables and sentences.

Half away from zero on the number as written in decimal (62.5 -> 63), the rule people learn at
school and the one Django's ``floatformat`` applies; Python's ``round`` and ``f"{x:.0f}"`` round
half to even (62.5 -> 62), which is how a chart once said 62 where its table said 63.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def whole(value: float | None) -> int | None:
    """``value`` rounded to a whole number, half away from zero; None when missing or NaN."""
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    return int(Decimal(repr(number)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
