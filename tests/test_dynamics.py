"""Per-couple VAR(1) dynamics: exactness against statsmodels, gaps, uncertainty, pooling, recovery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.tsa.api import VAR

from interdep.science import dynamics as dyn
from interdep.science.checkin_sim import Population, simulate_checkins
from interdep.science.errors import InputError
from interdep.science.figures_dynamics import dynamics_svg

HOUR = 3600.0


# --------------------------------------------------------------------------- an independent reference


def lagged_design(frame: pd.DataFrame, var: str, max_gap: float) -> dict[str, pd.DataFrame]:
    """The lagged design of each couple, built the slow, obvious way (a loop per couple).

    Independent of the batched code: distinct sorted times of both partners, previous prompt
    = the one just before, kept only when within max_gap; persons ordered by id as text.
    """
    out = {}
    for cid, g in frame.groupby("couple", sort=True):
        a, b = sorted(g["person"].astype(str).unique())
        wide = g.pivot_table(
            index="time", columns="person", values=var, aggfunc="first", dropna=False
        )
        times = np.sort(g["time"].unique())
        wide = wide.reindex(index=times, columns=[a, b])
        wide = wide - wide.mean()
        rows = []
        for i in range(1, len(times)):
            if times[i] - times[i - 1] > max_gap:
                continue
            rows.append(
                {
                    "yA": wide.iloc[i][a],
                    "yB": wide.iloc[i][b],
                    "xA": wide.iloc[i - 1][a],
                    "xB": wide.iloc[i - 1][b],
                }
            )
        out[cid] = pd.DataFrame(rows, columns=["yA", "yB", "xA", "xB"])
    return out


def ols(design: pd.DataFrame, y: str):
    d = design.dropna(subset=[y, "xA", "xB"])
    return sm.OLS(
        d[y].to_numpy(), sm.add_constant(d[["xA", "xB"]].to_numpy(), has_constant="add")
    ).fit()


def sim_frame(sim) -> pd.DataFrame:
    persons = np.array(sim.person_ids, dtype=object)
    return pd.DataFrame(
        {
            "couple": np.array(sim.couple_ids, dtype=object)[sim.couple],
            "person": persons[sim.couple, sim.slot],
            "time": sim.seconds,
            "day": sim.day,
            **sim.values,
        }
    )


def run(frame: pd.DataFrame, variables=("valence",), **kw) -> dict[str, list[dyn.CoupleDynamics]]:
    kw.setdefault("max_gap", 3 * HOUR)
    kw.setdefault("bias_replicates", 0)
    return dyn.analyse(
        frame["couple"].to_numpy(),
        frame["person"].to_numpy(),
        frame["time"].to_numpy(),
        {v: frame[v].to_numpy() for v in variables},
        **kw,
    )


@pytest.fixture(scope="module")
def small_sim():
    sim = simulate_checkins(
        couples=40, days=14, prompts_per_day=6, seed=11, p_miss=0.2, p_late=0.05
    )
    return sim_frame(sim)


# --------------------------------------------------------------------------- exactness


def test_each_couples_estimates_equal_statsmodels_ols_on_the_same_lagged_design(small_sim):
    results = run(small_sim, variables=("valence", "closeness"))
    checked = 0
    for var in ("valence", "closeness"):
        designs = lagged_design(small_sim, var, 3 * HOUR)
        for r in results[var]:
            assert r.ok, r.reason
            a, b = r.persons
            d = designs[r.couple_id]
            fa, fb = ols(d, "yA"), ols(d, "yB")  # sm.OLS(y, add_constant([A(prev), B(prev)])).fit()
            np.testing.assert_allclose(
                [
                    r.inertia[a],
                    r.transmission[f"{b}->{a}"],
                    r.inertia[b],
                    r.transmission[f"{a}->{b}"],
                ],
                [fa.params[1], fa.params[2], fb.params[2], fb.params[1]],
                rtol=0,
                atol=1e-8,
            )
            np.testing.assert_allclose(
                [r.se[a], r.se[f"{b}->{a}"], r.se[b], r.se[f"{a}->{b}"]],
                [fa.bse[1], fa.bse[2], fb.bse[2], fb.bse[1]],
                rtol=0,
                atol=1e-8,
            )
            lo, hi = fa.conf_int(0.05)[1]
            np.testing.assert_allclose(r.intervals[a], [lo, hi], atol=1e-8)
            assert r.n_pairs_by_person == {a: int(fa.nobs), b: int(fb.nobs)}
            # co-movement: Pearson r of the two equations' residuals on the rows both use
            both = d.dropna()
            ea = both["yA"] - fa.params[0] - fa.params[1] * both["xA"] - fa.params[2] * both["xB"]
            eb = both["yB"] - fb.params[0] - fb.params[1] * both["xA"] - fb.params[2] * both["xB"]
            assert r.co_movement == pytest.approx(np.corrcoef(ea, eb)[0, 1], abs=1e-8)
            checked += 1
    assert checked == 80


def test_without_gaps_estimates_equal_statsmodels_var():
    rng = np.random.default_rng(3)
    rows = []
    A = np.array([[0.4, 0.15], [0.2, 0.3]])
    for c in range(5):
        y = np.zeros(2)
        for t in range(60):
            y = A @ y + rng.normal(size=2)
            rows += [
                {"couple": f"k{c}", "person": p, "time": float(t), "valence": y[i] + 3}
                for i, p in enumerate("MW")
            ]
    frame = pd.DataFrame(rows)
    for r in run(frame, max_gap=1.0)["valence"]:
        wide = frame[frame.couple == r.couple_id].pivot(
            index="time", columns="person", values="valence"
        )[["M", "W"]]
        fit = VAR(wide.to_numpy()).fit(1)  # statsmodels.tsa.api.VAR(endog).fit(1), trend "c"
        # fit.params rows: const, L1.M, L1.W; columns: equations M, W
        assert r.inertia["M"] == pytest.approx(fit.params[1, 0], abs=1e-8)
        assert r.inertia["W"] == pytest.approx(fit.params[2, 1], abs=1e-8)
        assert r.transmission["M->W"] == pytest.approx(fit.params[1, 1], abs=1e-8)
        assert r.transmission["W->M"] == pytest.approx(fit.params[2, 0], abs=1e-8)
        assert r.se["M->W"] == pytest.approx(fit.bse[1, 1], abs=1e-8)
        assert r.se["W"] == pytest.approx(fit.bse[2, 1], abs=1e-8)
        assert r.n_pairs == 59


def test_estimates_do_not_depend_on_each_persons_level_or_on_row_order(small_sim):
    base = run(small_sim)["valence"]
    shifted = small_sim.assign(
        valence=small_sim["valence"] + np.where(small_sim["person"].str.endswith("1"), 40.0, -7.0)
    )
    shuffled = shifted.sample(frac=1.0, random_state=1)
    for r0, r1 in zip(base, run(shuffled)["valence"], strict=True):
        assert r0.inertia == pytest.approx(r1.inertia, abs=1e-10)
        assert r0.transmission == pytest.approx(r1.transmission, abs=1e-10)


# --------------------------------------------------------------------------- gaps


def _two_runs_frame():
    """Hourly prompts 8..12 and 18..22 (a 6 h gap), with values chosen so that the bridging
    pair (12 -> 18) would pull the estimates far away."""
    rng = np.random.default_rng(7)
    times = [8, 9, 10, 11, 12, 13, 14, 18, 19, 20, 21, 22, 23, 24]
    rows = []
    for t in times:
        for p in ("a", "b"):
            v = rng.normal()
            if t == 14:
                v = 9.0  # last prompt before the gap: extreme
            if t == 18:
                v = -9.0  # first prompt after it: opposite extreme
            rows.append({"couple": "x", "person": p, "time": t * HOUR, "valence": v})
    return pd.DataFrame(rows)


def test_gaps_are_never_bridged():
    frame = _two_runs_frame()
    r = run(frame, max_gap=3 * HOUR, min_pairs=5)["valence"][0]
    bridged = run(frame, max_gap=7 * HOUR, min_pairs=5)["valence"][0]
    design = lagged_design(frame, "valence", 3 * HOUR)["x"]
    assert len(design) == 12  # 14 prompts, minus the first, minus the 14 -> 18 pair
    fa = ols(design, "yA")
    assert r.inertia["a"] == pytest.approx(fa.params[1], abs=1e-10)
    assert r.n_pairs == 12 and bridged.n_pairs == 13
    # bridging 14 h -> 18 h (+9 followed by -9) would turn inertia clearly negative
    assert bridged.inertia["a"] < r.inertia["a"] - 0.3


def test_a_missing_value_at_the_previous_prompt_loses_the_pair_instead_of_reaching_back():
    frame = _two_runs_frame()
    frame.loc[(frame.time == 10 * HOUR) & (frame.person == "b"), "valence"] = np.nan
    r = run(frame, max_gap=3 * HOUR, min_pairs=5)["valence"][0]
    # a loses (10,11) (b(10) missing at prev); b loses (9,10) and (10,11); nothing reaches back to 9
    assert r.n_pairs_by_person == {"a": 11, "b": 10}
    reached_back = frame[~(frame.time == 10 * HOUR)]  # what bridging 9 -> 11 would use
    other = run(reached_back, max_gap=3 * HOUR, min_pairs=5)["valence"][0]
    assert other.n_pairs_by_person["a"] == 11 and other.inertia["a"] != pytest.approx(
        r.inertia["a"], abs=1e-6
    )


def test_overnight_pairs_are_used_only_when_asked():
    t0 = datetime(2025, 3, 3, 20, 0, tzinfo=timezone(timedelta(hours=2)))
    stamps, rng = [], np.random.default_rng(2)
    for d in range(20):
        for h in (0, 1.5, 3):  # 20:00, 21:30, 23:00 local
            stamps.append(t0 + timedelta(days=d, hours=h))
    a = [(s, float(v)) for s, v in zip(stamps, rng.normal(size=len(stamps)), strict=True)]
    b = [(s, float(v)) for s, v in zip(stamps, rng.normal(size=len(stamps)), strict=True)]
    plain = dyn.couple_dynamics(a, b, max_gap=timedelta(hours=3))
    night = dyn.couple_dynamics(a, b, max_gap=timedelta(hours=3), overnight=True)
    assert plain.n_pairs == 40 and night.n_pairs == 59


# --------------------------------------------------------------------------- asymmetry uncertainty


def test_asymmetry_interval_covers_at_the_nominal_rate_when_residuals_move_together():
    pop = Population(
        inertia=0.3,
        inertia_sd=0.0,
        transmission=0.15,
        transmission_sd=0.0,
        residual_corr=0.7,
        residual_corr_sd=0.0,
    )
    sim = simulate_checkins(
        couples=3000, days=7, prompts_per_day=10, seed=5, variables=("valence",), population=pop
    )
    seq = dyn.build_sequence(sim.couple, sim.slot, sim.seconds, n_couples=3000, max_gap=3 * HOUR)
    est = dyn.estimate_sequence(seq, sim.values["valence"])
    ok = est.ok
    q = stats.t.ppf(0.975, est.asym_df[ok])
    truth = 0.0  # equal transmission both ways
    coverage = np.mean(np.abs(est.asym[ok] - truth) <= q * est.asym_se[ok])
    naive_se = np.hypot(
        est.se[ok, 1, 1], est.se[ok, 0, 2]
    )  # ignoring the cross-equation covariance
    naive = np.mean(np.abs(est.asym[ok] - truth) <= q * naive_se)
    assert 0.93 <= coverage <= 0.965
    assert naive < 0.925  # the covariance term matters, and its sign is right
    assert est.asym_se[ok].mean() == pytest.approx(est.asym[ok].std(), rel=0.08)


# --------------------------------------------------------------------------- minimum data and odd couples


def test_couples_without_enough_data_or_two_persons_are_reported_not_raised(small_sim):
    frame = small_sim.copy()
    first = frame.couple == frame.couple.iloc[0]
    short = frame[first].sort_values("time").iloc[:12].assign(couple="short")
    lonely = frame[first].assign(couple="solo", person="only-one")
    crowd = pd.concat(
        [
            frame[first].assign(couple="three"),
            frame[first].iloc[:5].assign(couple="three", person="extra"),
        ]
    )
    flat = frame[first].assign(
        couple="flat",
        valence=np.where(frame[first].person.str.endswith("1"), 5.0, frame[first].valence),
    )
    data = pd.concat([frame, short, lonely, crowd, flat], ignore_index=True)
    res = {r.couple_id: r for r in run(data)["valence"]}
    assert len(res) == 44
    assert res["short"].status == "insufficient_data" and "usable pairs" in res["short"].reason
    assert res["solo"].status == "insufficient_data" and "1 person" in res["solo"].reason
    assert res["three"].status == "insufficient_data" and "3 person" in res["three"].reason
    assert res["three"].persons == sorted(res["three"].persons) and len(res["three"].persons) == 3
    assert res["flat"].status == "insufficient_data" and "vary" in res["flat"].reason
    doc = res["short"].to_dict()
    assert doc["inertia"] == dict.fromkeys(doc["persons"]) and doc["asymmetry"] == {
        "estimate": None,
        "interval": None,
    }
    assert sum(r.ok for r in res.values()) == 40


def test_the_app_waits_for_14_days_answered_by_both_partners():
    tz = timezone(timedelta(hours=1))
    rng = np.random.default_rng(4)

    def series(days):
        out = []
        for d in range(days):
            for h in (9, 11, 13, 15, 17, 19):
                out.append(
                    (datetime(2025, 5, 1, h, tzinfo=tz) + timedelta(days=d), float(rng.normal()))
                )
        return out

    early = dyn.couple_dynamics(series(10), series(10), persons=("ann", "bo"))
    assert (
        early.status == "insufficient_data" and "10 days" in early.reason and "14" in early.reason
    )
    ready = dyn.couple_dynamics(series(15), series(15), persons=("ann", "bo"))
    assert ready.ok
    doc = ready.to_dict()
    assert set(doc) >= {
        "couple_id",
        "persons",
        "n_pairs",
        "status",
        "inertia",
        "transmission",
        "se",
        "intervals",
        "asymmetry",
        "co_movement",
    }
    assert set(doc["transmission"]) == {"ann->bo", "bo->ann"}
    assert set(doc["se"]) == set(doc["intervals"]) == {"ann", "bo", "ann->bo", "bo->ann"}
    none_yet = dyn.couple_dynamics(series(3), [], persons=("ann", "bo"))
    assert none_yet.status == "insufficient_data" and "bo" in none_yet.reason


def test_naive_time_stamps_and_bad_gaps_are_refused():
    with pytest.raises(InputError):
        dyn.couple_dynamics(
            [(datetime(2025, 1, 1, 9), 1.0)], [(datetime(2025, 1, 1, 9, tzinfo=UTC), 1.0)]
        )
    assert dyn.parse_max_gap("3h") == 3 * HOUR
    assert dyn.parse_max_gap("2h30m") == 2.5 * HOUR
    assert dyn.parse_max_gap("90min") == 1.5 * HOUR
    assert dyn.parse_max_gap("1", numeric_time=True) == 1.0
    for bad, numeric in (("3", False), ("3h", True), ("soon", False), ("-1h", False)):
        with pytest.raises(InputError):
            dyn.parse_max_gap(bad, numeric_time=numeric)


def test_two_entries_of_one_person_at_one_time_name_the_row():
    frame = pd.DataFrame(
        {
            "couple": ["c"] * 3,
            "person": ["a", "a", "b"],
            "time": [1.0, 1.0, 1.0],
            "valence": [1, 2, 3.0],
        }
    )
    with pytest.raises(InputError, match="row 3"):
        run(frame, max_gap=1.0, rows=np.arange(3) + 2)


# --------------------------------------------------------------------------- pooling


def test_dersimonian_laird_pooling_equals_statsmodels_combine_effects():
    rng = np.random.default_rng(8)
    y, se = rng.normal(0.3, 0.15, 60), rng.uniform(0.08, 0.3, 60)
    p = dyn.pool_random_effects(y, se, method="DL")
    ref = combine_effects(
        y, se**2, method_re="dl"
    )  # statsmodels.stats.meta_analysis.combine_effects
    assert p.estimate == pytest.approx(ref.mean_effect_re, abs=1e-12)
    assert p.se == pytest.approx(ref.sd_eff_w_re, abs=1e-12)
    assert p.tau2 == pytest.approx(ref.tau2, abs=1e-12)


def test_reml_pooling_maximises_the_restricted_likelihood():
    rng = np.random.default_rng(9)
    y, se = rng.normal(0.2, 0.2, 40), rng.uniform(0.05, 0.3, 40)
    v = se**2

    def neg_restricted_loglik(tau2):
        w = 1 / (v + tau2)
        mu = np.sum(w * y) / np.sum(w)
        return 0.5 * (np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))

    best = optimize.minimize_scalar(
        neg_restricted_loglik, bounds=(0, 1), method="bounded", options={"xatol": 1e-12}
    )
    assert dyn.pool_random_effects(y, se, method="REML").tau2 == pytest.approx(best.x, abs=1e-7)


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.ConvergenceWarning")
def test_pooled_summary_agrees_with_a_mixed_model_fit():
    sim = simulate_checkins(
        couples=150, days=10, prompts_per_day=8, seed=21, variables=("valence",)
    )
    frame = sim_frame(sim)
    frame["person"] = np.where(
        frame["person"].str.endswith("-1"), "M", "W"
    )  # distinguishable roles
    results = run(frame)["valence"]
    pooled = dyn.pool_couples(results, bias_corrected=False)["parameters"]
    # the same model as one mixed model: W's equation, random slopes per couple (the series are
    # centred within person, so intercepts are ~0 and left fixed), on the SD scale of the item
    stacked = []
    for cid, d in lagged_design(frame, "valence", 3 * HOUR).items():
        stacked.append(d.dropna(subset=["yB", "xA", "xB"]).assign(couple=cid))
    data = pd.concat(stacked, ignore_index=True)
    fit = sm.MixedLM(
        data["yB"],
        sm.add_constant(data[["xA", "xB"]]),
        groups=data["couple"],
        exog_re=data[["xA", "xB"]],
    ).fit(reml=True)
    # statsmodels MixedLM(yB ~ 1 + A(prev) + B(prev), re = A(prev) + B(prev) | couple), REML
    assert fit.converged
    assert pooled["inertia[W]"]["estimate"] == pytest.approx(fit.fe_params["xB"], abs=0.01)
    assert pooled["transmission[M->W]"]["estimate"] == pytest.approx(fit.fe_params["xA"], abs=0.01)
    assert pooled["inertia[W]"]["tau"] == pytest.approx(
        np.sqrt(fit.cov_re.loc["xB", "xB"]), abs=0.02
    )
    assert pooled["transmission[M->W]"]["tau"] == pytest.approx(
        np.sqrt(fit.cov_re.loc["xA", "xA"]), abs=0.02
    )


# --------------------------------------------------------------------------- recovery


@pytest.mark.slow
def test_recovery_on_5000_simulated_couples_has_bias_below_0_02():
    sim = simulate_checkins(
        couples=5000, days=7, prompts_per_day=10, seed=2024, variables=("valence",)
    )
    results = dyn.analyse(
        np.array(sim.couple_ids, dtype=object)[sim.couple],
        np.array(sim.person_ids, dtype=object)[sim.couple, sim.slot],
        sim.seconds,
        {"valence": sim.values["valence"]},
        max_gap=3 * HOUR,
        bias_replicates=40,
    )["valence"]
    truth = sim.truth.set_index("couple_id")
    ok = [r for r in results if r.ok]
    assert len(ok) >= 4900
    t = truth.loc[[r.couple_id for r in ok]]
    pa, pb = t["person_a"].to_numpy(), t["person_b"].to_numpy()
    true = {
        "inertia_a": t["inertia_a"],
        "inertia_b": t["inertia_b"],
        "ab": t["transmission_ab"],
        "ba": t["transmission_ba"],
    }
    got_bc = {
        "inertia_a": [r.bias_corrected[a] for r, a in zip(ok, pa, strict=True)],
        "inertia_b": [r.bias_corrected[b] for r, b in zip(ok, pb, strict=True)],
        "ab": [r.bias_corrected[f"{a}->{b}"] for r, a, b in zip(ok, pa, pb, strict=True)],
        "ba": [r.bias_corrected[f"{b}->{a}"] for r, a, b in zip(ok, pa, pb, strict=True)],
    }
    for key in true:
        assert abs(np.mean(np.asarray(got_bc[key]) - true[key].to_numpy())) < 0.02, key
    raw_inertia = np.mean(
        [r.inertia[a] for r, a in zip(ok, pa, strict=True)] - t["inertia_a"].to_numpy()
    )
    assert (
        raw_inertia < -0.03
    )  # why the correction exists: OLS inertia is biased down by ~(1 + 3a)/n
    pooled = dyn.pool_couples(results)["parameters"]
    assert abs(pooled["inertia"]["estimate"] - 0.35) < 0.02  # Population() inertia
    assert abs(pooled["transmission"]["estimate"] - 0.12) < 0.02  # Population() transmission
    assert abs(pooled["co_movement"]["estimate"] - 0.30) < 0.03  # Population() residual correlation
    assert pooled["inertia"]["tau"] == pytest.approx(0.10, abs=0.03)  # Population() inertia_sd


# --------------------------------------------------------------------------- figure


def _result(interval_ab):
    return dyn.CoupleDynamics(
        couple_id="c1",
        persons=["ann", "bo"],
        variable="valence",
        status="ok",
        n_pairs=50,
        inertia={"ann": 0.4, "bo": 0.3},
        transmission={"ann->bo": 0.2, "bo->ann": 0.25},
        se=dict.fromkeys(["ann", "bo", "ann->bo", "bo->ann"], 0.05),
        intervals={
            "ann": [0.3, 0.5],
            "bo": [0.2, 0.4],
            "ann->bo": interval_ab,
            "bo->ann": [0.15, 0.35],
        },
        asymmetry={
            "estimate": -0.05,
            "interval": [-0.2, 0.1],
            "se": 0.07,
            "contrast": "ann->bo minus bo->ann",
        },
        co_movement=0.3,
    )


def test_figure_is_svg_text_and_fades_only_uncertain_arrows():
    sure = dynamics_svg(_result([0.1, 0.3]))
    unsure = dynamics_svg(_result([-0.1, 0.5]))
    assert sure.lstrip().startswith("<?xml") and "<svg" in sure
    assert "ann-&gt;bo" in sure and "stroke-dasharray" not in sure
    assert "stroke-dasharray" in unsure
    assert dynamics_svg(_result([0.1, 0.3])) == sure  # deterministic output
    not_yet = dyn.couple_dynamics([], [], persons=("ann", "bo"))
    assert "Not yet" in dynamics_svg(not_yet)


def test_the_fast_sort_orders_exactly_as_lexsort_by_couple_time_and_slot():
    from interdep.science.dynamics.sequence import _order_by_couple_time_slot

    rng = np.random.default_rng(3)
    for n in (0, 1, 7, 5000):
        couple = rng.integers(0, 40, n)
        slot = rng.integers(0, 2, n)
        time = np.round(rng.random(n) * 50, 1) - 20  # ties and negative times included
        fast, reference = (
            _order_by_couple_time_slot(couple, time, slot),
            np.lexsort((slot, time, couple)),
        )
        for column in (couple, time, slot):
            assert (column[fast] == column[reference]).all()


def test_the_bias_does_not_depend_on_how_replicates_are_chunked(monkeypatch):
    """A partition of a cluster run has fewer prompts, so more replicates fit in one chunk."""
    from interdep.science.dynamics import bias

    rng = np.random.default_rng(0)
    m, length = 30, 50
    Y = rng.normal(size=(m * length, 2))
    cp = np.repeat(np.arange(m), length)
    lag = np.tile(np.r_[False, np.ones(length - 1, dtype=bool)], m)
    slopes = np.tile(np.array([[0.3, 0.1], [0.1, 0.3]]), (m, 1, 1))
    sigma = np.tile(np.array([[1.0, 0.2], [0.2, 1.0]]), (m, 1, 1))
    keys = bias.couple_keys([str(i) for i in range(m)])
    whole = bias.bootstrap_bias(Y, cp, lag, slopes, sigma, keys, replicates=9)
    monkeypatch.setattr(bias, "CHUNK_PROMPTS", 2 * m * length)  # two replicates per chunk
    chunked = bias.bootstrap_bias(Y, cp, lag, slopes, sigma, keys, replicates=9)
    assert np.array_equal(whole, chunked)
