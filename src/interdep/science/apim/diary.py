"""Diary data for the longitudinal APIM and dyadic growth curves: one row per person per occasion.

Reads the person-period pairwise layout (own variables ``X_A``, the partner's ``X_P``) or the
individual layout (the partner's value is found at the same dyad and occasion), lags predictors
within person (a missing occasion breaks the lag: the value at ``time - lag`` or nothing), and
centres predictors on the grand or the person mean. Rows whose outcome or a used predictor is
missing are dropped one by one (as ``na.action = na.omit`` in R), and counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from interdep.science import dyadic
from interdep.science.errors import InputError
from interdep.science.tabular import file_row, key_column, numeric_column, require_columns

CENTRING = ("none", "grand", "person")


@dataclass
class DiaryData:
    """Person-occasion rows after dropping incomplete ones; ``member`` 0/1 is the role's index."""

    outcome: str
    predictors: tuple[str, ...]
    covariates: tuple[str, ...]
    roles: tuple[str, str] | None
    dyad_ids: np.ndarray  # (G,) labels
    dyad: np.ndarray  # (N,) codes 0..G-1
    member: np.ndarray  # (N,) 0/1
    occasion: np.ndarray  # (N,) integer codes of the time value
    time: np.ndarray  # (N,) the time column's values
    slope: np.ndarray  # (N,) the column used for time slopes
    y: np.ndarray
    own: np.ndarray  # (N, m)
    partner: np.ndarray  # (N, m)
    cov: np.ndarray  # (N, c)
    rows: np.ndarray  # file rows of the used observations
    lag: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    column_names: dict[str, str] = field(default_factory=dict)

    @property
    def n_obs(self) -> int:
        return len(self.y)

    @property
    def n_dyads(self) -> int:
        return len(np.unique(self.dyad))

    @property
    def n_persons(self) -> int:
        return len(np.unique(self.dyad * 2 + self.member))


