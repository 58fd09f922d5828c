"""APIM estimates against published nlme output and against our own nlme::gls runs on the same
real data (the Acitelli couples: 148 married couples, pairwise layout).

Published numbers are compared at the precision they were printed with (half a unit of the last
printed digit). The R values in tests/reference/apim_nlme_values.csv were produced by
tests/reference/apim_nlme.R (nlme 3.1-162, R from Debian) and carry full double precision; they
are compared to 1e-6 (estimates) and 1e-6 relative (SEs; nlme stops its optimiser a little short
of the optimum, which moves its rho in the 7th decimal).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from interdep.science.apim import DyadData, dyads_from_table, fit_apim, fit_dyadic_gls

pytestmark = pytest.mark.reference

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "reference-data"
ACITELLI = DATA / "dyadr_acipair_derived.csv"
R_VALUES = ROOT / "tests" / "reference" / "apim_nlme_values.csv"


@pytest.fixture(scope="module")
def acitelli() -> pd.DataFrame:
    if not ACITELLI.exists():
        pytest.skip("shared reference data not available")
    return pd.read_csv(ACITELLI)


@pytest.fixture(scope="module")
def r_values() -> dict:
    out: dict = {}
    with R_VALUES.open() as handle:
        for row in csv.DictReader(handle):
            out[(row["model"], row["quantity"], row["term"])] = float(row["value"])
    return out


def close_to_printed(ours: float, printed: str) -> None:
    """Agreement to the printed precision: within half a unit of the last printed digit."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    assert abs(ours - float(printed)) <= 0.5 * 10.0**-decimals + 1e-12, (ours, printed)


def indistinguishable(frame, predictors, **kw):
    data = dyads_from_table(
        frame,
        outcome="Satisfaction",
        predictors=predictors,
        dyad_column="CoupleID",
        layout="pairwise",
    )
    # nlme's summary.gls tests on n - p df: compare like with like
    return fit_apim(data, **{"df_method": "residual", **kw})


def distinguishable(frame, predictors, covariates=(), **kw):
    data = dyads_from_table(
        frame,
        outcome="Satisfaction",
        predictors=predictors,
        covariates=covariates,
        dyad_column="CoupleID",
        role_column="Gender_A",
        layout="pairwise",
    )
    # nlme's summary.gls tests on n - p df: compare like with like
    return fit_apim(data, **{"df_method": "residual", **kw})


# --- published numbers (Garcia & Kenny workshop; dyadr README) --------------------------------


def test_the_published_workshop_apim_is_reproduced_to_the_printed_digits(acitelli):
    # R: gls(satisfaction_A ~ other_pos_A + other_pos_P, correlation = corCompSymm(form = ~1|couple))
    r = indistinguishable(acitelli, ["OtherPos"])
    close_to_printed(r.loglik, "-148.3591")
    close_to_printed(r.rho, "0.4693414")
    close_to_printed(r.residual_sd, "0.4173659")
    close_to_printed(r.coefficient("intercept").estimate, "0.6697541")
    close_to_printed(r.coefficient("intercept").se, "0.3224381")
    close_to_printed(r.coefficient("actor", "OtherPos").estimate, "0.4004231")
    close_to_printed(r.coefficient("actor", "OtherPos").se, "0.0473141")
    close_to_printed(r.coefficient("partner", "OtherPos").estimate, "0.2879705")
    close_to_printed(r.coefficient("partner", "OtherPos").se, "0.0473141")


def test_the_published_empty_model_is_reproduced_to_the_printed_digits(acitelli):
    # R: gls(satisfaction_A ~ 1, correlation = corCompSymm(form = ~1|couple)) (REML)
    r = indistinguishable(acitelli, [])
    close_to_printed(r.loglik, "-179.2287")
    close_to_printed(r.rho, "0.61847")
    close_to_printed(r.coefficient("intercept").estimate, "3.60473")
    close_to_printed(r.coefficient("intercept").se, "0.03674615")
    close_to_printed(r.residual_sd, "0.4969417")


