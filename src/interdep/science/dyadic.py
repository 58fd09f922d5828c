"""Dyadic data layouts (Kenny's terms) and lossless conversions between them.

* **individual**: one row per person; a dyad column links the two partners.
* **dyad**: one row per couple; every person-level variable appears twice, suffixed by member
  (``sat_1``/``sat_2``, or by role: ``sat_Wife``/``sat_Husband``).
* **pairwise**: one row per person with the person's own value (``X_A``, actor) and the
  partner's (``X_P``, partner) side by side; what an APIM regression reads.

Researchers hold their data in any of the three; every analysis here goes through the individual
layout, so a bad file fails the same way whichever layout it came in. Errors name the dyad ids,
rows and columns at fault, because a dyadic file is usually broken in one couple, not everywhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from interdep.science.errors import InputError
from interdep.science.tabular import file_row, key_column, require_columns

LAYOUTS = ("individual", "dyad", "pairwise")
ACTOR_SUFFIX = "_A"
PARTNER_SUFFIX = "_P"
#: Column holding the spreadsheet row a person's values came from (kept through conversions).
SOURCE_ROW = "__source_row__"


def _name_ids(ids, limit: int = 8) -> str:
    ids = [str(i) for i in ids]
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


@dataclass(frozen=True)
class Pairing:
    """Which two rows of an individual-layout table form each dyad.

    ``rows[j, s]`` is the 0-based position of member ``s`` of dyad ``j``; member 0 and 1 are the
    two roles in ``roles`` order when roles are given, else the order the rows appear in.
    """

    dyad_ids: np.ndarray
    rows: np.ndarray
    roles: tuple[str, str] | None


def key_codes(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(key_column(frame, column))``: the codes, and each distinct id as text, or
    for a column of whole numbers as those numbers (the same ids, printed alike; writing
    100,000s of them as text would dominate reading a large file)."""
    series = frame[column]
    if pd.api.types.is_integer_dtype(series):
        values = series.to_numpy()
        if values.dtype.kind in "iu" and _non_decreasing(values):
            # a file sorted by id: its runs are the ids, no hashing
            first = np.empty(len(values), dtype=bool)
            first[:1] = True
            np.not_equal(values[1:], values[:-1], out=first[1:])
            codes = np.cumsum(first, dtype=np.intp) - 1
            return codes, values[first]
        return pd.factorize(values, sort=False)
    codes, uniques = pd.factorize(key_column(frame, column), sort=False)
    return codes, np.asarray(uniques, dtype=object)


def _non_decreasing(values: np.ndarray) -> bool:
    return bool(np.all(values[1:] >= values[:-1]))


def pair_rows(
    frame: pd.DataFrame,
    dyad_column: str,
    role_column: str | None = None,
    keys: tuple[np.ndarray, np.ndarray] | None = None,
) -> Pairing:
    """Pair the rows of an individual- or pairwise-layout table into dyads, checking the pairing.

    Every dyad must have exactly two rows; with a role column there must be exactly two distinct
    role labels and each dyad must hold one of each (that is what makes dyads distinguishable).
    ``keys`` is ``key_codes(frame, dyad_column)`` when the caller has it already.
    """
    require_columns(frame, [dyad_column] + ([role_column] if role_column else []))
    codes, uniques = keys if keys is not None else key_codes(frame, dyad_column)
    counts = np.bincount(codes, minlength=len(uniques))
    wrong = np.flatnonzero(counts != 2)
    if wrong.size:
        details = [
            f"{uniques[i]} (1 row: the partner's row is missing)"
            if counts[i] == 1
            else f"{uniques[i]} ({counts[i]} rows)"
            for i in wrong
        ]
        raise InputError(
            "each dyad needs exactly two rows, one per member; dyad(s) with another number of "
            f"rows: {_name_ids(details)}",
            column=dyad_column,
        )
    # each dyad's rows one after the other (the usual file) are already in the stable order
    order = np.arange(len(codes)) if _non_decreasing(codes) else np.argsort(codes, kind="stable")
    rows = order.reshape(-1, 2)
    roles: tuple[str, str] | None = None
    if role_column:
        role_codes, role_labels = key_codes(frame, role_column)
        role_labels = [str(v) for v in role_labels]  # labels are text, also when numbers
        distinct = sorted(set(role_labels))
        if len(distinct) != 2:
            raise InputError(
                "distinguishable dyads need exactly two distinct role labels; found "
                f"{len(distinct)}: {_name_ids(distinct)}",
                column=role_column,
            )
        roles = (distinct[0], distinct[1])
        # the two labels as 0 (roles[0]) and 1, compared as numbers
        labels = (role_codes != role_labels.index(roles[0])).astype(np.int8)
        first = labels[rows[:, 0]]
        same = first == labels[rows[:, 1]]
        if same.any():
            bad = np.flatnonzero(same)
            raise InputError(
                f"both members of a dyad have the same role; dyad(s): {_name_ids(uniques[bad])}",
                row=file_row(int(rows[bad[0], 1])),
                column=role_column,
            )
        swap = first != 0
        rows[swap] = rows[swap][:, ::-1]
    return Pairing(dyad_ids=uniques, rows=rows, roles=roles)