def _clean(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A numeric column where empty or whitespace-only cells are missing."""
    series = frame[column]
    if series.dtype == object:
        series = series.where(~series.astype(str).str.strip().eq(""), np.nan)
        frame = frame.assign(**{column: series})
    return numeric_column(frame, column)


def _pick(frame: pd.DataFrame, name: str, suffix: str) -> str:
    if name in frame.columns and not name.endswith(suffix):
        return name if suffix == dyadic.ACTOR_SUFFIX else name + suffix
    return name if name.endswith(suffix) else name + suffix


def diary_from_table(
    frame: pd.DataFrame,
    *,
    outcome: str,
    dyad_column: str,
    time_column: str,
    predictors: list[str] | tuple[str, ...] = (),
    role_column: str | None = None,
    person_column: str | None = None,
    covariates: list[str] | tuple[str, ...] = (),
    layout: str = "pairwise",
    lag: int = 0,
    slope_column: str | None = None,
    centre: str = "none",
) -> DiaryData:
    """Read a diary table into aligned person-occasion arrays.

    Parameters
    ----------
    frame
        The table as read from the file.
    outcome
        The outcome (``Y`` or ``Y_A`` in the pairwise layout).
    dyad_column, time_column
        Columns naming the dyad and the occasion (numbers: a lag steps back ``lag`` units).
    predictors
        Variables with an actor (own) and a partner effect; ``X_A``/``X_P`` in the pairwise layout.
    role_column
        Two role labels (distinguishable dyads); otherwise ``person_column`` tells the members
        apart (indistinguishable dyads).
    person_column
        Needed without a role column; in the individual layout it identifies the person.
    covariates
        Own-value-only variables.
    layout
        "pairwise" (person-period pairwise) or "individual".
    lag
        Predictors taken from ``lag`` occasions earlier within person (0: concurrent).
    slope_column
        Column for time slopes (default: ``time_column``).
    centre
        "none", "grand" (minus the grand mean) or "person" (minus the person's own mean; the
        person means are then added as covariates ``mean_X``, the level-2 part).

    Returns
    -------
    DiaryData
        The rows used, with counts of the rows dropped and why.

    Examples
    --------
    >>> import pandas as pd
    >>> from interdep.science.apim.diary import diary_from_table
    >>> frame = pd.DataFrame({
    ...     "dyad": [1] * 6, "role": ["M", "W"] * 3, "day": [1, 1, 2, 2, 3, 3],
    ...     "y_A": [3.0, 4.0, 5.0, " ", 4.0, 4.5], "x_A": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    ...     "x_P": [2.0, 1.0, 4.0, 3.0, 6.0, 5.0],
    ... })
    >>> data = diary_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad",
    ...                         role_column="role", time_column="day", lag=1)
    >>> data.n_obs, data.own[:, 0].tolist(), data.partner[:, 0].tolist()
    (3, [1.0, 3.0, 4.0], [2.0, 4.0, 3.0])
    """
    if layout not in ("pairwise", "individual"):
        raise InputError(f"diary data need the pairwise or individual layout (got {layout!r})")
    if centre not in CENTRING:
        raise InputError(f"unknown centring {centre!r}; use one of: {', '.join(CENTRING)}")
    if lag < 0:
        raise InputError("the lag must be 0 or more occasions")
    if role_column is None and person_column is None:
        raise InputError("name a role column (distinguishable) or a person column")
    predictors = [p.strip() for p in predictors if p.strip()]
    covariates = [c.strip() for c in covariates if c.strip()]
    A, P = dyadic.ACTOR_SUFFIX, dyadic.PARTNER_SUFFIX
    stems = [p[: -len(A)] if p.endswith(A) else p for p in predictors]
    slope_column = slope_column or time_column
    key_cols = [dyad_column, time_column] + [c for c in (role_column, person_column) if c]
    if layout == "pairwise":
        y_col = outcome if outcome in frame.columns else outcome + A
        own_cols = [s + A for s in stems]
        partner_cols = [s + P for s in stems]
    else:
        y_col, own_cols, partner_cols = outcome, list(stems), []
    cov_cols = [c if c in frame.columns else c + A for c in covariates]
    require_columns(frame, [*key_cols, y_col, *own_cols, *partner_cols, *cov_cols, slope_column])
    dup = frame.attrs.get("duplicate_columns", set())
    for c in [y_col, *own_cols, *partner_cols, *cov_cols]:
        if c in dup:
            raise InputError("the column name appears more than once in the file", column=c)
    dyad_key = key_column(frame, dyad_column)
    member_col = role_column or person_column
    member_key = key_column(frame, member_col)
    labels = sorted(set(member_key))
    if len(labels) != 2:
        raise InputError(
            f"the members need exactly two labels in {member_col!r}; found {len(labels)}",
            column=member_col,
        )
    member = (member_key.to_numpy() == labels[1]).astype(np.int64)
    time = numeric_column(frame, time_column, allow_missing=False)
    slope = numeric_column(frame, slope_column, allow_missing=False)
    ids, dyad = np.unique(dyad_key.to_numpy(), return_inverse=True)
    seen = pd.DataFrame({"d": dyad, "m": member, "t": time}).duplicated()
    if seen.any():
        i = int(np.flatnonzero(seen.to_numpy())[0])
        raise InputError(
            "this person has two rows for the same occasion", row=file_row(i), column=time_column
        )
    y = _clean(frame, y_col)
    own = np.column_stack([_clean(frame, c) for c in own_cols]) if own_cols else None
    if layout == "pairwise":
        partner = (
            np.column_stack([_clean(frame, c) for c in partner_cols]) if partner_cols else None
        )
    else:
        partner = _partner_values(dyad, member, time, own) if own is not None else None
    n = len(frame)
    if own is None:
        own = partner = np.zeros((n, 0))
    cov = np.column_stack([_clean(frame, c) for c in cov_cols]) if cov_cols else np.zeros((n, 0))
    if lag:
        own = _lagged(dyad, member, time, own, lag)
        partner = _lagged(dyad, member, time, partner, lag)
    has_y = np.isfinite(y)
    has_x = np.isfinite(own).all(axis=1) & np.isfinite(partner).all(axis=1)
    has_c = np.isfinite(cov).all(axis=1)
    keep = has_y & has_x & has_c
    counts = {
        "rows_in_file": n,
        "rows_used": int(keep.sum()),
        "rows_missing_outcome": int((~has_y).sum()),
        "rows_missing_predictor": int((has_y & ~has_x).sum()),
        "rows_missing_covariate": int((has_y & has_x & ~has_c).sum()),
    }
    if lag:
        counts["rows_without_lagged_value"] = int(
            (has_y & ~np.isfinite(_lagged(dyad, member, time, time[:, None], lag)[:, 0])).sum()
        )
    if keep.sum() < 3:
        raise InputError(f"too few complete rows ({int(keep.sum())}) to fit a model")
    cov_names = [c[: -len(A)] if c.endswith(A) else c for c in cov_cols]
    if centre != "none" and own.shape[1]:
        own, partner, extra = _centred(dyad[keep], member[keep], own[keep], partner[keep], centre)
        if centre == "person":
            cov = np.column_stack([cov[keep], extra]) if cov.size else extra
            cov_names += [f"mean_{s}" for s in stems] + [f"partner_mean_{s}" for s in stems]
        else:
            cov = cov[keep]
    else:
        own, partner, cov = own[keep], partner[keep], cov[keep]
    _occ_values, occasion = np.unique(time[keep], return_inverse=True)
    used_ids, dyad_used = np.unique(dyad[keep], return_inverse=True)
    return DiaryData(
        outcome=outcome[: -len(A)] if outcome.endswith(A) else outcome,
        predictors=tuple(stems),
        covariates=tuple(cov_names),
        roles=(labels[0], labels[1]) if role_column else None,
        dyad_ids=ids[used_ids],
        dyad=dyad_used,
        member=member[keep],
        occasion=occasion,
        time=time[keep],
        slope=slope[keep],
        y=y[keep],
        own=own,
        partner=partner,
        cov=cov,
        rows=np.flatnonzero(keep) + 2,
        lag=lag,
        counts=counts,
        column_names={
            "dyad": dyad_column,
            "time": time_column,
            "slope": slope_column,
            "role": role_column or "",
            "person": person_column or "",
            "y": y_col,
        },
    )


def _partner_values(dyad, member, time, own) -> np.ndarray:
    """The other member's values at the same dyad and occasion (NaN where that row is absent)."""
    index = pd.MultiIndex.from_arrays([dyad, member, time])
    lookup = pd.DataFrame(own, index=index)
    other = pd.MultiIndex.from_arrays([dyad, 1 - member, time])
    return lookup.reindex(other).to_numpy(dtype=float)


