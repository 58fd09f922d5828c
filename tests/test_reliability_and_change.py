"""Reliability (alpha, omega) against independent implementations, and the Reliable Change Index."""

import numpy as np
import pandas as pd
import pingouin
import pytest
import semopy

from interdep.science.change import profile_change, reliable_change, reliable_change_index
from interdep.science.instrument import load_instrument
from interdep.science.reliability import cronbach_alpha, mcdonald_omega, reliability_table
from interdep.science.scoring import self_report_plan
from interdep.science.simulate import simulate_couples


@pytest.fixture(scope="module")
def pool():
    instrument = load_instrument("v1")
    answers, _ = simulate_couples(instrument, 400, seed=11)
    ids = self_report_plan(instrument).item_ids
    return instrument, answers[list(ids)].to_numpy(dtype=float, na_value=np.nan), ids


def facet_block(pool, facet):
    from interdep.science.reliability import keyed_items

    instrument, matrix, ids = pool
    cols = [k for k, i in enumerate(ids) if instrument.item(i).facet == facet]
    return keyed_items(instrument, matrix, ids)[:, cols]


@pytest.mark.parametrize("facet", ["boundaries", "reliance", "openness"])
@pytest.mark.parametrize("nan_policy", ["listwise", "pairwise"])
def test_alpha_matches_pingouin(pool, facet, nan_policy):
    block = facet_block(pool, facet)
    expected, _ = pingouin.cronbach_alpha(pd.DataFrame(block), nan_policy=nan_policy)
    assert cronbach_alpha(block, nan_policy=nan_policy) == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize(
    "facet", ["boundaries", "steadiness", "vulnerability", "honest_communication"]
)
def test_omega_matches_an_independent_ml_factor_analysis(pool, facet):
    block = facet_block(pool, facet)
    complete = block[~np.isnan(block).any(axis=1)]
    frame = pd.DataFrame(complete, columns=[f"x{k}" for k in range(complete.shape[1])])
    model = semopy.Model("f =~ " + " + ".join(frame.columns))
    model.fit(frame, obj="MLW")  # Wishart ML, as a one-factor CFA in lavaan would fit
    estimates = model.inspect(std_est=True)
    loading = estimates[(estimates.op == "~") & (estimates.rval == "f")]
    residual = estimates[(estimates.op == "~~") & (estimates.lval == estimates.rval)]
    residual = residual[residual.lval != "f"].set_index("lval")
    # Unstandardised loadings in the items' units, relative to the factor's variance.
    factor_var = float(
        estimates[(estimates.op == "~~") & (estimates.lval == "f") & (estimates.rval == "f")][
            "Estimate"
        ].iloc[0]
    )
    lam = loading["Estimate"].to_numpy() * np.sqrt(factor_var)
    theta = residual.loc[loading["lval"], "Estimate"].to_numpy()
    expected = lam.sum() ** 2 / (lam.sum() ** 2 + theta.sum())  # omega of the raw sum
    assert mcdonald_omega(block) == pytest.approx(expected, abs=1e-3)


def test_alpha_of_perfectly_parallel_items_is_one_and_of_independent_items_near_zero():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(500, 1))
    assert cronbach_alpha(np.hstack([base, base, base])) == pytest.approx(1.0)
    assert abs(cronbach_alpha(rng.normal(size=(5000, 4)))) < 0.05


def test_reliability_table_covers_every_facet_and_both_scales(pool):
    instrument, matrix, ids = pool
    rows = reliability_table(instrument, matrix, ids)
    names = {r["name"] for r in rows}
    assert set(instrument.facet_ids) | {"connection", "self"} == names
    assert all(0.5 < r["alpha"] < 1 and 0.5 < r["omega"] < 1 for r in rows)


def test_rci_follows_jacobson_and_truax():
    # SD 10, r = .84 -> SEM 4, S_diff = sqrt(2) * 4 = 5.657; change 12 -> RCI 2.1213.
    assert reliable_change_index(50, 62, sd=10, reliability=0.84) == pytest.approx(
        12 / (np.sqrt(2) * 4)
    )


def test_only_reliable_change_is_called_change():
    big = reliable_change(40, 70, score="connection")
    small = reliable_change(40, 45, score="connection")
    assert big.reliable and big.direction == "improved"
    assert not small.reliable and small.direction == "no reliable change"
    assert reliable_change(None, 45, score="connection") is None


def test_going_down_on_fusion_is_improvement():
    change = profile_change(
        {"scales": {"fusion": 80.0}, "facets": {}}, {"scales": {"fusion": 20.0}, "facets": {}}
    )["fusion"]
    assert change.reliable and change.direction == "improved"


def test_rci_refuses_impossible_reliability():
    with pytest.raises(ValueError):
        reliable_change_index(1, 2, sd=1, reliability=1.0)


def test_an_item_nobody_varied_on_leaves_omega_undefined_not_a_crash(pool):
    instrument, matrix, ids = pool
    matrix = matrix.copy()
    constant = next(k for k, i in enumerate(ids) if instrument.item(i).facet == "boundaries")
    matrix[:, constant] = 3.0
    rows = {r["name"]: r for r in reliability_table(instrument, matrix, ids)}
    assert rows["boundaries"]["omega"] is None and rows["boundaries"]["alpha"] is not None
    assert rows["saying_no"]["omega"] is not None
    assert np.isnan(cronbach_alpha(np.full((10, 3), 2.0)))


def test_a_singular_pool_leaves_omega_undefined_not_a_crash():
    rng = np.random.default_rng(5)
    base = rng.normal(size=(40, 1))
    block = np.hstack([base, base, base + rng.normal(size=(40, 1))])  # two items always alike
    assert np.isnan(mcdonald_omega(block))
    assert np.isnan(mcdonald_omega(rng.normal(size=(3, 5))))  # fewer people than items