def test_the_published_mixed_actor_partner_model_of_the_dyadr_readme_is_reproduced(acitelli):
    # R: gls(Satisfaction_A ~ Tension_A + SelfPos_P, correlation = corCompSymm(form = ~1|CoupleID))
    data = dyads_from_table(
        acitelli,
        outcome="Satisfaction",
        predictors=["Tension", "SelfPos"],
        dyad_column="CoupleID",
        layout="pairwise",
    )
    X = np.concatenate(
        [np.ones((data.n_dyads, 2, 1)), data.x[:, :, :1], data.x[:, ::-1, 1:]], axis=2
    )
    fit = fit_dyadic_gls(X, data.y, method="REML")
    close_to_printed(fit.rho, "0.4715039")
    close_to_printed(fit.sigma, "0.4052903")
    for i, (b, se) in enumerate(
        [("4.7190", "0.2366"), ("-0.3454", "0.0329"), ("-0.0656", "0.0516")]
    ):
        close_to_printed(fit.beta[i], b)
        close_to_printed(fit.se[i], se)


# --- our nlme::gls runs (tests/reference/apim_nlme.R) ------------------------------------------

R_TERMS = {
    "(Intercept)": ("intercept", None, None),
    "OtherPos_A": ("actor", "OtherPos", None),
    "OtherPos_P": ("partner", "OtherPos", None),
    "RoleHusband": ("intercept", None, "Husband"),
    "RoleWife": ("intercept", None, "Wife"),
    "RoleHusband:OtherPos_A": ("actor", "OtherPos", "Husband"),
    "RoleWife:OtherPos_A": ("actor", "OtherPos", "Wife"),
    "RoleHusband:OtherPos_P": ("partner", "OtherPos", "Husband"),
    "RoleWife:OtherPos_P": ("partner", "OtherPos", "Wife"),
    "RoleHusband:Tension_A": ("actor", "Tension", "Husband"),
    "RoleWife:Tension_A": ("actor", "Tension", "Wife"),
    "RoleHusband:Tension_P": ("partner", "Tension", "Husband"),
    "RoleWife:Tension_P": ("partner", "Tension", "Wife"),
    "RoleHusband:Yearsmar": ("covariate", "Yearsmar", "Husband"),
    "RoleWife:Yearsmar": ("covariate", "Yearsmar", "Wife"),
    # interaction approach, role coded Husband -1, Wife +1
    "RoleE": ("role", None, "Wife"),
    "OtherPos_A:RoleE": ("actor_x_role", "OtherPos", "Wife"),
    "OtherPos_P:RoleE": ("partner_x_role", "OtherPos", "Wife"),
}


def compare_with_r(result, model: str, r_values: dict, distinguishable_model: bool) -> int:
    compared = 0
    assert result.loglik == pytest.approx(r_values[(model, "loglik", "")], abs=1e-6)
    assert result.rho == pytest.approx(r_values[(model, "rho", "")], abs=1e-6)
    assert result.n_obs == r_values[(model, "n_obs", "")]
    if distinguishable_model:
        for role in ("Husband", "Wife"):
            assert result.residual_sd[role] == pytest.approx(
                r_values[(model, "residual_sd", role)], rel=1e-6
            )
    else:
        assert result.residual_sd == pytest.approx(r_values[(model, "sigma", "")], rel=1e-6)
    for (m, quantity, term), value in r_values.items():
        if m != model or quantity not in ("estimate", "se", "p"):
            continue
        ours = result.coefficient(*R_TERMS[term])
        if quantity == "estimate":
            assert ours.estimate == pytest.approx(value, abs=1e-6), term
        elif quantity == "se":
            assert ours.se == pytest.approx(value, rel=1e-6), term
        else:
            assert ours.p == pytest.approx(value, rel=1e-4, abs=1e-12), term
        compared += 1
    return compared


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_indistinguishable_fit_matches_nlme_gls(acitelli, r_values, method):
    # R: gls(Satisfaction_A ~ OtherPos_A + OtherPos_P, correlation = corCompSymm(~1|CoupleID), method=)
    r = indistinguishable(acitelli, ["OtherPos"], method=method)
    assert compare_with_r(r, f"indist_{method}", r_values, False) == 9


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_distinguishable_two_intercept_fit_matches_nlme_gls_with_varident(
    acitelli, r_values, method
):
    # R: gls(Satisfaction_A ~ 0 + Role + Role:OtherPos_A + Role:OtherPos_P, corCompSymm, varIdent(~1|Role))
    r = distinguishable(acitelli, ["OtherPos"], method=method)
    assert compare_with_r(r, f"dist_two_{method}", r_values, True) == 18


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_distinguishable_interaction_approach_matches_nlme_gls(acitelli, r_values, method):
    # R: gls(Satisfaction_A ~ OtherPos_A + OtherPos_P + RoleE + RoleE:OtherPos_A + RoleE:OtherPos_P, ...)
    r = distinguishable(acitelli, ["OtherPos"], method=method, parametrisation="interaction")
    assert compare_with_r(r, f"dist_int_{method}", r_values, True) == 18


