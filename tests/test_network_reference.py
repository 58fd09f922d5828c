"""The couple network on the Bar-Kalifa couples diary against lme4 and the stored mlVAR fit.

Reference values: tests/reference/network_lme4.R (plain lmer calls, ML, ``(lagged || couple)``)
and its output tests/reference/network_lme4_values.csv. The stored mlVAR fit of the same diary
(``dyadmlvar_fit.rdata``, mlVAR's lmer estimator with scale and scaleWithin) is read with the
``rdata`` package.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from interdep.science.network import density_indices, fit_network, lag_design

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / ".." / "shared" / "reference-data"
VALUES = ROOT / "tests" / "reference" / "network_lme4_values.csv"
VARS = ["M_Anx.", "M_Sad.", "M_Vig.", "M_Con.", "W_Anx.", "W_Sad.", "W_Vig.", "W_Con."]
pytestmark = pytest.mark.reference


def _diary() -> pd.DataFrame:
    path = REFERENCE / "dyadmlvar_sample1_derived.csv"
    if not path.exists():
        pytest.skip("reference data dyadmlvar_sample1_derived.csv not present")
    return pd.read_csv(path)


@pytest.fixture(scope="module")
def fits():
    d = _diary()
    out = {}
    for config, within in (("scale+within", True), ("scale", False)):
        data = lag_design(d["ID"], d["DIARYDAY"], d[VARS].to_numpy(), VARS, scale_within=within)
        out[config] = fit_network(data)
    return out


def _ref(config: str, step: str, quantity: str) -> np.ndarray:
    r = pd.read_csv(VALUES)
    r = r[(r.config == config) & (r.step == step) & (r.quantity == quantity)]
    return np.stack([r[r.outcome == v].value.to_numpy(dtype=float) for v in VARS])


@pytest.mark.parametrize("config", ["scale+within", "scale"])
@pytest.mark.parametrize("step", ["temporal", "contemporaneous"])
def test_fixed_effects_and_se_equal_lme4(fits, config, step):
    fit = fits[config]
    mixed = fit.temporal_fit if step == "temporal" else fit.contemporaneous_fit
    # lmer refitted with a tight stopping rule: the maximum of the likelihood
    np.testing.assert_allclose(mixed.fixed, _ref(config, step, "estimate"), rtol=0, atol=1e-6)
    np.testing.assert_allclose(mixed.se, _ref(config, step, "se"), rtol=0, atol=1e-6)
    np.testing.assert_allclose(mixed.random_sd, _ref(config, step, "random_sd"), atol=5e-5)
    np.testing.assert_allclose(mixed.sigma, _ref(config, step, "sigma")[:, 0], atol=1e-6)
    # lmer with its default control (what an mlVAR run does) stops a little earlier
    np.testing.assert_allclose(
        mixed.fixed, _ref(config, step, "estimate_default"), rtol=0, atol=2e-5
    )
    np.testing.assert_allclose(mixed.se, _ref(config, step, "se_default"), rtol=0, atol=2e-5)


@pytest.mark.parametrize("config", ["scale+within", "scale"])
def test_likelihood_at_least_lme4s(fits, config):
    ours = fits[config].temporal_fit.loglik
    tight = _ref(config, "temporal", "loglik")[:, 0]
    default = _ref(config, "temporal", "loglik_default")[:, 0]
    np.testing.assert_allclose(ours, tight, rtol=0, atol=1e-6)
    assert np.all(ours >= default - 1e-8)


def test_same_rows_and_couples_as_lme4(fits):
    for config, fit in fits.items():
        assert fit.temporal_fit.n_obs == int(_ref(config, "temporal", "n_obs")[0, 0])
        assert fit.data.n_couples == int(_ref(config, "temporal", "n_groups")[0, 0])
        r = pd.read_csv(VALUES)
        n_dropped = r[(r.config == config) & (r.quantity == "n_dropped")].value.iloc[0]
        assert len(fit.data.dropped_zero_variance) == int(n_dropped) == 6


def _stored_fit():
    rdata = pytest.importorskip("rdata")
    path = REFERENCE / "dyadmlvar_fit.rdata"
    if not path.exists():
        pytest.skip("reference data dyadmlvar_fit.rdata not present")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdata: no Python class for mlVAR's own R classes
        return rdata.read_rda(str(path))["fit1"]


def test_stored_mlvar_fit_is_reproduced(fits):
    """mlVAR(sample1, vars, idvar = "ID", beepvar = "DIARYDAY", lags = 1, scale = TRUE,
    scaleWithin = TRUE), as stored by the dyadmlvar package."""
    stored = _stored_fit()
    res = stored["results"]
    fit = fits["scale+within"]
    assert [str(v) for v in np.asarray(stored["input"]["vars"])] == VARS
    assert str(np.asarray(stored["input"]["temporal"])[0]) == "orthogonal"
    assert [str(i) for i in np.asarray(stored["IDs"])] == [str(c) for c in fit.couples]
    beta = np.asarray(res["Beta"]["mean"])[:, :, 0]
    np.testing.assert_allclose(fit.temporal, beta, atol=1e-6)
    np.testing.assert_allclose(fit.temporal_se, np.asarray(res["Beta"]["SE"])[:, :, 0], atol=1e-6)
    np.testing.assert_allclose(fit.temporal_sd, np.asarray(res["Beta"]["SD"])[:, :, 0], atol=5e-5)
    couples = np.stack([np.asarray(s)[:, :, 0] for s in res["Beta"]["subject"]])
    np.testing.assert_allclose(fit.temporal_couples, couples, atol=5e-5)
    theta = np.asarray(res["Theta"]["pcor"]["mean"])
    np.testing.assert_allclose(fit.contemporaneous_pcor, theta, atol=1e-5)
    theta_c = np.stack([np.asarray(s) for s in res["Theta"]["pcor"]["subject"]])
    np.testing.assert_allclose(fit.contemporaneous_couples, theta_c, atol=5e-5)
    np.testing.assert_allclose(
        fit.between_pcor, np.asarray(res["Omega_mu"]["pcor"]["mean"]), atol=1e-5
    )
    # the example cell: wife-to-husband anxiety, .069 in the stored fit
    assert round(fit.temporal[0, 4], 3) == 0.069
    np.testing.assert_allclose(
        list(density_indices(fit.temporal, 4).values()),
        list(density_indices(beta, 4).values()),
        atol=1e-6,
    )


def test_cli_json_matches_lme4(tmp_path):
    """The issue's command (with a small chance baseline to keep the test short)."""
    _diary()
    out = tmp_path / "net.json"
    fig = tmp_path / "net.svg"
    cmd = [
        sys.executable,
        "-m",
        "interdep.cli.main",
        "network",
        str(REFERENCE / "dyadmlvar_sample1_derived.csv"),
        "--layout",
        "dyad",
        "--id-column",
        "ID",
        "--time-column",
        "DIARYDAY",
        "--variables",
        ",".join(VARS),
        "--scale",
        "--scale-within",
        "--format",
        "json",
        "--baseline",
        "5",
        "--output",
        str(out),
        "--figure",
        str(fig),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    doc = json.loads(out.read_text())
    fixed = np.array(doc["temporal"]["fixed"])
    se = np.array(doc["temporal"]["se"])
    est = _ref("scale+within", "temporal", "estimate")[:, 1:9]
    np.testing.assert_allclose(fixed, est, atol=1e-6)
    np.testing.assert_allclose(se, _ref("scale+within", "temporal", "se")[:, 1:9], atol=1e-6)
    assert np.array(doc["temporal"]["random_sd"]).shape == (8, 8)
    assert len(doc["couples"]) == 74 and doc["data"]["couples_used"] == 74
    assert len(doc["data"]["couples_dropped_zero_variance"]) == 6
    assert "6 couple(s) dropped" in doc["note"]
    base = doc["indices"]["baseline"]
    assert base["method"] == "pseudo-couples" and base["replicates"] == 5
    assert set(doc["contemporaneous"]) >= {"pcor"} and doc["between"]["pcor"]
    assert fig.read_bytes().startswith(b"<?xml")


def test_person_period_layout_gives_the_same_network(fits, tmp_path):
    d = _diary()
    stems = ["Anx.", "Sad.", "Vig.", "Con."]
    long = pd.concat(
        [
            d[["ID", "DIARYDAY"]].assign(role=r, **{s: d[f"{r}_{s}"] for s in stems})
            for r in ("M", "W")
        ]
    ).sample(frac=1.0, random_state=1)  # row order must not matter
    path = tmp_path / "pp.csv"
    long.to_csv(path, index=False)
    cmd = [
        sys.executable,
        "-m",
        "interdep.cli.main",
        "network",
        str(path),
        "--layout",
        "person-period",
        "--id-column",
        "ID",
        "--time-column",
        "DIARYDAY",
        "--person-column",
        "role",
        "--variables",
        ",".join(stems),
        "--scale-within",
        "--baseline",
        "0",
        "--format",
        "json",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["model"]["variables"] == VARS
    np.testing.assert_allclose(doc["temporal"]["fixed"], fits["scale+within"].temporal, atol=1e-9)
