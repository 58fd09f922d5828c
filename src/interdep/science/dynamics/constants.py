"""Defaults and status words shared by the dynamics modules."""

from __future__ import annotations

DEFAULT_MAX_GAP_SECONDS = 3 * 3600.0
DEFAULT_MIN_PAIRS = 10
APP_MIN_OVERLAP_DAYS = 14
DEFAULT_LEVEL = 0.95
DEFAULT_BIAS_REPLICATES = 50

STATUS_OK = "ok"
STATUS_INSUFFICIENT = "insufficient_data"

# Equation / coefficient layout of the batched arrays: coef[c, eq, k], eq 0 = A's equation,
# eq 1 = B's equation; k 0 = intercept, 1 = A(prev), 2 = B(prev).
_K = 3
