"""The cross-sectional APIM from sums: fit dyads held in parts (a cluster's partitions) exactly.

The likelihood of the cross-sectional APIM needs only cross-products of ``[X | y]`` summed over
dyads (complete dyads' member 0 x 0, 0 x 1 and 1 x 1 products, and the lone members'), see
``gls``. So each part of the data (whole dyads) gives its :class:`PartMoments`, the parts are
added with :func:`combine`, and :func:`fit_from_moments` fits on the sums: the same estimates,
standard errors, Satterthwaite df, k and distinguishability test as ``fit_apim`` on the whole
table, to rounding.

Two details keep the sums as exact as the in-memory fit's:

* the outcome is centred on an OLS fit before its products are taken (no cancellation in the
  residual sum of squares): each part centres on its own OLS fit and the parts are moved to the
  common centre when they are added (``[X | y - X o] = [X | y - X o_k] T_k``), as the pairwise
  variance formula moves means;
* the SDs that standardise the coefficients are combined from each part's count, mean and sum
  of squared deviations (Chan, Golub & LeVeque), not from raw sums of squares.

The bootstrap interval of k resamples dyads, which needs every dyad's products, and the
Kenward-Roger adjustment needs every dyad's design: neither is available from sums.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from interdep.science.apim import mixed
from interdep.science.apim.data import DyadData
from interdep.science.apim.design import Term, _base_design, _base_terms, _design
from interdep.science.apim.fit import _to_interaction, _warnings
from interdep.science.apim.gls import (
    METHODS,
    _beta_covariance,
    _optimise,
    _Stats,
)
from interdep.science.apim.k import _k_values
from interdep.science.apim.result import (
    DF_METHOD,
    DF_SATTERTHWAITE,
    ApimResult,
    Distinguishability,
    KRatio,
    _coefficients,
)
from interdep.science.distributions import chi2_sf
from interdep.science.errors import InputError

_BLOCKS = ("C00", "C01", "C11", "S0", "S1")
_COUNTS = (
    "dyads_in_file",
    "rows_in_file",
    "rows_used",
    "rows_missing_outcome",
    "rows_missing_predictor",
    "dyads_complete",
    "dyads_one_member",
    "dyads_unused",
)


@dataclass
class DesignSums:
    """One design's sums over some dyads: the products of ``[X | y - X offset]`` (centred) and of
    ``[X | y]`` (raw, what the Satterthwaite df are computed from), by block."""

    offset: np.ndarray
    centred: dict[str, np.ndarray]
    raw: dict[str, np.ndarray]
    n_c: int
    n_s0: int
    n_s1: int

    def moved_to(self, offset: np.ndarray) -> dict[str, np.ndarray]:
        """The centred products around another centre: ``T' C T`` with ``T = [[I, d], [0, 1]]``
        and ``d = self.offset - offset`` (small, so nothing cancels)."""
        k = len(offset) + 1
        T = np.eye(k)
        T[:-1, -1] = self.offset - offset
        return {b: T.T @ c @ T for b, c in self.centred.items()}


@dataclass
class _Spread:
    """Count, mean and sum of squared deviations of some columns (for SDs combined exactly)."""

    n: float
    mean: np.ndarray
    m2: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray) -> _Spread:
        n = len(values)
        if not n:
            return cls(0.0, np.zeros(values.shape[1]), np.zeros(values.shape[1]))
        mean = values.mean(axis=0)
        return cls(float(n), mean, ((values - mean) ** 2).sum(axis=0))

    def __add__(self, other: _Spread) -> _Spread:
        n = self.n + other.n
        if not n:
            return self
        delta = other.mean - self.mean
        return _Spread(
            n,
            self.mean + delta * (other.n / n),
            self.m2 + other.m2 + delta * delta * (self.n * other.n / n),
        )

    def sd(self) -> np.ndarray:
        return np.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else np.full(len(self.mean), np.nan)


@dataclass
class PartMoments:
    """What one part of the dyads contributes to the fit (a few small matrices)."""

    outcome: str
    predictors: tuple[str, ...]
    covariates: tuple[str, ...]
    roles: tuple[str, str] | None
    designs: dict[bool, DesignSums]  # by distinguishable
    spread: tuple[_Spread, _Spread]  # member 0 and member 1: base design columns and y
    counts: dict[str, int]
    n_used: int
    lone: int = 0
    notes: list[str] = field(default_factory=list)


def _design_sums(X: np.ndarray, y: np.ndarray, used: np.ndarray) -> DesignSums:
    p = X.shape[2]
    Xu, yu = X[used], y[used]
    offset = np.linalg.lstsq(Xu, yu, rcond=None)[0] if len(yu) else np.zeros(p)
    W = np.concatenate([X, y[..., None]], axis=2)
    W = np.where(used[..., None], W, 0.0)
    Z = W.copy()
    Z[..., p] = np.where(used, y - X @ offset, 0.0)
    comp = used[:, 0] & used[:, 1]
    only0 = used[:, 0] & ~used[:, 1]
    only1 = used[:, 1] & ~used[:, 0]

    def blocks(V: np.ndarray) -> dict[str, np.ndarray]:
        c0, c1 = V[comp, 0], V[comp, 1]
        s0, s1 = V[only0, 0], V[only1, 1]
        return {
            "C00": c0.T @ c0,
            "C01": c0.T @ c1,
            "C11": c1.T @ c1,
            "S0": s0.T @ s0,
            "S1": s1.T @ s1,
        }

    return DesignSums(
        offset=offset,
        centred=blocks(Z),
        raw=blocks(W),
        n_c=int(comp.sum()),
        n_s0=int(only0.sum()),
        n_s1=int(only1.sum()),
    )


def part_moments(data: DyadData, *, distinguishable: bool, both: bool = False) -> PartMoments:
    """The sums one part of the dyads (whole dyads only) contributes.

    Parameters
    ----------
    data
        Some of the dyads, read with ``dyads_from_table`` (its checks name the file's rows).
    distinguishable
        The model to fit: the role-specific design, else the shared one.
    both
        Also the other design (the distinguishability test needs the indistinguishable fit).

    Returns
    -------
    PartMoments
        The part's sums, counts and spreads; add parts with :func:`combine`.
    """
    X_d, _ = _design(data, distinguishable)
    has_y = np.isfinite(data.y)
    has_x = np.isfinite(X_d).all(axis=2)
    used = has_y & has_x
    designs = {distinguishable: _design_sums(X_d, data.y, used)}
    if both:
        other = not distinguishable
        designs[other] = _design_sums(_design(data, other)[0], data.y, used)
    base = np.concatenate([_base_design(data), data.y[..., None]], axis=2)
    spread = (_Spread.of(base[used[:, 0], 0]), _Spread.of(base[used[:, 1], 1]))
    counts = {
        "dyads_in_file": len(data.y),
        "rows_in_file": int(2 * len(data.y)),
        "rows_used": int(used.sum()),
        "rows_missing_outcome": int((~has_y).sum()),
        "rows_missing_predictor": int((has_y & ~has_x).sum()),
        "dyads_complete": int((used[:, 0] & used[:, 1]).sum()),
        "dyads_one_member": int((used[:, 0] ^ used[:, 1]).sum()),
        "dyads_unused": int((~used[:, 0] & ~used[:, 1]).sum()),
    }
    lone = int((data.rows == -1).sum()) if data.rows is not None else 0
    return PartMoments(
        outcome=data.outcome,
        predictors=data.predictors,
        covariates=data.covariates,
        roles=data.roles,
        designs=designs,
        spread=spread,
        counts=counts,
        n_used=int(used.any(axis=1).sum()),
        lone=lone,
        notes=[n for n in data.notes if "have one row in the file" not in n],
    )


def combine(parts: list[PartMoments]) -> PartMoments:
    """The sums of several parts (of disjoint dyads), each design's products moved to the centre
    of the OLS fit on all of them."""
    parts = [p for p in parts if p is not None]
    if not parts:
        raise InputError("no dyads to fit")
    first = parts[0]
    for p in parts[1:]:
        if p.roles != first.roles:
            raise InputError(
                f"the role labels differ between parts of the file: {first.roles} and {p.roles}"
            )
    designs = {}
    for key in first.designs:
        sums = [p.designs[key] for p in parts]
        raw = {b: sum(s.raw[b] for s in sums) for b in _BLOCKS}
        q = len(first.designs[key].offset)
        total = raw["C00"] + raw["C11"] + raw["S0"] + raw["S1"]
        XtX, Xty = total[:q, :q], total[:q, q]
        try:
            offset = np.linalg.solve(XtX, Xty)
        except np.linalg.LinAlgError:
            offset = np.linalg.lstsq(XtX, Xty, rcond=None)[0]
        moved = [s.moved_to(offset) for s in sums]
        designs[key] = DesignSums(
            offset=offset,
            centred={b: sum(m[b] for m in moved) for b in _BLOCKS},
            raw=raw,
            n_c=sum(s.n_c for s in sums),
            n_s0=sum(s.n_s0 for s in sums),
            n_s1=sum(s.n_s1 for s in sums),
        )
    spread0, spread1 = parts[0].spread
    for p in parts[1:]:
        spread0, spread1 = spread0 + p.spread[0], spread1 + p.spread[1]
    notes: list[str] = []
    for p in parts:
        notes += [n for n in p.notes if n not in notes]
    return PartMoments(
        outcome=first.outcome,
        predictors=first.predictors,
        covariates=first.covariates,
        roles=first.roles,
        designs=designs,
        spread=(spread0, spread1),
        counts={c: sum(p.counts[c] for p in parts) for c in _COUNTS},
        n_used=sum(p.n_used for p in parts),
        lone=sum(p.lone for p in parts),
        notes=notes,
    )


def _stats(s: DesignSums) -> _Stats:
    c = s.centred
    return _Stats(c["C00"], c["C01"], c["C11"], c["S0"], c["S1"], s.n_c, s.n_s0, s.n_s1)


def _start(s: DesignSums, distinguishable: bool) -> tuple[float, float]:
    """``gls._start`` from the sums: the residuals' SD by member and their correlation in the
    complete dyads (the residual is the last column; member 0's intercept column 0, member 1's
    column 1 in the role-specific design)."""
    c, p = s.centred, len(s.offset)
    i1 = 1 if distinguishable else 0

    def sd(total, square, n):
        return math.sqrt(max(square / n - (total / n) ** 2, 0.0)) if n else 0.0

    n0, n1 = s.n_c + s.n_s0, s.n_c + s.n_s1
    sd0 = sd(c["C00"][0, p] + c["S0"][0, p], c["C00"][p, p] + c["S0"][p, p], n0) or 1.0
    sd1 = sd(c["C11"][i1, p] + c["S1"][i1, p], c["C11"][p, p] + c["S1"][p, p], n1) or 1.0
    rho = 0.0
    if s.n_c > 2:
        n = s.n_c
        m0, m1 = c["C00"][0, p] / n, c["C11"][i1, p] / n
        cov = c["C01"][p, p] / n - m0 * m1
        v0, v1 = c["C00"][p, p] / n - m0 * m0, c["C11"][p, p] / n - m1 * m1
        rho = cov / math.sqrt(v0 * v1) if v0 > 0 and v1 > 0 else math.nan
    return (rho if math.isfinite(rho) else 0.0, float(sd1 / sd0))


def _block(s: DesignSums) -> mixed.BlockData:
    """The sums as the block engine's data: one block (no random effects), raw outcome."""
    r = s.raw
    q = len(s.offset)
    parts = [r["C00"], r["C01"] + r["C01"].T, r["C11"], r["S0"], r["S1"]]
    return mixed.BlockData(
        stack=np.stack(parts)[..., None],
        counts=np.array([[s.n_c], [s.n_s0], [s.n_s1]]),
        q=0,
        p=q,
    )


def _standardizers(m: PartMoments, terms: list[Term]) -> list[float | None]:
    """``fit._standardizers`` from the spreads: SDs over the persons used, by role when the
    coefficient has one."""
    col = {(t.effect, t.predictor): i for i, t in enumerate(_base_terms_of(m))}
    roles = m.roles or ("1", "2")
    pooled = m.spread[0] + m.spread[1]
    out: list[float | None] = []
    for t in terms:
        if t.effect not in ("actor", "partner", "covariate"):
            out.append(None)
            continue
        spread = pooled if t.role is None else m.spread[roles.index(t.role)]
        sds = spread.sd()
        sy, sx = sds[-1], sds[col[(t.effect, t.predictor)]]
        out.append(float(sx / sy) if sy > 0 else None)
    return out


def _shell(m: PartMoments) -> DyadData:
    """A DyadData without rows: the names and roles the term helpers read."""
    none = np.empty((0, 2, 0))
    return DyadData(
        m.outcome, m.predictors, m.covariates, np.empty(0), np.empty((0, 2)), none, none, m.roles
    )


def _base_terms_of(m: PartMoments) -> list[Term]:
    return _base_terms(_shell(m))


def _terms(m: PartMoments, distinguishable: bool) -> list[Term]:
    terms = _base_terms_of(m)
    if not distinguishable:
        return terms
    roles = m.roles or ("1", "2")
    return [Term(t.effect, t.predictor, role) for t in terms for role in roles]


def lone_note(lone: int) -> str:
    """The note ``dyads_from_table`` gives about dyads with one row, for all parts together."""
    return (
        f"{lone} dyad(s) have one row in the file: that member's row is used alone (as "
        "nlme does), its partner's outcome counted as missing"
    )


def _satterthwaite(bd, ev, distinguishable: bool, reml: bool, L: np.ndarray) -> np.ndarray:
    """``fit._satterthwaite`` on the summed block: the dyad-block likelihood with no random
    effects, at the fitted rho, SD ratio and sigma."""
    st = mixed.Structure(q=0, correlated=bd.n_c > 0, by_role=distinguishable)
    w = []
    if st.correlated:
        w.append(math.atanh(max(min(ev.rho, 1 - 1e-12), -1 + 1e-12)))
    if distinguishable:
        w.append(math.log(ev.ratio))
    w.append(math.log(ev.sigma2))
    with threadpool_limits(1, user_api="blas"):
        return mixed.satterthwaite(bd, st, np.array(w), reml, L)


def _distinguishability(m: PartMoments) -> Distinguishability:
    """``fit.distinguishability`` on the sums: ML fits of both designs."""
    if False not in m.designs:
        raise InputError("the test of distinguishability needs the indistinguishable sums too")
    s_d, s_i = m.designs[True], m.designs[False]
    ev_d = _optimise(_stats(s_d), True, False, _start(s_d, True))
    ev_i = _optimise(_stats(s_i), False, False, None)
    lr = max(2 * (ev_i.nll - ev_d.nll), 0.0)
    df = len(s_d.offset) - len(s_i.offset) + 1
    return Distinguishability(lr, df, float(chi2_sf(lr, df)), -ev_i.nll, -ev_d.nll)


def fit_from_moments(
    m: PartMoments,
    *,
    distinguishable: bool | None = None,
    method: str = "REML",
    parametrisation: str = "two-intercept",
    alpha: float = 0.05,
    distinguishability_test: bool = True,
    df_method: str = "satterthwaite",
) -> ApimResult:
    """``fit_apim`` (without the bootstrap) on the summed parts.

    Parameters
    ----------
    m
        The parts' sums (:func:`combine`), with the indistinguishable design too when the
        distinguishability test is wanted.
    distinguishable, method, parametrisation, alpha, distinguishability_test, df_method
        As ``fit_apim``; ``df_method`` is "satterthwaite" or "residual".

    Returns
    -------
    ApimResult
        What ``fit_apim`` returns for the same dyads with ``bootstrap=0``.
    """
    method = method.upper()
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; use REML or ML")
    if df_method not in ("satterthwaite", "residual"):
        raise InputError(
            "on sums the t tests' df are satterthwaite or residual (Kenward-Roger needs every "
            "dyad's design)"
        )
    if distinguishable is None:
        distinguishable = m.roles is not None
    if distinguishable and m.roles is None:
        raise InputError("distinguishable dyads need a role column with two labels")
    reml = method == "REML"
    s = m.designs[distinguishable]
    p = len(s.offset)
    n_obs = m.counts["rows_used"]
    if n_obs <= p:
        c = m.counts
        raise InputError(
            f"too few usable rows ({n_obs}) for {p} coefficients "
            f"({c['rows_missing_outcome']} rows miss the outcome, "
            f"{c['rows_missing_predictor']} a predictor)"
        )
    terms = _terms(m, distinguishable)
    A = sum(s.raw[b] for b in ("C00", "C11", "S0", "S1"))[:p, :p]
    rank = np.linalg.matrix_rank(A)
    if rank < p:
        names = ", ".join(t.label for t in terms)
        raise InputError(f"the predictors are collinear (rank {rank} < {p} coefficients: {names})")
    ev = _optimise(_stats(s), distinguishable, reml, _start(s, distinguishable))
    if not math.isfinite(ev.nll):
        raise InputError("the model could not be fitted (degenerate data: no residual variation?)")
    beta = ev.beta + s.offset
    df: float | np.ndarray = n_obs - p
    cov = _beta_covariance(ev, n_obs, reml)
    bd = _block(s)
    if df_method == "satterthwaite":
        df = _satterthwaite(bd, ev, distinguishable, reml, np.eye(p))
    std = _standardizers(m, terms)
    loglik = -ev.nll
    coefs = _coefficients(beta, cov, terms, df, alpha, std)
    ks = [
        KRatio(pred, role, kv, None, None, None, None, None, None, None)
        for pred, role, kv in _k_values(beta, terms, _shell(m))
    ]
    if distinguishable and parametrisation == "interaction":
        to_final = _to_interaction(np.eye(p), np.eye(p), terms, m.roles)[0]
        beta, cov, terms, log_det = _to_interaction(beta, cov, terms, m.roles)
        if reml:
            loglik += log_det
        if df_method == "satterthwaite":
            df = _satterthwaite(bd, ev, distinguishable, reml, to_final)
        coefs = _coefficients(beta, cov, terms, df, alpha, _standardizers(m, terms))
    test = None
    if distinguishable and distinguishability_test:
        test = _distinguishability(m)
    residual_sd: float | dict[str, float]
    if distinguishable:
        roles = m.roles
        residual_sd = {roles[0]: math.sqrt(ev.sigma2), roles[1]: math.sqrt(ev.sigma2) * ev.ratio}
    else:
        residual_sd = math.sqrt(ev.sigma2)
    notes = list(m.notes)
    if m.lone:
        notes.insert(0, lone_note(m.lone))
    return ApimResult(
        model="distinguishable" if distinguishable else "indistinguishable",
        method=method,
        parametrisation=parametrisation if distinguishable else None,
        outcome=m.outcome,
        predictors=m.predictors,
        covariates=m.covariates,
        roles=m.roles if distinguishable else None,
        n_dyads=m.n_used,
        n_obs=n_obs,
        loglik=loglik,
        rho=ev.rho,
        residual_sd=residual_sd,
        coefficients=coefs,
        k=ks,
        distinguishability=test,
        counts=dict(m.counts),
        covariance=cov,
        df_method=DF_SATTERTHWAITE if df_method == "satterthwaite" else DF_METHOD,
        warnings=[*notes, *_warnings(ev, None)],
        bootstrap=None,
        alpha=alpha,
    )
