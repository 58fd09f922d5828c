"""A couple's emotional interdependence over time: bivariate VAR(1) per couple, batched, pooled.

Model. For partners A and B of one couple, with each person's series centred
on that person's own mean,

    A(t) = c_A + a_AA * A(prev) + a_AB * B(prev) + e_A(t)
    B(t) = c_B + a_BA * A(prev) + a_BB * B(prev) + e_B(t)

``a_AA`` and ``a_BB`` are the inertias (carry-over of one's own mood), ``a_BA`` is the
transmission "A->B" (A's previous value predicting B's next) and ``a_AB`` the transmission "B->A".
Each equation keeps its own intercept, so the slopes do not depend on how the series were centred.

Time. The couple's prompt sequence is the sorted set of distinct time stamps at which either
partner answered. The previous prompt of ``t`` is the one just before it in that sequence, and the
pair (previous, t) is used only when the two are at most ``max_gap`` apart (or, when asked with
``overnight=True``, when they are the last prompt of one local day and the first of the next).
A gap is never bridged: if a value is missing at the previous prompt, the pair is lost rather
than reaching further back. A's equation uses the pairs where A(t), A(prev) and B(prev) are all
present; B's equation likewise; the two equations may therefore use different rows.

Batched. All couples are estimated in one vectorised pass: grouped sufficient statistics
(X'X, X'y per couple and equation, by ``np.bincount``), batched 3x3 solves, then residuals in one
more pass. There is no Python loop over couples in the estimator.

Uncertainty. Ordinary least squares standard errors and t intervals per equation. The
asymmetry (transmission A->B minus B->A) combines coefficients of the two equations, whose
estimates are correlated through the same-time correlation of the residuals. With errors
correlated only within a prompt (covariance sigma_AB) and independent across prompts,

    Cov(b_A, b_B | X) = sigma_AB (X_A'X_A)^-1 (X_C'X_C) (X_B'X_B)^-1,

where C are the rows both equations use (seemingly-unrelated-regressions algebra on unequal
rows). This is exact given sigma_AB; the one approximation is estimating sigma_AB from the
cross-product of the two equations' residuals on the common rows divided by (n_C - 3), the usual
small-sample SUR divisor. The asymmetry interval uses t with min(n_A, n_B) - 3 degrees of freedom.

Small-sample bias. With a few dozen pairs per couple, the OLS slopes of an autoregression are
biased downwards by roughly (1 + 3 a)/n (Hurwicz/Kendall; Nicholls & Pope 1988 for VARs): about
-0.045 on inertia with ~35 usable pairs, more than the differences researchers care about.
Per-couple OLS results are reported as estimated (they match any OLS program). Each couple also
carries bias-corrected slopes from a parametric bootstrap on the couple's own prompt pattern
(same gaps, same missing values; the analytic formula assumes an unbroken series and
overcorrects broken ones), shrunk towards OLS where the correction would leave the stationary
region (Kilian 1998). The pooled summary uses the corrected slopes when they were computed and
says so. Each couple's bootstrap draws are keyed by its id, so results do not depend on how the
couples are partitioned.

Minimum data. A couple is "insufficient_data" (never an exception) when it does not have exactly
two persons, when either equation has fewer than ``min_pairs`` usable pairs (default 10: seven
residual degrees of freedom), when a design is singular or an equation's outcome does not vary
on its rows (e.g. a partner who always gives the same answer: a "perfect" fit with zero standard
errors would swamp any pooling), or, when ``min_overlap_days`` is given, when the partners answered on fewer common local
days than that (the app uses 14; the research CLI leaves it off by default).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import ndtri

from interdep.science.errors import InputError

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


# --------------------------------------------------------------------------- max gap parsing


_GAP_PART = re.compile(
    r"(\d+(?:\.\d+)?)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)(?![a-z])", re.I
)
_UNIT_SECONDS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}


def parse_max_gap(text: str | float | int | timedelta, *, numeric_time: bool = False) -> float:
    """The largest allowed gap between a prompt and the previous one, as a number.

    With time stamps the result is in seconds and ``text`` needs a unit ("3h", "90min",
    "1d", "2h30m"); with a numeric time column (e.g. a diary day index) it is a plain number in
    that column's own units ("1"). Mixing the two is an error, because "3" could mean anything.
    """
    if isinstance(text, timedelta):
        if numeric_time:
            raise InputError("the time column is numeric; give --max-gap as a number in its units")
        return text.total_seconds()
    if isinstance(text, int | float):
        value = float(text)
        if not numeric_time:
            raise InputError(f"--max-gap {text!r} needs a unit with time stamps, e.g. 3h or 90min")
    else:
        raw = str(text).strip()
        try:
            value = float(raw)
        except ValueError:
            if numeric_time:
                raise InputError(
                    f"--max-gap {raw!r} has a unit but the time column is numeric; "
                    "give a number in the time column's units (e.g. 1 for consecutive days)"
                ) from None
            parts = _GAP_PART.findall(raw)
            if not parts or _GAP_PART.sub("", raw).strip():
                raise InputError(
                    f"cannot read --max-gap {raw!r}; use e.g. 3h, 90min, 1d, 2h30m"
                ) from None
            value = sum(float(n) * _UNIT_SECONDS[u[0].lower()] for n, u in parts)
        else:
            if not numeric_time:
                raise InputError(
                    f"--max-gap {raw!r} needs a unit with time stamps, e.g. 3h or 90min"
                )
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"--max-gap must be positive (got {text!r})")
    return value


# --------------------------------------------------------------------------- prompt sequence


@dataclass(frozen=True)
class PromptSequence:
    """Each couple's sorted distinct prompts and which (previous, t) pairs may be used.

    Built once per data set and shared by all variables (the sequence does not depend on
    which item was answered: a prompt with a missing item is still a prompt, so it breaks a lag).
    """

    n_couples: int
    order: np.ndarray  # observation positions sorted by (couple, time, slot)
    seq_of_obs: np.ndarray  # for sorted observations: their prompt index
    slot_of_obs: np.ndarray  # for sorted observations: 0 (person A) or 1 (person B)
    couple_of_obs: np.ndarray
    couple_of_prompt: np.ndarray
    time_of_prompt: np.ndarray
    lag_ok: np.ndarray  # prompt i pairs with prompt i-1 (same couple, within max gap)
    day_of_prompt: np.ndarray | None = None


def _order_by_couple_time_slot(
    couple: np.ndarray, time: np.ndarray, slot: np.ndarray
) -> np.ndarray:
    """The permutation sorting by (couple, time, slot): one int64 sort of a composite key built
    from the times' dense ranks (exact, unlike a float key), several times faster than lexsort."""
    by_time = np.argsort(time)
    sorted_time = time[by_time]
    rank = np.empty(len(time), dtype=np.int64)
    rank[by_time] = np.cumsum(
        np.concatenate(([0], (sorted_time[1:] != sorted_time[:-1]).astype(np.int64)))
    )
    n_ranks = int(rank.max()) + 1 if len(rank) else 1
    key = (couple * n_ranks + rank) * 2 + slot
    return np.argsort(key, kind="stable")  # stable: equal keys (a duplicate entry) keep file order


