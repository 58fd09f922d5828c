"""Small-sample bias of the VAR(1) slopes: a parametric bootstrap on each couple's own pattern.

With a few dozen pairs per couple the OLS slopes of an autoregression are biased downwards by
roughly (1 + 3 a)/n. Each couple's fitted model is simulated on its own prompt sequence (same
gaps, same missing values), refitted, and the mean difference is the bias; the corrected slopes
are shrunk towards OLS where they would leave the stationary region (Kilian 1998). The draws of a
couple come from a counter-based generator keyed by its id, so results do not depend on how the
couples are partitioned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from scipy.special import ndtri

from interdep.science.dynamics.constants import _K
from interdep.science.dynamics.ols import fit_wide

#: Prompt-replicates simulated at once (bounds the bootstrap's memory to a few hundred MB).
CHUNK_PROMPTS = 4_000_000


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

    Parameters
    ----------
    couple_ids : sequence of str
        The couples' ids as text.
    seed : int, default 0
        Seed of the bootstrap; the same seed and id give the same key.

    Returns
    -------
    ndarray of uint64
        One key per id.

    Examples
    --------
    >>> keys = couple_keys(["c1", "c2"])
    >>> keys.dtype
    dtype('uint64')
    >>> bool(couple_keys(["c1"])[0] == couple_keys(["c0", "c1"])[1])
    True
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

    Parameters
    ----------
    Y : ndarray, shape (prompts, 2)
        The centred values of only the couples to correct, in couple order (NaN: missing).
    couple_of_prompt : ndarray of int
        Couple code 0..m-1 of each row of ``Y``.
    lag_ok : ndarray of bool
        Whether each prompt pairs with the one before it.
    slopes : ndarray, shape (m, 2, 2)
        Each couple's estimated slope matrix.
    sigma : ndarray, shape (m, 2, 2)
        Each couple's residual covariance.
    keys : ndarray of uint64
        Each couple's key from :func:`couple_keys`.
    replicates : int
        Bootstrap copies per couple.

    Returns
    -------
    ndarray, shape (m, 2, 2)
        Mean of the re-estimated slopes minus ``slopes``.

    Examples
    --------
    >>> import numpy as np
    >>> Y = np.random.default_rng(0).normal(size=(60, 2))
    >>> lag_ok = np.r_[False, np.ones(59, dtype=bool)]
    >>> slopes = np.array([[[0.3, 0.1], [0.1, 0.3]]])
    >>> sigma = np.array([[[1.0, 0.2], [0.2, 1.0]]])
    >>> bias = bootstrap_bias(Y, np.zeros(60, dtype=int), lag_ok, slopes, sigma,
    ...                       couple_keys(["c"]), replicates=200)
    >>> bias.shape, bool(bias[0, 0, 0] < 0)  # inertia is biased downwards
    ((1, 2, 2), True)
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
    chunk = max(1, min(replicates, int(CHUNK_PROMPTS // max(n_prompts, 1))))
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
        fit = fit_wide(Yr.reshape(-1, 2), codes, np.tile(lag_ok, R), R * m, _K + 1)
        b = fit["coef"][:, :, 1:].reshape(R, m, 2, 2)
        good = np.isfinite(b).all(axis=(2, 3))
        for r in range(R):  # one replicate at a time: the same sums however replicates are chunked
            total += np.where(good[r, :, None, None], b[r], 0.0)
        count += good.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count[:, None, None] - slopes


def corrected_slopes(slopes: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """OLS minus estimated bias, shrunk towards OLS while it would leave the stationary region.

    (Kilian 1998.) A non-stationary OLS estimate, or one without a bias estimate, stays as is.

    Parameters
    ----------
    slopes : ndarray, shape (m, 2, 2)
        The OLS slope matrices.
    bias : ndarray, shape (m, 2, 2)
        Their estimated bias (from :func:`bootstrap_bias`).

    Returns
    -------
    ndarray, shape (m, 2, 2)
        The corrected slope matrices, every one stationary.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[[0.5, 0.0], [0.0, 0.5]]])
    >>> corrected_slopes(A, np.full((1, 2, 2), -0.1)).round(2).tolist()
    [[[0.6, 0.1], [0.1, 0.6]]]
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