def pairwise_stems(frame: pd.DataFrame) -> list[str]:
    """Variables present as an actor/partner pair ``X_A``/``X_P`` in a pairwise table."""
    columns = set(map(str, frame.columns))
    return [
        c[: -len(ACTOR_SUFFIX)]
        for c in map(str, frame.columns)
        if c.endswith(ACTOR_SUFFIX) and c[: -len(ACTOR_SUFFIX)] + PARTNER_SUFFIX in columns
    ]


def detect_layout(frame: pd.DataFrame, dyad_column: str) -> str:
    """Guess the layout: one row per dyad id is the dyad layout; ``X_A``/``X_P`` pairs, pairwise."""
    require_columns(frame, [dyad_column])
    if key_column(frame, dyad_column).is_unique:
        return "dyad"
    return "pairwise" if pairwise_stems(frame) else "individual"


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a_missing, b_missing = pd.isna(a), pd.isna(b)
    equal = np.zeros(len(a), dtype=bool)
    both = ~a_missing & ~b_missing
    if both.any():
        x, y = a[both], b[both]
        try:
            xf, yf = x.astype(float), y.astype(float)
            equal[both] = np.isclose(xf, yf, rtol=1e-9, atol=1e-12)
        except (TypeError, ValueError):
            equal[both] = (
                pd.Series(x).astype(str).str.strip().to_numpy()
                == pd.Series(y).astype(str).str.strip().to_numpy()
            )
    return equal | (a_missing & b_missing)


def check_pairwise_consistency(frame: pd.DataFrame, pairing: Pairing, stems) -> None:
    """A partner column must repeat the partner's own value: ``X_P`` of one member is ``X_A`` of
    the other. A mismatch means the file was assembled wrongly, so it is an error, not a guess."""
    for stem in stems:
        own = frame[stem + ACTOR_SUFFIX].to_numpy(dtype=object)
        partner = frame[stem + PARTNER_SUFFIX].to_numpy(dtype=object)
        for s in (0, 1):
            me, other = pairing.rows[:, s], pairing.rows[:, 1 - s]
            ok = _same(partner[me], own[other])
            if not ok.all():
                j = int(np.flatnonzero(~ok)[0])
                raise InputError(
                    f"the partner's value must equal the partner's own {stem + ACTOR_SUFFIX} "
                    f"(row {file_row(int(other[j]))}) in dyad {pairing.dyad_ids[j]}",
                    row=file_row(int(me[j])),
                    column=stem + PARTNER_SUFFIX,
                )


def dyad_suffixes(
    frame: pd.DataFrame, dyad_column: str, required: str | None = None
) -> tuple[str, str]:
    """The two member suffixes of a dyad-layout table (``_1``/``_2``, ``_Wife``/``_Husband``).

    With ``required`` (a variable name), the suffixes are read from that variable's columns;
    otherwise they are the two most common last-underscore suffixes.
    """
    names = [str(c) for c in frame.columns if str(c) != dyad_column]
    if required is not None:
        found = [c[len(required) + 1 :] for c in names if c.startswith(required + "_")]
        found = [s for s in found if s and "_" not in s]
        if len(found) != 2:
            raise InputError(
                f"in the dyad layout {required!r} must appear as two columns {required}_<member> "
                f"(one per member); found {len(found)}: {_name_ids([required + '_' + s for s in found])}",
                row=1,
                column=required,
            )
        return (found[0], found[1])
    counts = Counter(c.rsplit("_", 1)[1] for c in names if "_" in c)
    common = [s for s, _ in counts.most_common(2)]
    if len(common) != 2:
        raise InputError(
            "no pair of member suffixes found: in the dyad layout each person-level variable "
            "appears twice, as VAR_<member1> and VAR_<member2>",
            row=1,
        )
    return (common[0], common[1]) if common[0] < common[1] else (common[1], common[0])


