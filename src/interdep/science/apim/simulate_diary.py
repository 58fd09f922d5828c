"""Simulated couples' diaries with known effects (for the tutorial, recovery checks and power)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def simulate_diary(
    n_dyads: int,
    n_days: int,
    *,
    intercept=(5.0, 5.2),
    actor=(0.3, 0.3),
    partner=(0.15, 0.15),
    slope=(0.02, 0.0),
    re_sd=(0.5, 0.5, 0.05, 0.05),
    re_corr: float = 0.5,
    effect_sd=(0.0, 0.0),
    residual_sd=(0.6, 0.6),
    rho: float = 0.3,
    phi: float = 0.0,
    x_person_sd: float = 0.5,
    x_day_sd: float = 1.0,
    missing: float = 0.0,
    roles: tuple[str, str] = ("M", "W"),
    seed: int | None = None,
) -> pd.DataFrame:
    """Couples' daily reports in the person-period pairwise layout, with known effects.

    Parameters
    ----------
    n_dyads, n_days
        Number of couples and of days each partner reports.
    intercept, actor, partner, slope
        Per role (first, second): the mean at time 0, the actor and partner effects of ``x``
        and the change per day.
    re_sd
        SDs of the dyad's random intercepts (first, second role) and time slopes (first,
        second role); the two intercepts correlate ``re_corr``, as do the two slopes.
    effect_sd
        SDs of the dyad's random actor and partner effects (independent of the rest).
    residual_sd, rho
        Daily residual SD per role and the partners' residual correlation on the same day.
    phi
        Autocorrelation of each person's residuals from one day to the next (AR(1): days
        ``d`` apart correlate ``phi^d``); 0 gives independent days.
    x_person_sd, x_day_sd
        Person-level and day-level SD of the predictor ``x``.
    missing
        Share of person-days deleted at random (outcome and predictor).
    roles
        The two role labels.
    seed
        Random seed.

    Returns
    -------
    pandas.DataFrame
        Columns ``dyad``, ``role``, ``day`` (1..n_days), ``time`` (day centred on the middle),
        ``x_A``, ``x_P``, ``y_A``, ``y_P``; one row per person per day.

    Examples
    --------
    >>> from interdep.science.apim.simulate_diary import simulate_diary
    >>> simulate_diary(3, 4, seed=1).shape
    (24, 8)
    """
    rng = np.random.default_rng(seed)
    a0, aa, ap, sl = (np.asarray(v, dtype=float) for v in (intercept, actor, partner, slope))
    sd = np.asarray(re_sd, dtype=float)
    corr = np.eye(4)
    corr[0, 1] = corr[1, 0] = corr[2, 3] = corr[3, 2] = re_corr
    G = corr * np.outer(sd, sd)
    b = rng.multivariate_normal(np.zeros(4), G, size=n_dyads)  # (n, 4)
    ba = rng.normal(0, effect_sd[0], (n_dyads, 1, 1))
    bp = rng.normal(0, effect_sd[1], (n_dyads, 1, 1))
    day = np.arange(1, n_days + 1)
    time = day - (n_days + 1) / 2
    x = rng.normal(0, x_person_sd, (n_dyads, 2, 1)) + rng.normal(0, x_day_sd, (n_dyads, 2, n_days))
    rs = np.asarray(residual_sd, dtype=float)
    cov_e = np.array([[rs[0] ** 2, rho * rs[0] * rs[1]], [rho * rs[0] * rs[1], rs[1] ** 2]])
    e = rng.multivariate_normal(np.zeros(2), cov_e, size=(n_dyads, n_days)).transpose(0, 2, 1)
    if phi:
        # stationary AR(1) over the days, the same-day innovations correlated rho
        scale = np.sqrt(1 - phi * phi)
        for t in range(1, n_days):
            e[:, :, t] = phi * e[:, :, t - 1] + scale * e[:, :, t]
    y = (
        a0[None, :, None]
        + b[:, :2, None]
        + (sl[None, :, None] + b[:, 2:, None]) * time[None, None, :]
        + (aa[None, :, None] + ba) * x
        + (ap[None, :, None] + bp) * x[:, ::-1, :]
        + e
    )
    if missing > 0:
        drop = rng.random(y.shape) < missing
        y = np.where(drop, np.nan, y)
        x = np.where(drop, np.nan, x)
    dyad = np.repeat(np.arange(1, n_dyads + 1), 2 * n_days)
    role = np.tile(np.repeat(np.array(roles, dtype=object), n_days), n_dyads)
    frame = pd.DataFrame(
        {
            "dyad": dyad,
            "role": role,
            "day": np.tile(day, 2 * n_dyads),
            "time": np.tile(time, 2 * n_dyads),
            "x_A": x.reshape(-1),
            "x_P": x[:, ::-1, :].reshape(-1),
            "y_A": y.reshape(-1),
            "y_P": y[:, ::-1, :].reshape(-1),
        }
    )
    return frame
