"""From a couples diary to the lagged design of a multilevel VAR(1), as mlVAR prepares it.

One row per couple per occasion, ``p`` variables (both partners' variables side by side). The
steps follow mlVAR's data preparation with ``lags = 1`` and the diary day as the beep variable:

1. ``scale``: every variable standardised over the whole sample (mean 0, SD 1, SD with n - 1).
2. The lagged value of an occasion ``t`` is the couple's value at ``t - 1``; when occasion
   ``t - 1`` is absent (a skipped day) or the value is missing, the lag is missing: a gap is
   never bridged.
3. Lagged predictors are centred on the couple's own mean of the lagged series (the mean over
   every occasion that has a next occasion in the couple's span, i.e. all but the last), and with
   ``scale_within`` divided by that series' SD too.
4. With ``scale_within`` each outcome is standardised within the couple around its own mean,
   keeping the mean: ``(x - m) / sd + m``, so the person means still carry between-couple
   differences.
5. Person (couple-member) means of every variable are the level-2 predictors.
6. Only rows where every outcome, lagged value and mean is present are used, so all ``p``
   equations use the same rows.

A couple in which a variable has no within-couple variance (an outcome that is constant, or a
lagged series that is: a feeling reported once at the very end) cannot be standardised within
the couple; such a couple is dropped for the model and counted (mlVAR drops it silently through
missing values). The lagging here is a small function of its own rather than the prompt
sequence of ``interdep.science.dynamics``, because a diary-day index with a unit step is all a
lag-1 network needs and it keeps this package independent of that module's internals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from interdep.science.errors import InputError
from interdep.science.tabular import file_row

__all__ = ["LaggedData", "lag_design", "pseudo_couples"]


@dataclass(frozen=True)
class LaggedData:
    """The rows a network is estimated on, and what was left out.

    Attributes
    ----------
    variables : list of str
        Variable names in model order (partner A's first, then partner B's, for couples).
    couples : ndarray
        Couple id of every couple kept, in the order of ``group`` codes.
    group : ndarray of int
        Couple code (index into ``couples``) of every used row.
    time : ndarray of float
        Occasion of every used row.
    outcome : ndarray, shape (n, p)
        Outcomes at ``t`` (scaled as asked).
    lagged : ndarray, shape (n, p)
        Within-couple centred (and, with ``scale_within``, standardised) values at ``t - 1``.
    means : ndarray, shape (n, p)
        The couple's mean of each variable (level-2 predictors), repeated on its rows.
    dropped_zero_variance : dict
        Couple id -> variables without within-couple variance (couple dropped).
    dropped_no_pairs : list
        Couples with no usable (t - 1, t) pair.
    n_rows_input : int
        Rows read.
    """

    variables: list[str]
    couples: np.ndarray
    group: np.ndarray
    time: np.ndarray
    outcome: np.ndarray
    lagged: np.ndarray
    means: np.ndarray
    dropped_zero_variance: dict = field(default_factory=dict)
    dropped_no_pairs: list = field(default_factory=list)
    n_rows_input: int = 0
    scale: bool = False
    scale_within: bool = False

    @property
    def n_couples(self) -> int:
        """Couples used by the model."""
        return len(self.couples)

    @property
    def n_rows(self) -> int:
        """Rows (couple-occasions with a usable previous occasion) used by the model."""
        return len(self.group)


def _grand_scale(values: np.ndarray) -> np.ndarray:
    """mlVAR's ``Scale``: (x - mean) / sd over all rows; a constant variable becomes 0."""
    out = np.empty_like(values)
    for j in range(values.shape[1]):
        x = values[:, j]
        ok = np.isfinite(x)
        sd = np.std(x[ok], ddof=1) if ok.sum() > 1 else 0.0
        out[:, j] = 0.0 if not sd > 0 else (x - np.mean(x[ok])) / sd
        out[~ok, j] = np.nan
    return out


def _constant(codes: np.ndarray, x: np.ndarray, n_groups: int) -> np.ndarray:
    """(G, p): the group's non-missing values of a column are all equal (two or more of them).

    ``codes`` must be sorted and cover 0..G-1 (as ``lag_design`` arranges the rows).
    """
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    lo = np.fmin.reduceat(x, starts, axis=0)
    hi = np.fmax.reduceat(x, starts, axis=0)
    cnt = np.add.reduceat(np.isfinite(x).astype(float), starts, axis=0)
    return (cnt > 1) & (lo == hi)


