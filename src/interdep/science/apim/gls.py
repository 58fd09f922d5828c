"""The residual-covariance engine of the cross-sectional APIM: GLS with a 2x2 dyad block.

A dyad's covariance is a 2x2 block that is the same for every complete dyad, so the whitened
cross-products ``X'V^-1X`` are a weighted sum of five small matrices computed once (complete
dyads' member-1/member-2 products and the lone members of dyads with one outcome missing). The
likelihood, profiled over the regression coefficients and sigma, is then a function of one
(``rho``) or two (``rho`` and the role SD ratio) numbers whose evaluation costs O(p^3) whatever
the number of dyads. The bootstrap re-weights those products for all replicates at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import linalg, optimize

from interdep.science.apim.data import DyadData
from interdep.science.apim.design import Term, _design
from interdep.science.errors import InputError

METHODS = ("REML", "ML")
_RHO_BOUND = 1 - 1e-9


@dataclass
class _Blocks:
    """Rows of [X | y] split by dyad type: complete dyads' member 0 and 1, and lone members."""

    c0: np.ndarray
    c1: np.ndarray
    s0: np.ndarray
    s1: np.ndarray
    dyad_c: np.ndarray  # dyad index (into the used dyads) of each complete pair / lone row
    dyad_s0: np.ndarray
    dyad_s1: np.ndarray
    n_used: int


@dataclass
class _Stats:
    C00: np.ndarray
    C01: np.ndarray
    C11: np.ndarray
    S0: np.ndarray
    S1: np.ndarray
    n_c: float
    n_s0: float
    n_s1: float

    @property
    def n(self) -> float:
        return 2 * self.n_c + self.n_s0 + self.n_s1


def _cross(Z: np.ndarray, W: np.ndarray | None = None, w: np.ndarray | None = None) -> np.ndarray:
    if W is None:
        W = Z
    return (Z * w[:, None]).T @ W if w is not None else Z.T @ W


def _stats(b: _Blocks, weights: np.ndarray | None = None) -> _Stats:
    """Cross-products of each block, optionally with dyad weights (bootstrap/jackknife)."""
    wc = ws0 = ws1 = None
    if weights is not None:
        wc, ws0, ws1 = weights[b.dyad_c], weights[b.dyad_s0], weights[b.dyad_s1]
    return _Stats(
        C00=_cross(b.c0, w=wc),
        C01=_cross(b.c0, b.c1, w=wc),
        C11=_cross(b.c1, w=wc),
        S0=_cross(b.s0, w=ws0),
        S1=_cross(b.s1, w=ws1),
        n_c=float(len(b.c0) if wc is None else wc.sum()),
        n_s0=float(len(b.s0) if ws0 is None else ws0.sum()),
        n_s1=float(len(b.s1) if ws1 is None else ws1.sum()),
    )


@dataclass
class _Eval:
    nll: float
    beta: np.ndarray
    sigma2: float
    A: np.ndarray
    rho: float
    ratio: float


def _evaluate(st: _Stats, rho: float, ratio: float, reml: bool) -> _Eval:
    """Negative log-likelihood profiled over beta and sigma^2 at a given rho and SD ratio.

    Member 0 has residual variance sigma^2, member 1 sigma^2 * ratio^2, correlation rho.
    """
    p = st.C00.shape[0] - 1
    one_m = 1.0 - rho * rho
    p00, p01, p11 = 1.0 / one_m, -rho / (ratio * one_m), 1.0 / (ratio * ratio * one_m)
    M = p00 * st.C00 + p01 * (st.C01 + st.C01.T) + p11 * st.C11 + st.S0 + st.S1 / (ratio * ratio)
    A, b, cyy = M[:p, :p], M[:p, p], M[p, p]
    try:
        L = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        return _Eval(math.inf, np.full(p, np.nan), math.nan, A, rho, ratio)
    beta = np.linalg.solve(A, b)
    rss = float(cyy - b @ beta)
    n = st.n
    dof = n - p if reml else n
    if rss <= 0 or dof <= 0:
        return _Eval(math.inf, beta, math.nan, A, rho, ratio)
    sigma2 = rss / dof
    logdet_r = st.n_c * math.log(ratio * ratio * one_m) + st.n_s1 * math.log(ratio * ratio)
    nll = 0.5 * dof * (math.log(2 * math.pi) + 1 + math.log(sigma2)) + 0.5 * logdet_r
    if reml:
        nll += float(np.sum(np.log(np.diag(L))))
    return _Eval(nll, beta, sigma2, A, rho, ratio)


