"""Reliability of facets and scales on a pool of answers: Cronbach's alpha and McDonald's omega.

Items must be keyed in one direction first (`keyed_items`), as a scale's score is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from interdep.lib.numbers import finite_or_none
from interdep.science.instrument import Instrument


def _covariance(data: np.ndarray, nan_policy: str) -> np.ndarray:
    if nan_policy == "listwise":
        data = data[~np.isnan(data).any(axis=1)]
        return np.cov(data, rowvar=False, ddof=1)
    if nan_policy == "pairwise":
        import pandas as pd  # deferred: pandas only for pairwise deletion

        return pd.DataFrame(data).cov().to_numpy()
    raise ValueError("nan_policy must be 'listwise' or 'pairwise'")


def _weights(k: int, weights: np.ndarray | None) -> np.ndarray:
    w = np.ones(k) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (k,) or not np.all(w > 0):
        raise ValueError(f"weights must be {k} positive numbers, one per item")
    return w


def cronbach_alpha(
    data: np.ndarray, *, nan_policy: str = "listwise", weights: np.ndarray | None = None
) -> float:
    """Alpha of the composite sum(w_i * x_i): k/(k-1) * (1 - sum w_i^2 var_i / var(composite)).

    Unit weights (the default) give the familiar alpha of the raw sum. A scale scored as the mean
    of its facets' means weights each item by 1/(items in its facet); passing those weights gives
    the alpha of the score as it is actually computed.
    """
    data = np.asarray(data, dtype=float)
    k = data.shape[1]
    if k < 2:
        raise ValueError("alpha needs at least two items")
    w = _weights(k, weights)
    cov = _covariance(data, nan_policy) * np.outer(w, w)
    total = cov.sum()
    if not total > 0:  # nobody's total varies (or too few rows): alpha is undefined
        return float("nan")
    return float(k / (k - 1) * (1 - np.trace(cov) / total))


@dataclass(frozen=True)
class OneFactor:
    """A one-factor model of the raw items: loadings and uniquenesses in the items' own units
    (``loadings``, ``uniquenesses``) and standardised (``std_loadings``)."""

    loadings: np.ndarray
    uniquenesses: np.ndarray
    std_loadings: np.ndarray

    def omega(self, weights: np.ndarray | None = None) -> float:
        """Omega of the composite sum(w_i * x_i): true-score variance over model-implied variance,
        (sum w_i l_i)^2 / ((sum w_i l_i)^2 + sum w_i^2 theta_i), with l and theta unstandardised."""
        w = _weights(len(self.loadings), weights)
        common = float(w @ self.loadings) ** 2
        return common / (common + float((w**2) @ self.uniquenesses))


def _ml_objective(psi: np.ndarray, corr: np.ndarray) -> tuple[float, np.ndarray]:
    """Negative concentrated log-likelihood of a one-factor model given uniquenesses (as R's
    factanal): with psi fixed, the best loading is the leading eigenvector of psi^-1/2 R psi^-1/2."""
    scale = 1.0 / np.sqrt(psi)
    values, vectors = np.linalg.eigh(corr * np.outer(scale, scale))
    rest = values[:-1]  # all but the largest eigenvalue
    objective = float(np.sum(np.log(rest) - rest + 1.0))
    lead, vec = values[-1], vectors[:, -1]
    loading = np.sqrt(psi) * vec * np.sqrt(max(lead - 1.0, 0.0))
    # Gradient with respect to psi (Joreskog): diag(Sigma - R) / psi^2 with Sigma = LL' + Psi.
    sigma_diag = loading**2 + psi
    grad = (sigma_diag - np.diag(corr)) / psi**2
    return -objective, grad


def one_factor(data: np.ndarray, *, nan_policy: str = "listwise") -> OneFactor:
    """Maximum-likelihood one-factor model of the raw items.

    Fitted on the correlation matrix (as R's factanal) and carried back to the items' units with
    their standard deviations: ML is scale-invariant, so this is the fit a CFA of the covariance
    matrix (lavaan's ``f =~ x1 + ... + xk``) reaches.
    """
    cov = _covariance(np.asarray(data, dtype=float), nan_policy)
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    start = (1.0 - 0.5 / np.diag(np.linalg.inv(corr))).clip(0.005, 1.0)
    fit = minimize(
        _ml_objective,
        start,
        args=(corr,),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.005, 1.0)] * len(start),
        options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 2000},
    )
    psi = fit.x
    scale = 1.0 / np.sqrt(psi)
    values, vectors = np.linalg.eigh(corr * np.outer(scale, scale))
    loading = np.sqrt(psi) * vectors[:, -1] * np.sqrt(max(values[-1] - 1.0, 0.0))
    if loading.sum() < 0:
        loading = -loading
    uniq = 1.0 - loading**2
    return OneFactor(loadings=loading * sd, uniquenesses=uniq * sd**2, std_loadings=loading)


def mcdonald_omega(
    data: np.ndarray, *, nan_policy: str = "listwise", weights: np.ndarray | None = None
) -> float:
    """McDonald's omega of the composite the scores use (by default the raw, unit-weighted sum).

    From a one-factor model of the raw items: (sum of loadings)^2 / ((sum of loadings)^2 + sum of
    uniquenesses), in the items' own units, so it describes the same composite as
    `cronbach_alpha` (omega from standardised loadings would describe a sum of z-scores, which no
    score here is). With ``weights``, the weighted composite sum(w_i * x_i).

    NaN when an item does not vary in the pool (a small pool often has one, e.g. a safety item
    nobody agrees with: its loading is undefined), or when the items' covariance is singular
    (two items always answered alike, or fewer people than items): the maximum-likelihood fit
    needs a full-rank matrix.
    """
    cov = _covariance(np.asarray(data, dtype=float), nan_policy)
    if not np.all(np.diag(cov) > 0):
        return float("nan")
    if np.linalg.matrix_rank(cov) < cov.shape[0]:  # e.g. fewer people than items: no ML fit exists
        return float("nan")
    return one_factor(data, nan_policy=nan_policy).omega(weights)


def keyed_items(
    instrument: Instrument, answers: np.ndarray, item_ids: tuple[str, ...]
) -> np.ndarray:
    """Answers with unhealthy-pole items reversed, so every column points the healthy way."""
    reverse = np.array([instrument.item(i).reverse_keyed for i in item_ids])
    return np.where(reverse, instrument.scale.min + instrument.scale.max - answers, answers)


def reliability_table(
    instrument: Instrument, answers: np.ndarray, item_ids: tuple[str, ...]
) -> list[dict]:
    """Alpha and omega per facet and per scale (Connection, Self) from a pool of self-report answers,
    each for the composite its score is (facet: raw sum of its items; scale: mean of facet means).
    Items missing from ``item_ids`` are left out of their composites (the web's pool leaves out
    the safety items, as every shared score does)."""
    keyed = keyed_items(instrument, np.asarray(answers, dtype=float), item_ids)
    column = {item_id: k for k, item_id in enumerate(item_ids)}
    groups: list[tuple[str, str, list[int], np.ndarray | None]] = []
    for facet in instrument.facets:
        items = [i for i in instrument.items_of(kind="self", facet=facet.id) if i.id in column]
        groups.append(("facet", facet.id, [column[i.id] for i in items], None))
    for capacity in ("connection", "self"):
        items = [
            i
            for i in instrument.self_items
            if instrument.facet(i.facet).capacity == capacity and i.id in column
        ]
        groups.append(("scale", capacity, [column[i.id] for i in items], scale_weights(items)))
    rows = []
    for kind, name, cols, weights in groups:
        block = keyed[:, cols]
        complete = int((~np.isnan(block).any(axis=1)).sum())
        enough = complete > len(cols)
        rows.append(
            {
                "kind": kind,
                "name": name,
                "items": len(cols),
                "n_complete": complete,
                "alpha": finite_or_none(cronbach_alpha(block, weights=weights)) if enough else None,
                "omega": finite_or_none(mcdonald_omega(block, weights=weights)) if enough else None,
            }
        )
    return rows


def scale_weights(items) -> np.ndarray:
    """Item weights of a scale scored as the mean of its facets' item means: 1/(items in the
    facet). Equal facets give equal weights, i.e. the raw sum up to a constant."""
    per_facet: dict[str, int] = {}
    for item in items:
        per_facet[item.facet] = per_facet.get(item.facet, 0) + 1
    return np.array([1.0 / per_facet[item.facet] for item in items])
