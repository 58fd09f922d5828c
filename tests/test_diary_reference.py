"""Longitudinal APIM, stability-and-influence and growth-curve fits against our own nlme::lme runs
(and lme4 + lmerTest + pbkrtest for the degrees of freedom) on the Kashy diary data and on a
simulated diary; AR(1) residuals and indistinguishable dyads likewise.

The R values in tests/reference/diary_nlme_*_values.csv were produced by
tests/reference/diary_nlme.R, those in diary_nlme_ar1_*_values.csv by diary_nlme_ar1.R (see
their headers for the commands). nlme stops its optimiser short of
the optimum (its log-likelihood is at most a few 1e-7 below ours), so estimates are compared to
relative 1e-4 with an absolute floor, which is finer than nlme prints them (4-5 significant digits).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from interdep.science.apim import mixed
from interdep.science.apim.diary import diary_from_table
from interdep.science.apim.longitudinal import Spec, fit_diary, fixed_design, random_design
from interdep.science.tabular import read_table

pytestmark = pytest.mark.reference

ROOT = Path(__file__).resolve().parents[1]
KASHY = ROOT / ".." / "shared" / "reference-data" / "kashy_person_period_pairwise.csv"
SIMULATED = ROOT / "tests" / "reference" / "diary_simulated.csv"
SIMULATED_AR1 = ROOT / "tests" / "reference" / "diary_simulated_ar1.csv"
VALUES = {
    "kashy": ROOT / "tests" / "reference" / "diary_nlme_kashy_values.csv",
    "simulated": ROOT / "tests" / "reference" / "diary_nlme_simulated_values.csv",
}
AR1_VALUES = {
    "kashy": ROOT / "tests" / "reference" / "diary_nlme_ar1_kashy_values.csv",
    "simulated": ROOT / "tests" / "reference" / "diary_nlme_ar1_simulated_values.csv",
}

# model name in the R file -> how we fit it
MODELS = {
    "lapim_int": dict(model="apim", parametrisation="interaction", lag=0, time="Day"),
    "lapim_two": dict(model="apim", parametrisation="two-intercept", lag=0, time="Day"),
    "stab_int": dict(
        model="apim",
        parametrisation="interaction",
        lag=1,
        time="Day",
        random="role-intercepts,role-time",
    ),
    "growth": dict(model="growth", parametrisation="two-intercept", lag=0, time="time"),
}


def r_values(which: str, files: dict = VALUES) -> dict:
    out: dict = {}
    with files[which].open() as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["model"], {})[(row["quantity"], row["term"])] = float(row["value"])
    return out


def our_name(r_term: str) -> tuple:
    """An R coefficient or random-effect name -> (effect, predictor, role) of ours."""
    role = {"man": "M", "woman": "F"}
    parts = r_term.split(":")
    if r_term == "(Intercept)":
        return ("intercept", None, None)
    if r_term == "genderE":
        return ("role", None, "M")
    if r_term in role:
        return ("intercept", None, role[r_term])
    if len(parts) == 2 and parts[0] in role:
        var = parts[1]
        if var == "time":
            return ("time", None, role[parts[0]])
        return ("actor" if "_A" in var else "partner", "conflict", role[parts[0]])
    if len(parts) == 2 and parts[0] == "genderE":
        return ("actor_x_role" if "_A" in parts[1] else "partner_x_role", "conflict", "M")
    return ("actor" if "_A" in r_term else "partner", "conflict", None)


def re_name(r_term: str) -> str:
    effect, pred, role = our_name(r_term)
    return f"{effect} {pred}" if pred else f"{effect} [{role}]"


@pytest.fixture(scope="module")
def tables() -> dict:
    out = {"simulated": read_table(SIMULATED), "simulated_ar1": read_table(SIMULATED_AR1)}
    if KASHY.exists():
        out["kashy"] = read_table(KASHY)
    return out


def diary(frame, name: str):
    m = MODELS[name]
    return diary_from_table(
        frame,
        outcome="satisf",
        predictors=["conflict"] if m["model"] == "apim" else [],
        dyad_column="dyadid",
        role_column="genderS",
        time_column=m["time"],
        lag=m["lag"],
        slope_column="time",
    )


def fit(frame, name: str, method: str, **extra):
    m = MODELS[name]
    data = diary(frame, name)
    return fit_diary(
        data,
        model=m["model"],
        parametrisation=m["parametrisation"],
        random=m.get("random"),
        method=method,
        pseudo_r2=False,
        **extra,
    )


def close(ours: float, theirs: float, rel: float = 1e-4, floor: float = 1e-6) -> None:
    assert abs(ours - theirs) <= rel * abs(theirs) + floor, (ours, theirs)


@pytest.mark.parametrize("which", ["kashy", "simulated"])
@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("method", ["REML", "ML"])
def test_matches_nlme(tables, which, name, method):
    if which not in tables:
        pytest.skip("shared reference data not available")
    ref = r_values(which)[f"{name}_{method}"]
    result = fit(tables[which], name, method)
    assert result.converged and not result.warnings
    # our likelihood function, evaluated at nlme's estimates, gives nlme's log-likelihood
    assert loglik_at_r_estimates(tables[which], name, method, ref, result) == pytest.approx(
        ref[("loglik", "")], abs=1e-6
    )
    # our optimum is at least as high as nlme's
    gap = result.loglik - ref[("loglik", "")]
    assert gap >= -1e-6
    if gap > 1e-4:
        # nlme stopped short on a flat likelihood (small slope variances): estimates agree only
        # to the flatness; fixed effects within 2% of their SE, SEs within 1%
        for (quantity, term), value in ref.items():
            c = result.coefficient(*our_name(term)) if quantity in ("estimate", "se") else None
            if quantity == "estimate":
                assert abs(c.estimate - value) <= 0.02 * c.se, (term, c.estimate, value)
            elif quantity == "se":
                close(c.se, value, rel=1e-2)
        return
    assert result.n_obs == ref[("n_obs", "")]
    close(result.aic, ref[("aic", "")], floor=1e-3)
    close(result.bic, ref[("bic", "")], floor=1e-3)
    close(result.residual_sd["F"], ref[("sigma", "")])
    close(result.rho, ref[("rho", "")], floor=1e-5)
    close(result.ratio, ref[("ratio", "")])
    for (quantity, term), value in ref.items():
        if quantity == "estimate":
            close(result.coefficient(*our_name(term)).estimate, value, floor=2e-6)
        elif quantity == "se":
            close(result.coefficient(*our_name(term)).se, value)
        elif quantity == "re_sd":
            i = result.random_names.index(re_name(term))
            close(result.random_sd[i], value, rel=2e-4)
        elif quantity == "re_corr":
            a, b = (result.random_names.index(re_name(t)) for t in term.split("|"))
            close(result.random_corr[a, b], value, rel=0, floor=5e-4)


def loglik_at_r_estimates(frame, name, method, ref, result) -> float:
    """Our profiled log-likelihood at nlme's covariance parameters."""
    m = MODELS[name]
    data = diary(frame, name)
    spec = Spec(m["model"], m["parametrisation"], (), method, True, True, True)
    X, _ = fixed_design(data, spec)
    tokens = tuple((m.get("random") or "role-intercepts,actor,partner").split(","))
    if m["model"] == "growth":
        tokens = ("role-intercepts", "role-time")
    Z, names = random_design(data, tokens)
    q = len(names)
    sd = np.zeros(q)
    corr = np.eye(q)
    for (quantity, term), value in ref.items():
        if quantity == "re_sd":
            sd[names.index(re_name(term))] = value
        elif quantity == "re_corr":
            a, b = (names.index(re_name(t)) for t in term.split("|"))
            corr[a, b] = corr[b, a] = value
    sigma = ref[("sigma", "")]
    L = np.linalg.cholesky(corr * np.outer(sd, sd) / sigma**2)
    v = np.concatenate(
        [L[np.tril_indices(q)], [np.arctanh(ref[("rho", "")]), np.log(ref[("ratio", "")])]]
    )
    bd = mixed.block_data(data.dyad, data.occasion, data.member, X, Z, data.y)
    ev = mixed.evaluate(bd, mixed.Structure(q), v, method == "REML")
    return -ev.deviance / 2


