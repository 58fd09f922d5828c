"""The batched least-squares kernel: every couple's two equations from grouped sums.

Grouped sufficient statistics (X'X, X'y per couple and equation, by ``np.bincount``), batched 3x3
solves, then residuals in one more pass: no Python loop over couples. Used by the estimator and,
on simulated copies, by the bias bootstrap.
"""

from __future__ import annotations

import numpy as np

from interdep.science.dynamics.constants import _K


def grouped_moments(group: np.ndarray, x0, x1, y, n_groups: int):
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


def fit_wide(
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
        xtx, xty, n = grouped_moments(g, x0, x1, y, C)
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
    xtx_c, _, n_c = grouped_moments(g, prev[both, 0], prev[both, 1], None, C)
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
