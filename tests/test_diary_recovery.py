"""Recovery on simulated diaries with known effects: the estimates are unbiased and the 95%
intervals (Satterthwaite df) cover the truth about 95% of the time."""

from __future__ import annotations

import numpy as np

from interdep.science.apim.diary import diary_from_table
from interdep.science.apim.longitudinal import fit_diary
from interdep.science.apim.simulate_diary import simulate_diary

TRUTH = {
    ("actor", "M"): 0.35,
    ("actor", "W"): 0.25,
    ("partner", "M"): 0.10,
    ("partner", "W"): 0.20,
    ("intercept", "M"): 5.0,
    ("intercept", "W"): 5.3,
}


def test_longitudinal_apim_recovers_known_effects_with_nominal_coverage():
    replicates = 120
    est = {k: [] for k in TRUTH}
    covered = {k: 0 for k in TRUTH}
    rhos = []
    for r in range(replicates):
        frame = simulate_diary(
            40, 8, intercept=(5.0, 5.3), actor=(0.35, 0.25), partner=(0.10, 0.20),
            slope=(0.0, 0.0), re_sd=(0.5, 0.4, 0.0, 0.0), effect_sd=(0.1, 0.08),
            residual_sd=(0.6, 0.7), rho=0.3, missing=0.05, seed=1000 + r,
        )  # fmt: skip
        data = diary_from_table(
            frame, outcome="y", predictors=["x"], dyad_column="dyad", role_column="role",
            time_column="day",
        )  # fmt: skip
        res = fit_diary(data, random="role-intercepts,actor,partner", pseudo_r2=False)
        rhos.append(res.rho)
        for (effect, role), truth in TRUTH.items():
            c = res.coefficient(effect, "x" if effect != "intercept" else None, role)
            est[(effect, role)].append(c.estimate)
            covered[(effect, role)] += c.ci_low <= truth <= c.ci_high
    for key, truth in TRUTH.items():
        values = np.array(est[key])
        mc_se = values.std(ddof=1) / np.sqrt(replicates)
        assert abs(values.mean() - truth) < 3.5 * mc_se + 0.005, (key, values.mean(), truth)
        # 120 replicates: 95% coverage has a binomial SD of 0.02
        assert 0.88 <= covered[key] / replicates <= 0.995, (key, covered[key])
    assert abs(np.mean(rhos) - 0.3) < 0.03
