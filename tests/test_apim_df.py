"""Satterthwaite degrees of freedom of the cross-sectional APIM against lmerTest on the Acitelli
couples (values from tests/reference/apim_lmertest.R; the lmer model with a random intercept per
couple is the gls model with compound symmetry when rho > 0)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from interdep.science.apim import dyads_from_table, fit_apim, mixed, simulate_apim

ROOT = Path(__file__).resolve().parents[1]
ACITELLI = ROOT / ".." / "shared" / "reference-data" / "dyadr_acipair_derived.csv"
VALUES = ROOT / "tests" / "reference" / "apim_lmertest_values.csv"
TERMS = {
    "(Intercept)": ("intercept", None),
    "OtherPos_A": ("actor", "OtherPos"),
    "OtherPos_P": ("partner", "OtherPos"),
}


@pytest.mark.reference
@pytest.mark.parametrize("model", ["indist_REML", "tension_REML"])
def test_satterthwaite_df_match_lmertest(model):
    if not ACITELLI.exists():
        pytest.skip("shared reference data not available")
    ref = {}
    with VALUES.open() as handle:
        for row in csv.DictReader(handle):
            if row["model"] == model:
                ref[(row["quantity"], row["term"])] = float(row["value"])
    frame = pd.read_csv(ACITELLI)
    if model == "indist_REML":
        data = dyads_from_table(
            frame, outcome="Satisfaction", predictors=["OtherPos"], dyad_column="CoupleID",
            layout="pairwise",
        )  # fmt: skip
        result = fit_apim(data)
        loglik = result.loglik
        df = {t: result.coefficient(*TERMS[t]).df for t in TERMS}
    else:
        # an actor effect of one variable and a partner effect of another: the block engine on
        # a design of our own (one occasion, no random effects, compound symmetry)
        X = np.column_stack([np.ones(len(frame)), frame["Tension_A"], frame["SelfPos_P"]])
        dyad = pd.factorize(frame["CoupleID"])[0]
        member = frame.groupby("CoupleID").cumcount().to_numpy()
        bd = mixed.block_data(
            dyad, np.zeros(len(frame), dtype=int), member, X, np.zeros((len(frame), 0)),
            frame["Satisfaction_A"].to_numpy(float),
        )  # fmt: skip
        st = mixed.Structure(q=0, correlated=True, by_role=False)
        fit = mixed.fit(bd, st, reml=True)
        loglik = -fit.evaluation.deviance / 2
        dfs = mixed.satterthwaite(bd, st, fit.w, True, np.eye(3))
        df = dict(zip(["(Intercept)", "Tension_A", "SelfPos_P"], dfs, strict=True))
    assert loglik == pytest.approx(ref[("loglik", "")], abs=1e-6)
    compared = 0
    for (quantity, term), value in ref.items():
        if quantity == "df_satterthwaite":
            assert df[term] == pytest.approx(value, rel=1e-4), term
            compared += 1
    assert compared == 3


@pytest.mark.reference
def test_kenward_roger_matches_pbkrtest():
    if not ACITELLI.exists():
        pytest.skip("shared reference data not available")
    ref = {}
    with VALUES.open() as handle:
        for row in csv.DictReader(handle):
            ref[(row["model"], row["quantity"], row["term"])] = float(row["value"])
    frame = pd.read_csv(ACITELLI)
    data = dyads_from_table(
        frame, outcome="Satisfaction", predictors=["OtherPos"], dyad_column="CoupleID",
        layout="pairwise",
    )  # fmt: skip
    result = fit_apim(data, df_method="kenward-roger")
    assert "Kenward-Roger" in result.df_method
    for term, key in TERMS.items():
        c = result.coefficient(*key)
        assert c.df == pytest.approx(ref[("indist_REML", "df_kr", term)], rel=1e-4)
        assert c.se == pytest.approx(ref[("indist_REML", "se_kr", term)], rel=1e-6)
    # the design with an actor effect of one variable and a partner effect of another
    X = np.column_stack([np.ones(len(frame)), frame["Tension_A"], frame["SelfPos_P"]])
    dyad = pd.factorize(frame["CoupleID"])[0]
    member = frame.groupby("CoupleID").cumcount().to_numpy()
    occasion = np.zeros(len(frame), dtype=int)
    Z = np.zeros((len(frame), 0))
    y = frame["Satisfaction_A"].to_numpy(float)
    bd = mixed.block_data(dyad, occasion, member, X, Z, y)
    st = mixed.Structure(q=0, correlated=True, by_role=False)
    fit = mixed.fit(bd, st, reml=True)
    _, se, df = mixed.kenward_roger(dyad, occasion, member, X, Z, st, fit.w, np.eye(3))
    for i, term in enumerate(["(Intercept)", "Tension_A", "SelfPos_P"]):
        assert df[i] == pytest.approx(ref[("tension_REML", "df_kr", term)], rel=1e-4)
        assert se[i] == pytest.approx(ref[("tension_REML", "se_kr", term)], rel=1e-5)


def test_between_dyad_terms_get_about_the_number_of_dyads_as_df():
    frame = simulate_apim(200, rho=0.5, seed=3)
    data = dyads_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad")
    r = fit_apim(data)
    # the intercept varies only between dyads: df near n_dyads - 1, not n_obs - p = 397
    assert 190 < r.coefficient("intercept").df < 205
    assert r.coefficient("actor", "x").df > 250
    assert "Satterthwaite" in r.to_dict()["df_method"]
    assert fit_apim(data, df_method="residual").coefficient("intercept").df == 397


def test_a_dyad_present_as_one_row_is_used_and_said():
    frame = simulate_apim(60, roles=("H", "W"), seed=8)
    x = frame["x"].to_numpy().reshape(-1, 2)
    pairwise = frame.rename(columns={"x": "x_A", "y": "y_A"})
    pairwise["x_P"] = x[:, ::-1].reshape(-1)
    wife5 = (pairwise["dyad"] == 5) & (pairwise["role"] == "W")
    kw = dict(outcome="y", predictors=["x"], dyad_column="dyad", role_column="role",
              layout="pairwise")  # fmt: skip
    result = fit_apim(dyads_from_table(pairwise[~wife5], **kw), df_method="residual")
    assert result.counts["dyads_one_member"] == 1 and result.n_obs == 119
    assert any("one row in the file" in w for w in result.warnings)
    # the same fit as the complete file with that wife's outcome missing
    blank = pairwise.copy()
    blank.loc[wife5, "y_A"] = np.nan
    ref = fit_apim(dyads_from_table(blank, **kw), df_method="residual")
    assert result.loglik == pytest.approx(ref.loglik, abs=1e-9)
    for a, b in zip(result.coefficients, ref.coefficients, strict=True):
        assert a.estimate == pytest.approx(b.estimate, abs=1e-10)


def test_repeated_dyad_ids_point_to_the_diary_model():
    frame = simulate_apim(20, seed=2)
    twice = pd.concat([frame, frame], ignore_index=True)
    with pytest.raises(Exception, match="use --time-column"):
        dyads_from_table(twice, outcome="y", predictors=["x"], dyad_column="dyad")


def test_identical_partners_give_a_boundary_warning_instead_of_silence():
    frame = simulate_apim(80, seed=5)
    y = frame["y"].to_numpy().reshape(-1, 2)
    frame["y"] = np.repeat(y[:, 0], 2)  # both partners report the same outcome
    data = dyads_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad")
    result = fit_apim(data, df_method="residual")
    assert result.rho > 0.999
    assert any("boundary" in w for w in result.warnings)
    assert result.to_dict()["warnings"] == result.warnings