def _dyad_stems(frame: pd.DataFrame, dyad_column: str, suffixes: tuple[str, str]) -> list[str]:
    names = [str(c) for c in frame.columns if str(c) != dyad_column]
    stems: list[str] = []
    for c in names:
        for s in suffixes:
            if c.endswith("_" + s):
                stem = c[: -len(s) - 1]
                if stem not in stems:
                    stems.append(stem)
    for stem in stems:
        for s in suffixes:
            if f"{stem}_{s}" not in names:
                raise InputError(
                    f"{stem!r} has no column for member {s!r} (expected {stem}_{s})",
                    row=1,
                    column=stem,
                )
    return stems


def individual_to_pairwise(
    frame: pd.DataFrame,
    *,
    dyad_column: str,
    person_column: str | None = None,
    role_column: str | None = None,
) -> pd.DataFrame:
    """Each person's row gains the partner's values: ``X`` becomes ``X_A`` (own) and ``X_P``."""
    pairing = pair_rows(frame, dyad_column, role_column)
    keys = [c for c in (dyad_column, person_column, role_column) if c]
    require_columns(frame, keys)
    partner = np.empty(len(frame), dtype=np.int64)
    partner[pairing.rows[:, 0]] = pairing.rows[:, 1]
    partner[pairing.rows[:, 1]] = pairing.rows[:, 0]
    out = {k: frame[k].to_numpy() for k in keys}
    for c in frame.columns:
        if c in keys or c == SOURCE_ROW:
            continue
        values = frame[c].to_numpy()
        out[f"{c}{ACTOR_SUFFIX}"] = values
        out[f"{c}{PARTNER_SUFFIX}"] = values[partner]
    result = pd.DataFrame(out)
    if SOURCE_ROW in frame.columns:
        result[SOURCE_ROW] = frame[SOURCE_ROW].to_numpy()
    return result


def pairwise_to_individual(
    frame: pd.DataFrame, *, dyad_column: str, role_column: str | None = None
) -> pd.DataFrame:
    """Keep each person's own values (``X_A`` becomes ``X``) after checking ``X_P`` agrees."""
    pairing = pair_rows(frame, dyad_column, role_column)
    stems = pairwise_stems(frame)
    check_pairwise_consistency(frame, pairing, stems)
    out = {}
    drop = {s + PARTNER_SUFFIX for s in stems}
    actor = {s + ACTOR_SUFFIX: s for s in stems}
    for c in frame.columns:
        if c in drop:
            continue
        name = actor.get(c, c)
        if name in out:
            raise InputError(
                f"both {name!r} and {name + ACTOR_SUFFIX!r} are present", row=1, column=name
            )
        out[name] = frame[c].to_numpy()
    result = pd.DataFrame(out)
    if SOURCE_ROW not in result.columns:
        result[SOURCE_ROW] = [file_row(i) for i in range(len(frame))]
    return result


def individual_to_dyad(
    frame: pd.DataFrame, *, dyad_column: str, role_column: str | None = None
) -> pd.DataFrame:
    """One row per dyad: every other column ``X`` becomes ``X_<member>`` (role label, or 1/2)."""
    pairing = pair_rows(frame, dyad_column, role_column)
    suffixes = pairing.roles or ("1", "2")
    out: dict[str, np.ndarray] = {dyad_column: frame[dyad_column].to_numpy()[pairing.rows[:, 0]]}
    for c in frame.columns:
        if c in (dyad_column, role_column, SOURCE_ROW):
            continue
        values = frame[c].to_numpy()
        for s, suffix in enumerate(suffixes):
            out[f"{c}_{suffix}"] = values[pairing.rows[:, s]]
    return pd.DataFrame(out)


