"""Simulated daily check-ins of couples with known dynamics, for recovery checks and demos.

Each couple gets its own VAR(1) per variable, drawn around population values (so couples differ,
as Sels et al. 2016 found). Both partners are prompted at the same signal times, which are
irregular (one random time inside each of K equal blocks of the waking day, in the couple's own
time zone). People miss prompts, skip whole days and single items, and a few answer late: a late
entry keeps the value of the moment it was prompted but carries its real, later time stamp, so it
stands alone in the prompt sequence and breaks the lags around it, as it does in real data.

Values are continuous on each item's own scale (no clipping, which would bend the dynamics).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

VARIABLES = ("valence", "arousal", "closeness", "self")
# Person-level mean and within-person SD of each item's scale (slider 0-100 or 1-7).
SCALES = {
    "valence": (62.0, 14.0),
    "arousal": (48.0, 15.0),
    "closeness": (4.8, 1.1),
    "self": (3.9, 1.3),
}
OFFSETS_MINUTES = (60, 120, 0, -300, -480, 600, 330)


@dataclass(frozen=True)
class Population:
    """Population values around which each couple's dynamics are drawn (within-person units)."""

    inertia: float = 0.35
    inertia_sd: float = 0.10
    transmission: float = 0.12
    transmission_sd: float = 0.08
    residual_corr: float = 0.30
    residual_corr_sd: float = 0.10


@dataclass
class SimulatedCheckins:
    """Arrays of one simulated data set (one row per answered prompt and person) and its truth."""

    couple: np.ndarray  # couple code
    slot: np.ndarray  # 0 / 1
    seconds: np.ndarray  # UTC seconds since the epoch
    day: np.ndarray  # local day ordinal (proleptic Gregorian)
    offset_minutes: np.ndarray
    values: dict[str, np.ndarray]
    truth: pd.DataFrame
    couple_ids: list[str]
    person_ids: list[tuple[str, str]]

    def frame(self) -> pd.DataFrame:
        """The check-ins as a researcher's long table with ISO 8601 local time stamps."""
        local = pd.to_datetime(self.seconds + self.offset_minutes * 60.0, unit="s")
        off = self.offset_minutes
        sign = np.where(off < 0, "-", "+")
        hh = np.abs(off) // 60
        mm = np.abs(off) % 60
        suffix = pd.Series(sign).str.cat(
            [pd.Series(hh).map("{:02d}".format), pd.Series(mm).map("{:02d}".format)], sep=""
        )
        suffix = suffix.str.slice(0, 3) + ":" + suffix.str.slice(3)
        stamps = pd.Series(local.strftime("%Y-%m-%dT%H:%M:%S")) + suffix
        ids = np.array(self.couple_ids, dtype=object)
        persons = np.array(self.person_ids, dtype=object)
        data = {
            "couple_id": ids[self.couple],
            "person_id": persons[self.couple, self.slot],
            "timestamp": stamps.to_numpy(),
        }
        for name, vals in self.values.items():
            data[name] = np.round(vals, 3)
        return pd.DataFrame(data)


