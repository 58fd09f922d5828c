"""Recovery of a known couple network from simulated diaries: bias, coverage, chance baseline.

Known property, checked rather than hidden: centring the lagged predictors on each couple's own
mean (as mlVAR does) biases the inertias (autoregressive effects) downwards by about
``(1 + a) / (T - 1)`` (Nickell 1981); the cross-lagged effects are essentially unbiased.
"""

from __future__ import annotations

import numpy as np
import pytest

from interdep.science.network import (
    default_network,
    lag_design,
    pseudo_couple_baseline,
    simulate_network,
)
from interdep.science.network.networks import fit_temporal

pytestmark = pytest.mark.slow


def test_bias_and_coverage_of_the_temporal_network():
    B = default_network(2, linkage=0.1)
    p, T, reps = 4, 70, 30
    est, hit = [], []
    for r in range(reps):
        sim = simulate_network(60, T, q=2, temporal=B, random_sd=0.05, seed=1000 + r)
        fit, _ = fit_temporal(
            lag_design(sim.couple, sim.time, sim.values, sim.variables, scale=False)
        )
        b, se = fit.fixed[:, 1 : p + 1], fit.se[:, 1 : p + 1]
        est.append(b)
        hit.append(np.abs(b - B) <= 1.959964 * se)
    bias = np.mean(est, axis=0) - B
    coverage = np.mean(hit, axis=0)
    off = ~np.eye(p, dtype=bool)
    print(f"cross-lagged: mean bias {bias[off].mean():+.4f}, coverage {coverage[off].mean():.3f}")
    print(
        f"inertia: mean bias {np.diag(bias).mean():+.4f} (Nickell {-(1 + 0.3) / (T - 1):+.4f}), "
        f"coverage {np.diag(coverage).mean():.3f}"
    )
    assert abs(bias[off].mean()) < 0.005 and np.abs(bias[off]).max() < 0.015
    assert 0.88 <= coverage[off].mean() <= 0.99
    assert abs(np.diag(bias).mean() - (-(1 + 0.3) / (T - 1))) < 0.01


def test_no_true_linkage_is_not_more_than_chance_at_about_the_nominal_rate():
    M, R = 20, 19
    hits = []
    for r in range(M):
        sim = simulate_network(25, 30, q=1, temporal=default_network(1, linkage=0.0), seed=2000 + r)
        base = pseudo_couple_baseline(
            sim.couple, sim.time, sim.values, sim.variables, 1, replicates=R, scale=False, seed=r
        )
        hits.append(base.more_than_chance("sample:inter"))
    rate = float(np.mean(hits))
    print(f"no linkage: 'more than chance' in {rate:.2f} of {M} samples (nominal 0.05)")
    assert rate <= 0.20  # 0.05 nominal; 4+ of 20 has probability < 0.02 under 0.05


def test_real_linkage_is_more_than_chance():
    hits = []
    for r in range(5):
        sim = simulate_network(25, 30, q=1, temporal=default_network(1, linkage=0.3), seed=3000 + r)
        base = pseudo_couple_baseline(
            sim.couple, sim.time, sim.values, sim.variables, 1, replicates=19, scale=False, seed=r
        )
        hits.append(base.more_than_chance("sample:inter"))
    assert np.mean(hits) >= 0.8