def _lagged(dyad, member, time, values, lag: int) -> np.ndarray:
    """Each person's values from exactly ``lag`` time units earlier; NaN when that occasion is
    absent (a gap is never bridged)."""
    index = pd.MultiIndex.from_arrays([dyad, member, time])
    lookup = pd.DataFrame(values, index=index)
    earlier = pd.MultiIndex.from_arrays([dyad, member, time - lag])
    return lookup.reindex(earlier).to_numpy(dtype=float)


def _centred(dyad, member, own, partner, centre):
    if centre == "grand":
        return own - own.mean(axis=0), partner - partner.mean(axis=0), None
    person = dyad * 2 + member
    frame = pd.DataFrame(own)
    mean_own = frame.groupby(person).transform("mean").to_numpy()
    partner_person = dyad * 2 + (1 - member)
    means = pd.DataFrame(own).groupby(person).mean()
    mean_partner = means.reindex(partner_person).to_numpy()
    # the partner's own person mean; where the partner has no used row, the mean of the
    # partner values seen by this person
    fallback = pd.DataFrame(partner).groupby(person).transform("mean").to_numpy()
    mean_partner = np.where(np.isfinite(mean_partner), mean_partner, fallback)
    return own - mean_own, partner - mean_partner, np.column_stack([mean_own, mean_partner])
