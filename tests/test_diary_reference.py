"""Longitudinal APIM, stability-and-influence and growth-curve fits against our own nlme::lme runs
(and lme4 + lmerTest + pbkrtest for the degrees of freedom) on the Kashy diary data and on a
simulated diary.

The R values in tests/reference/diary_nlme_*_values.csv were produced by
tests/reference/diary_nlme.R (see its header for the command). nlme stops its optimiser short of
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
VALUES = {
    "kashy": ROOT / "tests" / "reference" / "diary_nlme_kashy_values.csv",
    "simulated": ROOT / "tests" / "reference" / "diary_nlme_simulated_values.csv",
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


def r_values(which: str) -> dict:
    out: dict = {}
    with VALUES[which].open() as handle:
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
    out = {"simulated": read_table(SIMULATED)}
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
