"""Benchmark: vectorised scoring of 200,000 persons against two peers measured in the same run.

(a) a straightforward per-person pandas implementation of the same rules, on a subset (results
    asserted identical), compared per person;
(b) one numpy pass over the same answer matrix (a row sum): the memory-bound floor.

Run: .venv/bin/python bench/score.py [--persons N] [--subset M]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import pandas as pd

from interdep.science.instrument import load_instrument
from interdep.science.profile import classify
from interdep.science.scoring import score_matrix, self_report_plan
from interdep.science.simulate import simulate_couples


def per_person_pandas(instrument, row: pd.Series) -> dict:
    """The scoring rules read literally, one person at a time (the obvious implementation)."""
    low, high = instrument.scale.min, instrument.scale.max
    items = pd.DataFrame(
        [
            {
                "id": i.id,
                "facet": i.facet,
                "reverse": i.reverse_keyed,
                "pole": i.pole,
                "capacity": instrument.facet(i.facet).capacity,
                "value": row[i.id],
            }
            for i in instrument.self_items
        ]
    )
    items["keyed"] = np.where(items.reverse, low + high - items.value, items.value)
    facets = {}
    for facet, group in items.groupby("facet", sort=False):
        answered = group.keyed.notna().sum()
        facets[facet] = (
            (group.keyed.mean() - low) / (high - low) * 100
            if answered >= math.ceil(len(group) * 2 / 3 - 1e-9)
            else np.nan
        )
    out = {"facets": facets}
    for capacity in ("connection", "self"):
        values = [facets[f.id] for f in instrument.facets if f.capacity == capacity]
        present = [v for v in values if not np.isnan(v)]
        out[capacity] = (
            np.mean(present) if len(present) >= math.ceil(len(values) * 2 / 3 - 1e-9) else np.nan
        )
    for pole, name in (("fused", "fusion"), ("distant", "distance")):
        chosen = items[items.pole == pole].value
        out[name] = (
            (chosen.mean() - low) / (high - low) * 100
            if chosen.notna().sum() >= math.ceil(len(chosen) * 2 / 3 - 1e-9)
            else np.nan
        )
    return out


def timed(func, repeat: int = 3):
    best, result = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--subset", type=int, default=500)
    args = parser.parse_args()

    instrument = load_instrument()
    ids = list(self_report_plan(instrument).item_ids)
    answers, _ = simulate_couples(instrument, args.persons // 2, seed=1)
    matrix = answers[ids].to_numpy(dtype=float, na_value=np.nan)
    n = matrix.shape[0]

    def vectorised():
        table = score_matrix(instrument, matrix)
        return table, classify(table)

    t_vec, (table, _) = timed(vectorised)
    t_floor, _ = timed(lambda: np.add.reduce(matrix, axis=1))
    subset = answers.iloc[: args.subset]
    t_loop, loop = timed(
        lambda: [per_person_pandas(instrument, row) for _, row in subset.iterrows()], repeat=1
    )

    for k, expected in enumerate(loop):  # identical results, facet by facet and scale by scale
        got = table.facets[k]
        want = np.array([expected["facets"][f] for f in table.facet_ids])
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9, equal_nan=True)
        for name in ("connection", "self", "fusion", "distance"):
            np.testing.assert_allclose(
                table.scale(name)[k], expected[name], atol=1e-9, equal_nan=True
            )

    per_vec, per_loop = t_vec / n, t_loop / len(subset)
    print(
        f"persons scored: {n:,} ({matrix.shape[1]} self-report items each); loop subset: {len(subset):,}"
    )
    print(
        f"vectorised scoring + dynamic: {t_vec * 1e3:.1f} ms total, {per_vec * 1e6:.3f} µs/person"
    )
    print(
        f"per-person pandas loop:       {per_loop * 1e6:.1f} µs/person (results identical on the subset)"
    )
    print(f"numpy one pass (row sums):    {t_floor * 1e3:.1f} ms total")
    print(f"ratio (a) per-person loop / vectorised, per person: {per_loop / per_vec:,.0f}x")
    print(f"ratio (b) vectorised / one numpy pass:              {t_vec / t_floor:.1f}x")


if __name__ == "__main__":
    main()
