"""Couple-level indices of a temporal network and their chance baselines.

Indices (Sened and colleagues' densities for couples' networks, computed on a temporal matrix
``B`` with row = outcome at t, column = predictor at t-1; partner A's ``q`` variables first):

* ``intra_a``, ``intra_b``: mean absolute effect within a partner (own feelings yesterday on
  own feelings today, inertia included); ``intra`` their mean.
* ``a_to_b``, ``b_to_a``: mean absolute effect of one partner's feelings yesterday on the
  other's today (the partner-to-partner transmission in each direction).
* ``inter``: the mean of the two directions; ``ratio = inter / intra``.

Chance baselines answer "is this couple's (or this sample's) linkage more than chance?":

* :func:`pseudo_couple_baseline` for a sample: every partner A is re-paired with partner B of
  another couple, aligned on the diary day (Sels and colleagues' pseudo-couples), the whole
  network is refitted, and the real index is placed in the distribution of the pseudo-couple
  indices (percentile, one-sided p-value).
* :func:`surrogate_baseline` for one couple alone (what the app has): partner B's series is
  shifted in time against A's by every shift of at least ``min_shift`` days (circularly, on the
  couple's own day grid, so each partner's own dynamics and missing days are kept and only the
  alignment is broken), and the couple's own VAR(1) is refitted each time.

How the app calls them: with one couple's check-ins as a day index (local day ordinal) per row
and a ``(days, 2q)`` array (A's feelings, then B's, ``NaN`` where missing),
``couple_network(days, values, q)`` gives the couple's own network and indices and
``surrogate_baseline(days, values, q)`` the comparison with chance. Both are pure functions of
arrays (no files, no database), and return ``status = "insufficient_data"`` rather than raising
when the couple has too few consecutive days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import norm

from interdep.science.network.data import lag_design, pseudo_couples
from interdep.science.network.mixed import one_blas_thread
from interdep.science.network.networks import fit_network, fit_temporal

__all__ = [
    "INDEX_NAMES",
    "ChanceBaseline",
    "CoupleNetwork",
    "couple_network",
    "density_indices",
    "pseudo_couple_baseline",
    "surrogate_baseline",
]

INDEX_NAMES = ("intra_a", "intra_b", "intra", "a_to_b", "b_to_a", "inter", "ratio")
STATUS_OK = "ok"
STATUS_INSUFFICIENT = "insufficient_data"


def density_indices(B: np.ndarray, n_a: int) -> dict[str, float]:
    """Within- and between-partner densities of a temporal network and their ratio.

    Parameters
    ----------
    B : ndarray, shape (p, p)
        Row = outcome at t, column = predictor at t-1; the first ``n_a`` variables are
        partner A's.
    n_a : int
        Number of partner A's variables.

    Returns
    -------
    dict
        ``intra_a, intra_b, intra, a_to_b, b_to_a, inter, ratio``.

    Examples
    --------
    >>> import numpy as np
    >>> B = np.array([[0.4, 0.1], [0.3, 0.2]])  # A -> B is 0.3, B -> A is 0.1
    >>> {k: round(v, 3) for k, v in density_indices(B, 1).items()}
    {'intra_a': 0.4, 'intra_b': 0.2, 'intra': 0.3, 'a_to_b': 0.3, 'b_to_a': 0.1, 'inter': 0.2, 'ratio': 0.667}
    """
    A = np.abs(np.asarray(B, dtype=float))
    a, b = slice(0, n_a), slice(n_a, A.shape[0])
    out = {
        "intra_a": float(A[a, a].mean()),
        "intra_b": float(A[b, b].mean()),
        "a_to_b": float(A[b, a].mean()),
        "b_to_a": float(A[a, b].mean()),
    }
    out["intra"] = (out["intra_a"] + out["intra_b"]) / 2.0
    out["inter"] = (out["a_to_b"] + out["b_to_a"]) / 2.0
    out["ratio"] = out["inter"] / out["intra"] if out["intra"] > 0 else float("nan")
    return {k: out[k] for k in INDEX_NAMES}


def _mean_couple_indices(Bs: np.ndarray, n_a: int) -> dict[str, float]:
    per = [density_indices(B, n_a) for B in Bs]
    return {k: float(np.nanmean([d[k] for d in per])) for k in INDEX_NAMES}


@dataclass(frozen=True)
class ChanceBaseline:
    """Observed indices against their distribution under chance.

    Attributes
    ----------
    method : str
        ``"pseudo-couples"`` or ``"time-shifted surrogates"``.
    observed : dict
        Index -> observed value (for the pseudo-couple baseline, keys are
        ``"sample:<index>"`` from the fixed network and ``"couples:<index>"`` the mean of the
        couples' own networks).
    null : dict
        Index -> array of values under chance.
    percentile : dict
        Index -> percent of chance values below the observed one.
    p_value : dict
        Index -> one-sided ``(1 + #(chance >= observed)) / (1 + replicates)``.
    replicates : int
    couples : dict
        For the pseudo-couple baseline: couple id -> percentile of the couple's own ``inter``
        and ``ratio`` among all pseudo-couples' (empty otherwise).
    status : str
    """

    method: str
    observed: dict
    null: dict
    percentile: dict
    p_value: dict
    replicates: int
    couples: dict = field(default_factory=dict)
    status: str = STATUS_OK

    def more_than_chance(self, index: str, alpha: float = 0.05) -> bool:
        """Whether the observed index exceeds chance at level ``alpha`` (one-sided)."""
        return bool(self.p_value[index] <= alpha)


def _compare(observed: dict, null: dict) -> tuple[dict, dict]:
    pct, pv = {}, {}
    for k, obs in observed.items():
        v = np.asarray(null[k], dtype=float)
        v = v[np.isfinite(v)]
        if not np.isfinite(obs) or v.size == 0:
            pct[k] = pv[k] = float("nan")
            continue
        pct[k] = float(100.0 * np.mean(v < obs))
        pv[k] = float((1 + np.sum(v >= obs)) / (1 + v.size))
    return pct, pv


def pseudo_couple_baseline(
    couple: Sequence,
    time: Sequence,
    values: np.ndarray,
    variables: Sequence[str],
    n_a: int,
    *,
    replicates: int = 100,
    seed: int = 0,
    scale: bool = True,
    scale_within: bool = False,
    means: bool = True,
    observed_fit=None,
) -> ChanceBaseline:
    """Sample-level chance baseline from pseudo-couples aligned on diary day.

    Parameters
    ----------
    couple, time, values, variables
        The diary as for :func:`interdep.science.network.data.lag_design`.
    n_a : int
        Number of partner A's variables (the first ``n_a`` columns).
    replicates : int
        Re-pairings (each refits the temporal network).
    seed : int
        Random seed of the re-pairings.
    scale, scale_within, means : bool
        As for the real network (the pseudo-couples are prepared and fitted the same way).
    observed_fit : NetworkFit, optional
        The real network, if already fitted.

    Returns
    -------
    ChanceBaseline

    Examples
    --------
    >>> from interdep.science.network.simulate import simulate_network, default_network
    >>> sim = simulate_network(20, 25, temporal=default_network(1, linkage=0.0), q=1, seed=3)
    >>> base = pseudo_couple_baseline(sim.couple, sim.time, sim.values, sim.variables, 1,
    ...                               replicates=9, scale=False)
    >>> 0 < base.p_value["sample:inter"] <= 1
    True
    """
    couple = np.asarray(couple, dtype=object)
    time = np.asarray(time, dtype=float)
    values = np.asarray(values, dtype=float)
    variables = list(variables)
    p = len(variables)

    def indices_of(c, t, v) -> dict:
        d = lag_design(c, t, v, variables, scale=scale, scale_within=scale_within)
        fit, _ = fit_temporal(d, start=start, means=means)
        fixed = fit.fixed[:, 1 : p + 1]
        couples = fixed[None] + np.transpose(fit.ranef[:, :, 1:], (1, 0, 2))
        out = {f"sample:{k}": x for k, x in density_indices(fixed, n_a).items()}
        out.update({f"couples:{k}": x for k, x in _mean_couple_indices(couples, n_a).items()})
        return out, couples

    with one_blas_thread():
        if observed_fit is None:
            d = lag_design(couple, time, values, variables, scale=scale, scale_within=scale_within)
            observed_fit = fit_network(d, contemporaneous=False, means=means)
        observed = {
            f"sample:{k}": x for k, x in density_indices(observed_fit.temporal, n_a).items()
        }
        observed.update(
            {
                f"couples:{k}": x
                for k, x in _mean_couple_indices(observed_fit.temporal_couples, n_a).items()
            }
        )
        # the real fit's relative variances are a good start for every re-pairing
        tf = observed_fit.temporal_fit
        with np.errstate(invalid="ignore", divide="ignore"):
            start = np.nan_to_num((tf.random_sd / tf.sigma[:, None]) ** 2, nan=1.0) + 1e-3
        rng = np.random.default_rng(seed)
        null = {k: [] for k in observed}
        pooled_inter, pooled_ratio = [], []
        for _ in range(replicates):
            pc, pt, pv = pseudo_couples(couple, time, values, n_a, rng)
            ind, couples = indices_of(pc, pt, pv)
            for k in observed:
                null[k].append(ind[k])
            for B in couples:
                di = density_indices(B, n_a)
                pooled_inter.append(di["inter"])
                pooled_ratio.append(di["ratio"])
    null = {k: np.asarray(v) for k, v in null.items()}
    pct, pv = _compare(observed, null)
    pooled_inter, pooled_ratio = np.asarray(pooled_inter), np.asarray(pooled_ratio)
    per_couple = {}
    if pooled_inter.size:
        for cid, B in zip(observed_fit.couples, observed_fit.temporal_couples, strict=True):
            di = density_indices(B, n_a)
            per_couple[cid] = {
                "inter": di["inter"],
                "inter_percentile": float(100.0 * np.mean(pooled_inter < di["inter"])),
                "ratio": di["ratio"],
                "ratio_percentile": float(100.0 * np.nanmean(pooled_ratio < di["ratio"])),
            }
    return ChanceBaseline(
        method="pseudo-couples",
        observed=observed,
        null=null,
        percentile=pct,
        p_value=pv,
        replicates=replicates,
        couples=per_couple,
    )


# --------------------------------------------------------------------------- one couple


@dataclass(frozen=True)
class CoupleNetwork:
    """One couple's own VAR(1) network from their own series (least squares, standardised).

    Attributes
    ----------
    temporal : ndarray or None, shape (p, p)
        Row = outcome at t, column = predictor at t-1, on within-couple z-scores.
    n_pairs : int
        Usable (t-1, t) pairs with every variable present.
    indices : dict
        :func:`density_indices` of ``temporal``.
    status : str
        ``"ok"`` or ``"insufficient_data"``.
    temporal_se : ndarray or None, shape (p, p)
        Least-squares standard error of each entry of ``temporal``.
    """

    temporal: np.ndarray | None
    n_pairs: int
    indices: dict
    status: str
    temporal_se: np.ndarray | None = None


def _couple_fit(grid: np.ndarray, n_a: int, min_pairs: int) -> CoupleNetwork:
    """OLS VAR(1) of every outcome on every lagged variable, on a dense day grid (NaN = missing)."""
    p = grid.shape[1]
    prev, cur = grid[:-1], grid[1:]
    ok = np.isfinite(prev).all(1) & np.isfinite(cur).all(1)
    n = int(ok.sum())
    if n < min_pairs:
        return CoupleNetwork(None, n, {}, STATUS_INSUFFICIENT)
    X = np.column_stack([np.ones(n), prev[ok]])
    Y = cur[ok]
    coef, _, rank, _ = np.linalg.lstsq(X, Y, rcond=None)
    if rank < p + 1:
        return CoupleNetwork(None, n, {}, STATUS_INSUFFICIENT)
    B = coef[1:].T
    resid = Y - X @ coef
    sigma2 = (resid**2).sum(axis=0) / max(n - (p + 1), 1)
    unscaled = np.diag(np.linalg.inv(X.T @ X))[1:]
    se = np.sqrt(sigma2[:, None] * unscaled[None, :])  # row = outcome, column = predictor
    return CoupleNetwork(B, n, density_indices(B, n_a), STATUS_OK, se)


def _day_grid(days: Sequence, values: np.ndarray) -> np.ndarray:
    d = np.asarray(days, dtype=float)
    v = np.asarray(values, dtype=float)
    if d.size == 0:
        return np.empty((0, v.shape[1] if v.ndim == 2 else 0))
    if np.any(d != np.round(d)):
        raise ValueError("days must be whole numbers (a day index)")
    d = d.astype(np.int64)
    if len(np.unique(d)) != len(d):
        raise ValueError("one row per day: a day appears twice")
    start = d.min()
    grid = np.full((d.max() - start + 1, v.shape[1]), np.nan)
    grid[d - start] = v
    # within-couple z-scores, so effects are comparable across variables and with the app's scale
    mean = np.nanmean(grid, axis=0)
    sd = np.nanstd(grid, axis=0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sd > 0, (grid - mean) / sd, np.nan)


def couple_network(
    days: Sequence, values: np.ndarray, n_a: int, *, min_pairs: int | None = None
) -> CoupleNetwork:
    """One couple's own temporal network from their own diary (a pure function for the app).

    Parameters
    ----------
    days : sequence of int
        Day index of each row (e.g. the local date's ordinal); a missing day breaks the lag.
    values : ndarray, shape (n, p)
        Partner A's ``n_a`` feelings, then partner B's; ``NaN`` where missing.
    n_a : int
        Number of partner A's columns.
    min_pairs : int, optional
        Fewest usable consecutive-day pairs (default ``p + 6``: five residual degrees of
        freedom beyond the ``p + 1`` coefficients of each equation).

    Returns
    -------
    CoupleNetwork

    Examples
    --------
    >>> from interdep.science.network.simulate import simulate_network
    >>> sim = simulate_network(1, 60, q=1, missing_day=0.0, seed=4)
    >>> net = couple_network(sim.time, sim.values, 1)
    >>> net.status, net.temporal.shape, net.temporal_se.shape
    ('ok', (2, 2), (2, 2))
    >>> couple_network([0, 1, 2], sim.values[:3], 1).status
    'insufficient_data'
    """
    v = np.asarray(values, dtype=float)
    p = v.shape[1]
    grid = _day_grid(days, v)
    return _couple_fit(grid, n_a, p + 6 if min_pairs is None else min_pairs)


def surrogate_baseline(
    days: Sequence,
    values: np.ndarray,
    n_a: int,
    *,
    min_shift: int = 3,
    min_pairs: int | None = None,
) -> ChanceBaseline:
    """One couple's linkage against time-shifted surrogates of their own series.

    Partner B's columns are shifted circularly along the couple's day grid by every shift from
    ``min_shift`` to ``T - min_shift`` days (``T`` the span in days); each surrogate keeps both
    partners' own dynamics and missing days but breaks the day-to-day alignment between them.

    Parameters
    ----------
    days, values, n_a, min_pairs
        As for :func:`couple_network`.
    min_shift : int
        Smallest shift in days (shifts closer to 0 keep part of the real alignment).

    Returns
    -------
    ChanceBaseline
        ``status = "insufficient_data"`` (and empty results) when the couple's own network or
        fewer than 19 surrogates can be estimated (a p-value needs at least 19 to reach 0.05).

    Examples
    --------
    >>> from interdep.science.network.simulate import simulate_network, default_network
    >>> sim = simulate_network(1, 80, q=1, temporal=default_network(1, linkage=0.5),
    ...                        missing_day=0.0, random_sd=0.0, seed=5)
    >>> base = surrogate_baseline(sim.time, sim.values, 1)
    >>> base.more_than_chance("inter")
    True
    """
    v = np.asarray(values, dtype=float)
    p = v.shape[1]
    mp = p + 6 if min_pairs is None else min_pairs
    grid = _day_grid(days, v)
    real = _couple_fit(grid, n_a, mp)
    empty = ChanceBaseline("time-shifted surrogates", {}, {}, {}, {}, 0, {}, STATUS_INSUFFICIENT)
    if real.status != STATUS_OK:
        return empty
    T = len(grid)
    null = {k: [] for k in INDEX_NAMES}
    for s in range(min_shift, T - min_shift + 1):
        g = grid.copy()
        g[:, n_a:] = np.roll(grid[:, n_a:], s, axis=0)
        fit = _couple_fit(g, n_a, mp)
        if fit.status == STATUS_OK:
            for k in INDEX_NAMES:
                null[k].append(fit.indices[k])
    n_sur = len(null["inter"])
    if n_sur < 19:
        return empty
    null = {k: np.asarray(x) for k, x in null.items()}
    pct, pv = _compare(real.indices, null)
    return ChanceBaseline(
        method="time-shifted surrogates",
        observed=dict(real.indices),
        null=null,
        percentile=pct,
        p_value=pv,
        replicates=n_sur,
    )


def clear_links(B, se, n_a: int, *, level: float = 0.95) -> list[list[int]]:
    """Which links between the two partners are clear, as one family.

    A couple's own network tests every link from one partner's feelings to the other's at
    once (18 links for three feelings each), so at a per-link 95% about one in twenty would
    look clear by chance alone. A link counts as clear here only when its interval, widened
    for the number of links looked at (Bonferroni), leaves out zero: the picture and the words
    then agree with the overall comparison against chance.

    Parameters
    ----------
    B, se : sequence of sequences
        ``B[i][j]`` is the effect of variable ``j`` one day on variable ``i`` the next, ``se``
        its standard error (None where there is none); the first ``n_a`` variables are one
        partner's, the rest the other's.
    n_a : int
        How many of the variables are the first partner's.
    level : float
        The family's confidence level.

    Returns
    -------
    list of list of int
        ``+1`` where the link is clearly positive, ``-1`` clearly negative, ``0`` otherwise
        (and for links within one partner, which are not part of this family).

    Examples
    --------
    >>> clear_links([[0, 0.9], [0.05, 0]], [[1, 0.1], [0.1, 1]], 1)
    [[0, 1], [0, 0]]
    """
    size = len(B)
    between = [
        (i, j)
        for i in range(size)
        for j in range(size)
        if (i < n_a) != (j < n_a) and B[i][j] is not None and se[i][j] is not None
    ]
    out = [[0] * size for _ in range(size)]
    if not between:
        return out
    z = float(norm.ppf(1 - (1 - level) / (2 * len(between))))
    for i, j in between:
        effect, s = B[i][j], se[i][j]
        out[i][j] = 1 if effect - z * s > 0 else -1 if effect + z * s < 0 else 0
    return out