def _optimise(
    st: _Stats,
    distinguishable: bool,
    reml: bool,
    start: tuple[float, float] | None,
    precise: bool = True,
) -> _Eval:
    """Maximise the profile likelihood over rho (and the role SD ratio when distinguishable)."""
    if st.n_c < 1:
        # no complete dyad: the correlation is not identified; fit independent residuals
        if not distinguishable:
            return _evaluate(st, 0.0, 1.0, reml)
        res = optimize.minimize_scalar(
            lambda t: _evaluate(st, 0.0, math.exp(t), reml).nll,
            bounds=(-20, 20),
            method="bounded",
            options={"xatol": 1e-11},
        )
        return _evaluate(st, 0.0, math.exp(res.x), reml)
    if not distinguishable:
        res = optimize.minimize_scalar(
            lambda r: _evaluate(st, r, 1.0, reml).nll,
            bounds=(-_RHO_BOUND, _RHO_BOUND),
            method="bounded",
            options={"xatol": 1e-11},
        )
        rho = float(res.x)
        if precise and abs(rho) < 0.999:
            # the likelihood is flat near its top (a change of 1e-8 in rho moves it by 1e-14,
            # its rounding level): Newton steps on differences 1e-4 apart locate the top to
            # ~1e-11 instead
            v = _newton_polish(
                lambda u: _evaluate(st, math.tanh(u[0]), 1.0, reml).nll,
                np.array([math.atanh(rho)]),
            )
            rho = math.tanh(float(v[0]))
        return _evaluate(st, rho, 1.0, reml)
    rho0, ratio0 = start if start is not None else (0.0, 1.0)
    x0 = np.array([math.atanh(max(min(rho0, 0.99), -0.99)), math.log(ratio0)])

    def f(v):
        return _evaluate(st, math.tanh(v[0]), math.exp(v[1]), reml).nll

    res = optimize.minimize(f, x0, method="BFGS", options={"gtol": 1e-7})
    v = res.x
    if precise:
        v = _newton_polish(f, v)
    return _evaluate(st, math.tanh(v[0]), math.exp(v[1]), reml)


def _newton_polish(f, v: np.ndarray, h: float = 1e-4, steps: int = 6) -> np.ndarray:
    """A few Newton steps with central-difference derivatives: the optimum to ~1e-10, so the
    estimates agree with other software to their printed precision, not the optimiser's."""
    e = np.eye(len(v)) * h
    for _ in range(steps):
        f0 = f(v)
        g = np.array([(f(v + e[i]) - f(v - e[i])) / (2 * h) for i in range(len(v))])
        H = np.empty((len(v), len(v)))
        for i in range(len(v)):
            H[i, i] = (f(v + e[i]) - 2 * f0 + f(v - e[i])) / h**2
            for j in range(i):
                H[i, j] = H[j, i] = (
                    f(v + e[i] + e[j])
                    - f(v + e[i] - e[j])
                    - f(v - e[i] + e[j])
                    + f(v - e[i] - e[j])
                ) / (4 * h * h)
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)) or np.any(np.linalg.eigvalsh(H) <= 0):
            break
        candidate = v - step
        # a step may not raise the likelihood by more than its rounding (a few ulps of f): a
        # stricter test stops the polish short, where rounding alone decides the optimum
        if f(candidate) > f0 + 1e-12 + 8 * np.finfo(float).eps * abs(f0):
            break
        v = candidate
        if np.max(np.abs(step)) < 1e-10:
            break
    return v


@dataclass
class _Prepared:
    X: np.ndarray
    terms: list[Term]
    blocks: _Blocks
    offset: np.ndarray
    used: np.ndarray  # (n, 2) bool
    counts: dict[str, int]


