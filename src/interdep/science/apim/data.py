"""Reading an APIM's variables from a table in the individual, pairwise or dyad layout."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from interdep.science import dyadic
from interdep.science.errors import InputError
from interdep.science.tabular import file_row, key_column, numeric_column, require_columns


@dataclass(frozen=True)
class DyadData:
    """Dyads as aligned arrays: member ``s`` of dyad ``j`` at ``[j, s]``.

    Members are ordered by ``roles`` when given (distinguishable), else as they appeared.
    ``x`` holds each person's own predictor values (n, 2, m); the partner's are ``x[:, ::-1]``.
    """

    outcome: str
    predictors: tuple[str, ...]
    covariates: tuple[str, ...]
    dyad_ids: np.ndarray
    y: np.ndarray
    x: np.ndarray
    cov: np.ndarray
    roles: tuple[str, str] | None = None
    rows: np.ndarray | None = None
    notes: tuple[str, ...] = ()

    @property
    def n_dyads(self) -> int:
        return len(self.dyad_ids)


def _strip(name: str, suffix: str) -> str:
    return name[: -len(suffix)] if name.endswith(suffix) else name


def dyads_from_table(
    frame: pd.DataFrame,
    *,
    outcome: str,
    predictors: list[str] | tuple[str, ...],
    dyad_column: str,
    covariates: list[str] | tuple[str, ...] = (),
    role_column: str | None = None,
    layout: str = "individual",
) -> DyadData:
    """Read an APIM's variables from a table in any of the three layouts.

    individual: columns as named. pairwise: ``X`` is read from ``X_A`` (own) and ``X_P``
    (partner's), the outcome from ``Y`` or ``Y_A``, a covariate from ``C`` or ``C_A``.
    dyad: ``V_<member>`` columns; the two member suffixes are taken from the outcome's columns
    and, with a role column named, they are the roles. Values are checked to be numeric on the
    table as given, so an error names the row and column the researcher sees in the file.

    Parameters
    ----------
    frame
        The table as read from the file.
    outcome
        The outcome variable (``Y`` or ``Y_A`` in the pairwise layout).
    predictors
        Variables whose actor and partner effects are estimated.
    dyad_column
        Column identifying the dyad.
    covariates
        Variables entered with the person's own value only.
    role_column
        Column with two role labels (distinguishable dyads), or ``None``.
    layout
        "individual", "pairwise" or "dyad".

    Returns
    -------
    DyadData
        Aligned (n_dyads, 2) arrays, members ordered by role when a role column is given.

    Examples
    --------
    >>> import pandas as pd
    >>> from interdep.science.apim import dyads_from_table
    >>> frame = pd.DataFrame(
    ...     {"couple": [1, 1, 2, 2], "x": [1.0, 2.0, 3.0, 4.0], "y": [2.0, 3.0, 5.0, 4.0]}
    ... )
    >>> data = dyads_from_table(frame, outcome="y", predictors=["x"], dyad_column="couple")
    >>> data.n_dyads, data.y.tolist()
    (2, [[2.0, 3.0], [5.0, 4.0]])
    """
    predictors = [p.strip() for p in predictors if p.strip()]
    covariates = [c.strip() for c in covariates if c.strip()]
    if layout not in dyadic.LAYOUTS:
        raise InputError(f"unknown layout {layout!r}; use one of: {', '.join(dyadic.LAYOUTS)}")
    if layout == "dyad":
        return _from_dyad_layout(frame, outcome, predictors, covariates, dyad_column, role_column)
    if layout == "pairwise":
        predictors = [
            _strip(_strip(p, dyadic.ACTOR_SUFFIX), dyadic.PARTNER_SUFFIX) for p in predictors
        ]
        y_col = outcome if outcome in frame.columns else outcome + dyadic.ACTOR_SUFFIX
        own = [p + dyadic.ACTOR_SUFFIX for p in predictors]
        partner = [p + dyadic.PARTNER_SUFFIX for p in predictors]
        cov_cols = [c if c in frame.columns else c + dyadic.ACTOR_SUFFIX for c in covariates]
        require_columns(frame, [y_col, *own, *partner, *cov_cols])
    else:
        y_col, own, partner, cov_cols = outcome, list(predictors), [], list(covariates)
        require_columns(frame, [y_col, *own, *cov_cols])
    n_file = len(frame)
    frame, lone, keys = _with_lone_partners(frame, dyad_column, role_column, layout, predictors)
    pairing = dyadic.pair_rows(frame, dyad_column, role_column, keys=keys)
    values = {
        c: numeric_column(frame, c) for c in dict.fromkeys([y_col, *own, *partner, *cov_cols])
    }
    if layout == "pairwise":
        dyadic.check_pairwise_consistency(frame, pairing, predictors)
    r = pairing.rows
    y = values[y_col][r]
    x = np.stack([values[c][r] for c in own], axis=-1) if own else np.zeros((len(r), 2, 0))
    cov = (
        np.stack([values[c][r] for c in cov_cols], axis=-1)
        if cov_cols
        else np.zeros((len(r), 2, 0))
    )
    return DyadData(
        outcome=_strip(outcome, dyadic.ACTOR_SUFFIX) if layout == "pairwise" else outcome,
        predictors=tuple(predictors),
        covariates=tuple(_strip(c, dyadic.ACTOR_SUFFIX) for c in covariates),
        dyad_ids=pairing.dyad_ids,
        y=y,
        x=x,
        cov=cov,
        roles=pairing.roles,
        rows=np.where(r < n_file, r + file_row(0), -1),  # spreadsheet rows; -1: added
        notes=(
            (
                f"{lone} dyad(s) have one row in the file: that member's row is used alone (as "
                "nlme does), its partner's outcome counted as missing",
            )
            if lone
            else ()
        ),
    )


def _with_lone_partners(frame, dyad_column, role_column, layout, stems):
    """Add an empty partner row for every dyad present as one row, so that the row is used (its
    partner's outcome missing; in the pairwise layout the partner's predictors are the lone
    row's ``_P`` values). More than two rows for a dyad is refused: repeated measures need the
    diary model. Returns the frame, the number of rows added and, when none was, the dyad
    column's ``key_codes`` (for the pairing)."""
    require_columns(frame, [dyad_column] + ([role_column] if role_column else []))
    codes, uniques = dyadic.key_codes(frame, dyad_column)
    counts = np.bincount(codes, minlength=len(uniques))
    many = np.flatnonzero(counts > 2)
    if len(many):
        named = ", ".join(f"{uniques[i]} ({counts[i]} rows)" for i in many[:8])
        raise InputError(
            f"each dyad needs one or two rows, one per member; dyad(s) with more rows: {named}. "
            "This looks like repeated measures (several rows per person): use --time-column "
            "(the diary model) instead of a dyad-by-occasion id",
            column=dyad_column,
        )
    lone = np.flatnonzero(counts == 1)
    if not len(lone):
        return frame, 0, (codes, uniques)
    frame = frame.reset_index(drop=True)
    rows = frame[np.isin(codes, lone)]
    n, m = len(frame), len(rows)
    out = frame.reindex(range(n + m))  # m empty rows at the end (file rows keep their numbers)
    added = out.index >= n
    out.loc[added, dyad_column] = rows[dyad_column].to_numpy()
    if role_column:
        labels = sorted(set(key_column(frame, role_column)))
        if len(labels) == 2:
            own = key_column(rows, role_column).to_numpy()
            out.loc[added, role_column] = np.where(own == labels[0], labels[1], labels[0])
    if layout == "pairwise":
        for stem in stems:
            a, p = stem + dyadic.ACTOR_SUFFIX, stem + dyadic.PARTNER_SUFFIX
            out.loc[added, a] = rows[p].to_numpy()
            out.loc[added, p] = rows[a].to_numpy()
    return out, m, None


def _from_dyad_layout(frame, outcome, predictors, covariates, dyad_column, role_column) -> DyadData:
    ids = dyadic.dyad_layout_ids(frame, dyad_column)
    suffixes = tuple(sorted(dyadic.dyad_suffixes(frame, dyad_column, required=outcome)))

    def pair(var: str, allow_shared: bool = False) -> np.ndarray:
        cols = [f"{var}_{s}" for s in suffixes]
        if allow_shared and var in frame.columns and not all(c in frame.columns for c in cols):
            v = numeric_column(frame, var)
            return np.column_stack([v, v])
        require_columns(frame, cols)
        return np.column_stack([numeric_column(frame, c) for c in cols])

    y = pair(outcome)
    x = (
        np.stack([pair(p) for p in predictors], axis=-1)
        if predictors
        else np.zeros((len(frame), 2, 0))
    )
    cov = (
        np.stack([pair(c, allow_shared=True) for c in covariates], axis=-1)
        if covariates
        else np.zeros((len(frame), 2, 0))
    )
    rows = np.repeat(np.arange(len(frame)) + 2, 2).reshape(-1, 2)
    return DyadData(
        outcome=outcome,
        predictors=tuple(predictors),
        covariates=tuple(covariates),
        dyad_ids=ids.to_numpy(dtype=object),
        y=y,
        x=x,
        cov=cov,
        roles=(suffixes[0], suffixes[1]) if role_column else None,
        rows=rows,
    )
