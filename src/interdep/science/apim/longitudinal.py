"""The longitudinal APIM, the stability-and-influence model and the dyadic growth curve.

All three are linear mixed models for diary dyads: fixed effects (actor and partner effects of
concurrent or lagged predictors, or role-specific intercepts and time slopes), random effects per
dyad with an unstructured covariance, and residuals that correlate between the partners at the
same occasion with a residual SD per role. This is

``nlme::lme(fixed, random = ~ ... | dyad, correlation = corCompSymm(form = ~1 | dyad/occasion),
weights = varIdent(form = ~1 | role))``

fitted by the exact block likelihood in ``mixed``; t tests use Satterthwaite degrees of freedom
(as SAS PROC MIXED and lmerTest) unless the residual df of nlme's summary is asked for.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
from scipy import stats
from threadpoolctl import threadpool_limits

from interdep.lib.numbers import finite_or_none
from interdep.science.apim import mixed
from interdep.science.apim.design import Term
from interdep.science.apim.diary import DiaryData
from interdep.science.errors import InputError

MODELS = ("apim", "growth")
RANDOM_TOKENS = ("intercept", "role-intercepts", "actor", "partner", "role-time", "time")
DF_METHODS = ("satterthwaite", "kenward-roger", "residual")


@dataclass
class Spec:
    model: str
    parametrisation: str
    random: tuple[str, ...]
    method: str
    distinguishable: bool
    correlated: bool
    by_role: bool
    residual: str = "cs"


RESIDUALS = ("cs", "ar1", "independent")


def _role_label(data: DiaryData, s: int) -> str:
    return data.roles[s] if data.roles else ("1", "2")[s]


def fixed_design(data: DiaryData, spec: Spec) -> tuple[np.ndarray, list[Term]]:
    """The fixed-effect columns and their terms (names follow the cross-sectional APIM)."""
    n = data.n_obs
    m = data.member
    base: list[tuple[str, str | None, np.ndarray]] = [("intercept", None, np.ones(n))]
    if spec.model == "apim":
        for j, pred in enumerate(data.predictors):
            base.append(("actor", pred, data.own[:, j]))
        for j, pred in enumerate(data.predictors):
            base.append(("partner", pred, data.partner[:, j]))
    else:
        base.append(("time", None, data.slope))
    covs = [("covariate", c, data.cov[:, j]) for j, c in enumerate(data.covariates)]
    cols: list[np.ndarray] = []
    terms: list[Term] = []
    if not spec.distinguishable:
        for effect, pred, col in base + covs:
            cols.append(col)
            terms.append(Term(effect, pred, None))
    elif spec.parametrisation == "two-intercept":
        for effect, pred, col in base:
            for s in (0, 1):
                cols.append(col * (m == s))
                terms.append(Term(effect, pred, _role_label(data, s)))
        for effect, pred, col in covs:
            cols.append(col)
            terms.append(Term(effect, pred, None))
    else:
        code = np.where(m == 1, 1.0, -1.0)
        for effect, pred, col in base:
            cols.append(col)
            terms.append(Term(effect, pred, None))
        for effect, pred, col in base:
            cols.append(col * code)
            name = "role" if effect == "intercept" else f"{effect}_x_role"
            terms.append(Term(name, pred, _role_label(data, 1)))
        for effect, pred, col in covs:
            cols.append(col)
            terms.append(Term(effect, pred, None))
    return np.column_stack(cols), terms


def random_design(data: DiaryData, tokens: tuple[str, ...]) -> tuple[np.ndarray, list[str]]:
    """The random-effect columns: per-dyad intercept(s), actor/partner slopes, time slopes."""
    cols: list[np.ndarray] = []
    names: list[str] = []
    m = data.member
    for token in tokens:
        if token == "intercept":
            cols.append(np.ones(data.n_obs))
            names.append("intercept")
        elif token == "role-intercepts":
            for s in (0, 1):
                cols.append((m == s).astype(float))
                names.append(f"intercept [{_role_label(data, s)}]")
        elif token == "actor":
            for j, pred in enumerate(data.predictors):
                cols.append(data.own[:, j])
                names.append(f"actor {pred}")
        elif token == "partner":
            for j, pred in enumerate(data.predictors):
                cols.append(data.partner[:, j])
                names.append(f"partner {pred}")
        elif token == "role-time":
            for s in (0, 1):
                cols.append(data.slope * (m == s))
                names.append(f"time [{_role_label(data, s)}]")
        elif token == "time":
            cols.append(data.slope)
            names.append("time")
        else:
            raise InputError(
                f"unknown random effect {token!r}; use any of: {', '.join(RANDOM_TOKENS)}"
            )
    if not cols:
        return np.zeros((data.n_obs, 0)), []
    return np.column_stack(cols), names


@dataclass(frozen=True)
class DiaryCoefficient:
    term: Term
    estimate: float
    se: float
    df: float
    t: float
    p: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Contrast:
    """A linear combination of the fixed effects with its test."""

    name: str
    estimate: float
    se: float
    df: float
    t: float
    p: float
    ci_low: float
    ci_high: float


@dataclass
class DiaryResult:
    model: str
    method: str
    parametrisation: str | None
    outcome: str
    predictors: tuple[str, ...]
    roles: tuple[str, str] | None
    lag: int
    loglik: float
    aic: float
    bic: float
    rho: float | None
    rho_ci: tuple[float, float] | None
    ratio: float
    residual_sd: dict[str, float]
    coefficients: list[DiaryCoefficient]
    covariance: np.ndarray
    random_names: list[str]
    random_sd: np.ndarray
    random_corr: np.ndarray
    n_obs: int
    n_persons: int
    n_dyads: int
    counts: dict[str, int]
    df_method: str
    contrasts: list[Contrast]
    k: list[dict]
    pseudo_r2: float | None
    nlme_call: str
    converged: bool
    warnings: list[str] = field(default_factory=list)
    alpha: float = 0.05
    residual: str = "cs"
    phi: float | None = None
    phi_ci: tuple[float, float] | None = None

    def coefficient(
        self, effect: str, predictor: str | None = None, role: str | None = None
    ) -> DiaryCoefficient:
        for c in self.coefficients:
            if (c.term.effect, c.term.predictor, c.term.role) == (effect, predictor, role):
                return c
        raise KeyError((effect, predictor, role))

    def to_dict(self) -> dict:
        num = finite_or_none

        def row(c):
            return {
                "estimate": num(c.estimate),
                "se": num(c.se),
                "df": num(c.df),
                "t": num(c.t),
                "p": num(c.p),
                "ci_low": num(c.ci_low),
                "ci_high": num(c.ci_high),
            }

        q = len(self.random_names)
        return {
            "model": self.model,
            "method": self.method,
            "parametrisation": self.parametrisation,
            "outcome": self.outcome,
            "predictors": list(self.predictors),
            "roles": list(self.roles) if self.roles else None,
            "lag": self.lag,
            "loglik": num(self.loglik),
            "aic": num(self.aic),
            "bic": num(self.bic),
            "rho": num(self.rho),
            "rho_ci": [num(v) for v in self.rho_ci] if self.rho_ci else None,
            "residual": self.residual,
            "phi": num(self.phi),
            "phi_ci": [num(v) for v in self.phi_ci] if self.phi_ci else None,
            "variance_ratio": num(self.ratio),
            "residual_sd": {k: num(v) for k, v in self.residual_sd.items()},
            "coefficients": [
                {
                    "effect": c.term.effect,
                    "predictor": c.term.predictor,
                    "role": c.term.role,
                    **row(c),
                }
                for c in self.coefficients
            ],
            "covariance": {
                "terms": [c.term.label for c in self.coefficients],
                "matrix": [[num(v) for v in r] for r in self.covariance],
            },
            "random_effects": {
                "terms": list(self.random_names),
                "sd": {n: num(self.random_sd[i]) for i, n in enumerate(self.random_names)},
                "corr": [[num(self.random_corr[i, j]) for j in range(q)] for i in range(q)],
            },
            "contrasts": [{"name": c.name, **row(c)} for c in self.contrasts],
            "k": self.k,
            "pseudo_r2": num(self.pseudo_r2),
            "n_obs": self.n_obs,
            "n_persons": self.n_persons,
            "n_dyads": self.n_dyads,
            "counts": dict(self.counts),
            "df_method": self.df_method,
            "ci_level": 1 - self.alpha,
            "converged": self.converged,
            "warnings": list(self.warnings),
            "nlme_call": self.nlme_call,
        }


def _spec_tokens(random: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    if isinstance(random, str):
        random = random.split(",")
    tokens = tuple(t.strip().lower() for t in random if t.strip())
    for t in tokens:
        if t not in RANDOM_TOKENS:
            raise InputError(f"unknown random effect {t!r}; use any of: {', '.join(RANDOM_TOKENS)}")
    if len(set(tokens)) != len(tokens):
        raise InputError("a random effect is named twice")
    return tokens


def fit_diary(data: DiaryData, **options) -> DiaryResult:
    """Fit a longitudinal APIM, stability-and-influence model or dyadic growth curve.

    The many tiny per-dyad matrix products run single-threaded: BLAS threads only add overhead
    at that size (a fit took 15 times longer with them on a busy two-core machine).

    Parameters
    ----------
    data
        Diary rows from ``diary_from_table`` (lagged predictors there for stability/influence).
    **options
        See ``_fit_diary``: model, parametrisation, random, method, distinguishable, residual,
        df_method, alpha, pseudo_r2.

    Returns
    -------
    DiaryResult
        The fitted model.

    Examples
    --------
    >>> from interdep.science.apim.diary import diary_from_table
    >>> from interdep.science.apim.longitudinal import fit_diary
    >>> from interdep.science.apim.simulate_diary import simulate_diary
    >>> frame = simulate_diary(60, 10, seed=1)
    >>> data = diary_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad",
    ...                         role_column="role", time_column="day")
    >>> result = fit_diary(data, random="role-intercepts")
    >>> round(result.coefficient("actor", "x", "W").estimate, 1)
    0.3
    """
    with threadpool_limits(1, user_api="blas"):
        return _fit_diary(data, **options)


def _fit_diary(
    data: DiaryData,
    *,
    model: str = "apim",
    parametrisation: str = "two-intercept",
    random: str | tuple[str, ...] | None = None,
    method: str = "REML",
    distinguishable: bool | None = None,
    residual: str = "cs",
    equal_variances: bool = False,
    df_method: str = "satterthwaite",
    alpha: float = 0.05,
    pseudo_r2: bool = True,
    contrasts: tuple[str, ...] = (),
) -> DiaryResult:
    """Fit a longitudinal APIM, stability-and-influence model or dyadic growth curve.

    Parameters
    ----------
    data
        Diary rows from ``diary_from_table`` (lagged predictors there for stability/influence).
    model
        "apim" (actor and partner effects of the predictors) or "growth" (intercepts and slopes
        of the slope column).
    parametrisation
        "two-intercept" (every effect per role) or "interaction" (average effect and effect x
        role, role coded -1 for the first label and +1 for the second).
    random
        Comma-separated random effects per dyad: ``intercept``, ``role-intercepts``,
        ``actor``, ``partner``, ``role-time``, ``time``. Default: role intercepts with actor
        and partner slopes (apim) or role intercepts and role time slopes (growth); one
        intercept for indistinguishable dyads.
    method
        "REML" (default) or "ML".
    distinguishable
        Role-specific effects and residual SDs; default: when the data have roles.
    residual
        "cs" (the partners' residuals correlate within an occasion), "ar1" (each person's
        residuals correlate phi^d across occasions d time units apart, nlme's
        ``corAR1(form = ~ time | dyad/role)``; the time column must hold whole numbers) or
        "independent".
    equal_variances
        One residual SD for both roles (no ``varIdent``), also with distinguishable dyads.
    df_method
        "satterthwaite" (default), "kenward-roger" (REML only: the adjusted covariance and its
        df) or "residual" (n_obs - p, as nlme's gls).
    alpha
        1 - the confidence level.
    pseudo_r2
        Also fit the model without predictors for the pseudo R-squared of the residual variance.
    contrasts
        Linear combinations to test, written with the coefficients' labels, e.g.
        ``"Actor conflict [M] - Actor conflict [F]"`` or ``"0.5*Time [F] + 0.5*Time [M]"``.

    Returns
    -------
    DiaryResult
        Fixed effects with SE, df, t, p and CI, random-effect SDs and correlations, rho, the
        residual SD per role, logLik/AIC/BIC, tests of sums, differences and k, and the nlme call.

    Examples
    --------
    >>> from interdep.science.apim.diary import diary_from_table
    >>> from interdep.science.apim.longitudinal import fit_diary
    >>> from interdep.science.apim.simulate_diary import simulate_diary
    >>> frame = simulate_diary(60, 10, seed=1)
    >>> data = diary_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad",
    ...                         role_column="role", time_column="day")
    >>> result = fit_diary(data, random="role-intercepts")
    >>> round(result.coefficient("actor", "x", "W").estimate, 1)
    0.3
    """
    method = method.upper()
    if method not in ("REML", "ML"):
        raise InputError(f"unknown method {method!r}; use REML or ML")
    if model not in MODELS:
        raise InputError(f"unknown model {model!r}; use apim or growth")
    if parametrisation not in ("two-intercept", "interaction"):
        raise InputError("the parametrisation is two-intercept or interaction")
    if residual not in RESIDUALS:
        raise InputError(f"the residual structure is one of: {', '.join(RESIDUALS)}")
    if df_method not in DF_METHODS:
        raise InputError(f"unknown df method {df_method!r}; use {' or '.join(DF_METHODS)}")
    if distinguishable is None:
        distinguishable = data.roles is not None
    if distinguishable and data.roles is None:
        raise InputError("distinguishable dyads need a role column with two labels")
    if model == "apim" and not data.predictors:
        raise InputError("the APIM needs at least one predictor (--x)")
    if random is None:
        if not distinguishable:
            random = ("intercept",)
        elif model == "apim":
            random = ("role-intercepts", "actor", "partner")
        else:
            random = ("role-intercepts", "role-time")
    tokens = _spec_tokens(random)
    if not distinguishable and any(t.startswith("role") for t in tokens):
        raise InputError("role-specific random effects need distinguishable dyads (a role column)")
    spec = Spec(
        model=model,
        parametrisation=parametrisation if distinguishable else "one-intercept",
        random=tokens,
        method=method,
        distinguishable=distinguishable,
        correlated=residual != "independent",
        by_role=distinguishable and not equal_variances,
        residual=residual,
    )
    X, terms = fixed_design(data, spec)
    Z, z_names = random_design(data, tokens)
    rank = np.linalg.matrix_rank(X)
    if rank < X.shape[1]:
        names = ", ".join(t.label for t in terms)
        raise InputError(f"the fixed effects are collinear (rank {rank} < {X.shape[1]}: {names})")
    reml = method == "REML"
    bd = _blocks(data, spec, X, Z)
    st = _structure(spec, Z.shape[1])
    warnings: list[str] = []
    if spec.correlated and bd.n_c == 0:
        raise InputError(
            "no person has two consecutive observations: the autocorrelation is not identified "
            "(use --residual cs or independent)"
            if spec.residual == "ar1"
            else "no occasion has both partners' rows: the residual correlation is not "
            "identified (use --residual independent)"
        )
    fit = mixed.fit(bd, st, reml)
    ev = fit.evaluation
    if not math.isfinite(ev.deviance):
        raise InputError("the model could not be fitted (degenerate data: no residual variation?)")
    if not fit.converged:
        warnings.append(
            f"the optimiser did not converge ({fit.message}); treat the estimates with caution"
        )
    n, p = bd.n_obs, bd.p
    # nlme reports the fixed effects' covariance with sigma^2 on n - p df also for ML fits
    scale = 1.0 if reml else n / (n - p)
    cov = ev.sigma2 * scale * np.linalg.inv(ev.xtvx)
    se = np.sqrt(np.diag(cov))
    acov = mixed.parameter_covariance(bd, st, fit.w, reml)
    if acov is None:
        warnings.append(
            "the covariance parameters' information matrix is singular (a boundary estimate?): "
            "no Satterthwaite df and no interval for rho"
        )
    if df_method == "kenward-roger" and not reml:
        raise InputError("Kenward-Roger is defined for REML fits; use --method reml")
    if df_method == "kenward-roger" and spec.residual == "ar1":
        raise InputError(
            "Kenward-Roger needs a residual covariance linear in its parameters; with "
            "--residual ar1 use --df satterthwaite"
        )

    def dfs_for(Lm: np.ndarray) -> np.ndarray:
        if df_method == "satterthwaite":
            return mixed.satterthwaite(bd, st, fit.w, reml, Lm, acov)
        if df_method == "kenward-roger":
            return mixed.kenward_roger(data.dyad, data.occasion, data.member, X, Z, st, fit.w, Lm)[
                2
            ]
        return np.full(len(Lm), float(n - p))

    if df_method == "kenward-roger":
        # the adjusted covariance of the fixed effects replaces the plug-in one
        cov = mixed.kenward_roger(
            data.dyad, data.occasion, data.member, X, Z, st, fit.w, np.eye(p)
        )[0]
        se = np.sqrt(np.diag(cov))
    dfs = dfs_for(np.eye(p))
    df_text = {
        "satterthwaite": "Satterthwaite (as SAS PROC MIXED ddfm=satterthwaite and lmerTest)",
        "kenward-roger": "Kenward-Roger, with the adjusted covariance (as SAS ddfm=kr and pbkrtest)",
        "residual": "residual: n_obs - p",
    }[df_method]
    coefs = [_row(terms[i].label, beta_i, se[i], dfs[i], alpha) for i, beta_i in enumerate(ev.beta)]
    coefficients = [
        DiaryCoefficient(terms[i], *(getattr(c, f) for f in _FIELDS)) for i, c in enumerate(coefs)
    ]
    G = ev.sigma2 * ev.L @ ev.L.T
    sd = np.sqrt(np.clip(np.diag(G), 0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = G / np.outer(sd, sd)
    n_cov = st.size + 1
    loglik = -ev.deviance / 2
    k_par = p + n_cov
    aic = -2 * loglik + 2 * k_par
    bic = -2 * loglik + k_par * math.log(n - p if reml else n)
    roles = data.roles or ("1", "2")
    sigma = math.sqrt(ev.sigma2)
    residual_sd = {roles[0]: sigma, roles[1]: sigma * ev.ratio} if spec.by_role else {"all": sigma}
    # the covariance of the covariance parameters (for rho's interval) and the contrasts
    rho_ci = None
    if spec.correlated and acov is not None:
        i = st.n_theta
        z = stats.norm.ppf(1 - alpha / 2)
        s = math.sqrt(max(acov[i, i], 0.0))
        a = fit.v[i]
        rho_ci = (math.tanh(a - z * s), math.tanh(a + z * s))
    ar1 = spec.residual == "ar1"
    requested = [(text, parse_contrast(text, terms)) for text in contrasts]
    tests, ks = _tests(data, spec, terms, ev.beta, cov, alpha, dfs_for)
    if requested:
        Lm = np.array([lvec for _, lvec in requested])
        for (text, lvec), df in zip(requested, dfs_for(Lm), strict=True):
            est, se_c = float(lvec @ ev.beta), math.sqrt(float(lvec @ cov @ lvec))
            tests.append(_row(text, est, se_c, df, alpha))
    warnings += _boundary_warnings(ev, sd, corr, z_names, sigma, ar1)
    r2 = None
    if pseudo_r2 and (model == "apim" or data.covariates):
        r2 = _pseudo_r2(data, spec, bd, st, Z, reml, ev.sigma2)
    return DiaryResult(
        model=("stability-influence" if data.lag else "longitudinal APIM")
        if model == "apim"
        else "growth curve",
        method=method,
        parametrisation=spec.parametrisation,
        outcome=data.outcome,
        predictors=data.predictors,
        roles=data.roles if distinguishable else None,
        lag=data.lag,
        loglik=loglik,
        aic=aic,
        bic=bic,
        rho=None if ar1 else ev.rho,
        rho_ci=None if ar1 else rho_ci,
        ratio=ev.ratio,
        residual_sd=residual_sd,
        coefficients=coefficients,
        covariance=cov,
        random_names=z_names,
        random_sd=sd,
        random_corr=corr,
        n_obs=n,
        n_persons=data.n_persons,
        n_dyads=data.n_dyads,
        counts=data.counts,
        df_method=df_text,
        contrasts=tests,
        k=ks,
        pseudo_r2=r2,
        nlme_call=nlme_call(data, spec, terms, z_names, method),
        converged=fit.converged,
        warnings=warnings,
        alpha=alpha,
        residual=spec.residual,
        phi=ev.rho if ar1 else None,
        phi_ci=rho_ci if ar1 else None,
    )


def _structure(spec: Spec, q: int) -> mixed.Structure:
    return mixed.Structure(
        q=q, correlated=spec.correlated, by_role=spec.by_role, ar1=spec.residual == "ar1"
    )


def _blocks(data: DiaryData, spec: Spec, X: np.ndarray, Z: np.ndarray) -> mixed.BlockData:
    """The model's dyad blocks: same-occasion pairs (cs, independent) or each person's
    consecutive observations (ar1, on the time column's whole numbers)."""
    if spec.residual != "ar1":
        return mixed.block_data(data.dyad, data.occasion, data.member, X, Z, data.y)
    whole = np.round(data.time)
    if not np.allclose(data.time, whole, rtol=0, atol=1e-9):
        i = int(np.flatnonzero(np.abs(data.time - whole) > 1e-9)[0])
        raise InputError(
            "AR(1) residuals need whole-number occasions (days, weeks); this one is not",
            row=int(data.rows[i]),
            column=data.column_names.get("time") or None,
        )
    return mixed.block_data_ar1(data.dyad, whole.astype(np.int64), data.member, X, Z, data.y)


_FIELDS = ("estimate", "se", "df", "t", "p", "ci_low", "ci_high")


def _row(name: str, est: float, se: float, df: float, alpha: float) -> Contrast:
    t = est / se if se > 0 else math.nan
    tq = stats.t.ppf(1 - alpha / 2, df)
    return Contrast(
        name=name,
        estimate=float(est),
        se=float(se),
        df=float(df),
        t=float(t),
        p=float(2 * stats.t.sf(abs(t), df)),
        ci_low=float(est - tq * se),
        ci_high=float(est + tq * se),
    )


def _effect_vector(terms: list[Term], effect: str, pred: str | None, role: str | None, data):
    """The combination of coefficients that is ``effect`` of ``pred`` for ``role`` (or the
    average effect when ``role`` is None), whatever the parametrisation."""
    index = {(t.effect, t.predictor, t.role): i for i, t in enumerate(terms)}
    lvec = np.zeros(len(terms))
    if (effect, pred, role) in index:
        lvec[index[(effect, pred, role)]] = 1.0
        return lvec
    if role is not None and (effect, pred, None) in index:  # interaction parametrisation
        lvec[index[(effect, pred, None)]] = 1.0
        code = 1.0 if role == data.roles[1] else -1.0
        by_role = "role" if effect == "intercept" else f"{effect}_x_role"
        lvec[index[(by_role, pred, data.roles[1])]] = code
        return lvec
    if role is None:  # average over roles, two-intercept parametrisation
        for r in data.roles:
            lvec[index[(effect, pred, r)]] = 0.5
        return lvec
    raise KeyError((effect, pred, role))


def _tests(data, spec, terms, beta, cov, alpha, dfs_for):
    """Sum and difference of actor and partner effects, k with a delta-method CI and the tests
    of k = 0 and k = 1, and the equality of each effect across roles."""
    effects = [("time", None)] if spec.model != "apim" else []
    rows: list[tuple[str, np.ndarray]] = []
    roles = data.roles if spec.distinguishable else (None,)
    for pred in data.predictors if spec.model == "apim" else ():
        for role in roles:
            a = _effect_vector(terms, "actor", pred, role, data)
            pt = _effect_vector(terms, "partner", pred, role, data)
            tag = f" [{role}]" if role else ""
            rows.append((f"actor + partner {pred}{tag}", a + pt))
            rows.append((f"partner - actor {pred}{tag} (k = 1)", pt - a))
        if spec.distinguishable:
            for effect in ("actor", "partner"):
                diff = _effect_vector(terms, effect, pred, roles[1], data) - _effect_vector(
                    terms, effect, pred, roles[0], data
                )
                rows.append((f"{effect} {pred} [{roles[1]}] - [{roles[0]}]", diff))
    if spec.distinguishable:
        for effect, pred in [("intercept", None), *effects]:
            diff = _effect_vector(terms, effect, pred, roles[1], data) - _effect_vector(
                terms, effect, pred, roles[0], data
            )
            rows.append((f"{effect} [{roles[1]}] - [{roles[0]}]", diff))
    if not rows:
        return [], []
    Lm = np.array([r[1] for r in rows])
    dfs = dfs_for(Lm)
    out = []
    for (name, lvec), df in zip(rows, dfs, strict=True):
        out.append(_row(name, float(lvec @ beta), math.sqrt(float(lvec @ cov @ lvec)), df, alpha))
    ks = []
    z = stats.norm.ppf(1 - alpha / 2)
    for pred in data.predictors if spec.model == "apim" else ():
        for role in roles:
            a = _effect_vector(terms, "actor", pred, role, data)
            pt = _effect_vector(terms, "partner", pred, role, data)
            av, pv = float(a @ beta), float(pt @ beta)
            k = pv / av if av != 0 else math.nan
            # delta method: dk/dbeta = (pt - k a) / actor
            grad = (pt - k * a) / av if av != 0 else np.full(len(beta), np.nan)
            se = math.sqrt(float(grad @ cov @ grad)) if av != 0 else math.nan
            ks.append(
                {
                    "predictor": pred,
                    "role": role,
                    "estimate": k if math.isfinite(k) else None,
                    "se": se if math.isfinite(se) else None,
                    "ci_low": k - z * se if math.isfinite(se) else None,
                    "ci_high": k + z * se if math.isfinite(se) else None,
                    "interval": "delta method",
                    "p_k_equals_0": out_p(out, f"partner {pred}", role, beta, pt, cov, z),
                    "p_k_equals_1": next(
                        c.p
                        for c in out
                        if c.name == f"partner - actor {pred}{f' [{role}]' if role else ''} (k = 1)"
                    ),
                }
            )
    return out, ks


def out_p(out, name, role, beta, pt, cov, z) -> float:
    """p of k = 0, that is of the partner effect being zero (normal approximation)."""
    est = float(pt @ beta)
    se = math.sqrt(float(pt @ cov @ pt))
    return float(2 * stats.norm.sf(abs(est / se))) if se > 0 else math.nan


def _boundary_warnings(ev, sd, corr, names, sigma, ar1: bool = False) -> list[str]:
    out = []
    if ar1 and abs(ev.rho) > 0.99:
        out.append(
            f"the autocorrelation phi = {ev.rho:.6f} is at its boundary (+-1): the residuals do "
            "not settle back from one occasion to the next; the model is not identified as "
            "specified"
        )
    elif abs(ev.rho) > 0.99:
        out.append(
            f"the residual correlation rho = {ev.rho:.6f} is at its boundary (+-1): the partners' "
            "residuals are (almost) identical; the model is not identified as specified"
        )
    for i, name in enumerate(names):
        if sd[i] < 1e-3 * sigma:
            out.append(
                f"the random effect '{name}' has variance near 0 (SD {sd[i]:.2e}): a boundary "
                "estimate; consider dropping it"
            )
        for j in range(i):
            if abs(corr[i, j]) > 0.99:
                out.append(
                    f"the random effects '{names[j]}' and '{name}' correlate {corr[i, j]:.4f}: "
                    "a boundary estimate"
                )
    return out


def _pseudo_r2(data, spec, bd, st, Z, reml, sigma2) -> float | None:
    """1 - residual variance / residual variance of the model with intercepts only (dyadr's
    crsp): the same residual structure and the same random intercepts, fitted the same way."""
    m = data.member
    if spec.distinguishable and spec.parametrisation == "two-intercept":
        X0 = np.column_stack([(m == 0).astype(float), (m == 1).astype(float)])
    elif spec.distinguishable:
        X0 = np.column_stack([np.ones(len(m)), np.where(m == 1, 1.0, -1.0)])
    else:
        X0 = np.ones((len(m), 1))
    # the empty model keeps the random intercepts only: random slopes of predictors that are
    # not in it would absorb their effects
    tokens = tuple(t for t in spec.random if t in ("intercept", "role-intercepts")) or (
        "intercept",
    )
    Z0, _ = random_design(data, tokens)
    bd0 = _blocks(data, spec, X0, Z0)
    st0 = _structure(spec, Z0.shape[1])
    try:
        f0 = mixed.fit(bd0, st0, reml)
    except (np.linalg.LinAlgError, ValueError):
        return None
    s0 = f0.evaluation.sigma2
    return float(1 - sigma2 / s0) if s0 > 0 else None


def nlme_call(data: DiaryData, spec: Spec, terms: list[Term], z_names: list[str], method) -> str:
    """The equivalent R call, with the columns it needs, so a reviewer can rerun the fit."""
    cn = data.column_names
    y = cn["y"]
    A, P = "_A", "_P"
    role_col = cn["role"]
    pre = []
    if spec.distinguishable:
        r0, r1 = data.roles
        pre.append(f'd$r0 <- as.numeric(d${role_col} == "{r0}")  # {r0}')
        pre.append(f'd$r1 <- as.numeric(d${role_col} == "{r1}")  # {r1}')
        pre.append(f'd$roleE <- ifelse(d${role_col} == "{r1}", 1, -1)')
    x_own = {p: f"{p}{A}" for p in data.predictors}
    x_par = {p: f"{p}{P}" for p in data.predictors}
    if data.lag:
        pre.append(
            f"# lag within person: the value at {cn['time']} - {data.lag} "
            "(NA when that day is missing)"
        )
        key = f"paste(d${cn['dyad']}, d${role_col or cn['person']}, d${cn['time']}"
        pre.append(f"prev <- match({key} - {data.lag}), {key}))")
        for p in data.predictors:
            pre.append(f"d${p}{A}_lag <- d${p}{A}[prev]; d${p}{P}_lag <- d${p}{P}[prev]")
            x_own[p] = f"{p}{A}_lag"
            x_par[p] = f"{p}{P}_lag"
    slope = cn["slope"]

    def column(t: Term) -> str:
        if t.effect == "actor":
            return x_own[t.predictor]
        if t.effect == "partner":
            return x_par[t.predictor]
        if t.effect == "time":
            return slope
        if t.effect == "covariate":
            return t.predictor
        return "1"

    fixed = []
    role_var = {data.roles[0]: "r0", data.roles[1]: "r1"} if data.roles else {}
    for t in terms:
        base = t.effect.replace("_x_role", "")
        col = column(Term(base, t.predictor, None)) if t.effect != "role" else "1"
        if spec.parametrisation == "two-intercept" and t.role:
            fixed.append(role_var[t.role] if col == "1" else f"{role_var[t.role]}:{col}")
        elif t.effect == "role" or t.effect.endswith("_x_role"):
            fixed.append("roleE" if col == "1" else f"roleE:{col}")
        elif col != "1":
            fixed.append(col)
    has_intercept = any(t.effect == "intercept" and t.role is None for t in terms)
    rhs = " + ".join(fixed) + ("" if has_intercept else " - 1")
    rand = []
    for name in z_names:
        if name == "intercept":
            rand.append("1")
        elif name.startswith("intercept ["):
            rand.append(role_var[name[11:-1]])
        elif name.startswith("actor "):
            rand.append(x_own[name[6:]])
        elif name.startswith("partner "):
            rand.append(x_par[name[8:]])
        elif name.startswith("time ["):
            rand.append(f"{role_var[name[6:-1]]}:{slope}")
        elif name == "time":
            rand.append(slope)
    has_ri = "1" in rand
    rand_rhs = " + ".join(r for r in rand if r != "1") or "1"
    if rand and not has_ri:
        rand_rhs += " - 1"
    group = role_col if spec.distinguishable else cn["person"]
    lines = [
        "library(nlme)",
        'd <- read.csv("FILE.csv", na.strings = c("", " ", "NA"))',
        *pre,
        f"lme({y} ~ {rhs},",
        f"    random = ~ {rand_rhs} | {cn['dyad']},",
    ]
    if spec.residual == "ar1":
        person = role_col if spec.distinguishable or not cn["person"] else cn["person"]
        lines.append(f"    correlation = corAR1(form = ~ {cn['time']} | {cn['dyad']}/{person}),")
    elif spec.correlated:
        lines.append(f"    correlation = corCompSymm(form = ~ 1 | {cn['dyad']}/{cn['time']}),")
    if spec.by_role:
        lines.append(f"    weights = varIdent(form = ~ 1 | {group}),")
    lines.append(f'    method = "{method}", na.action = na.omit, data = d)')
    return "\n".join(lines)


def parse_contrast(text: str, terms: list[Term]) -> np.ndarray:
    """A weight vector from ``"[w*]label (+|-) [w*]label ..."`` over the coefficient labels."""
    labels = {t.label.lower(): i for i, t in enumerate(terms)}
    lvec = np.zeros(len(terms))
    parts = re.split(r"\s+([+-])\s+", " " + text.strip())
    sign = 1.0
    pieces = [("+", parts[0]), *zip(parts[1::2], parts[2::2], strict=True)]
    for op, piece in pieces:
        piece = piece.strip()
        sign = -1.0 if op == "-" else 1.0
        if piece.startswith("-"):
            sign, piece = -sign, piece[1:].strip()
        weight = 1.0
        if "*" in piece:
            number, piece = piece.split("*", 1)
            try:
                weight = float(number)
            except ValueError:
                raise InputError(f"contrast {text!r}: {number!r} is not a number") from None
            piece = piece.strip()
        if piece.lower() not in labels:
            known = "; ".join(t.label for t in terms)
            raise InputError(f"contrast {text!r}: no coefficient {piece!r} (coefficients: {known})")
        lvec[labels[piece.lower()]] += sign * weight
    if not lvec.any():
        raise InputError(f"contrast {text!r} has no weights")
    return lvec