@pytest.mark.parametrize("which", ["kashy", "simulated"])
def test_satterthwaite_and_kenward_roger_df_match_lmertest_and_pbkrtest(tables, which):
    """The growth model with one residual variance is the lmer model with a dyad-day random
    intercept (same likelihood); Satterthwaite's df do not depend on how it is parametrised."""
    if which not in tables:
        pytest.skip("shared reference data not available")
    ref = r_values(which)["growth_lmer"]
    result = fit(tables[which], "growth", "REML", equal_variances=True)
    close(result.loglik, ref[("loglik", "")], rel=0, floor=1e-4)
    for (quantity, term), value in ref.items():
        if quantity == "estimate":
            close(result.coefficient(*our_name(term)).estimate, value, rel=1e-3, floor=1e-4)
        elif quantity == "df_satterthwaite":
            close(result.coefficient(*our_name(term)).df, value, rel=2e-3)
    kr = fit(tables[which], "growth", "REML", equal_variances=True, df_method="kenward-roger")
    for (quantity, term), value in ref.items():
        if quantity == "df_kr":
            close(kr.coefficient(*our_name(term)).df, value, rel=2e-3)
        elif quantity == "se_kr":
            close(kr.coefficient(*our_name(term)).se, value, rel=1e-3)


def test_lag_breaks_at_a_missing_day_instead_of_bridging_it(tables):
    frame = tables["simulated"]
    data = diary_from_table(
        frame,
        outcome="satisf",
        predictors=["conflict"],
        dyad_column="dyadid",
        role_column="genderS",
        time_column="Day",
        lag=1,
    )
    # every used row's lagged value is the same person's value exactly one day earlier
    lookup = {(r.dyadid, r.genderS, r.Day): r.conflict_A for r in frame.itertuples(index=False)}
    days = frame.loc[data.rows - 2, ["dyadid", "genderS", "Day"]].to_numpy()
    expected = [lookup[(d, g, day - 1)] for d, g, day in days]
    np.testing.assert_allclose(data.own[:, 0], expected)
    assert data.counts["rows_without_lagged_value"] > 50  # day 1 and the days after a gap