def dyad_layout_ids(frame: pd.DataFrame, dyad_column: str) -> pd.Series:
    """The dyad ids of a dyad-layout table, refusing a repeated id (one row per dyad)."""
    require_columns(frame, [dyad_column])
    ids = key_column(frame, dyad_column)
    if not ids.is_unique:
        dup = ids[ids.duplicated(keep=False)].unique()
        raise InputError(
            f"the dyad layout has one row per dyad; repeated dyad id(s): {_name_ids(dup)}",
            column=dyad_column,
        )
    return ids


def dyad_to_individual(
    frame: pd.DataFrame,
    *,
    dyad_column: str,
    person_column: str | None = None,
    role_column: str | None = None,
    suffixes: tuple[str, str] | None = None,
    required: str | None = None,
) -> pd.DataFrame:
    """Two rows per dyad from one. Suffixed columns become person-level variables; unsuffixed
    ones (dyad-level, e.g. years married) are copied to both members. The member suffix becomes
    the role column (when named) and the person column (when it is not in the file)."""
    dyad_layout_ids(frame, dyad_column)
    if suffixes is None:
        suffixes = dyad_suffixes(frame, dyad_column, required)
    stems = _dyad_stems(frame, dyad_column, suffixes)
    suffixed = {f"{stem}_{s}" for stem in stems for s in suffixes}
    n = len(frame)
    take = np.repeat(np.arange(n), 2)
    member = np.tile(np.array(suffixes, dtype=object), n)
    out: dict[str, np.ndarray] = {dyad_column: frame[dyad_column].to_numpy()[take]}
    if person_column and person_column not in stems:
        out[person_column] = member
    if role_column and role_column not in stems:
        out[role_column] = member
    for c in frame.columns:
        if c == dyad_column or c in suffixed:
            continue
        out[c] = frame[c].to_numpy()[take]
    for stem in stems:
        both = np.column_stack([frame[f"{stem}_{s}"].to_numpy() for s in suffixes])
        out[stem] = both.reshape(-1)
    result = pd.DataFrame(out)
    result[SOURCE_ROW] = [file_row(i) for i in take]
    return result


def to_individual(
    frame: pd.DataFrame,
    layout: str,
    *,
    dyad_column: str,
    person_column: str | None = None,
    role_column: str | None = None,
    required: str | None = None,
) -> pd.DataFrame:
    """Any layout to the individual layout, with a ``SOURCE_ROW`` column for error messages."""
    if layout == "auto":
        layout = detect_layout(frame, dyad_column)
    if layout == "individual":
        result = frame.copy()
        result[SOURCE_ROW] = [file_row(i) for i in range(len(frame))]
        return result
    if layout == "pairwise":
        return pairwise_to_individual(frame, dyad_column=dyad_column, role_column=role_column)
    if layout == "dyad":
        return dyad_to_individual(
            frame,
            dyad_column=dyad_column,
            person_column=person_column,
            role_column=role_column,
            required=required,
        )
    raise InputError(f"unknown layout {layout!r}; use one of: {', '.join(LAYOUTS)}")


def reshape(
    frame: pd.DataFrame,
    to: str,
    *,
    dyad_column: str,
    person_column: str | None = None,
    role_column: str | None = None,
    source: str = "auto",
) -> pd.DataFrame:
    """Convert a table between the individual, dyad and pairwise layouts."""
    if to not in LAYOUTS:
        raise InputError(f"unknown layout {to!r}; use one of: {', '.join(LAYOUTS)}")
    individual = to_individual(
        frame, source, dyad_column=dyad_column, person_column=person_column, role_column=role_column
    )
    if to == "individual":
        return individual.drop(columns=[SOURCE_ROW])
    # errors below refer to rows of the converted table; keep the source rows for messages
    individual = individual.drop(columns=[SOURCE_ROW])
    if to == "pairwise":
        if person_column:
            require_columns(individual, [person_column])
        return individual_to_pairwise(
            individual,
            dyad_column=dyad_column,
            person_column=person_column,
            role_column=role_column,
        )
    return individual_to_dyad(individual, dyad_column=dyad_column, role_column=role_column)
