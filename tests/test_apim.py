"""The APIM engine against statsmodels (GLS at our covariance, MixedLM with a dyad random
intercept) on simulated and real data, recovery of known effects, missing data, k and its
bootstrap interval, and the pattern rule."""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import linalg, stats

from interdep.science.apim import (
    _bca,
    _pattern,
    dyads_from_table,
    fit_apim,
    simulate_apim,
)
from interdep.science.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
ACITELLI = ROOT / ".." / "shared" / "reference-data" / "dyadr_acipair_derived.csv"


def person_rows(result, data, distinguishable: bool):
    """The model's design and outcome as person rows (the layout statsmodels needs)."""
    from interdep.science.apim import _design

    X, _ = _design(data, distinguishable)
    X = X.reshape(-1, X.shape[2])
    y = data.y.reshape(-1)
    groups = np.repeat(np.arange(data.n_dyads), 2)
    member = np.tile([0, 1], data.n_dyads)
    ok = np.isfinite(y) & np.isfinite(X).all(axis=1)
    return X[ok], y[ok], groups[ok], member[ok]


def block_covariance(result, groups, member) -> np.ndarray:
    """The fitted residual covariance, up to sigma^2, as the dense matrix statsmodels GLS takes."""
    ratio = 1.0
    if isinstance(result.residual_sd, dict):
        sd = list(result.residual_sd.values())
        ratio = sd[1] / sd[0]
    scale = np.where(member == 1, ratio, 1.0)
    same = groups[:, None] == groups[None, :]
    corr = np.where(same, result.rho, 0.0)
    np.fill_diagonal(corr, 1.0)
    return corr * scale[:, None] * scale[None, :]


def assert_matches_statsmodels_gls(result, data, distinguishable):
    X, y, groups, member = person_rows(result, data, distinguishable)
    sigma = block_covariance(result, groups, member)
    gls = sm.GLS(y, X, sigma=sigma).fit()
    ours = np.array([c.estimate for c in result.coefficients])
    np.testing.assert_allclose(ours, gls.params, atol=1e-6, rtol=0)
    # statsmodels scales by RSS/(n - p): nlme's convention for the SEs of REML and ML fits alike
    np.testing.assert_allclose([c.se for c in result.coefficients], gls.bse, rtol=1e-6)
    np.testing.assert_allclose(
        [c.p for c in result.coefficients], gls.pvalues, rtol=1e-5, atol=1e-300
    )
    if result.method == "ML":
        # GLS.loglike is the ML likelihood profiled over sigma^2 at the given correlation matrix
        assert result.loglik == pytest.approx(gls.llf, abs=1e-6)
    return gls


def mixedlm(X, y, groups, reml):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.MixedLM(y, X, groups=groups).fit(
            reml=reml, method="bfgs", gtol=1e-10, maxiter=1000
        )


@pytest.fixture(scope="module")
def simulated():
    frame = simulate_apim(
        1500, intercept=1.0, actor=0.5, partner=0.25, rho=0.35, missing_outcome=0.08, seed=11
    )
    return dyads_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad")


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_indistinguishable_estimates_match_statsmodels_gls_and_mixedlm(simulated, method):
    # statsmodels: GLS(y, X, sigma = block CS at our rho); MixedLM(y, X, groups=dyad).fit(reml=)
    result = fit_apim(simulated, method=method, df_method="residual")
    assert_matches_statsmodels_gls(result, simulated, False)
    X, y, groups, _ = person_rows(result, simulated, False)
    mixed = mixedlm(X, y, groups, reml=method == "REML")
    np.testing.assert_allclose(
        [c.estimate for c in result.coefficients], mixed.fe_params, atol=1e-6
    )
    tau2 = float(np.asarray(mixed.cov_re)[0, 0])
    # a random dyad intercept is compound symmetry with rho = tau^2 / (tau^2 + sigma_e^2)
    assert result.rho == pytest.approx(tau2 / (tau2 + mixed.scale), abs=1e-6)
    assert result.residual_sd == pytest.approx(math.sqrt(tau2 + mixed.scale), abs=1e-6)
    assert result.loglik == pytest.approx(mixed.llf, abs=1e-6)


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_distinguishable_estimates_match_statsmodels_gls_at_the_fitted_covariance(method):
    frame = simulate_apim(
        800,
        intercept=(1.0, 1.4),
        actor=(0.5, 0.3),
        partner=(0.2, 0.35),
        residual_sd=(1.0, 1.6),
        rho=0.3,
        roles=("F", "M"),
        missing_outcome=0.1,
        seed=5,
    )
    frame["age"] = np.random.default_rng(1).normal(40, 8, len(frame)).round()
    data = dyads_from_table(
        frame,
        outcome="y",
        predictors=["x"],
        covariates=["age"],
        dyad_column="dyad",
        role_column="role",
    )
    result = fit_apim(data, method=method, df_method="residual")
    assert_matches_statsmodels_gls(result, data, True)


