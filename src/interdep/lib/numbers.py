"""Number formatting: one way to turn a computed value into a stored or shown number (the web
application and science both use it: no Django here)."""

from __future__ import annotations

import math


def finite_or_none(value) -> float | None:
    """``value`` as a float, or None when it is missing, NaN or infinite (JSON has no NaN)."""
    if value is None:
        return None
    if type(value) is float:  # the common case, without a conversion
        number = value
    else:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
    return number if math.isfinite(number) else None


def rounded(value, digits: int) -> float | None:
    """``value`` rounded to ``digits`` decimals; None when it is not a finite number."""
    number = finite_or_none(value)
    return None if number is None else round(number, digits)


def stars(p: float) -> str:
    """Conventional significance stars (p < .001, .01, .05)."""
    if p != p:  # NaN
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""
