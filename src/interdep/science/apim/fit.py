"""Fitting the cross-sectional APIM: validation, the GLS fit, k, reparametrisation, the result."""

from __future__ import annotations

import math

import numpy as np

from interdep.science.apim import mixed
from interdep.science.apim.data import DyadData
from interdep.science.apim.design import Term, _base_terms
from interdep.science.apim.gls import (
    METHODS,
    _beta_covariance,
    _optimise,
    _prepare,
    _Prepared,
    _start,
    _stats,
)
from interdep.science.apim.k import (
    DEFAULT_SEED,
    PATTERN_VALUES,
    _bca,
    _bootstrap_k,
    _k_values,
    _pattern,
)
from interdep.science.apim.result import (
    DF_KENWARD_ROGER,
    DF_METHOD,
    DF_METHODS,
    DF_SATTERTHWAITE,
    ApimResult,
    Distinguishability,
    KRatio,
    _coefficients,
)
from interdep.science.distributions import chi2_sf
from interdep.science.errors import InputError

PARAMETRISATIONS = ("two-intercept", "interaction")


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
    df_method: str = "satterthwaite",
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
    seed
        Seed of the bootstrap; ``None`` uses ``DEFAULT_SEED`` (recorded in the result), so a
        run is reproducible unless another seed is asked for.
    alpha
        1 - the confidence level of the intervals.
    jackknife_groups
        Most groups of the jackknife that gives the BCa acceleration (leave-one-dyad-out below).
    distinguishability_test
        Also run the ML likelihood-ratio test of indistinguishable against distinguishable dyads.
    progress
        Called with the number of bootstrap replicates finished (for a progress bar).
    df_method
        Degrees of freedom of the t tests: "satterthwaite" (as SAS PROC MIXED and lmerTest:
        between-dyad terms get about as many df as there are dyads) or "residual" (n_obs - p,
        as nlme's ``summary.gls``).

    Returns
    -------
    ApimResult
        Coefficients with SEs, t tests and CIs, rho, residual SDs, k, counts of rows used.

    Examples
    --------
    >>> from interdep.science.apim import dyads_from_table, fit_apim, simulate_apim
    >>> frame = simulate_apim(500, actor=0.5, partner=0.3, seed=1)
    >>> data = dyads_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad")
    >>> result = fit_apim(data)
    >>> round(result.coefficient("actor", "x").estimate, 1)
    0.5
    """
    if df_method not in DF_METHODS:
        raise InputError(f"unknown df method {df_method!r}; use {' or '.join(DF_METHODS)}")
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
    df: float | np.ndarray = n_obs - p
    cov = _beta_covariance(ev, n_obs, reml)
    terms = prep.terms
    to_final = np.eye(p)
    if distinguishable and parametrisation == "interaction":
        to_final = _to_interaction(np.eye(p), np.eye(p), terms, data.roles)[0]
    if df_method == "kenward-roger" and not reml:
        raise InputError("Kenward-Roger is defined for REML fits; use --method reml")
    if df_method == "satterthwaite":
        df = _satterthwaite(st, ev, distinguishable, reml, np.eye(p))
    elif df_method == "kenward-roger":
        cov, df = _kenward_roger(prep, data, ev, distinguishable, np.eye(p))
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
            "seed": DEFAULT_SEED if seed is None else seed,
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
            KRatio(
                pred,
                role,
                kv,
                lo,
                hi,
                plo,
                phi,
                kind,
                pattern if boot is not None else None,
                _pattern_support(boot[:, i]) if boot is not None else None,
            )
        )

    if distinguishable and parametrisation == "interaction":
        beta, cov, terms, log_det = _to_interaction(beta, cov, terms, data.roles)
        if reml:
            # the REML likelihood carries -1/2 log|X'V^-1 X|, which a reparametrisation X -> X T^-1
            # shifts by log|det T| (nlme reports it for the design it was given)
            loglik += log_det
        if df_method == "satterthwaite":
            df = _satterthwaite(st, ev, distinguishable, reml, to_final)
        elif df_method == "kenward-roger":
            df = _kenward_roger(prep, data, ev, distinguishable, to_final)[1]
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
        df_method={
            "satterthwaite": DF_SATTERTHWAITE,
            "kenward-roger": DF_KENWARD_ROGER,
            "residual": DF_METHOD,
        }[df_method],
        warnings=[*data.notes, *_warnings(ev, prep)],
        bootstrap=boot_info,
        alpha=alpha,
    )


def _standardizers(data: DyadData, prep: _Prepared, terms: list[Term]) -> list[float | None]:
    """Factor sd(x)/sd(y) turning a coefficient into a standardized one.

    SDs over the persons used in the fit; with roles, over the persons of the coefficient's role
    (the outcome's role). By-role contrasts of the interaction approach are not standardized.
    """
    used = prep.used
    roles = data.roles or ("1", "2")
    index = {(t.effect, t.predictor): i for i, t in enumerate(_base_terms(data))}
    n_pred = len(data.predictors)
    masks: dict[str | None, np.ndarray] = {}
    sds_y: dict[str | None, float] = {}
    out: list[float | None] = []
    for t in terms:
        if t.effect not in ("actor", "partner", "covariate"):
            out.append(None)
            continue
        if t.role not in masks:
            mask = used
            if t.role is not None:
                mask = used.copy()
                mask[:, 1 - roles.index(t.role)] = False
            ys = data.y[mask]
            masks[t.role] = mask
            sds_y[t.role] = float(np.std(ys, ddof=1)) if len(ys) > 1 else math.nan
        mask, sy = masks[t.role], sds_y[t.role]
        # the column of _base_design: own predictors, the partner's, covariates
        j = index[(t.effect, t.predictor)] - 1
        if t.effect == "actor":
            xs = data.x[:, :, j][mask]
        elif t.effect == "partner":
            xs = data.x[:, ::-1, j - n_pred][mask]
        else:
            xs = data.cov[:, :, j - 2 * n_pred][mask]
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

    Parameters
    ----------
    data
        Dyads with a role (``data.roles`` set).
    prep_dist
        The distinguishable model's prepared design, when the caller has it already.

    Returns
    -------
    Distinguishability
        The likelihood-ratio statistic, its df and p, and the two ML log-likelihoods.

    Examples
    --------
    >>> from interdep.science.apim import distinguishability, dyads_from_table, simulate_apim
    >>> frame = simulate_apim(300, actor=(0.6, 0.2), roles=("H", "W"), seed=3)
    >>> data = dyads_from_table(
    ...     frame, outcome="y", predictors=["x"], dyad_column="dyad", role_column="role"
    ... )
    >>> test = distinguishability(data)
    >>> test.df, test.p < 0.05
    (4, True)
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
    return Distinguishability(lr, df, float(chi2_sf(lr, df)), -ev_i.nll, -ev_d.nll)


def _structure(n_c: float, ev, distinguishable: bool):
    """The block engine's covariance parameters at the fit: one occasion, no random effects."""
    st = mixed.Structure(q=0, correlated=n_c > 0, by_role=distinguishable)
    w = []
    if st.correlated:
        w.append(math.atanh(max(min(ev.rho, 1 - 1e-12), -1 + 1e-12)))
    if distinguishable:
        w.append(math.log(ev.ratio))
    w.append(math.log(ev.sigma2))
    return st, np.array(w)


def _block_sums(stats) -> mixed.BlockData:
    """The fit's cross-products as the block engine's data: with no random effects its
    likelihood needs only the sums over all dyads, which the GLS fit has already made (complete
    dyads' member 0 x 0, 0 x 1, 1 x 1 products and lone members', of [X | y - X offset])."""
    parts = [stats.C00, stats.C01 + stats.C01.T, stats.C11, stats.S0, stats.S1]
    return mixed.BlockData(
        stack=np.stack(parts)[..., None],
        counts=np.array([[stats.n_c], [stats.n_s0], [stats.n_s1]]),
        q=0,
        p=stats.C00.shape[0] - 1,
    )


def _satterthwaite(stats, ev, distinguishable: bool, reml: bool, L: np.ndarray) -> np.ndarray:
    """Satterthwaite df of the combinations ``L beta`` from the dyad-block likelihood (``mixed``
    with no random effects and one occasion), at the fitted rho, SD ratio and sigma. Its
    likelihood is invariant to the outcome's offset, so the centred sums serve."""
    st, w = _structure(stats.n_c, ev, distinguishable)
    return mixed.satterthwaite(_block_sums(stats), st, w, reml, L)


def _kenward_roger(prep, data, ev, distinguishable: bool, L: np.ndarray):
    """The Kenward-Roger adjusted covariance of beta and the df of ``L beta`` (REML fits)."""
    used = prep.used
    dyad, member = np.nonzero(used)
    X = prep.X[used]
    st, w = _structure(float((used[:, 0] & used[:, 1]).sum()), ev, distinguishable)
    occasion = np.zeros(len(dyad), dtype=np.int64)
    Z = np.zeros((len(dyad), 0))
    cov, _, df = mixed.kenward_roger(dyad, occasion, member, X, Z, st, w, L)
    return cov, df


def _warnings(ev, prep) -> list[str]:
    """Boundary estimates, said rather than hidden."""
    out = []
    if abs(ev.rho) > 0.999:
        out.append(
            f"the residual correlation rho = {ev.rho:.8f} is at its boundary (+-1): the partners' "
            "outcomes are (almost) identical after the predictors; the tests are not trustworthy"
        )
    return out


def _pattern_support(ks: np.ndarray) -> dict[str, float] | None:
    """Share of bootstrap replicates whose k is nearest to each pattern's value (actor-only 0,
    couple 1, contrast -1): the label's own uncertainty, reported beside it."""
    ks = ks[np.isfinite(ks)]
    if not len(ks):
        return None
    names = list(PATTERN_VALUES)
    values = np.array([PATTERN_VALUES[n] for n in names])
    nearest = np.abs(ks[:, None] - values[None, :]).argmin(axis=1)
    return {n: float(np.mean(nearest == i)) for i, n in enumerate(names)}
