"""Dynamics on real couples' diaries: every couple's estimates equal statsmodels on the same design.

Daily data, so time is the diary day and ``max_gap`` is one day: a skipped day breaks the lag.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.tsa.api import VAR

from interdep.science import dynamics as dyn

REFERENCE = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference-data"
pytestmark = pytest.mark.reference


def _load(name: str, **kw) -> pd.DataFrame:
    path = REFERENCE / name
    if not path.exists():
        pytest.skip(f"reference data {name} not present")
    return pd.read_csv(path, **kw)


def _by_day_design(wide: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Lagged design of one couple by the obvious route: previous row only if it is yesterday."""
    w = wide.sort_values("day").reset_index(drop=True)
    w[[a, b]] = w[[a, b]] - w[[a, b]].mean()
    prev = w.shift(1)
    keep = (w["day"] - prev["day"]) == 1
    return pd.DataFrame({"yA": w[a], "yB": w[b], "xA": prev[a], "xB": prev[b]})[keep]


def _check_against_ols(results, wides, a, b):
    for r in results:
        d = _by_day_design(wides[r.couple_id], a, b)
        fits = []
        for y in ("yA", "yB"):
            dd = d.dropna(subset=[y, "xA", "xB"])
            x = sm.add_constant(dd[["xA", "xB"]].to_numpy(), has_constant="add")
            full = (
                len(dd) >= dyn.DEFAULT_MIN_PAIRS
                and np.linalg.matrix_rank(x) == 3
                and np.ptp(dd[y]) > 0
            )
            # sm.OLS(y, add_constant([A(prev), B(prev)])).fit()
            fits.append(sm.OLS(dd[y].to_numpy(), x).fit() if full else None)
        if not r.ok:
            # too few pairs, or a partner who gave the same answer on every row used
            assert None in fits or min(f.ssr for f in fits) < 1e-20
            continue
        fa, fb = fits
        np.testing.assert_allclose(
            [r.inertia[a], r.transmission[f"{b}->{a}"]], fa.params[1:], rtol=0, atol=1e-8
        )
        np.testing.assert_allclose(
            [r.transmission[f"{a}->{b}"], r.inertia[b]], fb.params[1:], rtol=0, atol=1e-8
        )
        np.testing.assert_allclose([r.se[a], r.se[f"{b}->{a}"]], fa.bse[1:], rtol=0, atol=1e-8)
        np.testing.assert_allclose([r.se[f"{a}->{b}"], r.se[b]], fb.bse[1:], rtol=0, atol=1e-8)


@pytest.mark.parametrize("item", ["Anx.", "Sad.", "Vig.", "Con."])
def test_bar_kalifa_couples_match_statsmodels_ols_and_var(item):
    data = _load("dyadmlvar_sample1_derived.csv")
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "couple": data["ID"].astype(str),
                    "person": role,
                    "day": data["DIARYDAY"].astype(float),
                    "value": data[f"{role}_{item}"],
                }
            )
            for role in ("M", "W")
        ]
    )
    results = dyn.analyse(
        long["couple"],
        long["person"],
        long["day"].to_numpy(),
        {item: long["value"].to_numpy()},
        max_gap=1.0,
        bias_replicates=0,
    )[item]
    assert len(results) == 80
    wides = {
        str(c): g.rename(columns={"DIARYDAY": "day", f"M_{item}": "M", f"W_{item}": "W"})[
            ["day", "M", "W"]
        ]
        for c, g in data.groupby("ID")
    }
    _check_against_ols(results, wides, "M", "W")
    n_var = 0
    for r in results:
        w = wides[r.couple_id].sort_values("day")
        if not r.ok or (np.diff(w["day"]) != 1).any():
            continue
        fit = VAR(w[["M", "W"]].to_numpy()).fit(1)  # statsmodels.tsa.api.VAR(endog).fit(1)
        np.testing.assert_allclose(
            [r.inertia["M"], r.transmission["W->M"], r.transmission["M->W"], r.inertia["W"]],
            [fit.params[1, 0], fit.params[2, 0], fit.params[1, 1], fit.params[2, 1]],
            rtol=0,
            atol=1e-8,
        )
        n_var += 1
    assert n_var >= 50  # 56 of the 80 couples have no skipped day
    pooled = dyn.pool_couples(results, bias_corrected=False)
    assert set(pooled["parameters"]) >= {
        "inertia[M]",
        "inertia[W]",
        "transmission[M->W]",
        "transmission[W->M]",
    }


def test_kashy_diary_couples_match_statsmodels_ols():
    data = _load("kashy_person_period_pairwise.csv", na_values=[" "])
    data = data.assign(couple=data["dyadid"].astype(str), role=data["genderS"])
    results = dyn.analyse(
        data["couple"],
        data["role"],
        data["Day"].to_numpy(float),
        {"satisf": data["satisf_A"].to_numpy()},
        max_gap=1.0,
        bias_replicates=0,
    )["satisf"]
    assert len(results) == 103
    wides = {
        c: g.pivot(index="Day", columns="role", values="satisf_A")
        .reset_index()
        .rename(columns={"Day": "day"})
        for c, g in data.groupby("couple")
    }
    _check_against_ols(results, wides, *sorted(data["role"].unique()))
    assert (
        sum(r.ok for r in results) >= 80
    )  # the rest have a partner who gave the same rating every day
