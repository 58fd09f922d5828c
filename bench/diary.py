"""Benchmark: diary models and the cross-sectional APIM against R (nlme, lme4), side by side.

Each case writes the data to a CSV, times R reading and fitting it (Rscript, timed inside R around
the read and the fit) and times interdep doing the same from the same CSV; the estimates are
compared before the ratio is printed.

    .venv/bin/python bench/diary.py                   # all cases (needs Rscript with nlme, lme4)
    .venv/bin/python bench/diary.py --case kashy      # one case: kashy | kashy-ar1 | lmer | apim
    .venv/bin/python bench/diary.py --dyads 2000      # smaller lmer case
    .venv/bin/python bench/diary.py --case apim --repeat 3   # cross-sectional: first and fastest

The Kashy diary file is read from ../shared/reference-data/ when present (it is not part of the
repository); without it that case is skipped.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from interdep.science.apim import dyads_from_table, fit_apim, simulate_apim
from interdep.science.apim.diary import diary_from_table
from interdep.science.apim.longitudinal import fit_diary
from interdep.science.apim.simulate_diary import simulate_diary
from interdep.science.tabular import read_table

ROOT = Path(__file__).resolve().parents[1]
# The CSV reader's libraries load before the clock starts, as R's library(lme4) does.
for _library in ("pyarrow.csv", "pyarrow.compute"):
    importlib.import_module(_library)
KASHY = ROOT / ".." / "shared" / "reference-data" / "kashy_person_period_pairwise.csv"

R_KASHY = r"""
suppressPackageStartupMessages(library(nlme))
t0 <- proc.time()[["elapsed"]]
d <- read.csv("{path}", na.strings = c("", " "))
fit <- lme(satisf_A ~ genderE * conflict_A + genderE * conflict_P, data = d,
           random = ~ man + woman + conflict_A + conflict_P - 1 | dyadid,
           correlation = corCompSymm(form = ~ 1 | dyadid / Day),
           weights = varIdent(form = ~ 1 | genderS), na.action = na.omit, method = "REML")
el <- proc.time()[["elapsed"]] - t0
cat("seconds", el, "\n")
cat("loglik", format(as.numeric(logLik(fit)), digits = 15), "\n")
cat("beta", format(fixef(fit), digits = 15), "\n")
"""

R_KASHY_AR1 = r"""
suppressPackageStartupMessages(library(nlme))
t0 <- proc.time()[["elapsed"]]
d <- read.csv("{path}", na.strings = c("", " "))
fit <- lme(satisf_A ~ genderE * conflict_A + genderE * conflict_P, data = d,
           random = ~ man + woman + conflict_A + conflict_P - 1 | dyadid,
           correlation = corAR1(form = ~ Day | dyadid / genderS),
           weights = varIdent(form = ~ 1 | genderS), na.action = na.omit, method = "REML",
           # with nlme's default iteration limits this fit stops without converging
           control = lmeControl(maxIter = 500, msMaxIter = 500, niterEM = 50, msMaxEval = 2000))
el <- proc.time()[["elapsed"]] - t0
cat("seconds", el, "\n")
cat("loglik", format(as.numeric(logLik(fit)), digits = 15), "\n")
cat("beta", format(fixef(fit), digits = 15), "\n")
"""

R_LMER = r"""
suppressPackageStartupMessages(library(lme4))
t0 <- proc.time()[["elapsed"]]
d <- read.csv("{path}", na.strings = c("", " "))
d$r0 <- as.numeric(d$role == "M"); d$r1 <- as.numeric(d$role == "W")
d$dd <- paste(d$dyad, d$day)
fit <- lmer(y_A ~ 0 + r0 + r1 + r0:time + r1:time + (0 + r0 + r1 + r0:time + r1:time | dyad) +
              (1 | dd), data = d, REML = TRUE, na.action = na.omit)
