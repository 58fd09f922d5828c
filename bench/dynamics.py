"""Benchmark: `interdep dynamics` as users run it, against the in-memory estimator and peers.

    python bench/dynamics.py --couples 100000  # the target: 100,000 couples x 70 prompts
    python bench/dynamics.py                   # 10,000 couples x 70 prompts (7 days x 10 a day)
    python bench/dynamics.py --quick           # 1,000 couples

The headline is the command with its defaults (JSON output, 50 bias-correction replicates per
couple) on a Parquet file, timed with /usr/bin/time -v (wall, CPU, peak memory), and its ratio to
the floor: the in-memory estimator (`dynamics.analyse` on arrays already in memory) with the same
defaults. `--dask` adds the run on a local Dask cluster.

Peers, run in the same process on the same simulated data:
- statsmodels: for a sample of couples, build the couple's lagged design with pandas and fit the
  two equations with ``sm.OLS`` (what a researcher would write); estimates must equal ours.
- one numpy pass: a single grouped sum over all observations (``np.bincount``), the floor for any
  method that reads the data once.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm

from interdep.science import dynamics as dyn
from interdep.science.checkin_sim import simulate_checkins

try:
    from measure import interdep, run
except ImportError:  # run as a module from the repository root
    from bench.measure import interdep, run

HOUR = 3600.0


def best_of(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def statsmodels_design(frame: pd.DataFrame, max_gap: float) -> pd.DataFrame:
    """One couple's lagged design the usual way: pivot, centre, lag, drop pairs across gaps."""
    a, b = sorted(frame["person"].unique())
    wide = frame.pivot_table(
        index="time", columns="person", values="v", aggfunc="first", dropna=False
    )
    wide = wide.reindex(
        index=np.sort(frame["time"].unique()), columns=[a, b]
    )  # a prompt with a skipped item is still a prompt
    wide = wide - wide.mean()
    prev = wide.shift(1)
    gap = wide.index.to_series().diff().to_numpy()
    design = pd.DataFrame(
        {
            "yA": wide[a].to_numpy(),
            "yB": wide[b].to_numpy(),
            "xA": prev[a].to_numpy(),
            "xB": prev[b].to_numpy(),
        }
    )
    return design[gap <= max_gap]