def test_distinguishable_fit_with_two_predictors_and_a_covariate_matches_nlme(acitelli, r_values):
    # R: gls(Satisfaction_A ~ 0 + Role + Role:(OtherPos_A + OtherPos_P + Tension_A + Tension_P + Yearsmar), ...)
    r = distinguishable(acitelli, ["OtherPos", "Tension"], covariates=["Yearsmar"])
    assert compare_with_r(r, "dist_two_cov_REML", r_values, True) == 36


def with_missing_outcomes(frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows the R script blanks: CoupleID %% 7 == 0 & Partnum == 1, or %% 11 and 2."""
    m = frame.copy()
    drop = ((m.CoupleID % 7 == 0) & (m.Partnum == 1)) | ((m.CoupleID % 11 == 0) & (m.Partnum == 2))
    m.loc[drop, "Satisfaction_A"] = np.nan
    return m


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_a_missing_outcome_keeps_the_partners_row_as_nlme_na_omit_does(acitelli, r_values, method):
    # R: gls(..., na.action = na.omit) after blanking some outcomes (see apim_nlme.R)
    m = with_missing_outcomes(acitelli)
    r = indistinguishable(m, ["OtherPos"], method=method)
    compare_with_r(r, f"missing_indist_{method}", r_values, False)
    r = distinguishable(m, ["OtherPos"], method=method)
    compare_with_r(r, f"missing_dist_two_{method}", r_values, True)
    blank = m.Satisfaction_A.isna()
    lost_both = int((blank.groupby(m.CoupleID).sum() == 2).sum())  # couples 77 and 154
    assert r.counts["rows_missing_outcome"] == r_values[("missing", "n_missing", "")] == blank.sum()
    assert r.counts["dyads_unused"] == lost_both
    assert r.counts["dyads_one_member"] == blank.sum() - 2 * lost_both
    assert r.n_dyads == 148 - lost_both


def test_distinguishability_test_matches_nlme_anova_of_the_ml_fits(acitelli, r_values):
    # R: anova(gls(..., method = "ML"), gls(..., weights = varIdent(~1|Role), method = "ML"))
    r = distinguishable(acitelli, ["OtherPos"])
    d = r.distinguishability
    assert d.lr == pytest.approx(r_values[("distinguishability", "lr", "")], abs=1e-6)
    assert d.df == r_values[("distinguishability", "df", "")]
    assert d.p == pytest.approx(r_values[("distinguishability", "p", "")], abs=1e-7)


def test_the_dyad_data_built_from_the_pairwise_file_pairs_each_couple_once(acitelli):
    data: DyadData = dyads_from_table(
        acitelli,
        outcome="Satisfaction",
        predictors=["OtherPos"],
        dyad_column="CoupleID",
        role_column="Gender_A",
        layout="pairwise",
    )
    assert data.n_dyads == 148 and data.roles == ("Husband", "Wife")
    husbands = acitelli[acitelli.Gender_A.str.strip() == "Husband"].set_index("CoupleID")
    ids = np.array([int(i) for i in data.dyad_ids])
    # member 1 (the wife) has as own value what the husband's row holds as his partner's value
    assert np.array_equal(data.x[:, 1, 0], husbands.loc[ids, "OtherPos_P"].to_numpy())
    assert np.array_equal(data.y[:, 0], husbands.loc[ids, "Satisfaction_A"].to_numpy())