def test_the_fitted_covariance_maximises_the_likelihood_statsmodels_computes():
    # statsmodels GLS(...).fit().llf at covariances around ours is never higher (ML fits)
    frame = simulate_apim(
        600,
        actor=(0.5, 0.3),
        partner=(0.2, 0.35),
        residual_sd=(1.0, 1.5),
        rho=0.4,
        roles=("A", "B"),
        missing_outcome=0.1,
        seed=8,
    )
    data = dyads_from_table(
        frame, outcome="y", predictors=["x"], dyad_column="dyad", role_column="role"
    )
    result = fit_apim(data, method="ML")
    X, y, groups, member = person_rows(result, data, True)
    best = sm.GLS(y, X, sigma=block_covariance(result, groups, member)).fit().llf
    sd = result.residual_sd
    for d_rho, d_ratio in [(0.01, 0), (-0.01, 0), (0, 0.01), (0, -0.01)]:
        shifted = SimpleNamespace(
            rho=result.rho + d_rho, residual_sd={"A": sd["A"], "B": sd["B"] * (1 + d_ratio)}
        )
        assert sm.GLS(y, X, sigma=block_covariance(shifted, groups, member)).fit().llf < best


def test_acitelli_estimates_match_statsmodels(request):
    # real data: statsmodels GLS at our covariance and MixedLM with a couple random intercept
    if not ACITELLI.exists():
        pytest.skip("shared reference data not available")
    frame = pd.read_csv(ACITELLI)
    for role in (None, "Gender_A"):
        data = dyads_from_table(
            frame,
            outcome="Satisfaction",
            predictors=["OtherPos", "Tension"],
            dyad_column="CoupleID",
            role_column=role,
            layout="pairwise",
        )
        result = fit_apim(data, df_method="residual")
        assert_matches_statsmodels_gls(result, data, role is not None)
        if role is None:
            X, y, groups, _ = person_rows(result, data, False)
            mixed = mixedlm(X, y, groups, reml=True)
            np.testing.assert_allclose(
                [c.estimate for c in result.coefficients], mixed.fe_params, atol=1e-6
            )