def _prepare(data: DyadData, distinguishable: bool) -> _Prepared:
    X, terms = _design(data, distinguishable)
    return _prepare_xy(X, data.y, terms)


def _prepare_xy(X: np.ndarray, y: np.ndarray, terms: list[Term]) -> _Prepared:
    has_y = np.isfinite(y)
    has_x = np.isfinite(X).all(axis=2)
    used = has_y & has_x
    counts = {
        "dyads_in_file": len(y),
        "rows_in_file": int(2 * len(y)),
        "rows_used": int(used.sum()),
        "rows_missing_outcome": int((~has_y).sum()),
        "rows_missing_predictor": int((has_y & ~has_x).sum()),
        "dyads_complete": int((used[:, 0] & used[:, 1]).sum()),
        "dyads_one_member": int((used[:, 0] ^ used[:, 1]).sum()),
        "dyads_unused": int((~used[:, 0] & ~used[:, 1]).sum()),
    }
    p = X.shape[2]
    if counts["rows_used"] <= p:
        raise InputError(
            f"too few usable rows ({counts['rows_used']}) for {p} coefficients "
            f"({counts['rows_missing_outcome']} rows miss the outcome, "
            f"{counts['rows_missing_predictor']} a predictor)"
        )
    # The rows of [X | y] of each dyad type, then the rank and an OLS offset from the blocks'
    # triangular factors and cross-products (no decomposition of the full design)
    comp = used[:, 0] & used[:, 1]
    only0 = used[:, 0] & ~used[:, 1]
    only1 = used[:, 1] & ~used[:, 0]

    def rows(mask: np.ndarray, member: int) -> np.ndarray:
        out = np.empty((int(mask.sum()), p + 1))
        out[:, :p] = X[mask, member]
        out[:, p] = y[mask, member]
        return out

    c0, c1, s0, s1 = rows(comp, 0), rows(comp, 1), rows(only0, 0), rows(only1, 1)
    parts = [b for b in (c0, c1, s0, s1) if len(b)]
    rank, offset = _rank_and_ols(parts, p, counts["rows_used"])
    if rank < p:
        names = ", ".join(t.label for t in terms)
        raise InputError(f"the predictors are collinear (rank {rank} < {p} coefficients: {names})")
    # Centre the outcome on the OLS fit so that the residual sum of squares is computed from
    # small numbers (no cancellation), then add the OLS coefficients back.
    for b in parts:
        b[:, p] -= b[:, :p] @ offset
    dyad_used = used.any(axis=1)
    index = np.cumsum(dyad_used) - 1
    blocks = _Blocks(
        c0=c0,
        c1=c1,
        s0=s0,
        s1=s1,
        dyad_c=index[comp],
        dyad_s0=index[only0],
        dyad_s1=index[only1],
        n_used=int(dyad_used.sum()),
    )
    return _Prepared(X=X, terms=terms, blocks=blocks, offset=offset, used=used, counts=counts)


def _rank_and_ols(parts: list[np.ndarray], p: int, n: int) -> tuple[int, np.ndarray]:
    """The rank of the stacked design ``[b[:, :p] for b in parts]`` (n rows) as
    ``numpy.linalg.matrix_rank`` decides it (singular values above s_max * max(n, p) * eps), and
    the least-squares coefficients of the last column on it, from the triangular factor R of a
    QR of the stacked ``[X | y]`` (the blocks' own factors stacked: the same R, one small QR
    per block): X's singular values are R[:p, :p]'s, and the coefficients solve
    R[:p, :p] b = R[:p, p]. No decomposition of the full design."""
    R = np.linalg.qr(np.vstack([np.linalg.qr(b, mode="r") for b in parts]), mode="r")
    Rx = R[:p, :p]
    sv = np.linalg.svd(Rx, compute_uv=False) if len(Rx) else np.zeros(0)
    if len(sv) < p or sv.max() == 0:
        return int(len(sv) and (sv > 0).sum()), np.zeros(p)
    rank = int((sv > sv.max() * max(n, p) * np.finfo(float).eps).sum())
    if rank < p:
        return rank, np.zeros(p)
    return rank, linalg.solve_triangular(Rx, R[:p, p])


