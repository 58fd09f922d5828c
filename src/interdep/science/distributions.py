"""The t, chi-square and normal functions the APIM fit reports, from scipy.special.

scipy.stats computes each of these with the same scipy.special function after checking its
arguments; importing scipy.stats costs a command about a third of a second, more than fitting
the APIM of a million dyads, so the fit calls scipy.special directly. The few lines around each
call give what scipy.stats gives at the edges too (a negative chi-square, a probability of 0,
df <= 0), value for value; tests/test_distributions.py compares them on a grid.
"""

from __future__ import annotations

import numpy as np
from scipy import special


def t_sf(x, df):
    """``scipy.stats.t.sf(x, df)``: P(T > x) with ``df`` degrees of freedom."""
    return special.stdtr(df, -np.asarray(x, dtype=float))[()]


def t_ppf(q, df):
    """``scipy.stats.t.ppf(q, df)``: the ``q`` quantile of t with ``df`` degrees of freedom."""
    q, df = np.asarray(q, dtype=float), np.asarray(df, dtype=float)
    return np.where((q == 0) & (df > 0), -np.inf, special.stdtrit(df, q))[()]


def chi2_sf(x, df):
    """``scipy.stats.chi2.sf(x, df)``: P(X > x); 1 below zero, NaN unless ``df`` > 0."""
    x, df = np.asarray(x, dtype=float), np.asarray(df, dtype=float)
    inside = special.chdtrc(df, np.clip(x, 0.0, np.finfo(float).max))
    return np.where(df > 0, np.where(x == np.inf, 0.0, inside), np.nan)[()]


def norm_ppf(q):
    """``scipy.stats.norm.ppf(q)``: the standard normal quantile."""
    return special.ndtri(q)


def norm_cdf(z):
    """``scipy.stats.norm.cdf(z)``: the standard normal distribution function."""
    return special.ndtr(z)
