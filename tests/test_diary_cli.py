"""The diary commands as a researcher runs them: the issue's three commands on a simulated diary
(and on the Kashy file when the shared reference data are present), bad input, warnings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from interdep.cli.main import app
from interdep.science.apim.simulate_diary import simulate_diary

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
KASHY = ROOT / ".." / "shared" / "reference-data" / "kashy_person_period_pairwise.csv"
SIMULATED = ROOT / "tests" / "reference" / "diary_simulated.csv"

APIM = [
    "--layout", "pairwise", "--dyad-column", "dyadid", "--role-column", "genderS",
    "--time-column", "Day", "--y", "satisf", "--x", "conflict",
    "--parametrisation", "interaction",
]  # fmt: skip


def invoke(*args):
    result = runner.invoke(app, [*map(str, args)])
    return result


def run_json(*args) -> dict:
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(params=["simulated", "kashy"])
def diary_file(request) -> Path:
    if request.param == "kashy" and not KASHY.exists():
        pytest.skip("shared reference data not available")
    return SIMULATED if request.param == "simulated" else KASHY


def test_the_three_documented_commands_run_and_report_the_promised_keys(diary_file):
    lapim = run_json("apim", diary_file, *APIM, "--random", "role-intercepts,actor,partner")
    stab = run_json(
        "apim", diary_file, *APIM, "--lag", "1", "--random", "role-intercepts,role-time",
        "--slope-column", "time",
    )  # fmt: skip
    growth = run_json(
        "growth", diary_file, "--layout", "pairwise", "--dyad-column", "dyadid",
        "--role-column", "genderS", "--time-column", "time", "--y", "satisf",
    )  # fmt: skip
    for out in (lapim, stab, growth):
        for key in ("loglik", "rho", "aic", "bic", "random_effects", "residual_sd", "n_obs",
                    "n_dyads", "nlme_call", "coefficients", "covariance"):  # fmt: skip
            assert key in out, key
        for c in out["coefficients"]:
            assert {"effect", "role", "estimate", "se", "df"} <= set(c)
            assert 0 < c["df"] < out["n_obs"]
        assert "lme(" in out["nlme_call"] and "corCompSymm" in out["nlme_call"]
    assert lapim["model"] == "longitudinal APIM" and stab["model"] == "stability-influence"
    assert stab["n_obs"] < lapim["n_obs"]  # the first day and days after a gap have no lag
    assert set(lapim["random_effects"]["sd"]) == {
        "intercept [F]", "intercept [M]", "actor conflict", "partner conflict"
    }  # fmt: skip
    assert [c["effect"] for c in growth["coefficients"]] == [
        "intercept", "intercept", "time", "time"
    ]  # fmt: skip


def test_json_is_full_precision_and_digits_only_shape_the_table():
    out = run_json("growth", SIMULATED, "--dyad-column", "dyadid", "--role-column", "genderS",
                   "--time-column", "time", "--y", "satisf", "--digits", "2")  # fmt: skip
    assert len(repr(out["coefficients"][0]["estimate"])) > 8
    table = invoke("growth", SIMULATED, "--dyad-column", "dyadid", "--role-column", "genderS",
                   "--time-column", "time", "--y", "satisf", "--digits", "5")  # fmt: skip
    assert table.exit_code == 0, table.output
    est = out["coefficients"][0]["estimate"]
    assert f"{est:.5f}" in table.stdout
    assert "Equivalent R call" in table.stdout


def test_identical_partners_give_a_boundary_warning(tmp_path):
    frame = simulate_diary(30, 6, seed=3)
    # the partner's outcome equals the person's on every day: rho is 1
    m = frame["role"] == "W"
    frame.loc[m, "y_A"] = frame.loc[~m, "y_A"].to_numpy() + 0.0
    frame.loc[m, "x_A"] = frame.loc[~m, "x_A"].to_numpy() * 0.5 + np.random.default_rng(1).normal(
        0, 1, m.sum()
    )
    path = tmp_path / "same.csv"
    frame.to_csv(path, index=False)
    result = invoke("growth", path, "--dyad-column", "dyad", "--role-column", "role",
                    "--time-column", "day", "--y", "y", "--random", "intercept",
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert any("boundary" in w for w in out["warnings"]), out["warnings"]


def test_bad_input_names_the_column_and_exits_2(tmp_path):
    frame = simulate_diary(10, 4, seed=2)
    frame["x_A"] = frame["x_A"].astype(object)
    frame.loc[5, "x_A"] = "often"
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    result = invoke("apim", path, "--dyad-column", "dyad", "--role-column", "role",
                    "--time-column", "day", "--y", "y", "--x", "x", "--layout", "pairwise")  # fmt: skip
    assert result.exit_code == 2
    assert "x_A" in result.output and "row 7" in result.output
    dup = simulate_diary(10, 4, seed=2)
    dup = dup._append(dup.iloc[[0]])
    dup.to_csv(path, index=False)
    result = invoke("growth", path, "--dyad-column", "dyad", "--role-column", "role",
                    "--time-column", "day", "--y", "y")  # fmt: skip
    assert result.exit_code == 2 and "same occasion" in result.output


def test_individual_layout_finds_the_partner_at_the_same_occasion(tmp_path):
    frame = simulate_diary(40, 8, missing=0.1, seed=4)
    pairwise = tmp_path / "pairwise.csv"
    frame.to_csv(pairwise, index=False)
    individual = tmp_path / "individual.csv"
    frame.drop(columns=["x_P", "y_P"]).rename(columns={"x_A": "x", "y_A": "y"}).to_csv(
        individual, index=False
    )
    common = ["--dyad-column", "dyad", "--role-column", "role", "--time-column", "day",
              "--y", "y", "--x", "x", "--random", "role-intercepts"]  # fmt: skip
    a = run_json("apim", pairwise, "--layout", "pairwise", *common)
    b = run_json("apim", individual, "--layout", "individual", *common)
    assert a["n_obs"] == b["n_obs"]
    for ca, cb in zip(a["coefficients"], b["coefficients"], strict=True):
        assert ca["estimate"] == pytest.approx(cb["estimate"], rel=1e-9)


def test_a_contrast_from_the_command_line_equals_the_built_in_role_difference():
    common = ["growth", SIMULATED, "--dyad-column", "dyadid", "--role-column", "genderS",
              "--time-column", "time", "--y", "satisf"]  # fmt: skip
    out = run_json(
        *common, "--contrast", "Time [M] - Time [F]", "--contrast", "0.5*Time [M] + 0.5*Time [F]"
    )
    by_name = {c["name"]: c for c in out["contrasts"]}
    mine, built_in = by_name["Time [M] - Time [F]"], by_name["time [M] - [F]"]
    for key in ("estimate", "se", "df", "p"):
        assert mine[key] == pytest.approx(built_in[key], rel=1e-9)
    slopes = {c["role"]: c["estimate"] for c in out["coefficients"] if c["effect"] == "time"}
    assert by_name["0.5*Time [M] + 0.5*Time [F]"]["estimate"] == pytest.approx(
        (slopes["M"] + slopes["F"]) / 2, rel=1e-12
    )
    bad = invoke(*common, "--contrast", "Slope [M]")
    assert bad.exit_code == 2 and "no coefficient 'Slope [M]'" in bad.output


SIMULATED_AR1 = ROOT / "tests" / "reference" / "diary_simulated_ar1.csv"


def test_ar1_residuals_from_the_command_line():
    out = run_json(
        "apim", SIMULATED_AR1, *APIM, "--random", "role-intercepts,actor,partner",
        "--residual", "ar1",
    )  # fmt: skip
    assert out["residual"] == "ar1" and out["rho"] is None and out["rho_ci"] is None
    low, high = out["phi_ci"]
    assert low < out["phi"] < high and 0.3 < out["phi"] < 0.7  # simulated with phi 0.4
    assert "corAR1(form = ~ Day | dyadid/genderS)" in out["nlme_call"]
    assert "corCompSymm" not in out["nlme_call"]
    table = invoke("apim", SIMULATED_AR1, *APIM, "--random", "role-intercepts", "--residual", "ar1")
    assert table.exit_code == 0, table.output
    assert "AR(1) phi" in table.stdout and "same occasion (rho)" not in table.stdout
    growth = run_json(
        "growth", SIMULATED_AR1, "--layout", "pairwise", "--dyad-column", "dyadid",
        "--role-column", "genderS", "--time-column", "Day", "--slope-column", "time",
        "--y", "satisf", "--random", "role-intercepts", "--residual", "ar1",
    )  # fmt: skip
    assert growth["residual"] == "ar1" and growth["phi"] > 0


def test_ar1_refuses_fractional_occasions_and_kenward_roger(tmp_path):
    frame = simulate_diary(20, 5, seed=4)
    frame["time"] = frame["time"] + 0.25  # day - 3 + 0.25: not whole numbers
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    args = [
        "apim", path, "--layout", "pairwise", "--dyad-column", "dyad", "--role-column", "role",
        "--y", "y", "--x", "x", "--random", "role-intercepts", "--residual", "ar1",
    ]  # fmt: skip
    bad = invoke(*args, "--time-column", "time")
    assert bad.exit_code == 2
    assert "whole-number" in bad.output and "'time'" in bad.output and "row 2" in bad.output
    kr = invoke(*args, "--time-column", "day", "--df", "kenward-roger")
    assert kr.exit_code == 2 and "Kenward-Roger" in kr.output
    assert invoke(*args, "--time-column", "day").exit_code == 0
