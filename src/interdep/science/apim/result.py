"""What a fitted APIM reports: coefficients, k, the distinguishability test, the JSON form."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from interdep.lib.numbers import finite_or_none
from interdep.science.apim.design import Term
from interdep.science.distributions import t_ppf, t_sf

DF_METHOD = "residual: n_obs - p (as nlme summary.gls)"
DF_SATTERTHWAITE = "Satterthwaite (as SAS PROC MIXED ddfm=satterthwaite and lmerTest)"
DF_METHODS = ("satterthwaite", "kenward-roger", "residual")
DF_KENWARD_ROGER = "Kenward-Roger, with the adjusted covariance (as SAS ddfm=kr and pbkrtest)"


@dataclass(frozen=True)
class Coefficient:
    term: Term
    estimate: float
    se: float
    df: float
    t: float
    p: float
    ci_low: float
    ci_high: float
    standardized: float | None


@dataclass(frozen=True)
class KRatio:
    predictor: str
    role: str | None
    estimate: float
    ci_low: float | None
    ci_high: float | None
    percentile_low: float | None
    percentile_high: float | None
    interval: str | None
    pattern: str | None
    # share of bootstrap replicates whose k lies nearest each pattern's value: how sure the label is
    pattern_support: dict[str, float] | None = None


@dataclass(frozen=True)
class Distinguishability:
    lr: float
    df: int
    p: float
    loglik_indistinguishable: float
    loglik_distinguishable: float


@dataclass
class ApimResult:
    """A fitted APIM; ``to_dict`` gives the stable JSON form other tools read."""

    model: str
    method: str
    parametrisation: str | None
    outcome: str
    predictors: tuple[str, ...]
    covariates: tuple[str, ...]
    roles: tuple[str, str] | None
    n_dyads: int
    n_obs: int
    loglik: float
    rho: float
    residual_sd: float | dict[str, float]
    coefficients: list[Coefficient]
    k: list[KRatio]
    distinguishability: Distinguishability | None
    counts: dict[str, int]
    covariance: np.ndarray
    bootstrap: dict | None = None
    alpha: float = 0.05
    notes: list[str] = field(default_factory=list)
    df_method: str = DF_METHOD
    warnings: list[str] = field(default_factory=list)

    def coefficient(
        self, effect: str, predictor: str | None = None, role: str | None = None
    ) -> Coefficient:
        for c in self.coefficients:
            if (c.term.effect, c.term.predictor, c.term.role) == (effect, predictor, role):
                return c
        raise KeyError((effect, predictor, role))

    def to_dict(self) -> dict:
        num = finite_or_none

        return {
            "model": self.model,
            "method": self.method,
            "n_dyads": self.n_dyads,
            "n_obs": self.n_obs,
            "loglik": num(self.loglik),
            "rho": num(self.rho),
            "residual_sd": (
                {k: num(v) for k, v in self.residual_sd.items()}
                if isinstance(self.residual_sd, dict)
                else num(self.residual_sd)
            ),
            "coefficients": [
                {
                    "effect": c.term.effect,
                    "predictor": c.term.predictor,
                    "role": c.term.role,
                    "estimate": num(c.estimate),
                    "se": num(c.se),
                    "df": num(c.df),
                    "ci_low": num(c.ci_low),
                    "ci_high": num(c.ci_high),
                    "p": num(c.p),
                    "t": num(c.t),
                    "standardized": num(c.standardized),
                }
                for c in self.coefficients
            ],
            "k": [
                {
                    "predictor": k.predictor,
                    "role": k.role,
                    "estimate": num(k.estimate),
                    "ci_low": num(k.ci_low),
                    "ci_high": num(k.ci_high),
                    "pattern": k.pattern,
                    "pattern_support": k.pattern_support,
                    "interval": k.interval,
                    "percentile_low": num(k.percentile_low),
                    "percentile_high": num(k.percentile_high),
                }
                for k in self.k
            ],
            "distinguishability": (
                None
                if self.distinguishability is None
                else {
                    "lr": num(self.distinguishability.lr),
                    "df": self.distinguishability.df,
                    "p": num(self.distinguishability.p),
                }
            ),
            "outcome": self.outcome,
            "predictors": list(self.predictors),
            "covariates": list(self.covariates),
            "roles": list(self.roles) if self.roles else None,
            "parametrisation": self.parametrisation,
            "df_method": self.df_method,
            "covariance": {
                "terms": [c.term.label for c in self.coefficients],
                "matrix": [[num(v) for v in row] for row in self.covariance],
            },
            "warnings": list(self.warnings),
            "ci_level": 1 - self.alpha,
            "counts": dict(self.counts),
            "bootstrap": self.bootstrap,
        }


def _coefficients(beta, cov, terms, df, alpha, std) -> list[Coefficient]:
    se = np.sqrt(np.diag(cov))
    dfs = np.broadcast_to(np.asarray(df, dtype=float), (len(terms),))
    out = []
    for i, term in enumerate(terms):
        df = dfs[i]
        tq = t_ppf(1 - alpha / 2, df)
        t = beta[i] / se[i] if se[i] > 0 else math.nan
        out.append(
            Coefficient(
                term=term,
                estimate=float(beta[i]),
                se=float(se[i]),
                df=float(df),
                t=float(t),
                p=float(2 * t_sf(abs(t), df)),
                ci_low=float(beta[i] - tq * se[i]),
                ci_high=float(beta[i] + tq * se[i]),
                standardized=None if std[i] is None else float(beta[i] * std[i]),
            )
        )
    return out
