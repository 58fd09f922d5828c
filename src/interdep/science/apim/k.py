"""k = partner effect / actor effect (Kenny & Ledermann, 2010), its bootstrap and the pattern."""

from __future__ import annotations

import math

import numpy as np

from interdep.science.apim.data import DyadData
from interdep.science.apim.design import Term
from interdep.science.apim.gls import _RHO_BOUND, _Blocks
from interdep.science.apim.result import Coefficient
from interdep.science.distributions import norm_cdf, norm_ppf

# The bootstrap's seed when none is given, recorded in the result: the same data give the same
# interval and pattern on every run.
DEFAULT_SEED = 20061

PATTERN_VALUES = {"actor-only": 0.0, "couple": 1.0, "contrast": -1.0}


def _k_values(
    beta: np.ndarray, terms: list[Term], data: DyadData
) -> list[tuple[str, str | None, float]]:
    index = {(t.effect, t.predictor, t.role): i for i, t in enumerate(terms)}
    out = []
    for pred in data.predictors:
        for role in (data.roles or ("1", "2")) if terms[0].role else (None,):
            a = beta[index[("actor", pred, role)]]
            pt = beta[index[("partner", pred, role)]]
            out.append((pred, role, float(pt / a) if a != 0 else math.nan))
    return out


def _pattern(k_low, k_high, actor: Coefficient, partner: Coefficient) -> str | None:
    """Kenny & Ledermann (2010) style reading of k (rule documented in docs/apim-tutorial.md)."""
    actor_zero = actor.ci_low <= 0 <= actor.ci_high
    partner_zero = partner.ci_low <= 0 <= partner.ci_high
    if actor_zero:
        return "partner-only" if not partner_zero else "indeterminate"
    if k_low is None or not (math.isfinite(k_low) and math.isfinite(k_high)):
        return None
    inside = [name for name, v in PATTERN_VALUES.items() if k_low <= v <= k_high]
    if len(inside) == 1:
        return inside[0]
    return "indeterminate" if inside else "other"


def _bca(boot: np.ndarray, estimate: float, jack: np.ndarray, alpha: float) -> tuple[float, float]:
    boot = boot[np.isfinite(boot)]
    jack = jack[np.isfinite(jack)]
    if len(boot) < 10 or len(jack) < 3:
        return (math.nan, math.nan)
    below = (np.sum(boot < estimate) + 0.5 * np.sum(boot == estimate)) / len(boot)
    if below <= 0 or below >= 1:
        return (math.nan, math.nan)
    z0 = norm_ppf(below)
    d = jack.mean() - jack
    denom = 6.0 * (np.sum(d**2) ** 1.5)
    a = float(np.sum(d**3) / denom) if denom > 0 else 0.0
    out = []
    for q in (alpha / 2, 1 - alpha / 2):
        zq = norm_ppf(q)
        adj = norm_cdf(z0 + (z0 + zq) / (1 - a * (z0 + zq)))
        out.append(float(np.quantile(boot, adj)))
    return (out[0], out[1])


def _weighted_stats(b: _Blocks, weights: np.ndarray) -> dict[str, np.ndarray]:
    """Cross-products of each block for many dyad-weight vectors at once: (B, k, k) arrays."""

    def cross(Z, W, idx):
        k = Z.shape[1]
        outer = (Z[:, :, None] * W[:, None, :]).reshape(len(Z), k * k)
        return (weights[:, idx] @ outer).reshape(len(weights), k, k)

    return {
        "C00": cross(b.c0, b.c0, b.dyad_c),
        "C01": cross(b.c0, b.c1, b.dyad_c),
        "C11": cross(b.c1, b.c1, b.dyad_c),
        "S0": cross(b.s0, b.s0, b.dyad_s0),
        "S1": cross(b.s1, b.s1, b.dyad_s1),
        "n_c": weights[:, b.dyad_c].sum(axis=1),
        "n_s0": weights[:, b.dyad_s0].sum(axis=1),
        "n_s1": weights[:, b.dyad_s1].sum(axis=1),
    }


def _batched_nll(st: dict, rho: np.ndarray, ratio: np.ndarray, reml: bool):
    """The profiled negative log-likelihood of ``gls._evaluate`` for B replicates at once."""
    p = st["C00"].shape[1] - 1
    one_m = 1.0 - rho * rho
    r2 = ratio * ratio
    p00, p01, p11 = 1.0 / one_m, -rho / (ratio * one_m), 1.0 / (r2 * one_m)
    M = (
        p00[:, None, None] * st["C00"]
        + p01[:, None, None] * (st["C01"] + st["C01"].transpose(0, 2, 1))
        + p11[:, None, None] * st["C11"]
        + st["S0"]
        + st["S1"] / r2[:, None, None]
    )
    A, b, cyy = M[:, :p, :p], M[:, :p, p], M[:, p, p]
    sign, logdet = np.linalg.slogdet(A)
    ok = sign > 0
    A = np.where(ok[:, None, None], A, np.eye(p))
    beta = np.linalg.solve(A, b[..., None])[..., 0]
    rss = cyy - np.einsum("bi,bi->b", b, beta)
    n = 2 * st["n_c"] + st["n_s0"] + st["n_s1"]
    dof = n - p if reml else n
    ok &= (rss > 0) & (dof > 0)
    sigma2 = np.where(ok, rss, 1.0) / np.where(dof > 0, dof, 1.0)
    logdet_r = st["n_c"] * np.log(r2 * one_m) + st["n_s1"] * np.log(r2)
    nll = 0.5 * dof * (math.log(2 * math.pi) + 1 + np.log(sigma2)) + 0.5 * logdet_r
    if reml:
        nll = nll + 0.5 * logdet
    return np.where(ok, nll, np.inf), beta


