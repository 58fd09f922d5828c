"""Fixed-effect terms and the person-row design of the APIM (shared or role-specific)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interdep.science.apim.data import DyadData


@dataclass(frozen=True)
class Term:
    effect: str  # intercept | actor | partner | covariate (| role, *_x_role in the interaction approach)
    predictor: str | None
    role: str | None

    @property
    def label(self) -> str:
        what = {"intercept": "Intercept", "role": "Role"}.get(
            self.effect, self.effect.replace("_x_", " x ").capitalize()
        )
        name = f"{what} {self.predictor}" if self.predictor else what
        return f"{name} [{self.role}]" if self.role else name


def _base_terms(data: DyadData) -> list[Term]:
    return (
        [Term("intercept", None, None)]
        + [Term("actor", p, None) for p in data.predictors]
        + [Term("partner", p, None) for p in data.predictors]
        + [Term("covariate", c, None) for c in data.covariates]
    )


def _base_design(data: DyadData) -> np.ndarray:
    """(n, 2, q): intercept, own predictors, partner's predictors, covariates for each person."""
    n = data.n_dyads
    return np.concatenate([np.ones((n, 2, 1)), data.x, data.x[:, ::-1, :], data.cov], axis=2)


def _design(data: DyadData, distinguishable: bool) -> tuple[np.ndarray, list[Term]]:
    base, terms = _base_design(data), _base_terms(data)
    if not distinguishable:
        return base, terms
    n, _, q = base.shape
    X = np.zeros((n, 2, 2 * q))
    X[:, 0, 0::2] = base[:, 0]
    X[:, 1, 1::2] = base[:, 1]
    roles = data.roles or ("1", "2")
    return X, [Term(t.effect, t.predictor, role) for t in terms for role in roles]