# AR(1) residuals within person (corAR1(form = ~ Day | dyadid/genderS)) and indistinguishable
# dyads (one intercept, one residual variance): model name in diary_nlme_ar1.R -> our options
AR1_MODELS = {
    "lapim_int_ar1": dict(
        model="apim", parametrisation="interaction", residual="ar1",
        random="role-intercepts,actor,partner",
    ),
    "growth_ar1": dict(
        model="growth", parametrisation="two-intercept", residual="ar1", random="role-intercepts"
    ),
    "indist_cs": dict(model="apim", residual="cs", distinguishable=False, random="intercept"),
    "indist_ar1": dict(model="apim", residual="ar1", distinguishable=False, random="intercept"),
}  # fmt: skip
AR1_FILES = {"kashy": "kashy", "simulated": "simulated_ar1"}


def ar1_data(frame, name: str):
    return diary_from_table(
        frame,
        outcome="satisf",
        predictors=["conflict"] if AR1_MODELS[name]["model"] == "apim" else [],
        dyad_column="dyadid",
        role_column="genderS",
        time_column="Day",
        slope_column="time",
    )


def r_term_of_indistinguishable(term: str) -> tuple:
    return {
        "(Intercept)": ("intercept", None, None),
        "conflict_A": ("actor", "conflict", None),
        "conflict_P": ("partner", "conflict", None),
    }[term]


def check_against_nlme(result, ref: dict, distinguishable: bool) -> None:
    """phi or rho, fixed effects, SEs, residual SD and ratio, random-effect SDs and correlations
    and logLik/AIC/BIC, to nlme's printed precision (relative 1e-4, with small floors)."""
    name_of = our_name if distinguishable else r_term_of_indistinguishable
    assert result.n_obs == ref[("n_obs", "")]
    close(result.loglik, ref[("loglik", "")], rel=0, floor=1e-4)
    close(result.aic, ref[("aic", "")], floor=1e-3)
    close(result.bic, ref[("bic", "")], floor=1e-3)
    close(next(iter(result.residual_sd.values())), ref[("sigma", "")])
    if ("phi", "") in ref:
        assert result.residual == "ar1" and result.rho is None
        close(result.phi, ref[("phi", "")], floor=1e-5)
        assert result.phi_ci[0] < result.phi < result.phi_ci[1]
    else:
        close(result.rho, ref[("rho", "")], floor=2e-5)
    if ("ratio", "") in ref:
        close(result.ratio, ref[("ratio", "")])
    else:
        assert result.ratio == 1.0 and list(result.residual_sd) == ["all"]
    for (quantity, term), value in ref.items():
        if quantity == "estimate":
            close(result.coefficient(*name_of(term)).estimate, value, floor=2e-6)
        elif quantity == "se":
            close(result.coefficient(*name_of(term)).se, value)
        elif quantity == "re_sd":
            i = 0 if term == "(Intercept)" else result.random_names.index(re_name(term))
            close(result.random_sd[i], value, rel=2e-4)
        elif quantity == "re_corr":
            a, b = (result.random_names.index(re_name(t)) for t in term.split("|"))
            close(result.random_corr[a, b], value, rel=0, floor=5e-4)


