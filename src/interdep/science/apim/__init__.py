"""The Actor-Partner Interdependence Model (APIM; Kenny, Kashy & Cook, 2006).

Does my outcome depend on my own predictor (actor effect) and on my partner's (partner effect)?
The model is a regression on person rows whose residuals are correlated within a dyad:

* **indistinguishable** dyads (no role tells the members apart): one set of coefficients and a
  compound-symmetric residual covariance ``sigma^2 [[1, rho], [rho, 1]]``; ``rho`` is the
  partial intraclass correlation. This is ``nlme::gls(..., correlation = corCompSymm(~1|dyad))``.
* **distinguishable** dyads (a role such as wife/husband): intercept, actor and partner effects
  per role (two-intercept parametrisation, or the equivalent interaction approach with an
  effect-coded role) and residual variances per role with their correlation; this is ``gls`` with
  ``weights = varIdent(~1|role)`` as well.

Why our own engine: a dyad's covariance is a 2x2 block that is the same for every complete dyad,
so the whitened cross-products ``X'V^-1X`` are a weighted sum of five small matrices computed once
(complete dyads' member-1/member-2 products and the lone members of dyads with one outcome
missing). The likelihood, profiled over the regression coefficients and sigma, is then a function
of one (``rho``) or two (``rho`` and the role SD ratio) numbers that costs O(p^3) to evaluate
whatever the number of dyads, so 100,000 dyads fit in well under a second, and a bootstrap only
re-weights those products. Maximum likelihood and REML are both exact (no approximation).

Missing outcomes: a dyad where one member's outcome is missing keeps the other member's row, which
contributes alone with its own variance (full-information ML/REML on the available data, as
``gls(..., na.action = na.omit)``); the counts used are reported. Rows whose own or partner's
predictor is missing cannot be modelled and are counted, not hidden.

Inference follows ``summary.gls``: t statistics on the residual degrees of freedom ``n_obs - p``.

Modules: ``data`` (reading the three layouts), ``design`` (terms and design), ``gls`` (the
likelihood engine), ``fit`` (``fit_apim``), ``k`` (k and its bootstrap), ``result`` (what a fit
reports), ``simulate`` (dyads with known effects).
"""

from interdep.science.apim.data import DyadData, dyads_from_table
from interdep.science.apim.design import Term, _design
from interdep.science.apim.fit import PARAMETRISATIONS, distinguishability, fit_apim
from interdep.science.apim.gls import METHODS, GlsFit, fit_dyadic_gls
from interdep.science.apim.k import DEFAULT_SEED, PATTERN_VALUES, _bca, _pattern
from interdep.science.apim.result import (
    DF_METHOD,
    ApimResult,
    Coefficient,
    Distinguishability,
    KRatio,
)
from interdep.science.apim.simulate import simulate_apim

__all__ = [
    "DEFAULT_SEED",
    "DF_METHOD",
    "METHODS",
    "PARAMETRISATIONS",
    "PATTERN_VALUES",
    "ApimResult",
    "Coefficient",
    "Distinguishability",
    "DyadData",
    "GlsFit",
    "KRatio",
    "Term",
    "distinguishability",
    "dyads_from_table",
    "fit_apim",
    "fit_dyadic_gls",
    "simulate_apim",
]
# the private names below are re-exported for the tests that check the rules they implement
_private = (_bca, _design, _pattern)
