"""The batched estimator of one variable: all couples' VAR(1), standard errors, asymmetry."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interdep.science.dynamics.bias import bootstrap_bias, corrected_slopes, couple_keys
from interdep.science.dynamics.constants import _K, DEFAULT_MIN_PAIRS
from interdep.science.dynamics.ols import fit_wide
from interdep.science.dynamics.sequence import PromptSequence
from interdep.science.errors import InputError


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

    Parameters
    ----------
    seq : PromptSequence
        From :func:`build_sequence`.
    values : ndarray of float
        Aligned with the observations given to :func:`build_sequence`; NaN is a skipped item.
    min_pairs : int, default 10
        Fewest usable pairs per equation for a couple to be estimated.
    min_overlap_days : int, optional
        Fewest local days answered by both partners (needs days in ``seq``).
    bias_replicates : int, default 0
        Bootstrap copies per couple for the bias-corrected slopes (0: the slopes as estimated).
    couple_keys_ : ndarray of uint64, optional
        Each couple's bootstrap key (see :func:`couple_keys`); by default keyed by code.

    Returns
    -------
    BatchEstimates
        Arrays indexed by couple code; couples that are not ``ok`` carry NaN and a reason.

    Examples
    --------
    >>> from interdep.science.checkin_sim import simulate_checkins
    >>> from interdep.science.dynamics import build_sequence
    >>> sim = simulate_checkins(couples=3, days=14, prompts_per_day=5, seed=1)
    >>> seq = build_sequence(sim.couple, sim.slot, sim.seconds, n_couples=3, max_gap=3 * 3600)
    >>> est = estimate_sequence(seq, sim.values["valence"])
    >>> est.coef.shape, est.ok.tolist(), est.n_pairs.tolist()
    ((3, 2, 3), [True, True, True], [22, 34, 24])
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

    fit = fit_wide(Y, seq.couple_of_prompt, seq.lag_ok, C, min_pairs)
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
