"""Benchmark: the APIM engine against statsmodels MixedLM on the same model, same process.

Indistinguishable dyads (compound symmetry) are the same model as a random dyad intercept when
rho > 0, so statsmodels' MixedLM (REML) is a fair peer. The estimates are asserted equal (1e-6)
before any time is printed.

    .venv/bin/python bench/apim.py              # 100,000 dyads (the issue's size)
    .venv/bin/python bench/apim.py --dyads 5000 # quick run
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import statsmodels.api as sm

from interdep.science.apim import dyads_from_table, fit_apim, simulate_apim


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dyads", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="5,000 dyads")
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


if __name__ == "__main__":
    main()