def _group_mean_sd(codes: np.ndarray, x: np.ndarray, n_groups: int):
    """Per-group mean and SD (n - 1) of each column, ignoring missing values."""
    ok = np.isfinite(x)
    xz = np.where(ok, x, 0.0)
    cnt = np.stack([np.bincount(codes, ok[:, j], n_groups) for j in range(x.shape[1])], 1)
    s1 = np.stack([np.bincount(codes, xz[:, j], n_groups) for j in range(x.shape[1])], 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / cnt
        dev = np.where(ok, x - mean[codes], 0.0)
        s2 = np.stack([np.bincount(codes, dev[:, j] ** 2, n_groups) for j in range(x.shape[1])], 1)
        sd = np.sqrt(s2 / (cnt - 1))
    return mean, sd, cnt


def lag_design(
    couple: Sequence,
    time: Sequence,
    values: np.ndarray,
    variables: Sequence[str],
    *,
    scale: bool = True,
    scale_within: bool = False,
    rows: Sequence[int] | None = None,
) -> LaggedData:
    """Lag-1 design of a couples diary, prepared as mlVAR prepares it.

    Parameters
    ----------
    couple : sequence
        Couple id of each row (one row per couple per occasion).
    time : sequence of int
        Occasion index (e.g. diary day); consecutive occasions differ by 1.
    values : ndarray, shape (n, p)
        The variables; ``NaN`` marks a missing value.
    variables : sequence of str
        Names of the ``p`` columns.
    scale : bool
        Standardise each variable over the whole sample first (mlVAR ``scale``).
    scale_within : bool
        Standardise within couple (mlVAR ``scaleWithin``).
    rows : sequence of int, optional
        0-based position of each row in the file, for error messages.

    Returns
    -------
    LaggedData

    Examples
    --------
    >>> import numpy as np
    >>> d = lag_design([1, 1, 1, 1], [0, 1, 3, 4], np.array([[1.0], [2.0], [4.0], [3.0]]), ["x"])
    >>> d.n_rows  # day 2 is missing: (1 -> 3) is not a pair, (0 -> 1) and (3 -> 4) are
    2
    >>> d.time.tolist()
    [1.0, 4.0]
    """
    values = np.asarray(values, dtype=float)
    n, p = values.shape
    if len(variables) != p:
        raise InputError(f"{p} value columns but {len(variables)} variable names")
    rows = np.arange(n) if rows is None else np.asarray(rows)
    t = np.asarray(time, dtype=float)
    if not np.all(np.isfinite(t)):
        i = int(np.flatnonzero(~np.isfinite(t))[0])
        raise InputError("missing occasion (time)", row=file_row(int(rows[i])))
    if np.any(t != np.round(t)):
        i = int(np.flatnonzero(t != np.round(t))[0])
        raise InputError(
            f"occasion {t[i]!r} is not a whole number (use a day or prompt index)",
            row=file_row(int(rows[i])),
        )
    codes, uniques = pd.factorize(pd.Series(list(couple), dtype=object), sort=True)
    order = np.lexsort((t, codes))
    codes, t, values, rows = codes[order], t[order], values[order], rows[order]
    same = (codes[1:] == codes[:-1]) & (t[1:] == t[:-1])
    if same.any():
        i = int(np.flatnonzero(same)[0]) + 1
        raise InputError(
            f"couple {uniques[codes[i]]} has two rows for occasion {t[i]:g} "
            f"(the other is row {file_row(int(rows[i - 1]))})",
            row=file_row(int(rows[i])),
        )
    G = len(uniques)
    x = _grand_scale(values) if scale else values.copy()

    # lag: the previous row if it is the same couple's occasion t - 1
    has_prev = np.zeros(n, dtype=bool)
    has_prev[1:] = (codes[1:] == codes[:-1]) & (t[1:] - t[:-1] == 1)
    lag = np.full_like(x, np.nan)
    lag[1:][has_prev[1:]] = x[:-1][has_prev[1:]]

    # the lagged series of a couple holds every occasion but its last (mlVAR fills the span)
    last = np.ones(n, dtype=bool)
    last[:-1] = codes[1:] != codes[:-1]
    series = np.where(last[:, None], np.nan, x)
    lag_mean, lag_sd, _ = _group_mean_sd(codes, series, G)
    own_mean, own_sd, _ = _group_mean_sd(codes, x, G)

    # no within-couple variance, decided exactly on the values (a computed SD of a constant
    # series can come out as 1e-17 rather than 0)
    zero = _constant(codes, x, G) | _constant(codes, series, G)
    lagged = lag - lag_mean[codes]
    outcome = x
    if scale_within:
        with np.errstate(invalid="ignore", divide="ignore"):
            lagged = lagged / lag_sd[codes]
            outcome = (x - own_mean[codes]) / own_sd[codes] + own_mean[codes]
    means = own_mean[codes]

    bad = zero.any(axis=1)
    keep = has_prev & ~bad[codes]
    keep &= np.isfinite(outcome).all(1) & np.isfinite(lagged).all(1) & np.isfinite(means).all(1)
    used = np.unique(codes[keep])
    dropped_zero = {
        _plain(uniques[g]): [variables[j] for j in np.flatnonzero(zero[g])]
        for g in np.flatnonzero(bad)
    }
    used_set = set(used.tolist())
    no_pairs = [_plain(uniques[g]) for g in range(G) if g not in used_set and not bad[g]]
    remap = np.full(G, -1)
    remap[used] = np.arange(len(used))
    return LaggedData(
        variables=list(variables),
        couples=np.asarray([_plain(u) for u in uniques[used]], dtype=object),
        group=remap[codes[keep]],
        time=t[keep],
        outcome=outcome[keep],
        lagged=lagged[keep],
        means=means[keep],
        dropped_zero_variance=dropped_zero,
        dropped_no_pairs=no_pairs,
        n_rows_input=n,
        scale=scale,
        scale_within=scale_within,
    )


def _plain(value):
    """numpy scalars to Python ones, so ids serialise to JSON as they were read."""
    return value.item() if hasattr(value, "item") else value


def pseudo_couples(
    couple: np.ndarray,
    time: np.ndarray,
    values: np.ndarray,
    n_a: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Re-pair partners across couples: partner A of couple i with partner B of another couple.

    The partners are aligned on the occasion index (diary day ``t`` of one with diary day ``t``
    of the other), as in Sels and colleagues' pseudo-couple comparisons, so day-of-study effects
    shared by everyone stay in, and only the real partner is taken out. The pairing is a random
    derangement (no one keeps their own partner).

    Parameters
    ----------
    couple, time : ndarray
        Couple id and occasion of each row.
    values : ndarray, shape (n, p)
        The first ``n_a`` columns belong to partner A, the rest to partner B.
    n_a : int
        Number of partner A's columns.
    rng : numpy.random.Generator
        Source of the re-pairing.

    Returns
    -------
    tuple of ndarray
        Pseudo-couple id (the A partner's couple), occasion and values of the re-paired rows.

    Examples
    --------
    >>> import numpy as np
    >>> c = np.array([1, 1, 2, 2, 3, 3]); t = np.array([0, 1, 0, 1, 0, 1])
    >>> v = np.column_stack([c * 10.0, c * 100.0])
    >>> pc, pt, pv = pseudo_couples(c, t, v, 1, np.random.default_rng(0))
    >>> bool(np.all(pv[:, 0] / 10 != pv[:, 1] / 100))  # nobody keeps their own partner
    True
    """
    ids = pd.unique(pd.Series(list(couple), dtype=object))
    G = len(ids)
    if G < 2:
        raise InputError("pseudo-couples need at least two couples")
    while True:
        perm = rng.permutation(G)
        if not np.any(perm == np.arange(G)):
            break
    partner_of = dict(zip(ids, ids[perm], strict=True))
    a = pd.DataFrame({"c": list(couple), "t": time})
    a_vals = pd.DataFrame(values[:, :n_a])
    b = pd.DataFrame({"pc": [k for k in couple], "t": time})
    b_vals = pd.DataFrame(values[:, n_a:], columns=range(n_a, values.shape[1]))
    left = pd.concat([a, a_vals], axis=1)
    left["pc"] = left["c"].map(partner_of)
    right = pd.concat([b, b_vals], axis=1)
    merged = left.merge(right, on=["pc", "t"], how="inner")
    vals = merged[list(range(values.shape[1]))].to_numpy(dtype=float)
    return merged["c"].to_numpy(), merged["t"].to_numpy(), vals
