"""Benchmark: the couple network (multilevel VAR(1)) against the lme4 script, and at scale.

    python bench/network.py                  # diary vs lme4, then 10,000 couples x 70 days x 8
    python bench/network.py --couples 2000   # quicker large run
    python bench/network.py --skip-r         # without R

1. The Bar-Kalifa diary (8 variables, scale + scaleWithin), side by side with
   tests/reference/network_lme4.R run by Rscript on the same file: the same 16 lmer fits
   (8 temporal, 8 contemporaneous) with lmer's default control. Our estimates are checked
   against the lme4 values before any time is printed. Times are wall-clock and CPU (the R
   figure is the lmer calls alone, timed inside R, and the whole Rscript run).
2. Simulated couples (8 variables, 70 days): the whole network (both steps) at 1/4, 1/2 and all
   of ``--couples``, each in a fresh process so its peak memory (max RSS) is its own; cost per
   couple shows whether time grows linearly.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DIARY = ROOT / ".." / "shared" / "reference-data" / "dyadmlvar_sample1_derived.csv"
VARS = ["M_Anx.", "M_Sad.", "M_Vig.", "M_Con.", "W_Anx.", "W_Sad.", "W_Vig.", "W_Con."]


def _ours_on_diary(repeat: int):
    from interdep.science.network import fit_network, lag_design

    d = pd.read_csv(DIARY)
    best_wall, best_cpu, fit = np.inf, np.inf, None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        data = lag_design(d["ID"], d["DIARYDAY"], d[VARS].to_numpy(), VARS, scale_within=True)
        fit = fit_network(data)
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best_wall, best_cpu, fit


def diary(repeat: int, skip_r: bool) -> None:
    if not DIARY.exists():
        print("diary not found beside the repository; skipping the lme4 comparison")
        return
    wall, cpu, fit = _ours_on_diary(repeat)
    print(
        f"Bar-Kalifa diary: {fit.data.n_couples} couples, {fit.data.n_rows} day pairs, 8 variables"
    )
    print(
        f"  interdep network (both steps, best of {repeat}): {wall:7.3f} s wall, {cpu:7.3f} s CPU"
    )
    if skip_r or shutil.which("Rscript") is None:
        print("  Rscript not run (--skip-r or not installed)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "values.csv"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w0 = time.perf_counter()
        done = subprocess.run(
            [
                "Rscript",
                str(ROOT / "tests/reference/network_lme4.R"),
                str(DIARY),
                str(out),
                ",".join(VARS),
                "ID",
                "DIARYDAY",
                "scale+within",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        r_wall = time.perf_counter() - w0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        r_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        lmer = float(re.search(r"lmer seconds: ([0-9.]+)", done.stderr).group(1))
        lmer_cpu = float(re.search(r"lmer cpu seconds: ([0-9.]+)", done.stderr).group(1))
        ref = pd.read_csv(out)
        r = ref[(ref.step == "temporal") & (ref.quantity == "estimate_default")]
        est = np.stack([r[r.outcome == v].value.to_numpy(dtype=float) for v in VARS])
        diff = np.abs(est - fit.temporal_fit.fixed).max()
    assert diff < 2e-5, f"estimates differ from lme4 by {diff}"
    print(f"  max |difference| of temporal fixed effects vs lmer (default control): {diff:.1e}")
    print(
        f"  lme4 script, the 16 lmer calls (timed in R):  {lmer:7.3f} s wall, {lmer_cpu:7.3f} s CPU"
    )
    print(
        f"  lme4 script, whole Rscript run (both fits*):  {r_wall:7.3f} s wall, {r_cpu:7.3f} s CPU"
    )
    print(f"  ratio, lmer calls / interdep (wall):          {lmer / wall:7.1f}x")
    print(f"  ratio, lmer calls / interdep (CPU):           {lmer_cpu / cpu:7.1f}x")
    print("  (* the script also refits every model with a tight stopping rule for the reference)")


def _large_worker(n_couples: int, queue) -> None:
    from interdep.science.network import default_network, fit_network, lag_design, simulate_network

    w0 = time.perf_counter()
    sim = simulate_network(
        n_couples, 70, q=4, temporal=default_network(4, linkage=0.1), random_sd=0.05, seed=11
    )
    t_sim = time.perf_counter() - w0
    rss_sim = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    w0, c0 = time.perf_counter(), time.process_time()
    data = lag_design(sim.couple, sim.time, sim.values, sim.variables, scale_within=True)
    fit = fit_network(data)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    err = float(np.abs(fit.temporal - sim.temporal).max())
    queue.put(
        (
            t_sim,
            wall,
            cpu,
            rss_sim / 1024,
            rss / 1024,
            data.n_rows,
            err,
            bool(fit.temporal_fit.converged.all()),
        )
    )


def large(n_couples: int) -> None:
    print("\nSimulated couples, 70 days, 8 variables (4 per partner), scale + scaleWithin:")
    print(
        "  couples   rows      sim s   fit wall s  fit CPU s  CPU ms/couple  peak RSS MiB  max|b-B|"
    )
    ctx = mp.get_context("spawn")
    for n in sorted({max(2, n_couples // 4), max(2, n_couples // 2), n_couples}):
        q = ctx.Queue()
        proc = ctx.Process(target=_large_worker, args=(n, q))
        proc.start()
        t_sim, wall, cpu, _rss_sim, rss, rows, err, conv = q.get()
        proc.join()
        print(
            f"  {n:7,d} {rows:9,d} {t_sim:8.1f} {wall:11.1f} {cpu:10.1f} {1000 * cpu / n:13.2f}"
            f" {rss:13.0f} {err:9.3f}{'' if conv else '  (not converged)'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--couples", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-r", action="store_true")
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    diary(args.repeat, args.skip_r)
    if not args.skip_large:
        large(args.couples)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
