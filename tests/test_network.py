"""Couple networks: the lag design, the mixed model, indices, baselines, figure and CLI errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from typer.testing import CliRunner

from interdep.cli.main import app
from interdep.science.errors import InputError
from interdep.science.network import (
    couple_network,
    default_network,
    density_indices,
    fit_mixed_batch,
    fit_network,
    group_crossproducts,
    lag_design,
    pseudo_couples,
    simulate_network,
    surrogate_baseline,
)
from interdep.science.network.figure import figure_bytes, network_figure

runner = CliRunner()


# --------------------------------------------------------------------------- lag design


def test_a_missing_day_breaks_the_lag_and_is_never_bridged():
    v = np.array([[1.0, 5.0], [2.0, 4.0], [4.0, 6.0], [3.0, 2.0], [np.nan, 1.0], [5.0, 3.0]])
    d = lag_design([7] * 6, [0, 1, 3, 4, 5, 6], v, ["a", "b"], scale=False)
    # pairs: 0->1, 3->4 (outcome a missing at 5 drops 4->5), 5->6 lagged a missing: dropped
    assert d.time.tolist() == [1.0, 4.0]
    # lagged values are centred on the mean of the couple's series without its last day
    series_mean = np.nanmean(v[:-1], axis=0)
    np.testing.assert_allclose(d.lagged[0], v[0] - series_mean)
    np.testing.assert_allclose(d.lagged[1], v[2] - series_mean)
    np.testing.assert_allclose(d.means[0], np.nanmean(v, axis=0))


def test_scale_within_standardises_around_the_couples_mean():
    rng = np.random.default_rng(0)
    v = rng.normal(3, 2, size=(30, 2))
    d = lag_design(
        [1] * 15 + [2] * 15, list(range(15)) * 2, v, ["a", "b"], scale=False, scale_within=True
    )
    first = v[:15]
    z = (first - first.mean(0)) / first.std(0, ddof=1) + first.mean(0)
    np.testing.assert_allclose(d.outcome[d.group == 0], z[1:])
    lag_series = first[:-1]
    np.testing.assert_allclose(
        d.lagged[d.group == 0], (first[:-1] - lag_series.mean(0)) / lag_series.std(0, ddof=1)
    )


def test_zero_variance_couple_is_dropped_and_named():
    sim = simulate_network(5, 20, seed=1)
    vals = sim.values.copy()
    vals[sim.couple == 3, 1] = 0.0  # couple 3 never reports variable 2
    d = lag_design(sim.couple, sim.time, vals, sim.variables, scale_within=True)
    assert d.dropped_zero_variance == {3: ["A_v2"]}
    assert 3 not in d.couples.tolist() and d.n_couples == 4


def test_duplicate_occasion_names_the_row():
    with pytest.raises(InputError, match=r"row 4: couple 1 has two rows for occasion 2"):
        lag_design([1, 1, 1], [0, 2, 2], np.ones((3, 1)), ["a"])


def test_pseudo_couples_align_on_day_and_never_keep_a_partner():
    c = np.repeat([1, 2, 3, 4], 3)
    t = np.tile([0, 1, 2], 4).astype(float)
    v = np.column_stack([c * 10.0 + t, c * 100.0 + t])
    for seed in range(5):
        pc, pt, pv = pseudo_couples(c, t, v, 1, np.random.default_rng(seed))
        assert np.all(pc == pv[:, 0] // 10)  # a pseudo-couple is named after its partner A
        a_couple, b_couple = pv[:, 0] // 10, pv[:, 1] // 100
        assert np.all(a_couple != b_couple)
        assert np.all(pv[:, 0] % 10 == pt) and np.all(pv[:, 1] % 100 == pt)


# --------------------------------------------------------------------------- mixed model


def test_random_intercept_model_equals_statsmodels_mixedlm():
    rng = np.random.default_rng(3)
    G, n = 40, 12
    g = np.repeat(np.arange(G), n)
    x = rng.normal(size=G * n)
    y = 1.0 + 0.5 * x + rng.normal(0, 0.7, G)[g] + rng.normal(size=G * n)
    W = np.column_stack([np.ones(G * n), x, y])
    ours = fit_mixed_batch(group_crossproducts(g, W, G)[None], [0], G * n)
    ref = sm.MixedLM(y, W[:, :2], groups=g).fit(reml=False, method="lbfgs")
    np.testing.assert_allclose(ours.fixed[0], ref.fe_params, atol=1e-6)
    np.testing.assert_allclose(ours.se[0], ref.bse_fe, atol=1e-5)
    np.testing.assert_allclose(ours.loglik[0], ref.llf, atol=1e-6)
    np.testing.assert_allclose(ours.random_sd[0, 0] ** 2, np.asarray(ref.cov_re)[0, 0], rtol=1e-4)


def test_a_random_slope_without_variance_ends_on_the_boundary():
    rng = np.random.default_rng(4)
    G, n = 30, 20
    g = np.repeat(np.arange(G), n)
    x = rng.normal(size=G * n)
    y = 0.3 * x + rng.normal(0, 1.0, G)[g] + rng.normal(size=G * n)  # slope identical for all
    W = np.column_stack([np.ones(G * n), x, y])
    fit = fit_mixed_batch(group_crossproducts(g, W, G)[None], [0, 1], G * n)
    assert fit.converged[0]
    assert fit.random_sd[0, 1] < 0.05 and fit.random_sd[0, 0] > 0.5


# --------------------------------------------------------------------------- indices


def test_density_indices_follow_the_partner_blocks():
    B = np.arange(16, dtype=float).reshape(4, 4) / 100 - 0.08
    ind = density_indices(B, 2)
    A = np.abs(B)
    assert ind["intra_a"] == pytest.approx(A[:2, :2].mean())
    assert ind["a_to_b"] == pytest.approx(A[2:, :2].mean())  # rows = outcome (B's)
    assert ind["b_to_a"] == pytest.approx(A[:2, 2:].mean())
    assert ind["ratio"] == pytest.approx(ind["inter"] / ind["intra"])


def test_couple_network_equals_least_squares_on_z_scores():
    sim = simulate_network(1, 50, q=2, seed=6)
    net = couple_network(sim.time, sim.values, 2)
    grid = pd.DataFrame(sim.values, index=sim.time.astype(int)).reindex(range(50))
    z = (grid - grid.mean()) / grid.std(ddof=1)
    prev, cur = z.shift(1), z
    ok = prev.notna().all(1) & cur.notna().all(1)
    X = sm.add_constant(prev[ok].to_numpy())
    for j in range(4):
        fit = sm.OLS(cur[ok].to_numpy()[:, j], X).fit()
        np.testing.assert_allclose(net.temporal[j], fit.params[1:], atol=1e-10)
        np.testing.assert_allclose(net.temporal_se[j], fit.bse[1:], rtol=1e-9)
    assert net.n_pairs == int(ok.sum())


def test_surrogate_baseline_sees_real_linkage_and_not_its_absence():
    linked = simulate_network(
        1, 90, q=1, temporal=default_network(1, linkage=0.5), random_sd=0.0, missing_day=0.0, seed=7
    )
    assert surrogate_baseline(linked.time, linked.values, 1).p_value["inter"] <= 0.05
    hits = 0
    for seed in range(60):
        sim = simulate_network(
            1,
            60,
            q=1,
            temporal=default_network(1, linkage=0.0),
            random_sd=0.0,
            same_day_r=0.0,
            missing_day=0.05,
            seed=100 + seed,
        )
        base = surrogate_baseline(sim.time, sim.values, 1)
        hits += base.more_than_chance("inter")
    assert hits / 60 <= 0.15  # nominal 5%


def test_surrogate_baseline_reports_too_little_data():
    assert surrogate_baseline([0, 1, 2, 3], np.ones((4, 2)), 1).status == "insufficient_data"


# --------------------------------------------------------------------------- figure


@pytest.mark.parametrize("fmt,magic", [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_figure_formats_and_names_are_not_mathtext(fmt, magic):
    sim = simulate_network(15, 20, seed=2)
    names = ["$a_1$", "b^2", "M_Anx.", "W_50%"]
    d = lag_design(sim.couple, sim.time, sim.values, names, scale=False)
    data = figure_bytes(network_figure(fit_network(d)), fmt)
    assert data.startswith(magic)
    if fmt == "svg":
        assert b"$a_1$" in data or b"$a_1$".replace(b"$", b"&#36;") in data


# --------------------------------------------------------------------------- CLI


def _write(tmp_path, frame):
    path = tmp_path / "diary.csv"
    frame.to_csv(path, index=False)
    return path


def _sim_frame(seed=0):
    sim = simulate_network(12, 20, seed=seed)
    return pd.DataFrame(sim.values, columns=sim.variables).assign(couple=sim.couple, day=sim.time)


def test_cli_table_markdown_and_figure(tmp_path):
    path = _write(tmp_path, _sim_frame())
    fig = tmp_path / "n.png"
    base = [
        "network",
        str(path),
        "--id-column",
        "couple",
        "--time-column",
        "day",
        "--variables",
        "A_v1,A_v2,B_v1,B_v2",
        "--baseline",
        "3",
    ]
    r = runner.invoke(app, [*base, "--format", "markdown", "--figure", str(fig)])
    assert r.exit_code == 0, r.output
    assert "| A_v1 -> A_v1 |" in r.stdout and "pseudo-couples" in r.stdout
    assert fig.read_bytes().startswith(b"\x89PNG")
    r = runner.invoke(app, [*base, "--format", "table"])
    assert r.exit_code == 0 and "Temporal network" in r.stdout


@pytest.mark.parametrize(
    "change,args,message",
    [
        (
            lambda f: f.assign(A_v2=f["A_v2"].astype(object).where(f.index != 7, "lots")),
            [],
            "row 9, column 'A_v2': not a number",
        ),
        (lambda f: f.drop(columns=["B_v2"]), [], "column 'B_v2': column not found"),
        (
            lambda f: pd.concat([f, f.iloc[[3]]]),
            [],
            "couple 1 has two rows for occasion 3 (the other is row 5)",
        ),
        (lambda f: f.assign(day=f["day"] + 0.5 * (f.index == 4)), [], "row 6: occasion"),
        (lambda f: f, ["--format", "xml"], "--format must be one of"),
        (lambda f: f, ["--figure", "x.gif"], "--figure must end in"),
    ],
)
def test_cli_bad_input_exits_2_and_writes_nothing(tmp_path, change, args, message):
    path = _write(tmp_path, change(_sim_frame()))
    out = tmp_path / "out.json"
    r = runner.invoke(
        app,
        [
            "network",
            str(path),
            "--id-column",
            "couple",
            "--time-column",
            "day",
            "--variables",
            "A_v1,A_v2,B_v1,B_v2",
            "--baseline",
            "0",
            "--format",
            "json",
            "--output",
            str(out),
            *args,
        ],
    )
    assert r.exit_code == 2, r.output
    assert message in " ".join(r.output.split())
    assert not out.exists()


def test_cli_json_is_strict_json(tmp_path):
    path = _write(tmp_path, _sim_frame(1))
    r = runner.invoke(
        app,
        [
            "network",
            str(path),
            "--id-column",
            "couple",
            "--time-column",
            "day",
            "--variables",
            "A_v1,A_v2,B_v1,B_v2",
            "--baseline",
            "0",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["indices"]["baseline"] is None and len(doc["temporal"]["fixed"]) == 4


def test_without_couple_means_there_is_no_between_network(tmp_path):
    sim = simulate_network(15, 25, seed=8)
    d = lag_design(sim.couple, sim.time, sim.values, sim.variables)
    with_means, without = fit_network(d), fit_network(d, means=False)
    assert without.between_pcor is None and with_means.between_pcor is not None
    assert without.temporal_fit.fixed.shape == (4, 5)
    path = _write(tmp_path, _sim_frame(2))
    r = runner.invoke(
        app,
        [
            "network",
            str(path),
            "--id-column",
            "couple",
            "--time-column",
            "day",
            "--variables",
            "A_v1,A_v2,B_v1,B_v2",
            "--baseline",
            "2",
            "--no-means",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["between"]["pcor"] is None and doc["model"]["means"] is False


@pytest.mark.parametrize(
    "module", ["data", "mixed", "networks", "indices", "document", "figure", "simulate"]
)
def test_docstring_examples_run(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"interdep.science.network.{module}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
