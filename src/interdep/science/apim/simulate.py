"""Simulated dyads with known actor and partner effects (for learning, checks and power)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _pair(v) -> np.ndarray:
    a = np.asarray(v, dtype=float)
    return np.array([a, a]) if a.ndim == 0 else a


def simulate_apim(
    n_dyads: int,
    *,
    intercept=0.0,
    actor=0.5,
    partner=0.3,
    residual_sd=1.0,
    rho: float = 0.4,
    x_mean: float = 0.0,
    x_sd: float = 1.0,
    x_correlation: float = 0.3,
    roles: tuple[str, str] | None = None,
    missing_outcome: float = 0.0,
    seed: int | None = None,
) -> pd.DataFrame:
    """Dyads with known actor and partner effects, in the individual layout.

    ``intercept``, ``actor``, ``partner``, ``residual_sd`` take one value or one per role (member
    order); columns: ``dyad``, ``person``, ``role`` (when roles are given), ``x``, ``y``. A share
    ``missing_outcome`` of persons have their outcome deleted at random.

    Parameters
    ----------
    n_dyads
        Number of dyads.
    intercept, actor, partner, residual_sd
        One value for both members or a pair (first member, second member).
    rho
        Correlation of the partners' residuals.
    x_mean, x_sd, x_correlation
        Mean and SD of the predictor and its correlation between partners.
    roles
        Two role labels (adds a ``role`` column); ``None`` for indistinguishable dyads.
    missing_outcome
        Share of outcomes deleted at random.
    seed
        Random seed.

    Returns
    -------
    pandas.DataFrame
        Two rows per dyad: ``dyad``, ``person``, (``role``), ``x``, ``y``.

    Examples
    --------
    >>> from interdep.science.apim import simulate_apim
    >>> simulate_apim(3, seed=1).shape
    (6, 4)
    """
    rng = np.random.default_rng(seed)
    a0, aa, ap, sd = _pair(intercept), _pair(actor), _pair(partner), _pair(residual_sd)
    cx = x_sd**2 * np.array([[1, x_correlation], [x_correlation, 1]])
    x = x_mean + rng.multivariate_normal(np.zeros(2), cx, size=n_dyads)
    ce = np.array([[sd[0] ** 2, rho * sd[0] * sd[1]], [rho * sd[0] * sd[1], sd[1] ** 2]])
    e = rng.multivariate_normal(np.zeros(2), ce, size=n_dyads)
    y = a0 + aa * x + ap * x[:, ::-1] + e
    if missing_outcome > 0:
        y[rng.random(y.shape) < missing_outcome] = np.nan
    frame = pd.DataFrame(
        {
            "dyad": np.repeat(np.arange(1, n_dyads + 1), 2),
            "person": np.tile([1, 2], n_dyads),
            "x": x.reshape(-1),
            "y": y.reshape(-1),
        }
    )
    if roles is not None:
        frame.insert(2, "role", np.tile(np.array(roles, dtype=object), n_dyads))
    return frame