def simulate_checkins(
    *,
    couples: int,
    days: int,
    prompts_per_day: int,
    seed: int,
    population: Population | None = None,
    variables: tuple[str, ...] = VARIABLES,
    p_miss: float = 0.15,
    p_day_off: float = 0.03,
    p_item_missing: float = 0.01,
    p_late: float = 0.02,
    start: str = "2025-03-03",
) -> SimulatedCheckins:
    """Draw couples' parameters and their check-ins; vectorised over couples (loop over prompts).

    The truth table has one row per couple and variable: person ids, inertia of each, transmission
    each way (``transmission_ab`` = effect of A's previous value on B's next), residual SDs and
    the residual (same-time) correlation, in the item's own units.
    """
    pop = population or Population()
    rng = np.random.default_rng(seed)
    C, K, D = int(couples), int(prompts_per_day), int(days)
    T = K * D
    couple_ids = [f"c{i + 1:0{max(4, len(str(C)))}d}" for i in range(C)]
    person_ids = [(f"{cid}-1", f"{cid}-2") for cid in couple_ids]

    # Signal times: K blocks between 09:00 and 21:00 local, one random minute inside each.
    offset = np.asarray(OFFSETS_MINUTES)[rng.integers(0, len(OFFSETS_MINUTES), C)]
    block = 12 * 60 / K
    minute_in_day = 9 * 60 + np.arange(K) * block + rng.uniform(0, block, (C, D, K))
    minute_in_day = np.floor(minute_in_day)
    start_day = pd.Timestamp(start)
    day_index = np.arange(D)
    local_minutes = (day_index[None, :, None] * 1440 + minute_in_day).reshape(C, T)
    epoch0 = start_day.value / 1e9
    utc_seconds = epoch0 + local_minutes * 60.0 - offset[:, None] * 60.0
    day_ordinal = start_day.toordinal() + np.repeat(day_index, K)

    truth_rows = []
    values = {}
    answered = (rng.random((C, 2, T)) >= p_miss) & np.repeat(
        rng.random((C, 2, D)) >= p_day_off, K, axis=2
    )
    late = answered & (rng.random((C, 2, T)) < p_late)
    # A late entry never reaches the next signal (it would collide with or pass the next prompt).
    room = np.full((C, T), np.inf)
    room[:, :-1] = np.diff(local_minutes, axis=1) - 1
    late_minutes = np.minimum(np.round(rng.uniform(2, 45, (C, 2, T))), room[:, None, :]) * late
    for name in variables:
        A = _draw_stationary(rng, C, pop)
        rho = np.clip(rng.normal(pop.residual_corr, pop.residual_corr_sd, C), -0.9, 0.9)
        mean, sd = SCALES.get(name, (0.0, 1.0))
        person_mean = rng.normal(mean, sd * 0.6, (C, 2))
        sig = sd * rng.uniform(0.8, 1.2, (C, 2))
        L = np.zeros((C, 2, 2))
        L[:, 0, 0] = sig[:, 0]
        L[:, 1, 0] = rho * sig[:, 1]
        L[:, 1, 1] = np.sqrt(1 - rho**2) * sig[:, 1]
        y = np.zeros((C, 2))
        for _ in range(50):  # burn-in towards the stationary distribution
            y = np.einsum("cij,cj->ci", A, y) + np.einsum(
                "cij,cj->ci", L, rng.standard_normal((C, 2))
            )
        series = np.empty((C, 2, T))
        for t in range(T):
            y = np.einsum("cij,cj->ci", A, y) + np.einsum(
                "cij,cj->ci", L, rng.standard_normal((C, 2))
            )
            series[:, :, t] = y
        vals = series + person_mean[:, :, None]
        vals[rng.random((C, 2, T)) < p_item_missing] = np.nan
        values[name] = vals
        truth_rows.append(
            pd.DataFrame(
                {
                    "couple_id": couple_ids,
                    "variable": name,
                    "person_a": [p[0] for p in person_ids],
                    "person_b": [p[1] for p in person_ids],
                    "inertia_a": A[:, 0, 0],
                    "inertia_b": A[:, 1, 1],
                    "transmission_ab": A[:, 1, 0],
                    "transmission_ba": A[:, 0, 1],
                    "residual_sd_a": sig[:, 0],
                    "residual_sd_b": sig[:, 1],
                    "residual_corr": rho,
                    "mean_a": person_mean[:, 0],
                    "mean_b": person_mean[:, 1],
                }
            )
        )

    cc, ss, tt = np.nonzero(answered)
    seconds = utc_seconds[cc, tt] + late_minutes[cc, ss, tt] * 60.0
    local_day = day_ordinal[tt] + (
        (minute_in_day.reshape(C, T)[cc, tt] + late_minutes[cc, ss, tt]) >= 1440
    )
    return SimulatedCheckins(
        couple=cc.astype(np.int64),
        slot=ss.astype(np.int64),
        seconds=seconds,
        day=local_day.astype(np.int64),
        offset_minutes=offset[cc],
        values={k: v[cc, ss, tt] for k, v in values.items()},
        truth=pd.concat(truth_rows, ignore_index=True),
        couple_ids=couple_ids,
        person_ids=person_ids,
    )


def _draw_stationary(rng: np.random.Generator, C: int, pop: Population) -> np.ndarray:
    """Per-couple slope matrices around the population values, redrawn until stationary."""
    A = np.empty((C, 2, 2))
    todo = np.arange(C)
    while len(todo):
        m = len(todo)
        draw = np.empty((m, 2, 2))
        draw[:, 0, 0] = rng.normal(pop.inertia, pop.inertia_sd, m)
        draw[:, 1, 1] = rng.normal(pop.inertia, pop.inertia_sd, m)
        draw[:, 0, 1] = rng.normal(pop.transmission, pop.transmission_sd, m)
        draw[:, 1, 0] = rng.normal(pop.transmission, pop.transmission_sd, m)
        good = np.abs(np.linalg.eigvals(draw)).max(axis=1) < 0.95
        A[todo[good]] = draw[good]
        todo = todo[~good]
    return A