@pytest.mark.parametrize("which", ["kashy", "simulated"])
@pytest.mark.parametrize("name", ["lapim_int_ar1", "growth_ar1", "indist_ar1"])
@pytest.mark.parametrize("method", ["REML", "ML"])
def test_ar1_residuals_match_nlme(tables, which, name, method):
    if AR1_FILES[which] not in tables:
        pytest.skip("shared reference data not available")
    ref = r_values(which, AR1_VALUES)[f"{name}_{method}"]
    options = AR1_MODELS[name]
    result = fit_diary(
        ar1_data(tables[AR1_FILES[which]], name), method=method, pseudo_r2=False, **options
    )
    assert result.converged and not result.warnings
    # our optimum is at least as high as nlme's, and nlme's estimates are ours
    assert result.loglik >= ref[("loglik", "")] - 1e-6
    check_against_nlme(result, ref, options.get("distinguishable", True))
    assert "corAR1(form = ~ Day | dyadid/genderS)" in result.nlme_call
    assert ("varIdent" in result.nlme_call) == options.get("distinguishable", True)


@pytest.mark.parametrize("which", ["kashy", "simulated"])
def test_ar1_likelihood_at_nlme_estimates_is_nlme_loglik(tables, which):
    """Our AR(1) likelihood evaluated at nlme's phi, ratio and random-effect SDs gives nlme's
    logLik (the gaps a missing day leaves are counted as nlme's corARMA counts them)."""
    if AR1_FILES[which] not in tables:
        pytest.skip("shared reference data not available")
    ref = r_values(which, AR1_VALUES)["growth_ar1_REML"]
    data = ar1_data(tables[AR1_FILES[which]], "growth_ar1")
    spec = Spec("growth", "two-intercept", (), "REML", True, True, True, "ar1")
    X, _ = fixed_design(data, spec)
    Z, _ = random_design(data, ("role-intercepts",))
    sd = np.array([ref[("re_sd", r)] for r in ("woman", "man")])  # F, M
    corr = np.array([[1.0, ref[("re_corr", "man|woman")]], [ref[("re_corr", "man|woman")], 1]])
    sigma = ref[("sigma", "")]
    L = np.linalg.cholesky(corr * np.outer(sd, sd) / sigma**2)
    v = np.concatenate(
        [L[np.tril_indices(2)], [np.arctanh(ref[("phi", "")]), np.log(ref[("ratio", "")])]]
    )
    bd = mixed.block_data_ar1(data.dyad, data.time.astype(np.int64), data.member, X, Z, data.y)
    assert len(bd.gaps) > 1  # missing days leave gaps of two days or more
    ev = mixed.evaluate(bd, mixed.Structure(2, ar1=True), v, True)
    assert -ev.deviance / 2 == pytest.approx(ref[("loglik", "")], abs=1e-6)


@pytest.mark.parametrize("which", ["kashy", "simulated"])
@pytest.mark.parametrize("method", ["REML", "ML"])
def test_indistinguishable_diary_matches_nlme(tables, which, method):
    """Indistinguishable dyads: one intercept, one actor and one partner effect, one residual
    variance (no varIdent), a random intercept per dyad and the partners' same-day correlation:
    ``lme(satisf_A ~ conflict_A + conflict_P, random = ~ 1 | dyadid,
    correlation = corCompSymm(form = ~ 1 | dyadid/Day))``."""
    if AR1_FILES[which] not in tables:
        pytest.skip("shared reference data not available")
    ref = r_values(which, AR1_VALUES)[f"indist_cs_{method}"]
    data = ar1_data(tables[AR1_FILES[which]], "indist_cs")
    result = fit_diary(data, method=method, distinguishable=False, pseudo_r2=False)
    assert result.converged and not result.warnings
    assert [c.term.label for c in result.coefficients] == [
        "Intercept", "Actor conflict", "Partner conflict",
    ]  # fmt: skip
    assert result.random_names == ["intercept"] and result.roles is None
    assert result.loglik >= ref[("loglik", "")] - 1e-6
    check_against_nlme(result, ref, distinguishable=False)
    assert "corCompSymm(form = ~ 1 | dyadid/Day)" in result.nlme_call
    assert "varIdent" not in result.nlme_call and "random = ~ 1 | dyadid" in result.nlme_call
