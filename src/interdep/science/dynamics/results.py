"""Per-couple results: the batched arrays turned into one record per couple."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from interdep.lib.numbers import finite_or_none
from interdep.science.dynamics.constants import (
    DEFAULT_LEVEL,
    STATUS_INSUFFICIENT,
    STATUS_OK,
)
from interdep.science.dynamics.estimator import BatchEstimates


@dataclass
class CoupleDynamics:
    """One couple's dynamics for one variable; ``to_dict()`` is one JSON couple entry.

    Keys of ``inertia`` are person ids; keys of ``transmission`` are "A->B" with real ids, the
    effect of A's previous value on B's next. ``se`` and ``intervals`` carry both kinds of keys.
    """

    couple_id: str
    persons: list[str]
    variable: str
    status: str
    n_pairs: int
    inertia: dict[str, float | None]
    transmission: dict[str, float | None]
    se: dict[str, float | None]
    intervals: dict[str, list[float] | None]
    asymmetry: dict[str, object]
    co_movement: float | None
    reason: str | None = None
    n_pairs_by_person: dict[str, int] = field(default_factory=dict)
    n_pairs_both: int = 0
    bias_corrected: dict[str, float | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == STATUS_OK

    def to_dict(self) -> dict:
        """The couple's JSON entry (the published shape plus reason and per-person counts)."""
        return {
            "couple_id": self.couple_id,
            "persons": list(self.persons),
            "n_pairs": self.n_pairs,
            "status": self.status,
            "inertia": dict(self.inertia),
            "transmission": dict(self.transmission),
            "se": dict(self.se),
            "intervals": {k: (None if v is None else list(v)) for k, v in self.intervals.items()},
            "asymmetry": dict(self.asymmetry),
            "co_movement": self.co_movement,
            "reason": self.reason,
            "n_pairs_by_person": dict(self.n_pairs_by_person),
            "n_pairs_both": self.n_pairs_both,
            "bias_corrected": dict(self.bias_corrected),
        }

    @classmethod
    def from_dict(cls, d: dict, *, variable: str = "") -> CoupleDynamics:
        """The record back from its :meth:`to_dict` entry (as stored, e.g. in JSON); the entry
        does not carry the variable's name, so it is given here.

        Examples
        --------
        >>> r = _not_estimable("c1", ("A", "B"), "valence", "too few")
        >>> CoupleDynamics.from_dict(r.to_dict(), variable="valence") == r
        True
        """
        return cls(
            couple_id=str(d["couple_id"]),
            persons=[str(p) for p in d["persons"]],
            variable=variable,
            status=d["status"],
            n_pairs=int(d["n_pairs"]),
            inertia=dict(d["inertia"]),
            transmission=dict(d["transmission"]),
            se=dict(d["se"]),
            intervals={k: (None if v is None else list(v)) for k, v in d["intervals"].items()},
            asymmetry=dict(d["asymmetry"]),
            co_movement=d["co_movement"],
            reason=d.get("reason"),
            n_pairs_by_person=dict(d.get("n_pairs_by_person", {})),
            n_pairs_both=int(d.get("n_pairs_both", 0)),
            bias_corrected=dict(d.get("bias_corrected", {})),
        )

    def relabelled(self, names: dict[str, str]) -> CoupleDynamics:
        """The same estimates with the persons renamed (``names``: old id -> new id).

        Persons are listed in the order the estimator gives for the new ids (sorted as text),
        so the asymmetry (first person's transmission minus the second's) changes sign, and its
        interval is mirrored, when the order changes; ids inside ``reason`` are renamed too.

        Examples
        --------
        >>> import numpy as np
        >>> from interdep.science.dynamics import couple_dynamics
        >>> rng = np.random.default_rng(1)
        >>> a, b = list(enumerate(rng.normal(size=40))), list(enumerate(rng.normal(size=40)))
        >>> r = couple_dynamics(a, b, persons=("p1", "p2"), max_gap=1)
        >>> s = r.relabelled({"p1": "you", "p2": "me"})
        >>> s.persons, s.inertia["you"] == r.inertia["p1"], s.asymmetry["estimate"] == -r.asymmetry["estimate"]
        (['me', 'you'], True, True)
        """

        def key(k: str) -> str:
            if "->" in k:
                src, dst = k.split("->", 1)
                return f"{names.get(src, src)}->{names.get(dst, dst)}"
            return names.get(k, k)

        def keyed(d: dict) -> dict:
            return {key(k): v for k, v in d.items()}

        persons = [names.get(p, p) for p in self.persons]
        asym = dict(self.asymmetry)
        ordered = sorted(persons)
        if ordered != persons and len(persons) == 2:
            if asym.get("estimate") is not None:
                asym["estimate"] = -asym["estimate"]
            if asym.get("interval"):
                low, high = asym["interval"]
                asym["interval"] = [-high, -low]
            persons = ordered
        if asym.get("contrast") and len(persons) == 2:
            a, b = persons
            asym["contrast"] = f"{a}->{b} minus {b}->{a}"
        reason = self.reason
        if reason:
            # longest ids first, so an id that contains another is replaced whole
            for old in sorted(names, key=len, reverse=True):
                reason = reason.replace(old, names[old])
        return CoupleDynamics(
            couple_id=self.couple_id,
            persons=persons,
            variable=self.variable,
            status=self.status,
            n_pairs=self.n_pairs,
            inertia=keyed(self.inertia),
            transmission=keyed(self.transmission),
            se=keyed(self.se),
            intervals={key(k): (None if v is None else list(v)) for k, v in self.intervals.items()},
            asymmetry=asym,
            co_movement=self.co_movement,
            reason=reason,
            n_pairs_by_person=keyed(self.n_pairs_by_person),
            n_pairs_both=self.n_pairs_both,
            bias_corrected=keyed(self.bias_corrected),
        )


