"""apim-power: the simulated power of the fast fit agrees with the analytic power of the
indistinguishable model, and the target-power search inverts the analytic power."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from interdep.cli.main import app
from interdep.science.apim.power import analytic_power, dyads_for_power, simulate_power


def test_simulated_power_agrees_with_the_analytic_power():
    r = simulate_power(60, 0.25, 0.15, rho=0.4, x_correlation=0.3, replicates=400, seed=5)
    for effect in ("actor", "partner"):
        # within 3 Monte Carlo SEs plus the small loss from estimating rho
        assert abs(r.power[effect] - r.analytic[effect]) < 3 * r.mc_se[effect] + 0.03, effect
    assert r.failed == 0


def test_analytic_power_behaves():
    small = analytic_power(30, 0.3, 0.1, rho=0.4)
    large = analytic_power(300, 0.3, 0.1, rho=0.4)
    assert small["actor"] < large["actor"] and small["partner"] < large["partner"]
    # no effect: the test's size is alpha
    assert analytic_power(200, 0.0, 0.2, rho=0.3)["actor"] == pytest.approx(0.05, abs=1e-9)
    n = dyads_for_power(0.8, 0.3, 0.2, rho=0.4, x_correlation=0.3)
    assert analytic_power(n, 0.3, 0.2, rho=0.4, x_correlation=0.3)["partner"] >= 0.8
    assert analytic_power(n - 1, 0.3, 0.2, rho=0.4, x_correlation=0.3)["partner"] < 0.8


def test_diary_power_grows_with_occasions():
    few = simulate_power(20, 0.2, 0.1, rho=0.3, occasions=3, replicates=25, seed=2)
    many = simulate_power(20, 0.2, 0.1, rho=0.3, occasions=14, replicates=25, seed=2)
    assert many.power["actor"] > few.power["actor"]
    assert many.analytic is None


def test_cli_reports_the_dyads_for_a_target_power():
    result = CliRunner().invoke(
        app,
        ["apim-power", "--actor", "0.3", "--partner", "0.2", "--rho", "0.4",
         "--target-power", "0.8", "--replicates", "50", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (
        out["n_dyads"]
        == out["dyads_for_target_power_analytic"]
        == dyads_for_power(0.8, 0.3, 0.2, rho=0.4)
    )
    bad = CliRunner().invoke(app, ["apim-power", "--actor", "0.3", "--partner", "0", "--rho", "2",
                                   "--dyads", "50"])  # fmt: skip
    assert bad.exit_code == 2