def build_sequence(
    couple: np.ndarray,
    slot: np.ndarray,
    time: np.ndarray,
    *,
    n_couples: int,
    max_gap: float,
    day: np.ndarray | None = None,
    overnight: bool = False,
    rows: np.ndarray | None = None,
) -> PromptSequence:
    """Sort all couples' observations into prompt sequences and mark the usable lag pairs.

    ``couple`` holds integer codes 0..n_couples-1, ``slot`` 0/1 for the couple's two persons,
    ``time`` finite numbers (seconds for time stamps), ``day`` an optional local-day number per
    observation (needed for ``overnight``). ``rows`` are spreadsheet rows for error messages.
    """
    couple = np.asarray(couple, dtype=np.int64)
    slot = np.asarray(slot, dtype=np.int64)
    time = np.asarray(time, dtype=float)
    if not np.isfinite(time).all():
        i = int(np.flatnonzero(~np.isfinite(time))[0])
        raise InputError("missing or invalid time", row=None if rows is None else int(rows[i]))
    order = _order_by_couple_time_slot(couple, time, slot)
    c, t, s = couple[order], time[order], slot[order]
    same_prompt = (c[1:] == c[:-1]) & (t[1:] == t[:-1])
    duplicate = same_prompt & (s[1:] == s[:-1])
    if duplicate.any():
        j = int(np.flatnonzero(duplicate)[0]) + 1
        raise InputError(
            "a person has two entries with the same time stamp",
            row=None if rows is None else int(rows[order[j]]),
        )
    new = np.ones(len(c), dtype=bool)
    new[1:] = ~same_prompt
    seq_of_obs = np.cumsum(new) - 1
    couple_of_prompt = c[new]
    time_of_prompt = t[new]
    lag_ok = np.zeros(len(couple_of_prompt), dtype=bool)
    same_couple = couple_of_prompt[1:] == couple_of_prompt[:-1]
    lag_ok[1:] = same_couple & (np.diff(time_of_prompt) <= max_gap)
    day_of_prompt = None
    if day is not None:
        day_of_prompt = np.asarray(day, dtype=np.int64)[order][new]
        if overnight:
            lag_ok[1:] |= same_couple & (np.diff(day_of_prompt) == 1)
    elif overnight:
        raise InputError("overnight pairs need local days (time stamps, not a numeric time column)")
    return PromptSequence(
        n_couples=int(n_couples),
        order=order,
        seq_of_obs=seq_of_obs,
        slot_of_obs=s,
        couple_of_obs=c,
        couple_of_prompt=couple_of_prompt,
        time_of_prompt=time_of_prompt,
        lag_ok=lag_ok,
        day_of_prompt=day_of_prompt,
    )


# --------------------------------------------------------------------------- batched estimator


@dataclass
class BatchEstimates:
    """Per-couple results of one variable as arrays (index = couple code).

    ``coef``/``se`` are (C, 2, 3): equation (A, B) x (intercept, A(prev), B(prev)). Entries of
    couples that are not ``ok`` are NaN. ``slopes_bc`` is the bias-corrected slope matrix (C, 2, 2).
    """

    coef: np.ndarray
    se: np.ndarray
    df: np.ndarray  # (C, 2) residual degrees of freedom per equation
    n_pairs: np.ndarray  # (C,) pairs used by at least one equation
    n_eq: np.ndarray  # (C, 2) pairs per equation
    n_common: np.ndarray  # (C,) pairs used by both equations
    sigma: np.ndarray  # (C, 2, 2) residual covariance (cross term from the common rows)
    co_movement: np.ndarray  # (C,) residual correlation on the common rows
    asym: np.ndarray  # (C,) transmission A->B minus B->A
    asym_se: np.ndarray
    asym_df: np.ndarray
    slopes_bc: np.ndarray
    ok: np.ndarray  # (C,) bool
    reason: list[str | None]
    overlap_days: np.ndarray | None = None


def _grouped_moments(group: np.ndarray, x0, x1, y, n_groups: int):
    """X'X (n,3,3), X'y (n,3) and counts for X = [1, x0, x1], summed by group."""

    def s(w=None):
        return np.bincount(group, weights=w, minlength=n_groups)

    n = s()
    s0, s1 = s(x0), s(x1)
    s00, s01, s11 = s(x0 * x0), s(x0 * x1), s(x1 * x1)
    xtx = np.empty((n_groups, 3, 3))
    xtx[:, 0, 0] = n
    xtx[:, 0, 1] = xtx[:, 1, 0] = s0
    xtx[:, 0, 2] = xtx[:, 2, 0] = s1
    xtx[:, 1, 1] = s00
    xtx[:, 1, 2] = xtx[:, 2, 1] = s01
    xtx[:, 2, 2] = s11
    if y is None:
        return xtx, None, n
    xty = np.stack([s(y), s(x0 * y), s(x1 * y)], axis=1)
    return xtx, xty, n