def _not_estimable(
    couple_id: str, persons: Sequence[str], variable: str, reason: str
) -> CoupleDynamics:
    persons = [str(p) for p in persons]
    if len(persons) == 2:
        a, b = persons
        keys_t = [f"{a}->{b}", f"{b}->{a}"]
    else:
        keys_t = []
    return CoupleDynamics(
        couple_id=str(couple_id),
        persons=persons,
        variable=variable,
        status=STATUS_INSUFFICIENT,
        n_pairs=0,
        inertia={p: None for p in persons},
        transmission={k: None for k in keys_t},
        se={k: None for k in [*persons, *keys_t]},
        intervals={k: None for k in [*persons, *keys_t]},
        asymmetry={"estimate": None, "interval": None},
        co_movement=None,
        reason=reason,
        n_pairs_by_person={p: 0 for p in persons},
        bias_corrected={k: None for k in [*persons, *keys_t]},
    )


def couple_results(
    est: BatchEstimates,
    couple_ids: Sequence[str],
    persons: Sequence[tuple[str, str]],
    variable: str,
    *,
    level: float = DEFAULT_LEVEL,
) -> list[CoupleDynamics]:
    """Turn batched arrays into one :class:`CoupleDynamics` per couple (in code order).

    Parameters
    ----------
    est : BatchEstimates
        From :func:`estimate_sequence`.
    couple_ids : sequence of str
        Id of each couple code.
    persons : sequence of (str, str)
        Each couple's two person ids, in slot order.
    variable : str
        Name of the variable, carried into each record.
    level : float, default 0.95
        Level of the t intervals.

    Returns
    -------
    list of CoupleDynamics

    Examples
    --------
    >>> from interdep.science.checkin_sim import simulate_checkins
    >>> from interdep.science.dynamics import build_sequence, estimate_sequence
    >>> sim = simulate_checkins(couples=3, days=14, prompts_per_day=5, seed=1)
    >>> seq = build_sequence(sim.couple, sim.slot, sim.seconds, n_couples=3, max_gap=3 * 3600)
    >>> est = estimate_sequence(seq, sim.values["valence"])
    >>> res = couple_results(est, sim.couple_ids, sim.person_ids, "valence")
    >>> [r.status for r in res], res[0].couple_id, sorted(res[0].transmission)
    (['ok', 'ok', 'ok'], 'c0001', ['c0001-1->c0001-2', 'c0001-2->c0001-1'])
    """
    C = len(couple_ids)
    q = stats.t.ppf(0.5 + level / 2, np.maximum(est.df, 1))  # (C, 2)
    q_asym = stats.t.ppf(0.5 + level / 2, np.maximum(est.asym_df, 1))
    out = []
    for c in range(C):
        a, b = (str(p) for p in persons[c])
        ab, ba = f"{a}->{b}", f"{b}->{a}"
        n_by = {a: int(est.n_eq[c, 0]), b: int(est.n_eq[c, 1])}
        if not est.ok[c]:
            item = _not_estimable(
                couple_ids[c], (a, b), variable, (est.reason[c] or "not estimable").format(a, b)
            )
            item.n_pairs = int(est.n_pairs[c])
            item.n_pairs_by_person = n_by
            item.n_pairs_both = int(est.n_common[c])
            out.append(item)
            continue
        # (eq, k) of each reported coefficient
        where = {a: (0, 1), b: (1, 2), ab: (1, 1), ba: (0, 2)}
        bc = {
            a: est.slopes_bc[c, 0, 0],
            b: est.slopes_bc[c, 1, 1],
            ab: est.slopes_bc[c, 1, 0],
            ba: est.slopes_bc[c, 0, 1],
        }
        se = {k: finite_or_none(est.se[c, eq, j]) for k, (eq, j) in where.items()}
        intervals = {}
        for k, (eq, j) in where.items():
            e, s = est.coef[c, eq, j], est.se[c, eq, j]
            intervals[k] = [float(e - q[c, eq] * s), float(e + q[c, eq] * s)]
        d, ds = est.asym[c], est.asym_se[c]
        out.append(
            CoupleDynamics(
                couple_id=str(couple_ids[c]),
                persons=[a, b],
                variable=variable,
                status=STATUS_OK,
                n_pairs=int(est.n_pairs[c]),
                inertia={a: float(est.coef[c, 0, 1]), b: float(est.coef[c, 1, 2])},
                transmission={ab: float(est.coef[c, 1, 1]), ba: float(est.coef[c, 0, 2])},
                se=se,
                intervals=intervals,
                asymmetry={
                    "estimate": float(d),
                    "interval": [float(d - q_asym[c] * ds), float(d + q_asym[c] * ds)],
                    "se": float(ds),
                    "contrast": f"{ab} minus {ba}",
                },
                co_movement=finite_or_none(est.co_movement[c]),
                n_pairs_by_person=n_by,
                n_pairs_both=int(est.n_common[c]),
                bias_corrected={k: float(v) for k, v in bc.items()},
            )
        )
    return out
