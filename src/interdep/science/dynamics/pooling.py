"""Random-effects pooling of the couples' estimates (DerSimonian-Laird or REML)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from interdep.lib.numbers import finite_or_none
from interdep.science.dynamics.constants import DEFAULT_LEVEL
from interdep.science.dynamics.results import CoupleDynamics
from interdep.science.errors import InputError


@dataclass
class Pooled:
    """Random-effects pooled estimate of one parameter across couples."""

    estimate: float
    se: float
    interval: list[float]
    tau: float  # between-couple SD
    tau2: float
    i2: float
    q: float
    k: int
    method: str

    def to_dict(self) -> dict:
        return {
            "estimate": finite_or_none(self.estimate),
            "se": finite_or_none(self.se),
            "interval": [finite_or_none(x) for x in self.interval],
            "tau": finite_or_none(self.tau),
            "tau2": finite_or_none(self.tau2),
            "i2": finite_or_none(self.i2),
            "q": finite_or_none(self.q),
            "k": self.k,
        }


def pool_random_effects(
    estimates, ses, *, method: str = "DL", level: float = DEFAULT_LEVEL
) -> Pooled:
    """Precision-weighted random-effects pooling (DerSimonian-Laird or REML tau^2).

    Each couple's estimate is weighted by 1 / (se^2 + tau^2), so couples with little data
    count less and real between-couple differences (tau) widen the pooled interval.

    Parameters
    ----------
    estimates, ses : array_like
        One estimate and its standard error per couple; non-finite or zero ses are left out.
    method : {"DL", "REML"}, default "DL"
        Estimator of the between-couple variance tau^2.
    level : float, default 0.95
        Level of the normal interval.

    Returns
    -------
    Pooled

    Examples
    --------
    >>> p = pool_random_effects([0.2, 0.3, 0.4], [0.1, 0.1, 0.1])
    >>> round(p.estimate, 3), p.k, p.tau
    (0.3, 3, 0.0)
    """
    y = np.asarray(estimates, dtype=float)
    v = np.asarray(ses, dtype=float) ** 2
    keep = np.isfinite(y) & np.isfinite(v) & (v > 0)
    y, v = y[keep], v[keep]
    k = len(y)
    if k == 0:
        nan = float("nan")
        return Pooled(nan, nan, [nan, nan], nan, nan, nan, nan, 0, method)
    w = 1 / v
    mu_fe = np.sum(w * y) / np.sum(w)
    q = float(np.sum(w * (y - mu_fe) ** 2))
    c = np.sum(w) - np.sum(w * w) / np.sum(w)
    tau2 = max(0.0, (q - (k - 1)) / c) if k > 1 and c > 0 else 0.0
    if method.upper() == "REML" and k > 1:
        for _ in range(200):
            ws = 1 / (v + tau2)
            mu = np.sum(ws * y) / np.sum(ws)
            new = np.sum(ws * ws * ((y - mu) ** 2 - v)) / np.sum(ws * ws) + 1 / np.sum(ws)
            new = max(0.0, float(new))
            if abs(new - tau2) < 1e-12 * max(1.0, tau2):
                tau2 = new
                break
            tau2 = new
    elif method.upper() not in {"DL", "REML"}:
        raise InputError(f"unknown pooling method {method!r} (use DL or REML)")
    ws = 1 / (v + tau2)
    mu = float(np.sum(ws * y) / np.sum(ws))
    se = float(np.sqrt(1 / np.sum(ws)))
    z = stats.norm.ppf(0.5 + level / 2)
    i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
    return Pooled(
        mu,
        se,
        [mu - z * se, mu + z * se],
        math.sqrt(tau2),
        float(tau2),
        float(i2),
        q,
        k,
        method.upper(),
    )


def pool_couples(
    results: Sequence[CoupleDynamics],
    *,
    method: str = "DL",
    bias_corrected: bool = True,
    level: float = DEFAULT_LEVEL,
) -> dict:
    """The multilevel summary of one variable across couples.

    With the same two person labels in every couple (distinguishable partners, e.g. M and W)
    each role and direction is pooled on its own and the asymmetry too. Otherwise partners are
    exchangeable: inertia pools both partners, transmission both directions (treating the two
    estimates of a couple as independent, an approximation), and a signed asymmetry has no
    meaning across couples. Co-movement pools Fisher-z correlations with variance 1/(n - 3).

    Parameters
    ----------
    results : sequence of CoupleDynamics
        One variable's couples.
    method : {"DL", "REML"}, default "DL"
        Estimator of the between-couple variance.
    bias_corrected : bool, default True
        Pool the bias-corrected slopes (they equal OLS when computed with
        ``bias_replicates=0``, so callers set the flag to match).
    level : float, default 0.95
        Level of the intervals.

    Returns
    -------
    dict
        ``method``, ``bias_corrected``, ``n_couples``, ``n_couples_ok`` and ``parameters``.

    Examples
    --------
    >>> from interdep.science.checkin_sim import simulate_checkins
    >>> from interdep.science.dynamics import analyse
    >>> sim = simulate_checkins(couples=3, days=14, prompts_per_day=5, seed=1)
    >>> f = sim.frame()
    >>> out = analyse(f.couple_id, f.person_id, sim.seconds, {"valence": f.valence.to_numpy()},
    ...               max_gap=3 * 3600, bias_replicates=0)
    >>> pooled = pool_couples(out["valence"], bias_corrected=False)
    >>> pooled["n_couples_ok"], sorted(pooled["parameters"])
    (3, ['co_movement', 'inertia', 'transmission'])
    """
    ok = [r for r in results if r.ok]
    label_sets = {tuple(r.persons) for r in ok}
    params: dict[str, Pooled] = {}

    def val(r: CoupleDynamics, key: str, kind: str) -> float:
        if bias_corrected:
            return r.bias_corrected[key]
        return (r.inertia if kind == "inertia" else r.transmission)[key]

    if len(label_sets) == 1:
        a, b = next(iter(label_sets))
        for kind, key in (
            ("inertia", a),
            ("inertia", b),
            ("transmission", f"{a}->{b}"),
            ("transmission", f"{b}->{a}"),
        ):
            params[f"{kind}[{key}]"] = pool_random_effects(
                [val(r, key, kind) for r in ok], [r.se[key] for r in ok], method=method, level=level
            )
        params[f"asymmetry[{a}->{b} minus {b}->{a}]"] = pool_random_effects(
            [r.asymmetry["estimate"] for r in ok],
            [r.asymmetry["se"] for r in ok],
            method=method,
            level=level,
        )
    elif ok:
        ys, ss, yt, st = [], [], [], []
        for r in ok:
            a, b = r.persons
            for p in (a, b):
                ys.append(val(r, p, "inertia"))
                ss.append(r.se[p])
            for key in (f"{a}->{b}", f"{b}->{a}"):
                yt.append(val(r, key, "transmission"))
                st.append(r.se[key])
        params["inertia"] = pool_random_effects(ys, ss, method=method, level=level)
        params["transmission"] = pool_random_effects(yt, st, method=method, level=level)
    z = [
        math.atanh(max(min(r.co_movement, 0.999999), -0.999999))
        for r in ok
        if r.co_movement is not None
    ]
    zse = [1 / math.sqrt(max(r.n_pairs_both - 3, 1)) for r in ok if r.co_movement is not None]
    co = pool_random_effects(z, zse, method=method, level=level) if z else None
    out = {
        "method": "DerSimonian-Laird random effects"
        if method.upper() == "DL"
        else "REML random effects",
        "bias_corrected": bool(bias_corrected),
        "n_couples": len(results),
        "n_couples_ok": len(ok),
        "parameters": {k: p.to_dict() for k, p in params.items()},
    }
    if co is not None:
        cd = co.to_dict()
        cd.update(
            estimate=math.tanh(co.estimate),
            interval=[math.tanh(x) for x in co.interval],
            scale="correlation (pooled on Fisher z; se and tau on the z scale)",
        )
        out["parameters"]["co_movement"] = cd
    return out
