"""The block likelihood of the diary models against a dense computation of the same likelihood
(every dyad's full covariance matrix built and factorised directly), and its analytic gradient
against finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import linalg

from interdep.science.apim import mixed
from interdep.science.apim.diary import diary_from_table
from interdep.science.apim.longitudinal import Spec, fixed_design, random_design
from interdep.science.apim.simulate_diary import simulate_diary


@pytest.fixture(scope="module")
def problem():
    frame = simulate_diary(25, 6, effect_sd=(0.1, 0.1), missing=0.15, seed=11)
    data = diary_from_table(
        frame, outcome="y", predictors=["x"], dyad_column="dyad", role_column="role",
        time_column="day",
    )  # fmt: skip
    spec = Spec("apim", "two-intercept", ("role-intercepts", "actor"), "REML", True, True, True)
    X, _ = fixed_design(data, spec)
    Z, _ = random_design(data, spec.random)
    return data, X, Z


def dense_deviance(data, X, Z, st, v, reml):
    """-2 log L with beta and sigma^2 profiled, from the dense V of every dyad."""
    Lm, rho, ratio = st.unpack(v)
    D = Lm @ Lm.T
    n, p = X.shape
    blocks = []
    for g in np.unique(data.dyad):
        idx = np.flatnonzero(data.dyad == g)
        sd = np.where(data.member[idx] == 1, ratio, 1.0)
        if st.ar1:
            # each person's residuals phi^|t - t'| apart, the partners' independent
            person = data.member[idx][:, None] == data.member[idx][None, :]
            lag = np.abs(data.time[idx][:, None] - data.time[idx][None, :])
            R = np.where(person, rho**lag, 0.0) * np.outer(sd, sd)
        else:
            same = data.occasion[idx][:, None] == data.occasion[idx][None, :]
            R = np.where(same, rho, 0.0) * np.outer(sd, sd)
            np.fill_diagonal(R, sd**2)
        blocks.append((idx, Z[idx] @ D @ Z[idx].T + R))
    xtvx = np.zeros((p, p))
    xtvy = np.zeros(p)
    logdet = 0.0
    for idx, V in blocks:
        c = linalg.cho_factor(V)
        xtvx += X[idx].T @ linalg.cho_solve(c, X[idx])
        xtvy += X[idx].T @ linalg.cho_solve(c, data.y[idx])
        logdet += 2 * np.log(np.diag(c[0])).sum()
    beta = np.linalg.solve(xtvx, xtvy)
    rss = 0.0
    for idx, V in blocks:
        r = data.y[idx] - X[idx] @ beta
        rss += r @ np.linalg.solve(V, r)
    dof = n - p if reml else n
    dev = dof * (math.log(2 * math.pi * rss / dof) + 1) + logdet
    if reml:
        dev += np.linalg.slogdet(xtvx)[1]
    return dev


@pytest.mark.parametrize("reml", [True, False])
@pytest.mark.parametrize("correlated,by_role", [(True, True), (False, True), (True, False)])
def test_block_likelihood_equals_the_dense_likelihood(problem, reml, correlated, by_role):
    data, X, Z = problem
    st = mixed.Structure(q=Z.shape[1], correlated=correlated, by_role=by_role)
    bd = mixed.block_data(data.dyad, data.occasion, data.member, X, Z, data.y)
    rng = np.random.default_rng(3)
    for _ in range(3):
        v = rng.normal(0, 0.4, st.size)
        ours = mixed.evaluate(bd, st, v, reml).deviance
        assert ours == pytest.approx(dense_deviance(data, X, Z, st, v, reml), rel=1e-10)
        value, grad = mixed.deviance_and_gradient(bd, st, v, reml)
        assert value == pytest.approx(ours, rel=1e-12)
        h = 1e-6
        numeric = [
            (mixed.evaluate(bd, st, v + e, reml).deviance
             - mixed.evaluate(bd, st, v - e, reml).deviance) / (2 * h)
            for e in np.eye(st.size) * h
        ]  # fmt: skip
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("reml", [True, False])
@pytest.mark.parametrize("by_role", [True, False])
def test_ar1_block_likelihood_equals_the_dense_likelihood(problem, reml, by_role):
    """AR(1) within person over time, with the gaps the missing days leave (phi^d, d > 1)."""
    data, X, Z = problem
    st = mixed.Structure(q=Z.shape[1], correlated=True, by_role=by_role, ar1=True)
    bd = mixed.block_data_ar1(data.dyad, data.time.astype(np.int64), data.member, X, Z, data.y)
    assert bd.n_obs == data.n_obs and len(bd.gaps) > 1  # the missing days leave longer gaps
    rng = np.random.default_rng(5)
    for _ in range(3):
        v = rng.normal(0, 0.4, st.size)
        v[st.n_theta] = rng.choice([-0.6, 0.8])  # negative and positive phi
        ours = mixed.evaluate(bd, st, v, reml).deviance
        assert ours == pytest.approx(dense_deviance(data, X, Z, st, v, reml), rel=1e-10)
        value, grad = mixed.deviance_and_gradient(bd, st, v, reml)
        assert value == pytest.approx(ours, rel=1e-12)
        h = 1e-6
        numeric = [
            (mixed.evaluate(bd, st, v + e, reml).deviance
             - mixed.evaluate(bd, st, v - e, reml).deviance) / (2 * h)
            for e in np.eye(st.size) * h
        ]  # fmt: skip
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-4)