def _batched_optimum(st: dict, free: tuple[bool, bool], reml: bool, start, steps: int = 40):
    """Newton's method on (atanh rho, log ratio) for every replicate at once, from the point
    estimate, with central-difference derivatives and step halving; returns beta (B, p)."""
    B = len(st["n_c"])
    dims = [i for i in range(2) if free[i]]
    v = np.tile([math.atanh(max(min(start[0], 0.999), -0.999)), math.log(start[1])], (B, 1))
    if not free[0]:
        v[:, 0] = 0.0

    def f(values):
        rho = np.clip(np.tanh(values[:, 0]), -_RHO_BOUND, _RHO_BOUND)
        return _batched_nll(st, rho, np.exp(values[:, 1]), reml)

    h = 1e-4
    active = np.ones(B, dtype=bool)
    for _ in range(steps):
        f0, _beta = f(v)
        d = len(dims)
        g = np.zeros((B, d))
        H = np.zeros((B, d, d))
        for a, i in enumerate(dims):
            e = np.zeros(2)
            e[i] = h
            fp, fm = f(v + e)[0], f(v - e)[0]
            g[:, a] = (fp - fm) / (2 * h)
            H[:, a, a] = (fp - 2 * f0 + fm) / h**2
        if d == 2:
            e0, e1 = np.array([h, 0.0]), np.array([0.0, h])
            H[:, 0, 1] = H[:, 1, 0] = (
                f(v + e0 + e1)[0] - f(v + e0 - e1)[0] - f(v - e0 + e1)[0] + f(v - e0 - e1)[0]
            ) / (4 * h * h)
        finite = np.isfinite(g).all(axis=1) & np.isfinite(H).all(axis=(1, 2))
        eig_ok = np.zeros(B, dtype=bool)
        eig_ok[finite] = np.linalg.eigvalsh(H[finite]).min(axis=1) > 0
        step = np.zeros((B, d))
        step[eig_ok] = np.linalg.solve(H[eig_ok], g[eig_ok][..., None])[..., 0]
        # not convex here: a short gradient step instead of Newton's
        grad_only = finite & ~eig_ok
        step[grad_only] = (
            0.1 * g[grad_only] / np.maximum(np.abs(g[grad_only]).max(axis=1), 1)[:, None]
        )
        step[~active] = 0.0
        full = np.zeros((B, 2))
        full[:, dims] = step
        t = np.ones(B)
        for _halving in range(30):
            fn = f(v - t[:, None] * full)[0]
            worse = fn > f0 + 1e-12
            if not worse.any():
                break
            t = np.where(worse, t / 2, t)
        v = np.where((fn <= f0 + 1e-12)[:, None], v - t[:, None] * full, v)
        active &= np.abs(t[:, None] * step).max(axis=1, initial=0) > 1e-10
        if not active.any():
            break
    nll, beta = f(v)
    return np.where(np.isfinite(nll)[:, None], beta, np.nan)


def _resampled_k(prep, data, distinguishable, reml, start, weights) -> np.ndarray:
    """k for each row of ``weights`` (B, n_dyads): one batched fit for all replicates."""
    st = _weighted_stats(prep.blocks, weights)
    free = (len(prep.blocks.c0) >= 1, bool(distinguishable))
    beta = _batched_optimum(st, free, reml, start if distinguishable else (start[0], 1.0))
    out = np.full((len(weights), len(data.predictors) * (2 if distinguishable else 1)), np.nan)
    for b in range(len(weights)):
        if np.all(np.isfinite(beta[b])):
            out[b] = [v for *_, v in _k_values(beta[b] + prep.offset, prep.terms, data)]
    return out


def _chunks(total: int, n: int) -> list[slice]:
    """Replicates per batch so that one weight matrix stays near 4 million numbers."""
    size = max(1, min(total, 4_000_000 // max(n, 1)))
    return [slice(i, min(i + size, total)) for i in range(0, total, size)]


def _bootstrap_k(
    prep, data, distinguishable, reml, start, replicates, seed, jackknife_groups, progress
):
    """Dyads resampled ``replicates`` times (all replicates fitted as one batch), and a grouped
    jackknife for the BCa acceleration; the same seed gives the same draws."""
    rng = np.random.default_rng(DEFAULT_SEED if seed is None else seed)
    n = prep.blocks.n_used
    boot = np.empty((replicates, len(data.predictors) * (2 if distinguishable else 1)))
    for part in _chunks(replicates, n):
        # drawn batch by batch: the same numbers as one (replicates, n) draw, without holding
        # all of them (1,000 replicates of a million dyads would be 8 GB)
        rows = rng.integers(0, n, (part.stop - part.start, n))
        weights = np.zeros((len(rows), n))
        np.add.at(weights, (np.arange(len(rows))[:, None], rows), 1.0)
        boot[part] = _resampled_k(prep, data, distinguishable, reml, start, weights)
        if progress is not None:
            progress(len(rows))
    # jackknife (leave one dyad out; grouped for large samples) for the BCa acceleration
    groups = np.arange(n) if n <= jackknife_groups else rng.permutation(n) % jackknife_groups
    g = int(groups.max()) + 1
    jack = np.empty((g, boot.shape[1]))
    for part in _chunks(g, n):
        weights = (groups[None, :] != np.arange(part.start, part.stop)[:, None]).astype(float)
        jack[part] = _resampled_k(prep, data, distinguishable, reml, start, weights)
    return boot, jack, g
