"""A couple's emotional interdependence over time: bivariate VAR(1) per couple, batched, pooled.

Model. For partners A and B of one couple, with each person's series centred
on that person's own mean,

    A(t) = c_A + a_AA * A(prev) + a_AB * B(prev) + e_A(t)
    B(t) = c_B + a_BA * A(prev) + a_BB * B(prev) + e_B(t)

``a_AA`` and ``a_BB`` are the inertias (carry-over of one's own mood), ``a_BA`` is the
transmission "A->B" (A's previous value predicting B's next) and ``a_AB`` the transmission "B->A".
Each equation keeps its own intercept, so the slopes do not depend on how the series were centred.

Time. The couple's prompt sequence is the sorted set of distinct time stamps at which either
partner answered. The previous prompt of ``t`` is the one just before it in that sequence, and the
pair (previous, t) is used only when the two are at most ``max_gap`` apart (or, when asked with
``overnight=True``, when they are the last prompt of one local day and the first of the next).
A gap is never bridged: if a value is missing at the previous prompt, the pair is lost rather
than reaching further back. A's equation uses the pairs where A(t), A(prev) and B(prev) are all
present; B's equation likewise; the two equations may therefore use different rows.

Batched. All couples are estimated in one vectorised pass: grouped sufficient statistics
(X'X, X'y per couple and equation, by ``np.bincount``), batched 3x3 solves, then residuals in one
more pass. There is no Python loop over couples in the estimator.

Uncertainty. Ordinary least squares standard errors and t intervals per equation. The
asymmetry (transmission A->B minus B->A) combines coefficients of the two equations, whose
estimates are correlated through the same-time correlation of the residuals. With errors
correlated only within a prompt (covariance sigma_AB) and independent across prompts,

    Cov(b_A, b_B | X) = sigma_AB (X_A'X_A)^-1 (X_C'X_C) (X_B'X_B)^-1,

where C are the rows both equations use (seemingly-unrelated-regressions algebra on unequal
rows). This is exact given sigma_AB; the one approximation is estimating sigma_AB from the
cross-product of the two equations' residuals on the common rows divided by (n_C - 3), the usual
small-sample SUR divisor. The asymmetry interval uses t with min(n_A, n_B) - 3 degrees of freedom.

Small-sample bias. With a few dozen pairs per couple, the OLS slopes of an autoregression are
biased downwards by roughly (1 + 3 a)/n (Hurwicz/Kendall; Nicholls & Pope 1988 for VARs): about
-0.045 on inertia with ~35 usable pairs, more than the differences researchers care about.
Per-couple OLS results are reported as estimated (they match any OLS program). Each couple also
carries bias-corrected slopes from a parametric bootstrap on the couple's own prompt pattern
(same gaps, same missing values; the analytic formula assumes an unbroken series and
overcorrects broken ones), shrunk towards OLS where the correction would leave the stationary
region (Kilian 1998). The pooled summary uses the corrected slopes when they were computed and
says so. Each couple's bootstrap draws are keyed by its id, so results do not depend on how the
couples are partitioned.

Minimum data. A couple is "insufficient_data" (never an exception) when it does not have exactly
two persons, when either equation has fewer than ``min_pairs`` usable pairs (default 10: seven
residual degrees of freedom), when a design is singular or an equation's outcome does not vary
on its rows (e.g. a partner who always gives the same answer: a "perfect" fit with zero standard
errors would swamp any pooling), or, when ``min_overlap_days`` is given, when the partners answered on fewer common local
days than that (the app uses 14; the research CLI leaves it off by default).

Modules, one idea each: ``sequence`` (gaps and prompt sequences), ``ols`` (the batched
least-squares kernel), ``estimator`` (one variable, all couples), ``bias`` (the bootstrap bias
correction), ``results`` (per-couple records), ``analysis`` (the long-data and one-couple entry
points), ``pooling`` (random effects across couples) and ``document`` (the JSON document).
"""

from interdep.science.dynamics.analysis import (
    DynamicsInput,
    analyse,
    code_couples,
    couple_dynamics,
)
from interdep.science.dynamics.bias import bootstrap_bias, corrected_slopes, couple_keys
from interdep.science.dynamics.constants import (
    APP_MIN_OVERLAP_DAYS,
    DEFAULT_BIAS_REPLICATES,
    DEFAULT_LEVEL,
    DEFAULT_MAX_GAP_SECONDS,
    DEFAULT_MIN_PAIRS,
    STATUS_INSUFFICIENT,
    STATUS_OK,
)
from interdep.science.dynamics.document import document_json, result_document
from interdep.science.dynamics.estimator import BatchEstimates, estimate_sequence
from interdep.science.dynamics.pooling import Pooled, pool_couples, pool_random_effects
from interdep.science.dynamics.results import CoupleDynamics, couple_results
from interdep.science.dynamics.sequence import PromptSequence, build_sequence, parse_max_gap

__all__ = [
    "APP_MIN_OVERLAP_DAYS",
    "DEFAULT_BIAS_REPLICATES",
    "DEFAULT_LEVEL",
    "DEFAULT_MAX_GAP_SECONDS",
    "DEFAULT_MIN_PAIRS",
    "STATUS_INSUFFICIENT",
    "STATUS_OK",
    "BatchEstimates",
    "CoupleDynamics",
    "DynamicsInput",
    "Pooled",
    "PromptSequence",
    "analyse",
    "bootstrap_bias",
    "build_sequence",
    "code_couples",
    "corrected_slopes",
    "couple_dynamics",
    "couple_keys",
    "couple_results",
    "document_json",
    "estimate_sequence",
    "parse_max_gap",
    "pool_couples",
    "pool_random_effects",
    "result_document",
]
