"""Power of the APIM's actor and partner tests: by simulation with the fast fits, and analytically
for the indistinguishable cross-sectional model (the check of the simulation).

Analytic: with standardised predictors correlated ``r`` between partners and residuals
correlated ``rho``, one dyad's information about (actor, partner) is
``2 / (sigma^2 (1 - rho^2)) [[1 - rho r, r - rho], [r - rho, 1 - rho r]]``; the t statistic of
an effect is then noncentral t on ``2 n - 3`` df with noncentrality ``effect / SE``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from interdep.science.apim.data import dyads_from_table
from interdep.science.apim.diary import diary_from_table
from interdep.science.apim.fit import fit_apim
from interdep.science.apim.longitudinal import fit_diary
from interdep.science.apim.simulate import simulate_apim
from interdep.science.apim.simulate_diary import simulate_diary
from interdep.science.errors import InputError


@dataclass(frozen=True)
class PowerResult:
    n_dyads: int
    occasions: int | None
    replicates: int
    power: dict[str, float]  # simulated, per effect
    mc_se: dict[str, float]  # Monte Carlo SE of each simulated power
    analytic: dict[str, float] | None
    failed: int
    seed: int

    def to_dict(self) -> dict:
        return {
            "n_dyads": self.n_dyads,
            "occasions": self.occasions,
            "replicates": self.replicates,
            "power": dict(self.power),
            "monte_carlo_se": dict(self.mc_se),
            "analytic": dict(self.analytic) if self.analytic else None,
            "failed_fits": self.failed,
            "seed": self.seed,
        }


def analytic_power(
    n_dyads: int,
    actor: float,
    partner: float,
    *,
    rho: float,
    x_correlation: float = 0.0,
    residual_sd: float = 1.0,
    alpha: float = 0.05,
) -> dict[str, float]:
    """Power of the actor and partner t tests of the indistinguishable cross-sectional APIM.

    Parameters
    ----------
    n_dyads
        Number of complete dyads.
    actor, partner
        True effects (per SD of the predictor, whose SD is 1).
    rho
        Residual correlation of the partners.
    x_correlation
        Correlation of the partners' predictors.
    residual_sd
        Residual SD of the outcome.
    alpha
        Two-sided significance level.

    Returns
    -------
    dict
        ``{"actor": power, "partner": power}``.

    Examples
    --------
    >>> from interdep.science.apim.power import analytic_power
    >>> p = analytic_power(100, 0.3, 0.2, rho=0.4, x_correlation=0.3)
    >>> round(p["actor"], 2) > round(p["partner"], 2)
    True
    """
    if n_dyads < 3:
        raise InputError("power needs at least 3 dyads")
    info = (2 * n_dyads / (residual_sd**2 * (1 - rho**2))) * np.array(
        [
            [1 - rho * x_correlation, x_correlation - rho],
            [x_correlation - rho, 1 - rho * x_correlation],
        ]
    )
    cov = np.linalg.inv(info)
    df = 2 * n_dyads - 3
    crit = stats.t.ppf(1 - alpha / 2, df)
    out = {}
    for i, (name, effect) in enumerate((("actor", actor), ("partner", partner))):
        ncp = effect / math.sqrt(cov[i, i])
        out[name] = float(stats.nct.sf(crit, df, ncp) + stats.nct.cdf(-crit, df, ncp))
    return out


def dyads_for_power(target: float, actor: float, partner: float, **kwargs) -> int:
    """Smallest number of dyads whose analytic power reaches ``target`` for both effects that
    are not zero (bisection on the analytic power)."""
    effects = [e for e in ("actor", "partner") if (actor if e == "actor" else partner) != 0]
    if not effects:
        raise InputError("both effects are zero: no number of dyads gives power")

    def enough(n: int) -> bool:
        p = analytic_power(n, actor, partner, **kwargs)
        return all(p[e] >= target for e in effects)

    lo, hi = 3, 4
    while not enough(hi):
        lo, hi = hi, hi * 2
        if hi > 10_000_000:
            raise InputError("the effects are too small for any practical number of dyads")
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if enough(mid):
            hi = mid
        else:
            lo = mid
    return hi


def simulate_power(
    n_dyads: int,
    actor: float,
    partner: float,
    *,
    rho: float,
    x_correlation: float = 0.0,
    residual_sd: float = 1.0,
    occasions: int | None = None,
    intercept_sd: float = 0.5,
    alpha: float = 0.05,
    replicates: int = 500,
    seed: int = 20061,
    progress=None,
) -> PowerResult:
    """Power of the actor and partner tests by simulating and fitting ``replicates`` data sets.

    Parameters
    ----------
    n_dyads
        Number of dyads.
    actor, partner
        True effects (the same for both members).
    rho
        Residual correlation of the partners (within an occasion for diaries).
    x_correlation
        Correlation of the partners' predictors (cross-sectional designs).
    residual_sd
        Residual SD.
    occasions
        None: a cross-sectional design; a number: a diary design with that many occasions,
        fitted as the longitudinal APIM with role-specific random intercepts of SD
        ``intercept_sd`` (Satterthwaite df).
    intercept_sd
        SD of the dyads' random intercepts in a diary design.
    alpha
        Two-sided significance level.
    replicates
        Number of simulated data sets.
    seed
        Random seed (recorded; the same seed gives the same answer).
    progress
        Called with 1 after each replicate.

    Returns
    -------
    PowerResult
        Simulated power with its Monte Carlo SE, and the analytic power when it applies.

    Examples
    --------
    >>> from interdep.science.apim.power import simulate_power
    >>> r = simulate_power(80, 0.4, 0.0, rho=0.3, replicates=40, seed=1)
    >>> r.power["actor"] > 0.8, r.power["partner"] < 0.3
    (True, True)
    """
    if replicates < 1:
        raise InputError("at least one replicate")
    rng = np.random.default_rng(seed)
    hits = {"actor": 0, "partner": 0}
    failed = 0
    for _ in range(replicates):
        rep_seed = int(rng.integers(2**31))
        try:
            if occasions is None:
                frame = simulate_apim(
                    n_dyads, actor=actor, partner=partner, rho=rho, residual_sd=residual_sd,
                    x_correlation=x_correlation, seed=rep_seed,
                )  # fmt: skip
                data = dyads_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad")
                res = fit_apim(data, df_method="residual", distinguishability_test=False)
                ps = {e: res.coefficient(e, "x").p for e in hits}
            else:
                frame = simulate_diary(
                    n_dyads, occasions, intercept=(0.0, 0.0), actor=(actor, actor),
                    partner=(partner, partner), slope=(0.0, 0.0),
                    re_sd=(intercept_sd, intercept_sd, 0.0, 0.0),
                    residual_sd=(residual_sd, residual_sd), rho=rho, seed=rep_seed,
                )  # fmt: skip
                data = diary_from_table(
                    frame, outcome="y", predictors=["x"], dyad_column="dyad",
                    role_column="role", time_column="day",
                )  # fmt: skip
                res = fit_diary(
                    data, random="role-intercepts", parametrisation="interaction",
                    pseudo_r2=False,
                )  # fmt: skip
                ps = {e: res.coefficient(e, "x").p for e in hits}
        except (InputError, np.linalg.LinAlgError):
            failed += 1
            continue
        for e in hits:
            hits[e] += ps[e] < alpha
        if progress is not None:
            progress(1)
    done = replicates - failed
    power = {e: hits[e] / done if done else math.nan for e in hits}
    mc = {e: math.sqrt(power[e] * (1 - power[e]) / done) if done else math.nan for e in hits}
    analytic = None
    if occasions is None:
        analytic = analytic_power(
            n_dyads, actor, partner, rho=rho, x_correlation=x_correlation,
            residual_sd=residual_sd, alpha=alpha,
        )  # fmt: skip
    return PowerResult(n_dyads, occasions, replicates, power, mc, analytic, failed, seed)
