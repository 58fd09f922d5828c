"""The three networks of a multilevel VAR(1): temporal, contemporaneous and between-couple.

This is mlVAR's ``lmer`` estimator with orthogonal temporal and contemporaneous random effects
(its default for more than six variables), written on the batched mixed model of
:mod:`interdep.science.network.mixed`:

* **Temporal.** For every outcome ``y_j``: ``y_j(t) ~ 1 + L_1 + ... + L_p + M_(-j) +
  (1 + L_1 + ... + L_p || couple)``, ML, where ``L`` are the centred lagged variables and
  ``M_(-j)`` the couple means of the other variables. The fixed lagged effects form the temporal
  network (row = outcome at t, column = predictor at t-1, as mlVAR stores it); each couple's
  network is fixed plus its conditional modes.
* **Contemporaneous.** The residuals of the temporal models (conditional on each couple's
  effects) are regressed on each other: ``r_j ~ 0 + r_(-j) + (0 + r_(-j) || couple)``. The
  node-wise coefficients ``Gamma`` and residual variances ``s^2`` give a precision matrix
  ``diag(1 / s^2) (I - Gamma)``, made symmetric and positive definite as mlVAR does, whose
  standardised negative is the partial-correlation network; per couple likewise from its own
  coefficients.
* **Between.** The couple-mean coefficients and the SDs of the random intercepts give the
  between-couple precision matrix ``diag(1 / tau^2) (I - Gamma_mu)`` and its partial correlations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interdep.science.errors import InputError
from interdep.science.network.data import LaggedData
from interdep.science.network.mixed import (
    MixedFit,
    fit_mixed_batch,
    group_crossproducts,
    one_blas_thread,
)

__all__ = ["NetworkFit", "fit_network", "fit_temporal", "partial_correlations"]

#: above this many couple-models in one batch, outcomes are optimised one at a time (memory)
_BATCH_LIMIT = 40_000


@dataclass(frozen=True)
class NetworkFit:
    """A fitted multilevel VAR(1) network; matrices are ``p x p`` in the order of ``variables``.

    Attributes
    ----------
    temporal, temporal_se, temporal_p, temporal_sd : ndarray
        Fixed lagged effects (row = outcome at t, column = predictor at t-1), their SEs,
        normal p-values and random-effect SDs.
    temporal_couples : ndarray, shape (G, p, p)
        Each couple's temporal network (fixed + conditional modes).
    intercept, intercept_sd : ndarray, shape (p,)
        Fixed intercepts and SDs of the couple means (random intercepts).
    between_gamma, between_gamma_se : ndarray
        Couple-mean coefficients (row = outcome, column = other variable's mean).
    between_pcor : ndarray
        Between-couple partial correlations.
    contemporaneous_gamma, contemporaneous_gamma_se : ndarray or None
        Node-wise coefficients of the residuals.
    contemporaneous_pcor : ndarray or None
        Contemporaneous partial correlations (fixed).
    contemporaneous_couples : ndarray or None, shape (G, p, p)
        Each couple's contemporaneous partial correlations.
    residual_sd : ndarray, shape (p,)
        Residual SDs of the temporal models.
    data : LaggedData
    temporal_fit, contemporaneous_fit : MixedFit
    """

    variables: list[str]
    temporal: np.ndarray
    temporal_se: np.ndarray
    temporal_p: np.ndarray
    temporal_sd: np.ndarray
    temporal_couples: np.ndarray
    intercept: np.ndarray
    intercept_sd: np.ndarray
    between_gamma: np.ndarray | None
    between_gamma_se: np.ndarray | None
    between_pcor: np.ndarray | None
    contemporaneous_gamma: np.ndarray | None
    contemporaneous_gamma_se: np.ndarray | None
    contemporaneous_pcor: np.ndarray | None
    contemporaneous_couples: np.ndarray | None
    residual_sd: np.ndarray
    data: LaggedData
    temporal_fit: MixedFit
    contemporaneous_fit: MixedFit | None

    @property
    def couples(self) -> np.ndarray:
        """Couple ids in the order of the per-couple arrays."""
        return self.data.couples


def force_positive(x: np.ndarray) -> np.ndarray:
    """mlVAR's ``forcePositive``: symmetrise; if not positive semi-definite, shift it.

    The shift is mlVAR's own expression ``x - (I * min(eigenvalue) - 0.001)``, which lowers the
    diagonal by the smallest eigenvalue and adds 0.001 to every entry; kept as it is so results
    are comparable with mlVAR's.
    """
    x = (x + x.T) / 2.0
    ev = np.linalg.eigvalsh(x)
    if np.any(ev < 0):
        return x - (np.eye(len(x)) * ev.min() - 0.001)
    return x


def partial_correlations(cov: np.ndarray) -> np.ndarray:
    """Partial correlations from a covariance matrix (corpcor's ``cor2pcor``).

    Examples
    --------
    >>> import numpy as np
    >>> pc = partial_correlations(np.array([[1.0, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 1.0]]))
    >>> abs(round(float(pc[0, 2]), 10))  # a chain: 1 and 3 are independent given 2
    0.0
    """
    prec = np.linalg.pinv(cov)
    d = np.sqrt(np.diag(prec))
    out = -prec / np.outer(d, d)
    np.fill_diagonal(out, 1.0)
    return out


def _force_positive_stack(x: np.ndarray) -> np.ndarray:
    """:func:`force_positive` for a stack of matrices ``(G, p, p)``."""
    x = (x + np.swapaxes(x, 1, 2)) / 2.0
    low = np.linalg.eigvalsh(x)[:, 0]
    bad = low < 0
    if bad.any():
        eye = np.eye(x.shape[1])[None]
        x[bad] = x[bad] - (eye * low[bad, None, None] - 0.001)
    return x


def _pcor_stack(cov: np.ndarray) -> np.ndarray:
    """:func:`partial_correlations` for a stack of covariance matrices ``(G, p, p)``."""
    prec = np.linalg.pinv(cov, hermitian=True)
    d = np.sqrt(np.diagonal(prec, axis1=1, axis2=2))
    out = -prec / (d[:, :, None] * d[:, None, :])
    idx = np.arange(cov.shape[1])
    out[:, idx, idx] = 1.0
    return out


def _fit_batches(C, specs, zpos, n, n_groups, start=None):
    """Fit one model per spec (x columns, y column) from the shared cross-products ``C``."""
    per = max(1, _BATCH_LIMIT // max(1, n_groups))
    fits = []
    for first in range(0, len(specs), per):
        chunk = specs[first : first + per]
        S = np.stack([C[:, cols][:, :, cols] for cols in ([*x, y] for x, y in chunk)])
        x0 = None if start is None else start[first : first + per]
        fits.append(fit_mixed_batch(S, zpos, n, start=x0))
    if len(fits) == 1:
        return fits[0]
    cat = {
        f: np.concatenate([getattr(x, f) for x in fits])
        for f in (
            "fixed",
            "se",
            "z",
            "p",
            "sigma",
            "random_sd",
            "ranef",
            "deviance",
            "loglik",
            "converged",
        )
    }
    return MixedFit(
        **cat,
        n_obs=n,
        n_groups=n_groups,
        iterations=max(x.iterations for x in fits),
    )


def fit_temporal(
    data: LaggedData, start: np.ndarray | None = None, *, means: bool = True
) -> tuple[MixedFit, np.ndarray]:
    """The per-outcome temporal mixed models; returns the fits and the conditional residuals.

    Parameters
    ----------
    data : LaggedData
    start : ndarray, optional
        Relative random-effect variances ``(p, p + 1)`` to start from (e.g. a related fit's);
        default 1, as lme4.
    means : bool
        Include the couple means of the other variables as level-2 predictors (mlVAR does).

    Returns
    -------
    tuple of (MixedFit, ndarray)
        Fixed effects of outcome ``j`` are ordered: intercept, the ``p`` lagged variables, then
        (with ``means``) the means of the other ``p - 1`` variables. Residuals ``(n, p)`` are
        conditional on each couple's random effects.

    Examples
    --------
    >>> from interdep.science.network import lag_design, simulate_network
    >>> sim = simulate_network(20, 25, seed=1)
    >>> d = lag_design(sim.couple, sim.time, sim.values, sim.variables, scale=False)
    >>> fit, resid = fit_temporal(d, means=False)
    >>> fit.fixed.shape, resid.shape == (d.n_rows, 4)
    ((4, 5), True)
    """
    p = len(data.variables)
    n, G = data.n_rows, data.n_couples
    W = np.column_stack([np.ones(n), data.lagged, data.means, data.outcome])
    C = group_crossproducts(data.group, W, G)
    specs = []
    for j in range(p):
        pm = [1 + p + i for i in range(p) if i != j] if means else []
        specs.append(([0, *range(1, p + 1), *pm], 1 + 2 * p + j))
    fit = _fit_batches(C, specs, list(range(p + 1)), n, G, start)
    resid = np.empty((n, p))
    Z = np.column_stack([np.ones(n), data.lagged])
    for j, (x, y) in enumerate(specs):
        fitted = W[:, x] @ fit.fixed[j] + np.einsum("nq,nq->n", Z, fit.ranef[j][data.group])
        resid[:, j] = W[:, y] - fitted
    return fit, resid


def fit_network(
    data: LaggedData, *, contemporaneous: bool = True, means: bool = True
) -> NetworkFit:
    """Fit the temporal, contemporaneous and between-couple networks.

    Parameters
    ----------
    data : LaggedData
        From :func:`interdep.science.network.data.lag_design`.
    contemporaneous : bool
        Also run the second (residual) step; off for chance baselines that only need the
        temporal network.
    means : bool
        Couple means of the other variables as level-2 predictors (as mlVAR); without them
        there is no between-couple network (``between_*`` are ``None``).

    Returns
    -------
    NetworkFit

    Examples
    --------
    >>> from interdep.science.network.simulate import simulate_network
    >>> from interdep.science.network.data import lag_design
    >>> sim = simulate_network(n_couples=30, n_occasions=30, seed=1)
    >>> d = lag_design(sim.couple, sim.time, sim.values, sim.variables, scale=False)
    >>> fit = fit_network(d)
    >>> fit.temporal.shape
    (4, 4)
    """
    with one_blas_thread():
        return _fit_network(data, contemporaneous, means)


def _fit_network(data: LaggedData, contemporaneous: bool, means: bool) -> NetworkFit:
    if data.n_couples < 2:
        raise InputError(
            f"a multilevel network needs at least two couples with usable days; have {data.n_couples}"
        )
    p = len(data.variables)
    G = data.n_couples
    tfit, resid = fit_temporal(data, means=means)
    temporal = tfit.fixed[:, 1 : p + 1]
    couples = temporal[None] + np.transpose(tfit.ranef[:, :, 1:], (1, 0, 2))

    between = np.zeros((p, p))
    between_se = np.zeros((p, p))
    for j in range(p):
        others = [i for i in range(p) if i != j]
        if means:
            between[j, others] = tfit.fixed[j, p + 1 :]
            between_se[j, others] = tfit.se[j, p + 1 :]
    mu_sd = tfit.random_sd[:, 0]
    if not means:
        between = between_se = between_pcor = None
    elif np.any(mu_sd == 0):
        between_pcor = np.full((p, p), np.nan)
    else:
        inv = force_positive(np.diag(1.0 / mu_sd**2) @ (np.eye(p) - between))
        between_pcor = partial_correlations(np.linalg.pinv(inv))

    c_gamma = c_se = c_pcor = c_couples = None
    cfit = None
    if contemporaneous and p > 1:
        C2 = group_crossproducts(data.group, resid, G)
        specs = [([i for i in range(p) if i != j], j) for j in range(p)]
        cfit = _fit_batches(C2, specs, list(range(p - 1)), data.n_rows, G)
        c_gamma = np.zeros((p, p))
        c_se = np.zeros((p, p))
        ranef_full = np.zeros((G, p, p))
        for j, (x, _) in enumerate(specs):
            c_gamma[j, x] = cfit.fixed[j]
            c_se[j, x] = cfit.se[j]
            ranef_full[:, j, x] = cfit.ranef[j]
        D = np.diag(1.0 / cfit.sigma**2)
        prec = force_positive(D @ (np.eye(p) - c_gamma))
        cov_fixed = np.linalg.pinv(prec)
        c_pcor = partial_correlations(cov_fixed)
        # every couple at once: precision from its own coefficients, made positive definite,
        # inverted; a couple whose implied covariance is implausibly large (mlVAR: more than
        # ten times the fixed one in total variance) falls back on its own residual covariance
        prec_g = _force_positive_stack(D[None] @ (np.eye(p)[None] - (c_gamma[None] + ranef_full)))
        cov_g = _force_positive_stack(np.linalg.pinv(prec_g, hermitian=True))
        limit = 10.0 * np.trace(cov_fixed)
        for g in np.flatnonzero(np.trace(cov_g, axis1=1, axis2=2) > limit):
            rows = resid[data.group == g]
            cov_g[g] = np.cov(rows, rowvar=False) if len(rows) > 1 else cov_fixed
        c_couples = _pcor_stack(cov_g)

    return NetworkFit(
        variables=list(data.variables),
        temporal=temporal,
        temporal_se=tfit.se[:, 1 : p + 1],
        temporal_p=tfit.p[:, 1 : p + 1],
        temporal_sd=tfit.random_sd[:, 1:],
        temporal_couples=couples,
        intercept=tfit.fixed[:, 0],
        intercept_sd=mu_sd,
        between_gamma=between,
        between_gamma_se=between_se,
        between_pcor=between_pcor,
        contemporaneous_gamma=c_gamma,
        contemporaneous_gamma_se=c_se,
        contemporaneous_pcor=c_pcor,
        contemporaneous_couples=c_couples,
        residual_sd=tfit.sigma,
        data=data,
        temporal_fit=tfit,
        contemporaneous_fit=cfit,
    )
