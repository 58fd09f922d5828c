"""The Actor-Partner Interdependence Model (APIM; Kenny, Kashy & Cook, 2006).

Does my outcome depend on my own predictor (actor effect) and on my partner's (partner effect)?
The model is a regression on person rows whose residuals are correlated within a dyad:

* **indistinguishable** dyads (no role tells the members apart): one set of coefficients and a
  compound-symmetric residual covariance ``sigma^2 [[1, rho], [rho, 1]]``; ``rho`` is the
  partial intraclass correlation. This is ``nlme::gls(..., correlation = corCompSymm(~1|dyad))``.
* **distinguishable** dyads (a role such as wife/husband): intercept, actor and partner effects
  per role (two-intercept parametrisation, or the equivalent interaction approach with an
  effect-coded role) and residual variances per role with their correlation; this is ``gls`` with
  ``weights = varIdent(~1|role)`` as well.

Why our own engine: a dyad's covariance is a 2x2 block that is the same for every complete dyad,
so the whitened cross-products ``X'V^-1X`` are a weighted sum of five small matrices computed once
(complete dyads' member-1/member-2 products and the lone members of dyads with one outcome
missing). The likelihood, profiled over the regression coefficients and sigma, is then a function
of one (``rho``) or two (``rho`` and the role SD ratio) numbers that costs O(p^3) to evaluate
whatever the number of dyads, so 100,000 dyads fit in well under a second, and a bootstrap only
re-weights those products. Maximum likelihood and REML are both exact (no approximation).

Missing outcomes: a dyad where one member's outcome is missing keeps the other member's row, which
contributes alone with its own variance (full-information ML/REML on the available data, as
``gls(..., na.action = na.omit)``); the counts used are reported. Rows whose own or partner's
predictor is missing cannot be modelled and are counted, not hidden.

Inference follows ``summary.gls``: t statistics on the residual degrees of freedom ``n_obs - p``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from interdep.science import dyadic
from interdep.science.errors import InputError
from interdep.science.tabular import file_row, numeric_column, require_columns

METHODS = ("REML", "ML")
PARAMETRISATIONS = ("two-intercept", "interaction")
PATTERN_VALUES = {"actor-only": 0.0, "couple": 1.0, "contrast": -1.0}
DF_METHOD = "residual: n_obs - p (as nlme summary.gls)"
_RHO_BOUND = 1 - 1e-9


# ----------------------------------------------------------------------------- data


@dataclass(frozen=True)
class DyadData:
    """Dyads as aligned arrays: member ``s`` of dyad ``j`` at ``[j, s]``.

    Members are ordered by ``roles`` when given (distinguishable), else as they appeared.
    ``x`` holds each person's own predictor values (n, 2, m); the partner's are ``x[:, ::-1]``.
    """

    outcome: str
    predictors: tuple[str, ...]
    covariates: tuple[str, ...]
    dyad_ids: np.ndarray
    y: np.ndarray
    x: np.ndarray
    cov: np.ndarray
    roles: tuple[str, str] | None = None
    rows: np.ndarray | None = None

    @property
    def n_dyads(self) -> int:
        return len(self.dyad_ids)


def _strip(name: str, suffix: str) -> str:
    return name[: -len(suffix)] if name.endswith(suffix) else name


def dyads_from_table(
    frame: pd.DataFrame,
    *,
    outcome: str,
    predictors: list[str] | tuple[str, ...],
    dyad_column: str,
    covariates: list[str] | tuple[str, ...] = (),
    role_column: str | None = None,
    layout: str = "individual",
) -> DyadData:
    """Read an APIM's variables from a table in any of the three layouts.

    individual: columns as named. pairwise: ``X`` is read from ``X_A`` (own) and ``X_P``
    (partner's), the outcome from ``Y`` or ``Y_A``, a covariate from ``C`` or ``C_A``.
    dyad: ``V_<member>`` columns; the two member suffixes are taken from the outcome's columns
    and, with a role column named, they are the roles. Values are checked to be numeric on the
    table as given, so an error names the row and column the researcher sees in the file.
    """
    predictors = [p.strip() for p in predictors if p.strip()]
    covariates = [c.strip() for c in covariates if c.strip()]
    if layout not in dyadic.LAYOUTS:
        raise InputError(f"unknown layout {layout!r}; use one of: {', '.join(dyadic.LAYOUTS)}")
    if layout == "dyad":
        return _from_dyad_layout(frame, outcome, predictors, covariates, dyad_column, role_column)
    if layout == "pairwise":
        predictors = [
            _strip(_strip(p, dyadic.ACTOR_SUFFIX), dyadic.PARTNER_SUFFIX) for p in predictors
        ]
        y_col = outcome if outcome in frame.columns else outcome + dyadic.ACTOR_SUFFIX
        own = [p + dyadic.ACTOR_SUFFIX for p in predictors]
        partner = [p + dyadic.PARTNER_SUFFIX for p in predictors]
        cov_cols = [c if c in frame.columns else c + dyadic.ACTOR_SUFFIX for c in covariates]
        require_columns(frame, [y_col, *own, *partner, *cov_cols])
    else:
        y_col, own, partner, cov_cols = outcome, list(predictors), [], list(covariates)
        require_columns(frame, [y_col, *own, *cov_cols])
    pairing = dyadic.pair_rows(frame, dyad_column, role_column)
    values = {
        c: numeric_column(frame, c) for c in dict.fromkeys([y_col, *own, *partner, *cov_cols])
    }
    if layout == "pairwise":
        dyadic.check_pairwise_consistency(frame, pairing, predictors)
    r = pairing.rows
    y = values[y_col][r]
    x = np.stack([values[c][r] for c in own], axis=-1) if own else np.zeros((len(r), 2, 0))
    cov = (
        np.stack([values[c][r] for c in cov_cols], axis=-1)
        if cov_cols
        else np.zeros((len(r), 2, 0))
    )
    return DyadData(
        outcome=_strip(outcome, dyadic.ACTOR_SUFFIX) if layout == "pairwise" else outcome,
        predictors=tuple(predictors),
        covariates=tuple(_strip(c, dyadic.ACTOR_SUFFIX) for c in covariates),
        dyad_ids=pairing.dyad_ids,
        y=y,
        x=x,
        cov=cov,
        roles=pairing.roles,
        rows=np.vectorize(file_row)(r) if len(r) else r,
    )


def _from_dyad_layout(frame, outcome, predictors, covariates, dyad_column, role_column) -> DyadData:
    ids = dyadic.dyad_layout_ids(frame, dyad_column)
    suffixes = tuple(sorted(dyadic.dyad_suffixes(frame, dyad_column, required=outcome)))

    def pair(var: str, allow_shared: bool = False) -> np.ndarray:
        cols = [f"{var}_{s}" for s in suffixes]
        if allow_shared and var in frame.columns and not all(c in frame.columns for c in cols):
            v = numeric_column(frame, var)
            return np.column_stack([v, v])
        require_columns(frame, cols)
        return np.column_stack([numeric_column(frame, c) for c in cols])

    y = pair(outcome)
    x = (
        np.stack([pair(p) for p in predictors], axis=-1)
        if predictors
        else np.zeros((len(frame), 2, 0))
    )
    cov = (
        np.stack([pair(c, allow_shared=True) for c in covariates], axis=-1)
        if covariates
        else np.zeros((len(frame), 2, 0))
    )
    rows = np.repeat(np.arange(len(frame)) + 2, 2).reshape(-1, 2)
    return DyadData(
        outcome=outcome,
        predictors=tuple(predictors),
        covariates=tuple(covariates),
        dyad_ids=ids.to_numpy(dtype=object),
        y=y,
        x=x,
        cov=cov,
        roles=(suffixes[0], suffixes[1]) if role_column else None,
        rows=rows,
    )


# ----------------------------------------------------------------------------- design


@dataclass(frozen=True)
class Term:
    effect: str  # intercept | actor | partner | covariate (| role, *_x_role in the interaction approach)
    predictor: str | None
    role: str | None

    @property
    def label(self) -> str:
        what = {"intercept": "Intercept", "role": "Role"}.get(
            self.effect, self.effect.replace("_x_", " x ").capitalize()
        )
        name = f"{what} {self.predictor}" if self.predictor else what
        return f"{name} [{self.role}]" if self.role else name


def _base_terms(data: DyadData) -> list[Term]:
    return (
        [Term("intercept", None, None)]
        + [Term("actor", p, None) for p in data.predictors]
        + [Term("partner", p, None) for p in data.predictors]
        + [Term("covariate", c, None) for c in data.covariates]
    )


def _base_design(data: DyadData) -> np.ndarray:
    """(n, 2, q): intercept, own predictors, partner's predictors, covariates for each person."""
    n = data.n_dyads
    return np.concatenate([np.ones((n, 2, 1)), data.x, data.x[:, ::-1, :], data.cov], axis=2)


def _design(data: DyadData, distinguishable: bool) -> tuple[np.ndarray, list[Term]]:
    base, terms = _base_design(data), _base_terms(data)
    if not distinguishable:
        return base, terms
    n, _, q = base.shape
    X = np.zeros((n, 2, 2 * q))
    X[:, 0, 0::2] = base[:, 0]
    X[:, 1, 1::2] = base[:, 1]
    roles = data.roles or ("1", "2")
    return X, [Term(t.effect, t.predictor, role) for t in terms for role in roles]


# ----------------------------------------------------------------------------- likelihood


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
        return _evaluate(st, float(res.x), 1.0, reml)
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
        if f(candidate) > f0 + 1e-12:
            break
        v = candidate
        if np.max(np.abs(step)) < 1e-10:
            break
    return v


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Coefficient:
    term: Term
    estimate: float
    se: float
    df: float
    t: float
    p: float
    ci_low: float
    ci_high: float
    standardized: float | None


@dataclass(frozen=True)
class KRatio:
    predictor: str
    role: str | None
    estimate: float
    ci_low: float | None
    ci_high: float | None
    percentile_low: float | None
    percentile_high: float | None
    interval: str | None
    pattern: str | None


@dataclass(frozen=True)
class Distinguishability:
    lr: float
    df: int
    p: float
    loglik_indistinguishable: float
    loglik_distinguishable: float


@dataclass
class ApimResult:
    """A fitted APIM; ``to_dict`` gives the stable JSON form other tools read."""

    model: str
    method: str
    parametrisation: str | None
    outcome: str
    predictors: tuple[str, ...]
    covariates: tuple[str, ...]
    roles: tuple[str, str] | None
    n_dyads: int
    n_obs: int
    loglik: float
    rho: float
    residual_sd: float | dict[str, float]
    coefficients: list[Coefficient]
    k: list[KRatio]
    distinguishability: Distinguishability | None
    counts: dict[str, int]
    covariance: np.ndarray
    bootstrap: dict | None = None
    alpha: float = 0.05
    notes: list[str] = field(default_factory=list)

    def coefficient(
        self, effect: str, predictor: str | None = None, role: str | None = None
    ) -> Coefficient:
        for c in self.coefficients:
            if (c.term.effect, c.term.predictor, c.term.role) == (effect, predictor, role):
                return c
        raise KeyError((effect, predictor, role))

    def to_dict(self) -> dict:
        def num(v):
            return (
                None if v is None or (isinstance(v, float) and not math.isfinite(v)) else float(v)
            )

        return {
            "model": self.model,
            "method": self.method,
            "n_dyads": self.n_dyads,
            "n_obs": self.n_obs,
            "loglik": num(self.loglik),
            "rho": num(self.rho),
            "residual_sd": (
                {k: num(v) for k, v in self.residual_sd.items()}
                if isinstance(self.residual_sd, dict)
                else num(self.residual_sd)
            ),
            "coefficients": [
                {
                    "effect": c.term.effect,
                    "predictor": c.term.predictor,
                    "role": c.term.role,
                    "estimate": num(c.estimate),
                    "se": num(c.se),
                    "df": num(c.df),
                    "ci_low": num(c.ci_low),
                    "ci_high": num(c.ci_high),
                    "p": num(c.p),
                    "t": num(c.t),
                    "standardized": num(c.standardized),
                }
                for c in self.coefficients
            ],
            "k": [
                {
                    "predictor": k.predictor,
                    "role": k.role,
                    "estimate": num(k.estimate),
                    "ci_low": num(k.ci_low),
                    "ci_high": num(k.ci_high),
                    "pattern": k.pattern,
                    "interval": k.interval,
                    "percentile_low": num(k.percentile_low),
                    "percentile_high": num(k.percentile_high),
                }
                for k in self.k
            ],
            "distinguishability": (
                None
                if self.distinguishability is None
                else {
                    "lr": num(self.distinguishability.lr),
                    "df": self.distinguishability.df,
                    "p": num(self.distinguishability.p),
                }
            ),
            "outcome": self.outcome,
            "predictors": list(self.predictors),
            "covariates": list(self.covariates),
            "roles": list(self.roles) if self.roles else None,
            "parametrisation": self.parametrisation,
            "df_method": DF_METHOD,
            "ci_level": 1 - self.alpha,
            "counts": dict(self.counts),
            "bootstrap": self.bootstrap,
        }


# ----------------------------------------------------------------------------- fitting


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
    # Centre the outcome on an OLS fit so that the residual sum of squares is computed from
    # small numbers (no cancellation), then add the OLS coefficients back.
    Xu, yu = X[used], y[used]
    offset, *_ = np.linalg.lstsq(Xu, yu, rcond=None)
    rank = np.linalg.matrix_rank(Xu)
    if rank < p:
        names = ", ".join(t.label for t in terms)
        raise InputError(f"the predictors are collinear (rank {rank} < {p} coefficients: {names})")
    Z = np.concatenate([X, (y - X @ offset)[..., None]], axis=2)
    Z = np.where(used[..., None], Z, 0.0)
    dyad_used = used.any(axis=1)
    index = np.cumsum(dyad_used) - 1
    comp = used[:, 0] & used[:, 1]
    only0 = used[:, 0] & ~used[:, 1]
    only1 = used[:, 1] & ~used[:, 0]
    blocks = _Blocks(
        c0=Z[comp, 0],
        c1=Z[comp, 1],
        s0=Z[only0, 0],
        s1=Z[only1, 1],
        dyad_c=index[comp],
        dyad_s0=index[only0],
        dyad_s1=index[only1],
        n_used=int(dyad_used.sum()),
    )
    return _Prepared(X=X, terms=terms, blocks=blocks, offset=offset, used=used, counts=counts)


def _start(prep: _Prepared) -> tuple[float, float]:
    b = prep.blocks
    p = b.c0.shape[1] - 1
    r0 = np.concatenate([b.c0[:, p], b.s0[:, p]])
    r1 = np.concatenate([b.c1[:, p], b.s1[:, p]])
    sd0, sd1 = r0.std() or 1.0, r1.std() or 1.0
    rho = float(np.corrcoef(b.c0[:, p], b.c1[:, p])[0, 1]) if len(b.c0) > 2 else 0.0
    return (rho if math.isfinite(rho) else 0.0, float(sd1 / sd0))


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
    z0 = stats.norm.ppf(below)
    d = jack.mean() - jack
    denom = 6.0 * (np.sum(d**2) ** 1.5)
    a = float(np.sum(d**3) / denom) if denom > 0 else 0.0
    out = []
    for q in (alpha / 2, 1 - alpha / 2):
        zq = stats.norm.ppf(q)
        adj = stats.norm.cdf(z0 + (z0 + zq) / (1 - a * (z0 + zq)))
        out.append(float(np.quantile(boot, adj)))
    return (out[0], out[1])


def _resampled_k(prep, data, distinguishable, reml, start, weights) -> np.ndarray:
    st = _stats(prep.blocks, weights)
    ev = _optimise(st, distinguishable, reml, start, precise=False)
    if not np.all(np.isfinite(ev.beta)):
        return np.full(len(data.predictors) * (2 if distinguishable else 1), np.nan)
    return np.array([v for *_, v in _k_values(ev.beta + prep.offset, prep.terms, data)])


def _bootstrap_k(
    prep, data, distinguishable, reml, start, replicates, seed, jackknife_groups, progress
):
    rng = np.random.default_rng(seed)
    n = prep.blocks.n_used
    boot = np.empty((replicates, len(data.predictors) * (2 if distinguishable else 1)))
    for b in range(replicates):
        weights = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
        boot[b] = _resampled_k(prep, data, distinguishable, reml, start, weights)
        if progress is not None:
            progress(1)
    # jackknife (leave one dyad out; grouped for large samples) for the BCa acceleration
    groups = np.arange(n) if n <= jackknife_groups else rng.permutation(n) % jackknife_groups
    g = int(groups.max()) + 1
    jack = np.empty((g, boot.shape[1]))
    for i in range(g):
        weights = (groups != i).astype(float)
        jack[i] = _resampled_k(prep, data, distinguishable, reml, start, weights)
    return boot, jack, g


def fit_apim(
    data: DyadData,
    *,
    distinguishable: bool | None = None,
    method: str = "REML",
    parametrisation: str = "two-intercept",
    bootstrap: int = 0,
    seed: int | None = None,
    alpha: float = 0.05,
    jackknife_groups: int = 1000,
    distinguishability_test: bool = True,
    progress=None,
) -> ApimResult:
    """Fit an APIM by GLS (ML or REML) with the dyad's residual covariance estimated.

    Parameters
    ----------
    distinguishable
        Role-specific effects and variances; default: when ``data.roles`` is set.
    method
        "REML" (nlme's default) or "ML" (needed to compare models with different fixed effects).
    parametrisation
        Distinguishable dyads only: "two-intercept" (each role its own intercept, actor and
        partner effects) or "interaction" (average effect plus effect x role with the role coded
        -1 for the first and +1 for the second label); the same model, reparametrised.
    bootstrap
        Number of dyad-resampling replicates for the interval of k (0: no interval).
    """
    method = method.upper()
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; use REML or ML")
    if parametrisation not in PARAMETRISATIONS:
        raise InputError(
            f"unknown parametrisation {parametrisation!r}; use {' or '.join(PARAMETRISATIONS)}"
        )
    if distinguishable is None:
        distinguishable = data.roles is not None
    if distinguishable and data.roles is None:
        raise InputError("distinguishable dyads need a role column with two labels")
    reml = method == "REML"
    prep = _prepare(data, distinguishable)
    st = _stats(prep.blocks)
    start = _start(prep)
    ev = _optimise(st, distinguishable, reml, start)
    if not math.isfinite(ev.nll):
        raise InputError("the model could not be fitted (degenerate data: no residual variation?)")
    beta = ev.beta + prep.offset
    n_obs = int(prep.used.sum())
    p = len(beta)
    df = n_obs - p
    cov = _beta_covariance(ev, n_obs, reml)
    terms = prep.terms
    std = _standardizers(data, prep, terms)
    loglik = -ev.nll
    coefs = _coefficients(beta, cov, terms, df, alpha, std)

    ks: list[KRatio] = []
    boot_info = None
    point_k = _k_values(beta, terms, data)
    boot = jack = None
    if bootstrap > 0:
        boot, jack, groups = _bootstrap_k(
            prep,
            data,
            distinguishable,
            reml,
            (ev.rho, ev.ratio),
            bootstrap,
            seed,
            jackknife_groups,
            progress,
        )
        boot_info = {
            "replicates": int(bootstrap),
            "seed": seed,
            "resampled": "dyads",
            "failed": int((~np.isfinite(boot)).any(axis=1).sum()),
            "interval": "BCa",
            "jackknife_groups": int(groups),
        }
    by_term = {(c.term.effect, c.term.predictor, c.term.role): c for c in coefs}
    for i, (pred, role, kv) in enumerate(point_k):
        lo = hi = plo = phi = None
        kind = None
        if boot is not None:
            col = boot[:, i]
            finite = col[np.isfinite(col)]
            if len(finite) >= 10:
                plo, phi = (float(v) for v in np.quantile(finite, [alpha / 2, 1 - alpha / 2]))
                lo, hi = _bca(col, kv, jack[:, i], alpha)
                kind = "BCa"
                if not (math.isfinite(lo) and math.isfinite(hi)):
                    lo, hi, kind = plo, phi, "percentile"
        pattern = _pattern(lo, hi, by_term[("actor", pred, role)], by_term[("partner", pred, role)])
        ks.append(
            KRatio(pred, role, kv, lo, hi, plo, phi, kind, pattern if boot is not None else None)
        )

    if distinguishable and parametrisation == "interaction":
        beta, cov, terms, log_det = _to_interaction(beta, cov, terms, data.roles)
        if reml:
            # the REML likelihood carries -1/2 log|X'V^-1 X|, which a reparametrisation X -> X T^-1
            # shifts by log|det T| (nlme reports it for the design it was given)
            loglik += log_det
        coefs = _coefficients(beta, cov, terms, df, alpha, _standardizers(data, prep, terms))

    test = None
    if distinguishable and distinguishability_test:
        test = distinguishability(data, prep_dist=prep)
    residual_sd: float | dict[str, float]
    if distinguishable:
        roles = data.roles
        residual_sd = {roles[0]: math.sqrt(ev.sigma2), roles[1]: math.sqrt(ev.sigma2) * ev.ratio}
    else:
        residual_sd = math.sqrt(ev.sigma2)
    return ApimResult(
        model="distinguishable" if distinguishable else "indistinguishable",
        method=method,
        parametrisation=parametrisation if distinguishable else None,
        outcome=data.outcome,
        predictors=data.predictors,
        covariates=data.covariates,
        roles=data.roles if distinguishable else None,
        n_dyads=prep.blocks.n_used,
        n_obs=n_obs,
        loglik=loglik,
        rho=ev.rho,
        residual_sd=residual_sd,
        coefficients=coefs,
        k=ks,
        distinguishability=test,
        counts=prep.counts,
        covariance=cov,
        bootstrap=boot_info,
        alpha=alpha,
    )


def _beta_covariance(ev: _Eval, n_obs: int, reml: bool) -> np.ndarray:
    """sigma^2 (X'V^-1X)^-1 with sigma^2 on n_obs - p degrees of freedom, also for ML fits: what
    nlme's summary.gls reports (it rescales the ML variance by N / (N - p)), so the t tests are
    the same whichever method estimated the covariance parameters."""
    p = ev.A.shape[0]
    scale = 1.0 if reml else n_obs / (n_obs - p)
    return ev.sigma2 * scale * np.linalg.inv(ev.A)


def _coefficients(beta, cov, terms, df, alpha, std) -> list[Coefficient]:
    se = np.sqrt(np.diag(cov))
    tq = stats.t.ppf(1 - alpha / 2, df)
    out = []
    for i, term in enumerate(terms):
        t = beta[i] / se[i] if se[i] > 0 else math.nan
        out.append(
            Coefficient(
                term=term,
                estimate=float(beta[i]),
                se=float(se[i]),
                df=float(df),
                t=float(t),
                p=float(2 * stats.t.sf(abs(t), df)),
                ci_low=float(beta[i] - tq * se[i]),
                ci_high=float(beta[i] + tq * se[i]),
                standardized=None if std[i] is None else float(beta[i] * std[i]),
            )
        )
    return out


def _standardizers(data: DyadData, prep: _Prepared, terms: list[Term]) -> list[float | None]:
    """Factor sd(x)/sd(y) turning a coefficient into a standardized one.

    SDs over the persons used in the fit; with roles, over the persons of the coefficient's role
    (the outcome's role). By-role contrasts of the interaction approach are not standardized.
    """
    base = _base_design(data)
    base_terms = _base_terms(data)
    col = {(t.effect, t.predictor): i for i, t in enumerate(base_terms)}
    used = prep.used
    roles = data.roles or ("1", "2")
    out: list[float | None] = []
    for t in terms:
        if t.effect not in ("actor", "partner", "covariate"):
            out.append(None)
            continue
        mask = used.copy()
        if t.role is not None:
            s = roles.index(t.role)
            mask[:, 1 - s] = False
        xs = base[:, :, col[(t.effect, t.predictor)]][mask]
        ys = data.y[mask]
        sy = np.std(ys, ddof=1) if len(ys) > 1 else math.nan
        out.append(float(np.std(xs, ddof=1) / sy) if sy > 0 else None)
    return out


def _to_interaction(beta, cov, terms, roles):
    """Two-intercept -> interaction approach: mean of the two roles' coefficients and half their
    difference (role coded -1 for roles[0], +1 for roles[1])."""
    p = len(beta)
    T = np.zeros((p, p))
    new_terms: list[Term] = []
    for j in range(0, p, 2):
        T[j, j] = T[j, j + 1] = 0.5
        T[j + 1, j] = -0.5
        T[j + 1, j + 1] = 0.5
        t = terms[j]
        new_terms.append(Term(t.effect, t.predictor, None))
        by_role = "role" if t.effect == "intercept" else f"{t.effect}_x_role"
        new_terms.append(Term(by_role, t.predictor, roles[1]))
    return T @ beta, T @ cov @ T.T, new_terms, float(np.linalg.slogdet(T)[1])


def distinguishability(data: DyadData, prep_dist: _Prepared | None = None) -> Distinguishability:
    """Likelihood-ratio test (ML fits) of indistinguishable against distinguishable dyads.

    The indistinguishable model constrains the roles' intercepts, actor, partner and covariate
    effects to be equal and their residual variances too; df = (number of those constraints) + 1.
    """
    if data.roles is None:
        raise InputError("the test of distinguishability needs a role column")
    prep_d = prep_dist or _prepare(data, True)
    prep_i = _prepare(data, False)
    if not np.array_equal(prep_d.used, prep_i.used):  # pragma: no cover - same rows by design
        raise InputError("the two models use different rows")
    ev_d = _optimise(_stats(prep_d.blocks), True, False, _start(prep_d))
    ev_i = _optimise(_stats(prep_i.blocks), False, False, None)
    lr = max(2 * (ev_i.nll - ev_d.nll), 0.0)
    df = prep_d.X.shape[2] - prep_i.X.shape[2] + 1
    return Distinguishability(lr, df, float(stats.chi2.sf(lr, df)), -ev_i.nll, -ev_d.nll)


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


# ----------------------------------------------------------------------------- simulation


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