def _start(prep: _Prepared) -> tuple[float, float]:
    b = prep.blocks
    p = b.c0.shape[1] - 1
    r0 = np.concatenate([b.c0[:, p], b.s0[:, p]])
    r1 = np.concatenate([b.c1[:, p], b.s1[:, p]])
    sd0, sd1 = r0.std() or 1.0, r1.std() or 1.0
    rho = float(np.corrcoef(b.c0[:, p], b.c1[:, p])[0, 1]) if len(b.c0) > 2 else 0.0
    return (rho if math.isfinite(rho) else 0.0, float(sd1 / sd0))


def _beta_covariance(ev: _Eval, n_obs: int, reml: bool) -> np.ndarray:
    """sigma^2 (X'V^-1X)^-1 with sigma^2 on n_obs - p degrees of freedom, also for ML fits: what
    nlme's summary.gls reports (it rescales the ML variance by N / (N - p)), so the t tests are
    the same whichever method estimated the covariance parameters."""
    p = ev.A.shape[0]
    scale = 1.0 if reml else n_obs / (n_obs - p)
    return ev.sigma2 * scale * np.linalg.inv(ev.A)


@dataclass(frozen=True)
class GlsFit:
    """A dyadic GLS fit on a design of your own (any columns, e.g. an actor effect of one
    variable and a partner effect of another)."""

    beta: np.ndarray
    se: np.ndarray
    covariance: np.ndarray
    df: int
    rho: float
    sigma: float
    sd_ratio: float
    loglik: float
    n_obs: int


def fit_dyadic_gls(
    X: np.ndarray, y: np.ndarray, *, method: str = "REML", heterogeneous: bool = False
) -> GlsFit:
    """GLS with correlated residuals within dyads on a given design.

    ``X`` is (n_dyads, 2, p) and ``y`` (n_dyads, 2) with NaN for a missing outcome. With
    ``heterogeneous`` member 1's residual SD is ``sd_ratio`` times member 0's (varIdent).

    Parameters
    ----------
    X
        (n_dyads, 2, p) design: member ``s`` of dyad ``j`` at ``X[j, s]``.
    y
        (n_dyads, 2) outcome, NaN where missing (that member's row is left out).
    method
        "REML" or "ML".
    heterogeneous
        A residual SD per member position (as ``varIdent``) instead of one.

    Returns
    -------
    GlsFit
        Coefficients, their SEs and covariance, rho, sigma, the SD ratio and the log-likelihood.

    Examples
    --------
    >>> import numpy as np
    >>> from interdep.science.apim import fit_dyadic_gls
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([np.ones((400, 2, 1)), rng.normal(size=(400, 2, 1))], axis=2)
    >>> e = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], size=400)
    >>> fit = fit_dyadic_gls(X, 1 + 2 * X[:, :, 1] + e)
    >>> round(float(fit.beta[1])), 0.3 < fit.rho < 0.7
    (2, True)
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 3 or X.shape[:2] != y.shape or y.shape[1] != 2:
        raise InputError("X must be (n_dyads, 2, p) and y (n_dyads, 2)")
    method = method.upper()
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; use REML or ML")
    terms = [Term("covariate", f"x{i}", None) for i in range(X.shape[2])]
    prep = _prepare_xy(X, y, terms)
    ev = _optimise(_stats(prep.blocks), heterogeneous, method == "REML", _start(prep))
    if not math.isfinite(ev.nll):
        raise InputError("the model could not be fitted")
    n_obs = int(prep.used.sum())
    cov = _beta_covariance(ev, n_obs, method == "REML")
    return GlsFit(
        beta=ev.beta + prep.offset,
        se=np.sqrt(np.diag(cov)),
        covariance=cov,
        df=n_obs - X.shape[2],
        rho=ev.rho,
        sigma=math.sqrt(ev.sigma2),
        sd_ratio=ev.ratio,
        loglik=-ev.nll,
        n_obs=n_obs,
    )
