"""Simulated couples diaries with a known multilevel VAR(1) network, for recovery checks.

Each couple ``c`` follows ``x(t) = mu_c + B_c (x(t-1) - mu_c) + e(t)`` with
``B_c = B + U_c`` (``U_c`` independent normal per element with the SDs given), couple means
``mu_c`` normal, and innovations ``e(t)`` normal with a same-day correlation between every pair
of variables. Days go missing at random; a missing day breaks the lag like in a real diary.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SimulatedNetwork", "default_network", "simulate_network"]


@dataclass(frozen=True)
class SimulatedNetwork:
    """Rows of a simulated diary (dyad layout) and the truth it came from."""

    couple: np.ndarray
    time: np.ndarray
    values: np.ndarray
    variables: list[str]
    n_a: int
    temporal: np.ndarray
    temporal_sd: np.ndarray


def default_network(q: int = 2, *, linkage: float = 0.1) -> np.ndarray:
    """A ``2q x 2q`` temporal network: inertia 0.3, within-partner cross effects 0.05 and
    partner-to-partner effects ``linkage`` on each feeling's counterpart (0 for none).

    Examples
    --------
    >>> default_network(1, linkage=0.2).tolist()
    [[0.3, 0.2], [0.2, 0.3]]
    """
    p = 2 * q
    B = np.zeros((p, p))
    for side in (0, q):
        block = np.full((q, q), 0.05)
        np.fill_diagonal(block, 0.3)
        B[side : side + q, side : side + q] = block
    for i in range(q):
        B[q + i, i] = linkage  # A's feeling i yesterday -> B's feeling i today
        B[i, q + i] = linkage
    return B


def simulate_network(
    n_couples: int = 50,
    n_occasions: int = 35,
    *,
    q: int = 2,
    temporal: np.ndarray | None = None,
    random_sd: float = 0.05,
    mean_sd: float = 1.0,
    same_day_r: float = 0.2,
    missing_day: float = 0.05,
    seed: int = 0,
) -> SimulatedNetwork:
    """Simulate a couples diary from a known temporal network.

    Parameters
    ----------
    n_couples, n_occasions : int
        Couples and diary days.
    q : int
        Variables per partner (``p = 2q``; A's first).
    temporal : ndarray, optional
        The fixed ``p x p`` network (row = outcome, column = predictor); default
        :func:`default_network`.
    random_sd : float
        SD of each couple's deviation from every fixed effect.
    mean_sd : float
        SD of the couple means.
    same_day_r : float
        Correlation of the innovations of any two variables on the same day.
    missing_day : float
        Probability that a day is missing for a couple.
    seed : int
        Random seed.

    Returns
    -------
    SimulatedNetwork

    Examples
    --------
    >>> sim = simulate_network(n_couples=3, n_occasions=10, seed=1)
    >>> sim.values.shape[1], sim.variables[:2]
    (4, ['A_v1', 'A_v2'])
    """
    rng = np.random.default_rng(seed)
    p = 2 * q
    B = default_network(q) if temporal is None else np.asarray(temporal, dtype=float)
    G, T = n_couples, n_occasions
    Bc = B[None] + rng.normal(0.0, random_sd, size=(G, p, p))
    # keep every couple's process stationary
    rad = np.abs(np.linalg.eigvals(Bc)).max(axis=1)
    shrink = np.where(rad > 0.95, 0.95 / rad, 1.0)
    Bc *= shrink[:, None, None]
    mu = rng.normal(0.0, mean_sd, size=(G, p))
    S = np.full((p, p), same_day_r) + (1 - same_day_r) * np.eye(p)
    chol = np.linalg.cholesky(S)
    burn = 30
    x = np.zeros((G, p))
    out = np.empty((T, G, p))
    for t in range(burn + T):
        e = rng.standard_normal((G, p)) @ chol.T
        x = np.einsum("gij,gj->gi", Bc, x) + e
        if t >= burn:
            out[t - burn] = x
    vals = out + mu[None]
    keep = rng.random((T, G)) >= missing_day
    tt, gg = np.nonzero(keep)
    order = np.lexsort((tt, gg))
    tt, gg = tt[order], gg[order]
    names = [f"A_v{i + 1}" for i in range(q)] + [f"B_v{i + 1}" for i in range(q)]
    return SimulatedNetwork(
        couple=gg + 1,
        time=tt.astype(float),
        values=vals[tt, gg],
        variables=names,
        n_a=q,
        temporal=B,
        temporal_sd=np.full((p, p), random_sd),
    )
