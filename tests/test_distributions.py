"""The scipy.special wrappers the APIM fit uses give what scipy.stats gives, value for value."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from interdep.science import distributions as dist

X = [-np.inf, -40.0, -3.0, -1e-9, 0.0, 1e-300, 1e-12, 0.5, 1.96, 3.2, 10.0, 40.0, np.inf, np.nan]
DF = [-1.0, 0.0, 0.5, 1.0, 2.0, 2.5, 3.0, 30.0, 1e6, np.inf, np.nan]
Q = [0.0, 1e-12, 0.025, 0.5, 0.95, 0.975, 0.995, 1.0, 1.5, -0.1, np.nan]


def _same(a, b) -> bool:
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


@pytest.mark.parametrize("df", DF)
def test_t_and_chi2_match_scipy_stats(df):
    for x in X:
        assert _same(dist.t_sf(x, df), stats.t.sf(x, df)), (x, df)
        assert _same(dist.chi2_sf(x, df), stats.chi2.sf(x, df)), (x, df)
    for q in Q:
        assert _same(dist.t_ppf(q, df), stats.t.ppf(q, df)), (q, df)


def test_normal_matches_scipy_stats():
    for q in Q:
        assert _same(dist.norm_ppf(q), stats.norm.ppf(q)), q
    for z in X:
        assert _same(dist.norm_cdf(z), stats.norm.cdf(z)), z
    qs = np.array([0.025, 0.975])
    assert _same(dist.norm_ppf(qs), stats.norm.ppf(qs))


def test_scalars_come_back_as_scalars():
    assert np.ndim(dist.t_sf(1.0, 3)) == 0 and np.ndim(dist.chi2_sf(2.0, 1)) == 0
    assert isinstance(float(dist.t_ppf(0.975, 10.0) * 2.0), float)
