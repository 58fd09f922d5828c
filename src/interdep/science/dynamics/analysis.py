"""Entry points: many couples in long form (research), or one couple's two series (web)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from interdep.science.dynamics.bias import couple_keys
from interdep.science.dynamics.constants import (
    APP_MIN_OVERLAP_DAYS,
    DEFAULT_BIAS_REPLICATES,
    DEFAULT_LEVEL,
    DEFAULT_MAX_GAP_SECONDS,
    DEFAULT_MIN_PAIRS,
)
from interdep.science.dynamics.estimator import estimate_sequence
from interdep.science.dynamics.results import CoupleDynamics, _not_estimable, couple_results
from interdep.science.dynamics.sequence import build_sequence
from interdep.science.errors import InputError


@dataclass
class DynamicsInput:
    """Observations of many couples in long form, already validated and coded."""

    couple_ids: list[str]
    persons: list[tuple[str, str]]
    invalid: list[tuple[str, list[str]]]  # couples without exactly two persons
    couple: np.ndarray
    slot: np.ndarray
    time: np.ndarray
    day: np.ndarray | None
    rows: np.ndarray
    keep: np.ndarray  # observation positions (in the caller's frame) used


def _text_codes(values) -> tuple[np.ndarray, np.ndarray]:
    """Codes and the distinct values as text, sorted: ``names[codes]`` is each value as text.

    Values that read the same as text (1 and "1") share a code. A ``pd.Categorical`` is coded
    from its categories, without turning every row into a string.
    """
    if not isinstance(values, pd.Categorical | pd.Series | pd.Index):
        values = np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    text = np.array([str(u) for u in uniques], dtype=object)
    names, inverse = np.unique(text, return_inverse=True)
    return inverse.astype(np.int64)[codes], names


def code_couples(
    couple: Sequence, person: Sequence, rows: np.ndarray | None = None
) -> DynamicsInput:
    """Code couples and their two persons; couples with one or three+ persons are set aside.

    Persons are ordered by their id as text so results do not depend on row order.

    Parameters
    ----------
    couple, person : sequence
        Couple and person id of each observation (a ``pd.Categorical`` is coded without
        turning every row into a string).
    rows : ndarray of int, optional
        Spreadsheet rows of the observations (default: 2, 3, ..., after a header row).

    Returns
    -------
    DynamicsInput
        Codes of the kept observations, and the couples set aside with their persons.

    Examples
    --------
    >>> coded = code_couples(["c1", "c1", "c2"], ["b", "a", "x"])
    >>> coded.couple_ids, coded.persons, coded.invalid, coded.slot.tolist()
    (['c1'], [('a', 'b')], [('c2', ['x'])], [1, 0])
    """
    c_code, c_names = _text_codes(couple)
    p_code, p_names = _text_codes(person)
    n = len(c_code)
    rows = np.arange(n) + 2 if rows is None else np.asarray(rows)
    n_persons = max(len(p_names), 1)
    pairs = np.unique(c_code * n_persons + p_code)  # sorted: by couple text, then person text
    pair_couple, pair_person = pairs // n_persons, pairs % n_persons
    sizes = np.bincount(pair_couple, minlength=len(c_names))
    first = np.searchsorted(pair_couple, np.arange(len(c_names)))
    good = np.flatnonzero(sizes == 2)
    invalid = [
        (str(c_names[c]), [str(p_names[q]) for q in pair_person[first[c] : first[c] + sizes[c]]])
        for c in np.flatnonzero(sizes != 2)
        if sizes[c] > 0
    ]
    code = np.full(len(c_names), -1, dtype=np.int64)
    code[good] = np.arange(len(good))
    keep = np.flatnonzero(code[c_code] >= 0)
    first_person = np.full(len(c_names), -1, dtype=np.int64)
    first_person[good] = pair_person[first[good]]
    kept_couple = c_code[keep]
    return DynamicsInput(
        couple_ids=[str(c) for c in c_names[good]],
        persons=[
            (str(p_names[pair_person[first[c]]]), str(p_names[pair_person[first[c] + 1]]))
            for c in good
        ],
        invalid=invalid,
        couple=code[kept_couple],
        slot=(p_code[keep] != first_person[kept_couple]).astype(np.int64),
        time=np.empty(0),
        day=None,
        rows=rows[keep],
        keep=keep,
    )


def analyse(
    couple: Sequence,
    person: Sequence,
    time: np.ndarray,
    values: Mapping[str, np.ndarray],
    *,
    max_gap: float,
    day: np.ndarray | None = None,
    overnight: bool = False,
    min_pairs: int = DEFAULT_MIN_PAIRS,
    min_overlap_days: int | None = None,
    level: float = DEFAULT_LEVEL,
    bias_replicates: int = DEFAULT_BIAS_REPLICATES,
    seed: int = 0,
    rows: np.ndarray | None = None,
) -> dict[str, list[CoupleDynamics]]:
    """All couples, all variables: per-couple results keyed by variable, in couple-id order.

    Couples with other than two persons are reported as insufficient, not raised.

    Parameters
    ----------
    couple, person : sequence
        Couple and person id of each observation (long form: one row per person and prompt).
    time : ndarray of float
        Seconds for time stamps, or e.g. a day index; in the units of ``max_gap``.
    values : mapping of str to ndarray
        Each variable's values, aligned with ``time``; NaN is a skipped item.
    max_gap : float
        Longest gap that still forms a lag pair (see :func:`parse_max_gap`).
    day : ndarray of int, optional
        Local day per observation (for ``overnight`` and ``min_overlap_days``).
    overnight : bool, default False
        Also pair the last prompt of a day with the first of the next.
    min_pairs : int, default 10
        Fewest usable pairs per equation.
    min_overlap_days : int, optional
        Fewest days answered by both partners.
    level : float, default 0.95
        Level of the intervals.
    bias_replicates : int, default 50
        Bootstrap copies per couple for the bias-corrected slopes (0: none).
    seed : int, default 0
        Seed of the bias bootstrap (with the couple id, it fixes each couple's draws).
    rows : ndarray of int, optional
        Spreadsheet rows, for error messages.

    Returns
    -------
    dict of str to list of CoupleDynamics

    Examples
    --------
    >>> from interdep.science.checkin_sim import simulate_checkins
    >>> sim = simulate_checkins(couples=3, days=14, prompts_per_day=5, seed=1)
    >>> f = sim.frame()
    >>> out = analyse(f.couple_id, f.person_id, sim.seconds, {"valence": f.valence.to_numpy()},
    ...               max_gap=3 * 3600, bias_replicates=0)
    >>> [(r.couple_id, r.status) for r in out["valence"]]
    [('c0001', 'ok'), ('c0002', 'ok'), ('c0003', 'ok')]
    """
    coded = code_couples(couple, person, rows)
    time = np.asarray(time, dtype=float)
    out: dict[str, list[CoupleDynamics]] = {}
    seq = None
    keys = couple_keys(coded.couple_ids, seed)
    if coded.couple_ids:
        seq = build_sequence(
            coded.couple,
            coded.slot,
            time[coded.keep],
            n_couples=len(coded.couple_ids),
            max_gap=max_gap,
            day=None if day is None else np.asarray(day)[coded.keep],
            overnight=overnight,
            rows=coded.rows,
        )
    for name, vals in values.items():
        results: list[CoupleDynamics] = []
        if seq is not None:
            est = estimate_sequence(
                seq,
                np.asarray(vals, dtype=float)[coded.keep],
                min_pairs=min_pairs,
                min_overlap_days=min_overlap_days,
                bias_replicates=bias_replicates,
                couple_keys_=keys,
            )
            results = couple_results(est, coded.couple_ids, coded.persons, name, level=level)
        for cid, ps in coded.invalid:
            results.append(
                _not_estimable(
                    cid,
                    ps,
                    name,
                    f"couple has {len(ps)} person(s) ({', '.join(ps)}); the model needs exactly two",
                )
            )
        results.sort(key=lambda r: r.couple_id)
        out[name] = results
    return out


def _as_seconds_and_day(stamps: Iterable) -> tuple[np.ndarray, np.ndarray | None]:
    stamps = list(stamps)
    if stamps and all(isinstance(s, datetime) for s in stamps):
        if any(s.tzinfo is None for s in stamps):
            raise InputError("time stamps must carry a time zone (aware datetimes)")
        secs = np.array([s.timestamp() for s in stamps], dtype=float)
        days = np.array([s.date().toordinal() for s in stamps], dtype=np.int64)
        return secs, days
    if any(isinstance(s, datetime | date) for s in stamps):
        raise InputError("time stamps must be all aware datetimes or all numbers")
    return np.asarray(stamps, dtype=float), None


def couple_dynamics(
    series_a: Iterable[tuple[object, float | None]],
    series_b: Iterable[tuple[object, float | None]],
    *,
    persons: tuple[str, str] = ("A", "B"),
    couple_id: str = "",
    variable: str = "valence",
    max_gap: float | timedelta = DEFAULT_MAX_GAP_SECONDS,
    overnight: bool = False,
    min_pairs: int = DEFAULT_MIN_PAIRS,
    min_overlap_days: int | None = APP_MIN_OVERLAP_DAYS,
    level: float = DEFAULT_LEVEL,
) -> CoupleDynamics:
    """One couple's dynamics from two lists of (time stamp, value), for the web layer.

    Time stamps are aware datetimes (then ``max_gap`` is seconds or a timedelta and local days
    come from each stamp's own offset) or plain numbers. ``None``/NaN values are missed items.
    The app's default asks for 14 days answered by both partners before showing anything.

    Parameters
    ----------
    series_a, series_b : iterable of (time, float or None)
        Each partner's answers.
    persons : (str, str), default ("A", "B")
        The partners' ids.
    couple_id, variable : str
        Carried into the result.
    max_gap : float or timedelta, default 3 hours
        Longest gap that still forms a lag pair.
    overnight : bool, default False
        Also pair the last prompt of a day with the first of the next.
    min_pairs : int, default 10
        Fewest usable pairs per equation.
    min_overlap_days : int or None, default 14
        Fewest days answered by both (ignored with numeric times).
    level : float, default 0.95
        Level of the intervals.

    Returns
    -------
    CoupleDynamics
        Status "insufficient_data" with a reason when the data do not suffice.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> a = list(enumerate(rng.normal(size=40)))
    >>> b = list(enumerate(rng.normal(size=40)))
    >>> r = couple_dynamics(a, b, max_gap=1)
    >>> r.status, r.n_pairs, r.persons
    ('ok', 39, ['A', 'B'])
    """
    a = list(series_a)
    b = list(series_b)
    if not a or not b:
        return _not_estimable(
            couple_id,
            persons,
            variable,
            "no check-ins yet from "
            + " and ".join(p for p, s in zip(persons, (a, b), strict=True) if not s),
        )
    t, day = _as_seconds_and_day([s for s, _ in a] + [s for s, _ in b])
    gap = max_gap.total_seconds() if isinstance(max_gap, timedelta) else float(max_gap)
    if day is None and min_overlap_days is not None:
        min_overlap_days = None  # numeric times carry no calendar days
    vals = np.array(
        [np.nan if v is None else float(v) for _, v in a]
        + [np.nan if v is None else float(v) for _, v in b]
    )
    slot_person = [persons[0]] * len(a) + [persons[1]] * len(b)
    res = analyse(
        [couple_id] * len(vals),
        slot_person,
        t,
        {variable: vals},
        max_gap=gap,
        day=day,
        overnight=overnight,
        min_pairs=min_pairs,
        min_overlap_days=min_overlap_days,
        level=level,
    )[variable]
    return res[0]