@pytest.mark.slow
def test_known_effects_are_recovered_from_50000_simulated_dyads():
    # residual SD 0.4 keeps the sampling SEs near 0.0015, so a bias of 0.01 would be 6 SEs
    truth = {"intercept": 1.0, "actor": 0.5, "partner": 0.3, "rho": 0.4, "sd": 0.4}
    frame = simulate_apim(
        50_000,
        intercept=1.0,
        actor=0.5,
        partner=0.3,
        rho=0.4,
        residual_sd=0.4,
        missing_outcome=0.05,
        seed=2024,
    )
    r = fit_apim(dyads_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad"))
    assert abs(r.coefficient("intercept").estimate - truth["intercept"]) < 0.01
    assert abs(r.coefficient("actor", "x").estimate - truth["actor"]) < 0.01
    assert abs(r.coefficient("partner", "x").estimate - truth["partner"]) < 0.01
    assert abs(r.rho - truth["rho"]) < 0.01
    assert abs(r.residual_sd - truth["sd"]) < 0.01
    # and the reported uncertainty is honest: the errors are within 4 standard errors
    for effect in ("actor", "partner"):
        c = r.coefficient(effect, "x")
        assert abs(c.estimate - truth[effect]) < 4 * c.se


@pytest.mark.slow
def test_known_role_specific_effects_are_recovered_from_50000_simulated_dyads():
    # residual SDs 0.25/0.4 keep the SEs below 0.002, so a bias of 0.01 would be 5 SEs
    frame = simulate_apim(
        50_000,
        intercept=(1.0, 2.0),
        actor=(0.5, 0.2),
        partner=(0.1, 0.4),
        residual_sd=(0.25, 0.4),
        rho=0.3,
        roles=("Husband", "Wife"),
        missing_outcome=0.05,
        seed=77,
    )
    r = fit_apim(
        dyads_from_table(
            frame, outcome="y", predictors=["x"], dyad_column="dyad", role_column="role"
        )
    )
    for role, (i0, a, p, sd) in {
        "Husband": (1.0, 0.5, 0.1, 0.25),
        "Wife": (2.0, 0.2, 0.4, 0.4),
    }.items():
        assert abs(r.coefficient("intercept", None, role).estimate - i0) < 0.01
        assert abs(r.coefficient("actor", "x", role).estimate - a) < 0.01
        assert abs(r.coefficient("partner", "x", role).estimate - p) < 0.01
        assert abs(r.residual_sd[role] - sd) < 0.01
        assert (
            abs(r.coefficient("actor", "x", role).estimate - a)
            < 4 * r.coefficient("actor", "x", role).se
        )
    assert abs(r.rho - 0.3) < 0.01
    assert r.distinguishability.p < 1e-10


def test_a_dyad_with_one_missing_outcome_keeps_the_other_members_row():
    frame = simulate_apim(300, seed=4)
    frame.loc[[0, 5], "y"] = np.nan  # member 1 of dyad 1, member 2 of dyad 3
    r = fit_apim(dyads_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad"))
    assert r.n_obs == 598 and r.n_dyads == 300
    assert r.counts["rows_missing_outcome"] == 2 and r.counts["dyads_one_member"] == 2
    # the same fit as on the file without those two rows at all: lone members are not dropped
    kept = frame.drop(index=[0, 5])
    X = np.column_stack(
        [
            np.ones(len(kept)),
            kept.x,
            frame.groupby("dyad").x.transform(lambda s: s[::-1].values).drop(index=[0, 5]),
        ]
    )
    sigma = block_covariance(r, kept.dyad.to_numpy(), np.zeros(len(kept), int))
    gls = sm.GLS(kept.y.to_numpy(), X, sigma=sigma).fit()
    np.testing.assert_allclose([c.estimate for c in r.coefficients], gls.params, atol=1e-9)


def test_a_missing_predictor_drops_both_rows_that_need_it_and_says_so():
    frame = simulate_apim(200, seed=6)
    frame.loc[2, "x"] = np.nan  # person 1 of dyad 2: own row (actor) and partner's row (partner)
    r = fit_apim(dyads_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad"))
    assert r.counts["rows_missing_predictor"] == 2
    assert r.counts["dyads_unused"] == 1 and r.n_dyads == 199 and r.n_obs == 398


def test_interaction_approach_is_the_two_intercept_model_reparametrised():
    frame = simulate_apim(400, actor=(0.6, 0.2), partner=(0.1, 0.3), roles=("H", "W"), seed=9)
    data = dyads_from_table(
        frame, outcome="y", predictors=["x"], dyad_column="dyad", role_column="role"
    )
    two = fit_apim(data, method="ML")
    inter = fit_apim(data, method="ML", parametrisation="interaction")
    assert inter.loglik == pytest.approx(two.loglik, abs=1e-9)
    for effect in ("actor", "partner"):
        h, w = (
            two.coefficient(effect, "x", "H").estimate,
            two.coefficient(effect, "x", "W").estimate,
        )
        assert inter.coefficient(effect, "x").estimate == pytest.approx((h + w) / 2, abs=1e-10)
        assert inter.coefficient(f"{effect}_x_role", "x", "W").estimate == pytest.approx(
            (w - h) / 2, abs=1e-10
        )


def test_standardized_effects_are_b_times_sd_x_over_sd_y():
    frame = simulate_apim(500, seed=12)
    r = fit_apim(dyads_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad"))
    partner_x = frame.groupby("dyad").x.transform(lambda s: s[::-1].values)
    sd_y = frame.y.std()
    assert r.coefficient("actor", "x").standardized == pytest.approx(
        r.coefficient("actor", "x").estimate * frame.x.std() / sd_y, rel=1e-12
    )
    assert r.coefficient("partner", "x").standardized == pytest.approx(
        r.coefficient("partner", "x").estimate * partner_x.std() / sd_y, rel=1e-12
    )
    assert r.coefficient("intercept").standardized is None


def test_t_tests_use_the_residual_degrees_of_freedom_when_asked():
    frame = simulate_apim(100, seed=1)
    r = fit_apim(
        dyads_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad"),
        df_method="residual",
    )
    c = r.coefficient("actor", "x")
    assert c.df == 200 - 3
    assert c.p == pytest.approx(2 * stats.t.sf(abs(c.estimate / c.se), 197), rel=1e-12)
    assert c.ci_high - c.estimate == pytest.approx(stats.t.ppf(0.975, 197) * c.se, rel=1e-12)


# --- k and the pattern -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "partner", "pattern"),
    [
        (0.5, 0.5, "couple"),
        (0.5, 0.0, "actor-only"),
        (0.5, -0.5, "contrast"),
        (0.0, 0.5, "partner-only"),
    ],
)
def test_k_and_its_bootstrap_interval_recognise_the_simulated_pattern(actor, partner, pattern):
    frame = simulate_apim(2000, actor=actor, partner=partner, rho=0.3, seed=21)
    r = fit_apim(
        dyads_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad"),
        bootstrap=150,
        seed=3,
    )
    (k,) = r.k
    assert k.pattern == pattern
    if pattern != "partner-only":
        assert k.ci_low < partner / actor < k.ci_high
        assert k.interval == "BCa"


def test_the_bootstrap_is_reproducible_with_a_seed_and_resamples_dyads():
    frame = simulate_apim(150, roles=("H", "W"), seed=2)
    data = dyads_from_table(
        frame, outcome="y", predictors=["x"], dyad_column="dyad", role_column="role"
    )
    a = fit_apim(data, bootstrap=60, seed=42)
    b = fit_apim(data, bootstrap=60, seed=42)
    assert [(k.ci_low, k.ci_high) for k in a.k] == [(k.ci_low, k.ci_high) for k in b.k]
    assert [k.role for k in a.k] == ["H", "W"]
    assert a.bootstrap["resampled"] == "dyads" and a.bootstrap["jackknife_groups"] == 150


def test_bca_interval_agrees_with_scipy_on_a_skewed_mean():
    # scipy.stats.bootstrap(method="BCa") on the mean of an exponential sample, 20,000 resamples each
    rng = np.random.default_rng(0)
    sample = rng.exponential(size=40)
    boot = sample[rng.integers(0, 40, (20_000, 40))].mean(axis=1)
    jack = (sample.sum() - sample) / 39
    ours = _bca(boot, sample.mean(), jack, 0.05)
    ref = stats.bootstrap(
        (sample,), np.mean, n_resamples=20_000, method="BCa", random_state=1
    ).confidence_interval
    assert ours[0] == pytest.approx(ref.low, abs=0.02)
    assert ours[1] == pytest.approx(ref.high, abs=0.03)
    percentile = np.quantile(boot, [0.025, 0.975])
    assert ours[1] > percentile[1]  # BCa shifts right for a right-skewed mean


def test_the_pattern_rule_reads_the_interval_of_k():
    class C:
        def __init__(self, lo, hi):
            self.ci_low, self.ci_high = lo, hi

    sig, null = C(0.2, 0.8), C(-0.1, 0.3)
    assert _pattern(0.7, 1.3, sig, sig) == "couple"
    assert _pattern(-0.2, 0.4, sig, null) == "actor-only"
    assert _pattern(-1.4, -0.6, sig, sig) == "contrast"
    assert _pattern(-0.2, 1.2, sig, sig) == "indeterminate"  # covers 0 and 1
    assert _pattern(0.3, 0.8, sig, sig) == "other"  # covers none of -1, 0, 1
    assert _pattern(None, None, null, sig) == "partner-only"
    assert _pattern(None, None, null, null) == "indeterminate"


def test_json_form_has_the_stable_keys():
    frame = simulate_apim(120, roles=("H", "W"), seed=3)
    data = dyads_from_table(
        frame, outcome="y", predictors=["x"], dyad_column="dyad", role_column="role"
    )
    out = fit_apim(data, bootstrap=30, seed=1).to_dict()
    assert {
        "model",
        "method",
        "n_dyads",
        "n_obs",
        "loglik",
        "rho",
        "residual_sd",
        "coefficients",
        "k",
        "distinguishability",
    } <= set(out)
    assert out["model"] == "distinguishable" and out["method"] == "REML"
    assert set(out["residual_sd"]) == {"H", "W"}
    assert {"effect", "predictor", "role", "estimate", "se", "df", "ci_low", "ci_high", "p"} <= set(
        out["coefficients"][0]
    )
    assert {"predictor", "role", "estimate", "ci_low", "ci_high", "pattern"} <= set(out["k"][0])
    assert set(out["distinguishability"]) == {"lr", "df", "p"}
    assert out["distinguishability"]["df"] == 4


def test_collinear_predictors_are_an_input_error():
    frame = simulate_apim(50, seed=3)
    frame["x2"] = frame["x"] * 2
    with pytest.raises(InputError, match="collinear"):
        fit_apim(dyads_from_table(frame, outcome="y", predictors=["x", "x2"], dyad_column="dyad"))


def test_the_engine_whitening_equals_a_dense_cholesky_whitening():
    # the closed-form 2x2 block algebra against a dense GLS solve written out with scipy
    frame = simulate_apim(
        60,
        actor=(0.4, 0.1),
        partner=(0.2, 0.3),
        residual_sd=(1, 2),
        rho=0.5,
        roles=("a", "b"),
        missing_outcome=0.1,
        seed=10,
    )
    data = dyads_from_table(
        frame, outcome="y", predictors=["x"], dyad_column="dyad", role_column="role"
    )
    r = fit_apim(data)
    X, y, groups, member = person_rows(r, data, True)
    V = block_covariance(r, groups, member)
    L = linalg.cholesky(V, lower=True)
    Xw, yw = linalg.solve_triangular(L, X, lower=True), linalg.solve_triangular(L, y, lower=True)
    beta = np.linalg.lstsq(Xw, yw, rcond=None)[0]
    np.testing.assert_allclose([c.estimate for c in r.coefficients], beta, atol=1e-10)
