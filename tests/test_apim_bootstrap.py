"""The k bootstrap fits all replicates as one batch: each replicate must reach the same optimum
as a one-at-a-time fit of the same re-weighted data, and runs must repeat without a seed."""

from __future__ import annotations

import numpy as np
import pytest

from interdep.science.apim import DEFAULT_SEED, dyads_from_table, fit_apim, simulate_apim
from interdep.science.apim.gls import _optimise, _prepare, _start, _stats
from interdep.science.apim.k import _k_values, _resampled_k


@pytest.mark.parametrize("roles", [None, ("H", "W")])
@pytest.mark.parametrize("reml", [True, False])
def test_batched_replicates_reach_the_one_at_a_time_optimum(roles, reml):
    frame = simulate_apim(
        120, actor=0.5, partner=0.2, rho=0.4, roles=roles, missing_outcome=0.1, seed=5
    )
    data = dyads_from_table(
        frame,
        outcome="y",
        predictors=["x"],
        dyad_column="dyad",
        role_column="role" if roles else None,
    )
    dist = roles is not None
    prep = _prepare(data, dist)
    ev = _optimise(_stats(prep.blocks), dist, reml, _start(prep))
    rng = np.random.default_rng(0)
    n = prep.blocks.n_used
    weights = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(12)])
    batched = _resampled_k(prep, data, dist, reml, (ev.rho, ev.ratio), weights.astype(float))
    for b in range(len(weights)):
        one = _optimise(_stats(prep.blocks, weights[b].astype(float)), dist, reml, _start(prep))
        expected = [v for *_, v in _k_values(one.beta + prep.offset, prep.terms, data)]
        np.testing.assert_allclose(batched[b], expected, rtol=1e-6, atol=1e-8)


def test_without_a_seed_the_default_seed_is_used_and_recorded():
    frame = simulate_apim(150, roles=("H", "W"), seed=2)
    data = dyads_from_table(
        frame, outcome="y", predictors=["x"], dyad_column="dyad", role_column="role"
    )
    a = fit_apim(data, bootstrap=200)
    b = fit_apim(data, bootstrap=200)
    c = fit_apim(data, bootstrap=200, seed=DEFAULT_SEED + 1)
    assert a.bootstrap["seed"] == DEFAULT_SEED
    assert [k.ci_low for k in a.k] == [k.ci_low for k in b.k]
    assert [k.ci_low for k in a.k] != [k.ci_low for k in c.k]


def test_the_pattern_label_reports_its_bootstrap_support():
    frame = simulate_apim(1500, actor=0.5, partner=0.5, rho=0.3, seed=4)
    data = dyads_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad")
    r = fit_apim(data, bootstrap=300)
    support = r.k[0].pattern_support
    assert set(support) == {"actor-only", "couple", "contrast"}
    assert sum(support.values()) == pytest.approx(1.0)
    assert r.k[0].pattern == "couple" and support["couple"] > 0.8
    assert r.to_dict()["k"][0]["pattern_support"] == support