def _well_conditioned(xtx: np.ndarray) -> np.ndarray:
    """Designs whose scaled X'X is numerically invertible (a constant regressor is not)."""
    d = np.sqrt(np.clip(np.einsum("cii->ci", xtx), 1e-300, None))
    scaled = xtx / (d[:, :, None] * d[:, None, :])
    eig = np.linalg.eigvalsh(scaled)
    return eig[:, 0] > 1e-10 * np.maximum(eig[:, -1], 1e-300)


def _fit_wide(
    Y: np.ndarray, couple_of_prompt: np.ndarray, lag_ok: np.ndarray, C: int, min_pairs: int
) -> dict:
    """The batched fit on a wide (prompt x person) matrix: all couples, both equations."""
    idx = np.flatnonzero(lag_ok)
    cur = Y[idx]
    prev = Y[idx - 1]
    cpl = couple_of_prompt[idx]
    prev_ok = np.isfinite(prev).all(axis=1)
    use = prev_ok[:, None] & np.isfinite(cur)  # (pairs, 2)

    coef = np.full((C, 2, _K), np.nan)
    se = np.full((C, 2, _K), np.nan)
    cov = np.full((C, 2, _K, _K), np.nan)
    xtx_inv = np.full((C, 2, _K, _K), np.nan)
    n_eq = np.zeros((C, 2), dtype=np.int64)
    df = np.zeros((C, 2), dtype=np.int64)
    rss = np.full((C, 2), np.nan)
    resid = np.full((len(idx), 2), np.nan)
    fitted = np.ones(C, dtype=bool)
    for eq in (0, 1):
        rows = use[:, eq]
        g = cpl[rows]
        x0, x1, y = prev[rows, 0], prev[rows, 1], cur[rows, eq]
        xtx, xty, n = _grouped_moments(g, x0, x1, y, C)
        n_eq[:, eq] = n.astype(np.int64)
        can = (n >= min_pairs) & (n > _K)
        can[can] = _well_conditioned(xtx[can])
        # the outcome must vary on the rows used (a partner who always gave the same answer
        # there yields a "perfect" fit with zero standard errors, which would swamp any pooling)
        syy = np.bincount(g, weights=y * y, minlength=C)
        with np.errstate(invalid="ignore", divide="ignore"):
            tss = syy - xty[:, 0] ** 2 / n
        varies = tss > 1e-10 * syy
        can &= varies
        b = np.full((C, _K), np.nan)
        inv = np.full((C, _K, _K), np.nan)
        if can.any():
            inv[can] = np.linalg.inv(xtx[can])
            b[can] = np.linalg.solve(xtx[can], xty[can][:, :, None])[:, :, 0]
        e = y - (b[g, 0] + b[g, 1] * x0 + b[g, 2] * x1)
        resid[rows, eq] = e
        r = np.bincount(g, weights=np.where(np.isfinite(e), e * e, 0.0), minlength=C)
        dof = n_eq[:, eq] - _K
        df[:, eq] = dof
        with np.errstate(invalid="ignore", divide="ignore"):
            s2 = np.where(can, r / np.maximum(dof, 1), np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            perfect = can & (r <= 1e-10 * tss)
        can &= ~perfect
        fitted &= can
        s2 = np.where(can, s2, np.nan)
        rss[:, eq] = np.where(can, r, np.nan)
        coef[:, eq] = b
        xtx_inv[:, eq] = inv
        cov[:, eq] = s2[:, None, None] * inv
        se[:, eq] = np.sqrt(np.diagonal(cov[:, eq], axis1=1, axis2=2))

    # Same-time residual correlation and covariance on the rows both equations use.
    both = use.all(axis=1)
    g = cpl[both]
    eA, eB = resid[both, 0], resid[both, 1]
    xtx_c, _, n_c = _grouped_moments(g, prev[both, 0], prev[both, 1], None, C)
    sA, sB = np.bincount(g, eA, C), np.bincount(g, eB, C)
    sAA, sBB, sAB = (
        np.bincount(g, eA * eA, C),
        np.bincount(g, eB * eB, C),
        np.bincount(g, eA * eB, C),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        cAB = sAB - sA * sB / n_c
        cAA = sAA - sA * sA / n_c
        cBB = sBB - sB * sB / n_c
        r = cAB / np.sqrt(cAA * cBB)
        co_movement = np.where(fitted & (n_c >= 3), np.clip(r, -1.0, 1.0), np.nan)
        sigma_ab = np.where(n_c > _K, sAB / np.maximum(n_c - _K, 1), 0.0)
    sigma = np.full((C, 2, 2), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma[:, 0, 0] = rss[:, 0] / df[:, 0]
        sigma[:, 1, 1] = rss[:, 1] / df[:, 1]
    sigma[:, 0, 1] = sigma[:, 1, 0] = np.where(fitted, sigma_ab, np.nan)

    # Asymmetry: a_BA (A->B, in B's equation on A(prev)) minus a_AB (B->A, in A's equation).
    cross = sigma_ab[:, None, None] * xtx_inv[:, 1] @ xtx_c @ xtx_inv[:, 0]  # Cov(b_B, b_A)
    asym = coef[:, 1, 1] - coef[:, 0, 2]
    with np.errstate(invalid="ignore"):
        asym_var = cov[:, 1, 1, 1] + cov[:, 0, 2, 2] - 2.0 * cross[:, 1, 2]
        asym_se = np.sqrt(np.clip(asym_var, 0.0, None))
    asym_df = np.minimum(df[:, 0], df[:, 1])

    n_pairs = use.any(axis=1)
    n_pairs = np.bincount(cpl[n_pairs], minlength=C).astype(np.int64)

    return {
        "coef": coef,
        "se": se,
        "cov": cov,
        "df": df,
        "n_eq": n_eq,
        "n_c": n_c,
        "fitted": fitted,
        "sigma": sigma,
        "co_movement": co_movement,
        "asym": asym,
        "asym_se": asym_se,
        "asym_df": asym_df,
        "n_pairs": n_pairs,
    }


def estimate_sequence(
    seq: PromptSequence,
    values: np.ndarray,
    *,
    min_pairs: int = DEFAULT_MIN_PAIRS,
    min_overlap_days: int | None = None,
    bias_replicates: int = 0,
    couple_keys_: np.ndarray | None = None,
) -> BatchEstimates:
    """Estimate every couple's VAR(1) for one variable in one vectorised pass.

    ``values`` are aligned with the observations given to :func:`build_sequence`; NaN means the
    person skipped this item at that prompt. With ``bias_replicates`` > 0 the slopes are also
    bias-corrected by parametric bootstrap (``couple_keys_`` seeds each couple's draws; see
    :func:`couple_keys`).
    """
    if min_pairs < _K + 1:
        raise InputError(f"min_pairs must be at least {_K + 1} (got {min_pairs})")
    C = seq.n_couples
    v = np.asarray(values, dtype=float)[seq.order]
    n_prompts = len(seq.couple_of_prompt)
    Y = np.full((n_prompts, 2), np.nan)
    Y[seq.seq_of_obs, seq.slot_of_obs] = v

    # Within-person centring (each equation keeps an intercept, so this is cosmetic for slopes
    # but keeps the normal equations well conditioned).
    observed = np.isfinite(v)
    key = seq.couple_of_obs[observed] * 2 + seq.slot_of_obs[observed]
    counts = np.bincount(key, minlength=2 * C)
    sums = np.bincount(key, weights=v[observed], minlength=2 * C)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (sums / counts).reshape(C, 2)
    Y = Y - means[seq.couple_of_prompt]

    fit = _fit_wide(Y, seq.couple_of_prompt, seq.lag_ok, C, min_pairs)
    coef, se, df, n_eq, n_c, fitted = (
        fit["coef"],
        fit["se"],
        fit["df"],
        fit["n_eq"],
        fit["n_c"],
        fit["fitted"],
    )
    sigma, co_movement, asym, asym_se = (
        fit["sigma"],
        fit["co_movement"],
        fit["asym"],
        fit["asym_se"],
    )
    asym_df, n_pairs = fit["asym_df"], fit["n_pairs"]

    reason: list[str | None] = [None] * C
    overlap = None
    if min_overlap_days is not None:
        overlap = _overlap_days(seq, v, C)
    ok = fitted.copy()
    bad = np.flatnonzero(~fitted | (overlap < min_overlap_days if overlap is not None else False))
    for c in bad:
        reason[c] = _reason(
            n_eq[c], min_pairs, None if overlap is None else int(overlap[c]), min_overlap_days
        )
        ok[c] = False
    for arr in (coef, se, co_movement, asym, asym_se, sigma):
        arr[~ok] = np.nan

    slopes = coef[:, :, 1:]
    slopes_bc = np.full_like(slopes, np.nan)
    if ok.any():
        if bias_replicates > 0:
            sel = np.flatnonzero(ok)
            keys = couple_keys([str(i) for i in sel]) if couple_keys_ is None else couple_keys_[sel]
            sub = np.isin(seq.couple_of_prompt, sel)
            recode = np.full(C, -1)
            recode[sel] = np.arange(len(sel))
            bias = bootstrap_bias(
                Y[sub],
                recode[seq.couple_of_prompt[sub]],
                seq.lag_ok[sub],
                slopes[ok],
                sigma[ok],
                keys,
                replicates=bias_replicates,
            )
            slopes_bc[ok] = corrected_slopes(slopes[ok], bias)
        else:
            slopes_bc[ok] = slopes[ok]
    return BatchEstimates(
        coef=coef,
        se=se,
        df=df,
        n_pairs=n_pairs,
        n_eq=n_eq,
        n_common=n_c.astype(np.int64),
        sigma=sigma,
        co_movement=co_movement,
        asym=asym,
        asym_se=asym_se,
        asym_df=asym_df,
        slopes_bc=slopes_bc,
        ok=ok,
        reason=reason,
        overlap_days=overlap,
    )


def _overlap_days(seq: PromptSequence, v: np.ndarray, C: int) -> np.ndarray:
    """Per couple: local days on which both partners gave a value of this variable."""
    if seq.day_of_prompt is None:
        raise InputError("a minimum of overlapping days needs time stamps (local days)")
    observed = np.isfinite(v)
    day = seq.day_of_prompt[seq.seq_of_obs[observed]]
    cpl = seq.couple_of_obs[observed]
    slot = seq.slot_of_obs[observed]
    if len(day) == 0:
        return np.zeros(C, dtype=np.int64)
    base = day.min()
    span = int(day.max() - base + 1)
    key = (cpl * span + (day - base)) * 2 + slot
    present = np.unique(key)
    per_day = present // 2
    both_days = per_day[1:][per_day[1:] == per_day[:-1]]
    return np.bincount(both_days // span, minlength=C).astype(np.int64)


def _reason(n_eq, min_pairs, overlap, min_overlap) -> str:
    if overlap is not None and overlap < min_overlap:
        return f"{overlap} days answered by both partners; at least {min_overlap} are needed"
    short = [
        f"{int(n)} usable pairs for {{{i}}}'s equation" for i, n in enumerate(n_eq) if n < min_pairs
    ]
    if short:
        return "; ".join(short) + f" (at least {min_pairs} are needed)"
    return "the answers do not vary enough to estimate the model (e.g. always the same answer)"


# --------------------------------------------------------------------------- bias correction


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """A counter-based 64-bit mixer (SplitMix64): random numbers that depend only on their key."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def couple_keys(couple_ids: Sequence[str], seed: int = 0) -> np.ndarray:
    """A 64-bit key per couple id, so a couple's bootstrap draws do not depend on the others.

    This is what makes results identical however the couples are partitioned (e.g. with Dask).
    """
    raw = [
        int.from_bytes(hashlib.blake2b(f"{seed}:{c}".encode(), digest_size=8).digest(), "little")
        for c in couple_ids
    ]
    return np.array(raw, dtype=np.uint64)


def _normals(keys: np.ndarray, reps: np.ndarray, step: int) -> np.ndarray:
    """Standard normals (couples, replicates, 2) for one step of the bootstrap recursion."""
    counter = (
        (reps.astype(np.uint64)[None, :, None] << np.uint64(32))
        + np.uint64(step * 2)
        + np.arange(2, dtype=np.uint64)
    )
    z = _splitmix64(keys[:, None, None] ^ _splitmix64(counter))
    u = ((z >> np.uint64(11)).astype(float) + 0.5) * 2.0**-53
    return ndtri(u)


def _apply(M: np.ndarray, v: np.ndarray) -> np.ndarray:
    """M[c] @ v[c, r] for 2x2 matrices, written out (much faster than einsum at this size)."""
    out = np.empty_like(v)
    out[..., 0] = M[:, 0, 0, None] * v[..., 0] + M[:, 0, 1, None] * v[..., 1]
    out[..., 1] = M[:, 1, 0, None] * v[..., 0] + M[:, 1, 1, None] * v[..., 1]
    return out


def _stationary_cov(A: np.ndarray, S: np.ndarray) -> np.ndarray:
    """Var(y) of a stationary VAR(1): vec(G) = (I - A kron A)^-1 vec(S), batched."""
    kron = np.einsum("cij,ckl->cikjl", A, A).reshape(-1, 4, 4)
    G = np.linalg.solve(np.eye(4) - kron, S.reshape(-1, 4, 1)).reshape(-1, 2, 2)
    return (G + np.swapaxes(G, 1, 2)) / 2


def _psd_cholesky(S: np.ndarray) -> np.ndarray:
    w, V = np.linalg.eigh((S + np.swapaxes(S, 1, 2)) / 2)
    root = V * np.sqrt(np.clip(w, 0.0, None))[:, None, :]
    return root  # root @ root.T == S (not triangular, which the recursion does not need)


def bootstrap_bias(
    Y: np.ndarray,
    couple_of_prompt: np.ndarray,
    lag_ok: np.ndarray,
    slopes: np.ndarray,
    sigma: np.ndarray,
    keys: np.ndarray,
    *,
    replicates: int,
) -> np.ndarray:
    """Bias of the OLS slope matrices, by parametric bootstrap on each couple's own pattern.

    For every couple (all at once) the fitted VAR(1) is simulated on the couple's own prompt
    sequence: one step per prompt, restarting from the stationary distribution after a gap that
    is not allowed, and with exactly the couple's missing values. Re-estimating on these copies
    gives E[A_hat* - A_hat], which estimates the bias whatever the pattern of gaps (the analytic
    Nicholls-Pope formula assumes an unbroken series and overcorrects broken ones).
    ``Y`` holds only the couples to correct, in couple order, coded 0..m-1.
    """
    m = len(slopes)
    n_prompts = len(couple_of_prompt)
    starts = np.searchsorted(couple_of_prompt, np.arange(m))
    lengths = np.diff(np.append(starts, n_prompts))
    G_root = _psd_cholesky(_stationary_cov(slopes, sigma))
    S_root = _psd_cholesky(sigma)
    missing = ~np.isfinite(Y)
    total = np.zeros_like(slopes)
    count = np.zeros(m)
    chunk = max(1, min(replicates, int(4e6 // max(n_prompts, 1))))
    for first in range(0, replicates, chunk):
        reps = np.arange(first, min(first + chunk, replicates))
        R = len(reps)
        Yr = np.empty((R, n_prompts, 2))
        y = np.zeros((m, R, 2))
        for step in range(int(lengths.max(initial=0))):
            live = np.flatnonzero(lengths > step)
            i = starts[live] + step
            z = _normals(keys[live], reps, step)
            cont = lag_ok[i][:, None, None]
            yl = y[live]
            moved = _apply(slopes[live], yl) + _apply(S_root[live], z)
            y[live] = np.where(cont, moved, _apply(G_root[live], z))
            Yr[:, i, :] = np.swapaxes(y[live], 0, 1)
        Yr[:, missing] = np.nan
        codes = (np.arange(R)[:, None] * m + couple_of_prompt[None, :]).ravel()
        fit = _fit_wide(Yr.reshape(-1, 2), codes, np.tile(lag_ok, R), R * m, _K + 1)
        b = fit["coef"][:, :, 1:].reshape(R, m, 2, 2)
        good = np.isfinite(b).all(axis=(2, 3))
        total += np.where(good[:, :, None, None], b, 0.0).sum(axis=0)
        count += good.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count[:, None, None] - slopes


def corrected_slopes(slopes: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """OLS minus estimated bias, shrunk towards OLS while it would leave the stationary region.

    (Kilian 1998.) A non-stationary OLS estimate, or one without a bias estimate, stays as is.
    """
    A = np.asarray(slopes, dtype=float)
    out = A.copy()
    usable = np.isfinite(bias).all(axis=(1, 2)) & np.isfinite(A).all(axis=(1, 2))
    usable[usable] = np.abs(np.linalg.eigvals(A[usable])).max(axis=1) < 1.0
    if not usable.any():
        return out
    A_s, b_s = A[usable], bias[usable]
    corrected = A_s - b_s
    delta = np.ones(len(A_s))
    for _ in range(101):
        bad = np.abs(np.linalg.eigvals(corrected)).max(axis=1) >= 1.0
        if not bad.any():
            break
        delta[bad] = np.maximum(delta[bad] - 0.01, 0.0)
        corrected[bad] = A_s[bad] - delta[bad][:, None, None] * b_s[bad]
    out[usable] = corrected
    return out


# --------------------------------------------------------------------------- per-couple results


@dataclass
class CoupleDynamics:
    """One couple's dynamics for one variable; ``to_dict()`` is one JSON couple entry.

    Keys of ``inertia`` are person ids; keys of ``transmission`` are "A->B" with real ids, the
    effect of A's previous value on B's next. ``se`` and ``intervals`` carry both kinds of keys.
    """

    couple_id: str
    persons: list[str]
    variable: str
    status: str
    n_pairs: int
    inertia: dict[str, float | None]
    transmission: dict[str, float | None]
    se: dict[str, float | None]
    intervals: dict[str, list[float] | None]
    asymmetry: dict[str, object]
    co_movement: float | None
    reason: str | None = None
    n_pairs_by_person: dict[str, int] = field(default_factory=dict)
    n_pairs_both: int = 0
    bias_corrected: dict[str, float | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == STATUS_OK

    def to_dict(self) -> dict:
        """The couple's JSON entry (the app's shape, plus reason and per-person counts)."""
        return {
            "couple_id": self.couple_id,
            "persons": list(self.persons),
            "n_pairs": self.n_pairs,
            "status": self.status,
            "inertia": dict(self.inertia),
            "transmission": dict(self.transmission),
            "se": dict(self.se),
            "intervals": {k: (None if v is None else list(v)) for k, v in self.intervals.items()},
            "asymmetry": dict(self.asymmetry),
            "co_movement": self.co_movement,
            "reason": self.reason,
            "n_pairs_by_person": dict(self.n_pairs_by_person),
            "n_pairs_both": self.n_pairs_both,
            "bias_corrected": dict(self.bias_corrected),
        }


def _num(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _not_estimable(
    couple_id: str, persons: Sequence[str], variable: str, reason: str
) -> CoupleDynamics:
    persons = [str(p) for p in persons]
    if len(persons) == 2:
        a, b = persons
        keys_t = [f"{a}->{b}", f"{b}->{a}"]
    else:
        keys_t = []
    return CoupleDynamics(
        couple_id=str(couple_id),
        persons=persons,
        variable=variable,
        status=STATUS_INSUFFICIENT,
        n_pairs=0,
        inertia={p: None for p in persons},
        transmission={k: None for k in keys_t},
        se={k: None for k in [*persons, *keys_t]},
        intervals={k: None for k in [*persons, *keys_t]},
        asymmetry={"estimate": None, "interval": None},
        co_movement=None,
        reason=reason,
        n_pairs_by_person={p: 0 for p in persons},
        bias_corrected={k: None for k in [*persons, *keys_t]},
    )


def couple_results(
    est: BatchEstimates,
    couple_ids: Sequence[str],
    persons: Sequence[tuple[str, str]],
    variable: str,
    *,
    level: float = DEFAULT_LEVEL,
) -> list[CoupleDynamics]:
    """Turn batched arrays into one :class:`CoupleDynamics` per couple (in code order)."""
    C = len(couple_ids)
    q = stats.t.ppf(0.5 + level / 2, np.maximum(est.df, 1))  # (C, 2)
    q_asym = stats.t.ppf(0.5 + level / 2, np.maximum(est.asym_df, 1))
    out = []
    for c in range(C):
        a, b = (str(p) for p in persons[c])
        ab, ba = f"{a}->{b}", f"{b}->{a}"
        n_by = {a: int(est.n_eq[c, 0]), b: int(est.n_eq[c, 1])}
        if not est.ok[c]:
            item = _not_estimable(
                couple_ids[c], (a, b), variable, (est.reason[c] or "not estimable").format(a, b)
            )
            item.n_pairs = int(est.n_pairs[c])
            item.n_pairs_by_person = n_by
            item.n_pairs_both = int(est.n_common[c])
            out.append(item)
            continue
        # (eq, k) of each reported coefficient
        where = {a: (0, 1), b: (1, 2), ab: (1, 1), ba: (0, 2)}
        bc = {
            a: est.slopes_bc[c, 0, 0],
            b: est.slopes_bc[c, 1, 1],
            ab: est.slopes_bc[c, 1, 0],
            ba: est.slopes_bc[c, 0, 1],
        }
        se = {k: _num(est.se[c, eq, j]) for k, (eq, j) in where.items()}
        intervals = {}
        for k, (eq, j) in where.items():
            e, s = est.coef[c, eq, j], est.se[c, eq, j]
            intervals[k] = [float(e - q[c, eq] * s), float(e + q[c, eq] * s)]
        d, ds = est.asym[c], est.asym_se[c]
        out.append(
            CoupleDynamics(
                couple_id=str(couple_ids[c]),
                persons=[a, b],
                variable=variable,
                status=STATUS_OK,
                n_pairs=int(est.n_pairs[c]),
                inertia={a: float(est.coef[c, 0, 1]), b: float(est.coef[c, 1, 2])},
                transmission={ab: float(est.coef[c, 1, 1]), ba: float(est.coef[c, 0, 2])},
                se=se,
                intervals=intervals,
                asymmetry={
                    "estimate": float(d),
                    "interval": [float(d - q_asym[c] * ds), float(d + q_asym[c] * ds)],
                    "se": float(ds),
                    "contrast": f"{ab} minus {ba}",
                },
                co_movement=_num(est.co_movement[c]),
                n_pairs_by_person=n_by,
                n_pairs_both=int(est.n_common[c]),
                bias_corrected={k: float(v) for k, v in bc.items()},
            )
        )
    return out


# --------------------------------------------------------------------------- long data entry point


@dataclass
class DynamicsInput:
    """Observations of many couples in long form, already validated and coded."""

    couple_ids: list[str]
    persons: list[tuple[str, str]]
    invalid: list[tuple[str, list[str]]]  # couples without exactly two persons
    couple: np.ndarray
    slot: np.ndarray
    time: np.ndarray
    day: np.ndarray | None
    rows: np.ndarray
    keep: np.ndarray  # observation positions (in the caller's frame) used


def code_couples(
    couple: Sequence, person: Sequence, rows: np.ndarray | None = None
) -> DynamicsInput:
    """Code couples and their two persons; couples with one or three+ persons are set aside.

    Persons are ordered by their id as text so results do not depend on row order.
    """
    couple = pd.Series(np.asarray(couple, dtype=object)).astype(str)
    person = pd.Series(np.asarray(person, dtype=object)).astype(str)
    n = len(couple)
    rows = np.arange(n) + 2 if rows is None else np.asarray(rows)
    pairs = (
        pd.DataFrame({"c": couple, "p": person})
        .drop_duplicates()
        .sort_values(["c", "p"], kind="stable")
    )
    sizes = pairs.groupby("c", sort=True)["p"].agg(list)
    good = sizes[sizes.map(len) == 2]
    invalid = [(str(c), [str(x) for x in ps]) for c, ps in sizes[sizes.map(len) != 2].items()]
    couple_ids = [str(c) for c in good.index]
    code = pd.Series(np.arange(len(couple_ids)), index=good.index)
    keep_mask = couple.isin(good.index).to_numpy()
    keep = np.flatnonzero(keep_mask)
    c_codes = code.reindex(couple[keep_mask]).to_numpy(dtype=np.int64)
    first = good.map(lambda ps: ps[0]).reindex(couple[keep_mask]).to_numpy()
    slot = (person[keep_mask].to_numpy() != first).astype(np.int64)
    return DynamicsInput(
        couple_ids=couple_ids,
        persons=[(str(ps[0]), str(ps[1])) for ps in good],
        invalid=invalid,
        couple=c_codes,
        slot=slot,
        time=np.empty(0),
        day=None,
        rows=rows[keep],
        keep=keep,
    )


def analyse(
    couple: Sequence,
    person: Sequence,
    time: np.ndarray,
    values: Mapping[str, np.ndarray],
    *,
    max_gap: float,
    day: np.ndarray | None = None,
    overnight: bool = False,
    min_pairs: int = DEFAULT_MIN_PAIRS,
    min_overlap_days: int | None = None,
    level: float = DEFAULT_LEVEL,
    bias_replicates: int = DEFAULT_BIAS_REPLICATES,
    seed: int = 0,
    rows: np.ndarray | None = None,
) -> dict[str, list[CoupleDynamics]]:
    """All couples, all variables: per-couple results keyed by variable, in couple-id order.

    ``time`` is numeric (seconds for time stamps, or e.g. a day index) with ``max_gap`` in the
    same units. Couples with other than two persons are reported as insufficient, not raised.
    """
    coded = code_couples(couple, person, rows)
    time = np.asarray(time, dtype=float)
    out: dict[str, list[CoupleDynamics]] = {}
    seq = None
    keys = couple_keys(coded.couple_ids, seed)
    if coded.couple_ids:
        seq = build_sequence(
            coded.couple,
            coded.slot,
            time[coded.keep],
            n_couples=len(coded.couple_ids),
            max_gap=max_gap,
            day=None if day is None else np.asarray(day)[coded.keep],
            overnight=overnight,
            rows=coded.rows,
        )
    for name, vals in values.items():
        results: list[CoupleDynamics] = []
        if seq is not None:
            est = estimate_sequence(
                seq,
                np.asarray(vals, dtype=float)[coded.keep],
                min_pairs=min_pairs,
                min_overlap_days=min_overlap_days,
                bias_replicates=bias_replicates,
                couple_keys_=keys,
            )
            results = couple_results(est, coded.couple_ids, coded.persons, name, level=level)
        for cid, ps in coded.invalid:
            results.append(
                _not_estimable(
                    cid,
                    ps,
                    name,
                    f"couple has {len(ps)} person(s) ({', '.join(ps)}); the model needs exactly two",
                )
            )
        results.sort(key=lambda r: r.couple_id)
        out[name] = results
    return out


# --------------------------------------------------------------------------- one couple (web)


def _as_seconds_and_day(stamps: Iterable) -> tuple[np.ndarray, np.ndarray | None]:
    stamps = list(stamps)
    if stamps and all(isinstance(s, datetime) for s in stamps):
        if any(s.tzinfo is None for s in stamps):
            raise InputError("time stamps must carry a time zone (aware datetimes)")
        secs = np.array([s.timestamp() for s in stamps], dtype=float)
        days = np.array([s.date().toordinal() for s in stamps], dtype=np.int64)
        return secs, days
    if any(isinstance(s, datetime | date) for s in stamps):
        raise InputError("time stamps must be all aware datetimes or all numbers")
    return np.asarray(stamps, dtype=float), None


def couple_dynamics(
    series_a: Iterable[tuple[object, float | None]],
    series_b: Iterable[tuple[object, float | None]],
    *,
    persons: tuple[str, str] = ("A", "B"),
    couple_id: str = "",
    variable: str = "valence",
    max_gap: float | timedelta = DEFAULT_MAX_GAP_SECONDS,
    overnight: bool = False,
    min_pairs: int = DEFAULT_MIN_PAIRS,
    min_overlap_days: int | None = APP_MIN_OVERLAP_DAYS,
    level: float = DEFAULT_LEVEL,
) -> CoupleDynamics:
    """One couple's dynamics from two lists of (time stamp, value), for the web layer.

    Time stamps are aware datetimes (then ``max_gap`` is seconds or a timedelta and local days
    come from each stamp's own offset) or plain numbers. ``None``/NaN values are missed items.
    The app's default asks for 14 days answered by both partners before showing anything.
    """
    a = list(series_a)
    b = list(series_b)
    if not a or not b:
        return _not_estimable(
            couple_id,
            persons,
            variable,
            "no check-ins yet from "
            + " and ".join(p for p, s in zip(persons, (a, b), strict=True) if not s),
        )
    t, day = _as_seconds_and_day([s for s, _ in a] + [s for s, _ in b])
    gap = max_gap.total_seconds() if isinstance(max_gap, timedelta) else float(max_gap)
    if day is None and min_overlap_days is not None:
        min_overlap_days = None  # numeric times carry no calendar days
    vals = np.array(
        [np.nan if v is None else float(v) for _, v in a]
        + [np.nan if v is None else float(v) for _, v in b]
    )
    slot_person = [persons[0]] * len(a) + [persons[1]] * len(b)
    res = analyse(
        [couple_id] * len(vals),
        slot_person,
        t,
        {variable: vals},
        max_gap=gap,
        day=day,
        overnight=overnight,
        min_pairs=min_pairs,
        min_overlap_days=min_overlap_days,
        level=level,
    )[variable]
    return res[0]


# --------------------------------------------------------------------------- pooling


@dataclass
class Pooled:
    """Random-effects pooled estimate of one parameter across couples."""

    estimate: float
    se: float
    interval: list[float]
    tau: float  # between-couple SD
    tau2: float
    i2: float
    q: float
    k: int
    method: str

    def to_dict(self) -> dict:
        return {
            "estimate": _num(self.estimate),
            "se": _num(self.se),
            "interval": [_num(x) for x in self.interval],
            "tau": _num(self.tau),
            "tau2": _num(self.tau2),
            "i2": _num(self.i2),
            "q": _num(self.q),
            "k": self.k,
        }


def pool_random_effects(
    estimates, ses, *, method: str = "DL", level: float = DEFAULT_LEVEL
) -> Pooled:
    """Precision-weighted random-effects pooling (DerSimonian-Laird or REML tau^2).

    Each couple's estimate is weighted by 1 / (se^2 + tau^2), so couples with little data
    count less and real between-couple differences (tau) widen the pooled interval.
    """
    y = np.asarray(estimates, dtype=float)
    v = np.asarray(ses, dtype=float) ** 2
    keep = np.isfinite(y) & np.isfinite(v) & (v > 0)
    y, v = y[keep], v[keep]
    k = len(y)
    if k == 0:
        nan = float("nan")
        return Pooled(nan, nan, [nan, nan], nan, nan, nan, nan, 0, method)
    w = 1 / v
    mu_fe = np.sum(w * y) / np.sum(w)
    q = float(np.sum(w * (y - mu_fe) ** 2))
    c = np.sum(w) - np.sum(w * w) / np.sum(w)
    tau2 = max(0.0, (q - (k - 1)) / c) if k > 1 and c > 0 else 0.0
    if method.upper() == "REML" and k > 1:
        for _ in range(200):
            ws = 1 / (v + tau2)
            mu = np.sum(ws * y) / np.sum(ws)
            new = np.sum(ws * ws * ((y - mu) ** 2 - v)) / np.sum(ws * ws) + 1 / np.sum(ws)
            new = max(0.0, float(new))
            if abs(new - tau2) < 1e-12 * max(1.0, tau2):
                tau2 = new
                break
            tau2 = new
    elif method.upper() not in {"DL", "REML"}:
        raise InputError(f"unknown pooling method {method!r} (use DL or REML)")
    ws = 1 / (v + tau2)
    mu = float(np.sum(ws * y) / np.sum(ws))
    se = float(np.sqrt(1 / np.sum(ws)))
    z = stats.norm.ppf(0.5 + level / 2)
    i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
    return Pooled(
        mu,
        se,
        [mu - z * se, mu + z * se],
        math.sqrt(tau2),
        float(tau2),
        float(i2),
        q,
        k,
        method.upper(),
    )


def pool_couples(
    results: Sequence[CoupleDynamics],
    *,
    method: str = "DL",
    bias_corrected: bool = True,
    level: float = DEFAULT_LEVEL,
) -> dict:
    """The multilevel summary of one variable across couples.

    With the same two person labels in every couple (distinguishable partners, e.g. M and W)
    each role and direction is pooled on its own and the asymmetry too. Otherwise partners are
    exchangeable: inertia pools both partners, transmission both directions (treating the two
    estimates of a couple as independent, an approximation), and a signed asymmetry has no
    meaning across couples. Co-movement pools Fisher-z correlations with variance 1/(n - 3).
    With ``bias_corrected`` the couples' bias-corrected slopes are pooled (they equal OLS when the
    results were computed with ``bias_replicates=0``, so callers set the flag to match).
    """
    ok = [r for r in results if r.ok]
    label_sets = {tuple(r.persons) for r in ok}
    params: dict[str, Pooled] = {}

    def val(r: CoupleDynamics, key: str, kind: str) -> float:
        if bias_corrected:
            return r.bias_corrected[key]
        return (r.inertia if kind == "inertia" else r.transmission)[key]

    if len(label_sets) == 1:
        a, b = next(iter(label_sets))
        for kind, key in (
            ("inertia", a),
            ("inertia", b),
            ("transmission", f"{a}->{b}"),
            ("transmission", f"{b}->{a}"),
        ):
            params[f"{kind}[{key}]"] = pool_random_effects(
                [val(r, key, kind) for r in ok], [r.se[key] for r in ok], method=method, level=level
            )
        params[f"asymmetry[{a}->{b} minus {b}->{a}]"] = pool_random_effects(
            [r.asymmetry["estimate"] for r in ok],
            [r.asymmetry["se"] for r in ok],
            method=method,
            level=level,
        )
    elif ok:
        ys, ss, yt, st = [], [], [], []
        for r in ok:
            a, b = r.persons
            for p in (a, b):
                ys.append(val(r, p, "inertia"))
                ss.append(r.se[p])
            for key in (f"{a}->{b}", f"{b}->{a}"):
                yt.append(val(r, key, "transmission"))
                st.append(r.se[key])
        params["inertia"] = pool_random_effects(ys, ss, method=method, level=level)
        params["transmission"] = pool_random_effects(yt, st, method=method, level=level)
    z = [
        math.atanh(max(min(r.co_movement, 0.999999), -0.999999))
        for r in ok
        if r.co_movement is not None
    ]
    zse = [1 / math.sqrt(max(r.n_pairs_both - 3, 1)) for r in ok if r.co_movement is not None]
    co = pool_random_effects(z, zse, method=method, level=level) if z else None
    out = {
        "method": "DerSimonian-Laird random effects"
        if method.upper() == "DL"
        else "REML random effects",
        "bias_corrected": bool(bias_corrected),
        "n_couples": len(results),
        "n_couples_ok": len(ok),
        "parameters": {k: p.to_dict() for k, p in params.items()},
    }
    if co is not None:
        cd = co.to_dict()
        cd.update(
            estimate=math.tanh(co.estimate),
            interval=[math.tanh(x) for x in co.interval],
            scale="correlation (pooled on Fisher z; se and tau on the z scale)",
        )
        out["parameters"]["co_movement"] = cd
    return out


def result_document(
    variable: str, max_gap_text: str, results: Sequence[CoupleDynamics], pooled: dict
) -> dict:
    """The JSON object of one variable: variable, max_gap, couples, pooled."""
    return {
        "variable": variable,
        "max_gap": max_gap_text,
        "couples": [r.to_dict() for r in results],
        "pooled": pooled,
    }