el <- proc.time()[["elapsed"]] - t0
cat("seconds", el, "\n")
cat("loglik", format(as.numeric(logLik(fit)), digits = 15), "\n")
cat("beta", format(fixef(fit), digits = 15), "\n")
"""

R_APIM = r"""
suppressPackageStartupMessages(library(lme4))
times <- c()
for (i in seq_len({repeat})) {
  t0 <- proc.time()[["elapsed"]]
  d <- read.csv("{path}")
  p <- d[order(d$dyad, d$person), ]
  p$x_P <- ave(p$x, p$dyad, FUN = rev)
  fit <- lmer(y ~ x + x_P + (1 | dyad), data = p, REML = TRUE, na.action = na.omit)
  times <- c(times, proc.time()[["elapsed"]] - t0)
}
cat("seconds", times, "\n")
cat("loglik", format(as.numeric(logLik(fit)), digits = 15), "\n")
cat("beta", format(fixef(fit), digits = 15), "\n")
"""


def run_r(script: str, path: Path, repeat: int = 1) -> dict:
    out = subprocess.run(
        ["Rscript", "-e", script.replace("{path}", str(path)).replace("{repeat}", str(repeat))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = {}
    for line in out.splitlines():
        key, *rest = line.split()
        values[key] = [float(v) for v in rest]
    return values


def report(name: str, ours_s: float, r_s: float, ours_beta, r_beta, ours_ll, r_ll, peer: str):
    diff = float(np.max(np.abs(np.asarray(ours_beta) - np.asarray(r_beta))))
    print(f"{name}")
    print(
        f"  max |difference| of fixed effects: {diff:.2e}; logLik ours {ours_ll:.6f}, R {r_ll:.6f}"
    )
    print(f"  interdep: {ours_s:8.3f} s   {peer}: {r_s:8.3f} s   ratio: {r_s / ours_s:6.1f}x")
    return diff


def kashy(tmp: Path, residual: str = "cs") -> None:
    if not KASHY.exists():
        print("Kashy diary file not available: case skipped")
        return
    r = run_r(R_KASHY if residual == "cs" else R_KASHY_AR1, KASHY.resolve())
    t0 = time.perf_counter()
    data = diary_from_table(
        read_table(KASHY),
        outcome="satisf",
        predictors=["conflict"],
        dyad_column="dyadid",
        role_column="genderS",
        time_column="Day",
    )
    res = fit_diary(data, parametrisation="interaction", pseudo_r2=False, residual=residual)
    t = time.perf_counter() - t0
    order = ["intercept", "role", "actor", "partner", "actor_x_role", "partner_x_role"]
    beta = [next(c.estimate for c in res.coefficients if c.term.effect == e) for e in order]
    what = "partners correlated within day" if residual == "cs" else "AR(1) within person"
    report(
        "Longitudinal APIM, Kashy diary (2,833 person-days, 103 couples), REML, Satterthwaite df, "
        f"residuals {what}",
        t, r["seconds"][0], beta, r["beta"], res.loglik, r["loglik"][0], "nlme::lme",
    )  # fmt: skip


def lmer_case(tmp: Path, n: int) -> None:
    frame = simulate_diary(n, 14, re_sd=(0.5, 0.5, 0.05, 0.05), rho=0.3, residual_sd=(0.6, 0.6),
                           missing=0.05, seed=1)  # fmt: skip
    path = tmp / "diary.csv"
    frame.to_csv(path, index=False)
    r = run_r(R_LMER, path)
    t0 = time.perf_counter()
    data = diary_from_table(
        read_table(path), outcome="y", dyad_column="dyad", role_column="role", time_column="time"
    )
    res = fit_diary(data, model="growth", equal_variances=True, pseudo_r2=False)
    t = time.perf_counter() - t0
    beta = [c.estimate for c in res.coefficients]  # M, W intercepts; M, W slopes (as lmer)
    report(
        f"Dyadic growth curve, {n:,} dyads x 14 days ({res.n_obs:,} rows), REML, "
        "role intercepts and slopes random, partners correlated within day",
        t, r["seconds"][0], beta, r["beta"], res.loglik, r["loglik"][0], "lme4::lmer",
    )  # fmt: skip


def apim_case(tmp: Path, n: int, repeat: int) -> None:
    """Each side reads the CSV and fits ``repeat`` times in one process (R: one Rscript); the
    first run and the fastest are reported, so a busy machine's noise shows."""
    frame = simulate_apim(n, intercept=1.0, actor=0.5, partner=0.3, rho=0.4,
                          missing_outcome=0.03, seed=1)  # fmt: skip
    path = tmp / "apim.csv"
    frame.to_csv(path, index=False)
    r = run_r(R_APIM, path, repeat)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        data = dyads_from_table(read_table(path), outcome="y", predictors=["x"], dyad_column="dyad")
        res = fit_apim(data, distinguishability_test=False)
        times.append(time.perf_counter() - t0)
    beta = [c.estimate for c in res.coefficients]
    name = f"Cross-sectional APIM, {n:,} dyads, from the CSV to the result (Satterthwaite df)"
    report(
        f"{name}: first run",
        times[0], r["seconds"][0], beta, r["beta"], res.loglik, r["loglik"][0], "lme4::lmer",
    )  # fmt: skip
    if repeat > 1:
        print(f"  fastest of {repeat} runs each:")
        print(
            f"  interdep: {min(times):8.3f} s   lme4::lmer: {min(r['seconds']):8.3f} s   "
            f"ratio: {min(r['seconds']) / min(times):6.1f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--case", choices=["all", "kashy", "kashy-ar1", "lmer", "apim"], default="all"
    )
    parser.add_argument("--dyads", type=int, default=10_000, help="dyads of the lmer case")
    parser.add_argument("--apim-dyads", type=int, default=100_000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the cross-sectional case on each side"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if args.case in ("all", "kashy"):
            kashy(tmp)
        if args.case in ("all", "kashy-ar1"):
            kashy(tmp, residual="ar1")
        if args.case in ("all", "lmer"):
            lmer_case(tmp, args.dyads)
        if args.case in ("all", "apim"):
            apim_case(tmp, args.apim_dyads, args.repeat)


if __name__ == "__main__":
    pd.set_option("display.width", 120)
    main()