def statsmodels_fit(design: pd.DataFrame):
    """The two equations with sm.OLS."""
    fits = []
    for y in ("yA", "yB"):
        d = design.dropna(subset=[y, "xA", "xB"])
        fits.append(
            sm.OLS(
                d[y].to_numpy(), sm.add_constant(d[["xA", "xB"]].to_numpy(), has_constant="add")
            ).fit()
        )
    return fits


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--couples", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--prompts-per-day", type=int, default=10)
    parser.add_argument(
        "--sample", type=int, default=200, help="couples fitted by the statsmodels loop"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--quick", action="store_true", help="1,000 couples, 100 in the statsmodels sample"
    )
    parser.add_argument("--dask", action="store_true", help="also run with --dask (local cluster)")
    parser.add_argument(
        "--workdir", type=Path, help="keep the data file here (default: a temp dir)"
    )
    args = parser.parse_args()
    if args.quick:
        args.couples, args.sample = 1000, 100

    sim = simulate_checkins(
        couples=args.couples,
        days=args.days,
        prompts_per_day=args.prompts_per_day,
        seed=42,
        variables=("valence",),
    )
    C = args.couples
    values = sim.values["valence"]
    print(
        f"data: {C} couples x {args.days * args.prompts_per_day} prompts, {len(values)} observations (missed prompts, late entries)"
    )

    def batched():
        seq = dyn.build_sequence(sim.couple, sim.slot, sim.seconds, n_couples=C, max_gap=3 * HOUR)
        return dyn.estimate_sequence(seq, values)

    t_batch, est = best_of(batched, args.repeat)
    t_pass, _ = best_of(
        lambda: np.bincount(
            sim.couple * 2 + sim.slot, weights=np.nan_to_num(values), minlength=2 * C
        ),
        max(args.repeat, 5),
    )

    # statsmodels on a sample of couples (evenly spread), same process, same data
    sample = np.linspace(0, C - 1, min(args.sample, C)).astype(int)
    persons = np.array(sim.person_ids, dtype=object)
    frame = pd.DataFrame(
        {"c": sim.couple, "person": persons[sim.couple, sim.slot], "time": sim.seconds, "v": values}
    )
    groups = {c: g for c, g in frame[frame["c"].isin(sample)].groupby("c")}
    t0 = time.perf_counter()
    designs = {c: statsmodels_design(groups[c], 3 * HOUR) for c in sample}
    t1 = time.perf_counter()
    fits = {c: statsmodels_fit(designs[c]) for c in sample}
    t_sm = time.perf_counter() - t0
    t_fit_only = time.perf_counter() - t1
    checked = 0
    for c, (fa, fb) in fits.items():
        if not est.ok[c]:
            continue
        np.testing.assert_allclose(est.coef[c, 0], fa.params, rtol=0, atol=1e-8)
        np.testing.assert_allclose(est.coef[c, 1], fb.params, rtol=0, atol=1e-8)
        np.testing.assert_allclose(est.se[c, 0], fa.bse, rtol=0, atol=1e-8)
        np.testing.assert_allclose(est.se[c, 1], fb.bse, rtol=0, atol=1e-8)
        checked += 1

    # The floor: the in-memory estimator with the command's defaults, on arrays in memory.
    couple_ids = np.asarray(sim.couple_ids, dtype=object)[sim.couple]
    person_ids = np.array(sim.person_ids, dtype=object)[sim.couple, sim.slot]

    def floor():
        return dyn.analyse(
            couple_ids,
            person_ids,
            sim.seconds,
            {"valence": values},
            max_gap=3 * HOUR,
            day=sim.day,
            bias_replicates=dyn.DEFAULT_BIAS_REPLICATES,
        )

    cpu0, t0 = time.process_time(), time.perf_counter()
    floor()
    t_floor, cpu_floor = time.perf_counter() - t0, time.process_time() - cpu0
    load = os.getloadavg()[0]

    per_batch = t_batch / C
    per_sm = t_sm / len(sample)
    print(
        f"batched estimator (sequence + OLS + SEs + asymmetry + co-movement): {t_batch:.3f} s for {C} couples = {per_batch * 1e6:.1f} us/couple ({int(est.ok.sum())} ok)"
    )
    print(
        f"statsmodels loop (pandas design + 2 x sm.OLS):                   {t_sm:.3f} s for {len(sample)} couples = {per_sm * 1e3:.2f} ms/couple"
    )
    print(f"  identical estimates and SEs (atol 1e-8) on {checked} sampled couples")
    print(
        f"  per-couple speed-up vs statsmodels: {per_sm / per_batch:.0f}x "
        f"(vs the 2 x sm.OLS fits alone, design given: {t_fit_only / len(sample) / per_batch:.0f}x)"
    )
    print(
        f"one numpy pass (np.bincount over all observations): {t_pass * 1e3:.2f} ms; batched estimator = {t_batch / t_pass:.0f} passes"
    )
    print(
        f"in-memory estimator with the defaults ({dyn.DEFAULT_BIAS_REPLICATES} bias replicates): "
        f"{t_floor:.2f} s wall, {cpu_floor:.2f} s CPU (load {load:.1f}); "
        f"the replicates are {1 - t_batch / t_floor:.0%} of it"
    )

    # The command as users run it, on the same data written to Parquet.
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        data = work / f"checkins-{C}.parquet"
        if not data.exists():
            sim.frame().to_parquet(data, index=False)
        print(f"\n`interdep dynamics` on {data.name} ({data.stat().st_size / 1e6:.0f} MB):")
        runs = [
            (
                "defaults, JSON to a file",
                [
                    *interdep(),
                    "dynamics",
                    str(data),
                    "--format",
                    "json",
                    "-o",
                    str(work / "out.json"),
                ],
            ),
        ]
        if args.dask:
            runs.append(
                (
                    "--dask, local cluster",
                    [
                        *interdep(),
                        "dynamics",
                        str(data),
                        "--format",
                        "json",
                        "-o",
                        str(work / "out-dask.json"),
                        "--dask",
                    ],
                )
            )
        for label, cmd in runs:
            r = run(cmd)
            print(f"  {label}: {r.line()}")
            print(
                f"    ratio to the in-memory estimator: {r.wall / t_floor:.2f}x wall, "
                f"{r.cpu / cpu_floor:.2f}x CPU (target: 5x); peak {r.peak_mb / 1024:.2f} GB "
                "(target: under 3 GB)"
            )


if __name__ == "__main__":
    main()
