"""Benchmark: the APIM engine against statsmodels MixedLM, and `interdep apim` as users run it.

Indistinguishable dyads (compound symmetry) are the same model as a random dyad intercept when
rho > 0, so statsmodels' MixedLM (REML) is a fair peer. The estimates are asserted equal (1e-6)
before any time is printed.

Then the command on a CSV of the same dyads, timed with /usr/bin/time -v (wall, CPU, peak
memory) against its floor, the in-memory estimator (``fit_apim`` on the dyads already in
memory) with the same settings: without the bootstrap (target: within 3x the fit) and with the
defaults (1,000 bootstrap replicates of k). ``--dask`` adds the run on a local Dask cluster.

    .venv/bin/python bench/apim.py                           # 100,000 dyads (the issue's size)
    .venv/bin/python bench/apim.py --dyads 1000000 --no-peer # the command's target size
    .venv/bin/python bench/apim.py --dyads 5000              # quick run
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import statsmodels.api as sm

from interdep.science.apim import dyads_from_table, fit_apim, simulate_apim

try:
    from measure import interdep, run
except ImportError:  # run as a module from the repository root
    from bench.measure import interdep, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dyads", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="5,000 dyads")
    parser.add_argument("--no-peer", action="store_true", help="skip MixedLM (slow at 1e6)")
    parser.add_argument("--dask", action="store_true", help="also run with --dask")
    parser.add_argument(
        "--no-default-run", action="store_true", help="skip the run with the bootstrap (slow)"
    )
    args = parser.parse_args()
    n = 5000 if args.quick else args.dyads

    frame = simulate_apim(
        n, intercept=1.0, actor=0.5, partner=0.3, rho=0.4, missing_outcome=0.03, seed=args.seed
    )
    print(
        f"APIM, indistinguishable dyads, REML: {n:,} dyads, {frame['y'].notna().sum():,} persons with an outcome"
    )

    t0 = time.perf_counter()
    data = dyads_from_table(frame, outcome="y", predictors=["x"], dyad_column="dyad")
    ours = fit_apim(data, method="REML")
    t_ours = time.perf_counter() - t0
    if not args.no_peer:
        _peer(frame, n, ours, t_ours)
    _command(frame, data, n, args.dask, not args.no_default_run)


def _peer(frame, n: int, ours, t_ours: float) -> None:
    # statsmodels: person rows with own and partner's x, random intercept per dyad
    t0 = time.perf_counter()
    x = frame["x"].to_numpy().reshape(-1, 2)
    X = np.column_stack([np.ones(2 * n), x.reshape(-1), x[:, ::-1].reshape(-1)])
    y = frame["y"].to_numpy()
    ok = np.isfinite(y)
    groups = frame["dyad"].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mixed = sm.MixedLM(y[ok], X[ok], groups=groups[ok]).fit(
            reml=True, method="bfgs", gtol=1e-10
        )
    t_peer = time.perf_counter() - t0

    est = np.array([c.estimate for c in ours.coefficients])
    diff = np.max(np.abs(est - mixed.fe_params))
    tau2 = float(np.asarray(mixed.cov_re)[0, 0])
    rho_peer = tau2 / (tau2 + mixed.scale)
    assert diff < 1e-6, f"estimates differ by {diff}"
    assert abs(ours.rho - rho_peer) < 1e-6, (ours.rho, rho_peer)

    print(
        f"  estimates: intercept {est[0]:.6f}, actor {est[1]:.6f}, partner {est[2]:.6f}; rho {ours.rho:.6f}"
    )
    print(
        f"  max |difference| of estimates vs MixedLM: {diff:.2e}; rho difference {abs(ours.rho - rho_peer):.2e}"
    )
    print(f"  interdep fit_apim (from the table): {t_ours:8.3f} s")
    print(f"  statsmodels MixedLM (REML):         {t_peer:8.3f} s")
    print(f"  ratio (MixedLM / interdep):         {t_peer / t_ours:8.1f}x")


def _floor(func) -> tuple[float, float]:
    """Best wall and CPU time of two runs of the in-memory estimator."""
    best = (float("inf"), float("inf"))
    for _ in range(2):
        w0, c0 = time.perf_counter(), time.process_time()
        func()
        best = min(best, (time.perf_counter() - w0, time.process_time() - c0))
    return best


def _command(frame, data, n: int, dask: bool, default_run: bool) -> None:
    """`interdep apim` on a CSV of the dyads, as a user runs it, against the in-memory fit."""
    fit, fit_cpu = _floor(lambda: fit_apim(data, bootstrap=0))
    print(f"\nin-memory fit_apim, no bootstrap (the floor): {fit:.2f} s wall, {fit_cpu:.2f} s CPU")
    if default_run:
        boot, boot_cpu = _floor(lambda: fit_apim(data, bootstrap=1000))
        print(f"in-memory fit_apim, 1,000 replicates: {boot:.2f} s wall, {boot_cpu:.2f} s CPU")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dyads.csv"
        frame.to_csv(path, index=False)
        print(f"`interdep apim` on {path.name} ({path.stat().st_size / 1e6:.0f} MB, {n:,} dyads):")
        base = [*interdep(), "apim", str(path), "--y", "y", "--x", "x", "--dyad-column", "dyad"]
        runs = [("--bootstrap 0", [*base, "--bootstrap", "0"], fit, fit_cpu, 3)]
        if default_run:
            runs.append(("defaults (1,000 bootstrap replicates)", base, boot, boot_cpu, None))
        if dask:
            runs.append(("--dask (no bootstrap)", [*base, "--dask"], fit, fit_cpu, None))
        for label, cmd, floor, floor_cpu, target in runs:
            r = run(cmd)
            verdict = (
                f"; target {target}x: {'met' if r.wall / floor <= target else 'not met'}"
                if target
                else ""
            )
            print(f"  {label}: {r.line()}")
            print(
                f"    ratio to the in-memory fit: {r.wall / floor:.1f}x wall, "
                f"{r.cpu / floor_cpu:.1f}x CPU; peak {r.peak_mb / 1024:.2f} GB{verdict}"
            )


if __name__ == "__main__":
    main()
