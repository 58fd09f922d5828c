"""Synthetic couples' answers with a known truth, to show that scoring recovers what it measures.

Generative model (per person): latent Connection and Self (standard normal, correlated within a
person and between partners); each facet adds its own specific variation; each item answer is a
rounded, clipped linear response on the 1-5 scale, reversed for unhealthy-pole items, with
person-level response styles (acquiescence: agreeing with everything a little; extremity: using
the ends of the scale more) and random missing answers. Partner-report answers describe the
partner's latent capacity through the reporter's own lens (noise and a positivity bias).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from interdep.science.instrument import Instrument
from interdep.science.scoring import partner_report_plan, self_report_plan


@dataclass(frozen=True)
class SimulationSettings:
    #: Within-person correlation of Connection and Self (both rest on a secure base).
    r_connection_self: float = 0.2
    #: Between-partner correlation of the same capacity (assortative mating and mutual influence).
    r_partners: float = 0.35
    #: How strongly an item reflects its capacity vs. its facet's own variation and item noise.
    loading: float = 0.9
    facet_sd: float = 0.45
    item_noise_sd: float = 0.9
    #: Response styles: SD of acquiescence (shift towards agreement) and of log-extremity.
    acquiescence_sd: float = 0.15
    extremity_sd: float = 0.15
    #: Share of answers skipped at random, and the share of persons who skip many more.
    missing_rate: float = 0.03
    heavy_skipper_rate: float = 0.03
    heavy_missing_rate: float = 0.4
    #: Partner-report: perception noise and the average generosity of the reporter.
    perception_sd: float = 0.45
    positivity_bias: float = 0.1


def _latents(rng: np.random.Generator, couples: int, s: SimulationSettings) -> np.ndarray:
    """(couples, 2 persons, 2 capacities) standard-normal latents with the set correlations."""
    # Order: A.conn, A.self, B.conn, B.self
    r_cs, r_p = s.r_connection_self, s.r_partners
    cov = np.array(
        [
            [1, r_cs, r_p, 0],
            [r_cs, 1, 0, r_p],
            [r_p, 0, 1, r_cs],
            [0, r_p, r_cs, 1],
        ],
        dtype=float,
    )
    draws = rng.multivariate_normal(np.zeros(4), cov, size=couples)
    return draws.reshape(couples, 2, 2)


def _respond(
    rng,
    capacity_latent,
    facet_of_item,
    facet_effects,
    reverse,
    style_shift,
    style_scale,
    s,
    low,
    high,
):
    """Answers on the response scale: midpoint plus keyed latent signal, styled, rounded, clipped."""
    signal = (
        s.loading * capacity_latent
        + facet_effects[:, facet_of_item]
        + rng.normal(0, s.item_noise_sd, capacity_latent.shape)
    )
    keyed = np.where(reverse, -signal, signal)
    mid, half = (low + high) / 2, (high - low) / 2
    raw = mid + half * 0.6 * keyed * style_scale[:, None] + half * style_shift[:, None]
    return np.clip(np.rint(raw), low, high)


def simulate_couples(
    instrument: Instrument,
    couples: int,
    *,
    seed: int = 0,
    settings: SimulationSettings | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Answers (one row per person: person_id, couple_id, item columns) and the latent truth."""
    s = settings or SimulationSettings()
    rng = np.random.default_rng(seed)
    low, high = instrument.scale.min, instrument.scale.max
    latents = _latents(rng, couples, s).reshape(couples * 2, 2)  # rows: persons; cols: conn, self
    n = couples * 2
    person_ids = np.array([f"p{c:06d}{ab}" for c in range(couples) for ab in "ab"])
    couple_ids = np.array([f"c{c:06d}" for c in range(couples) for _ in "ab"])
    partner_of = np.arange(n) ^ 1

    facets = instrument.facet_ids
    cap_index = {f.id: (0 if f.capacity == "connection" else 1) for f in instrument.facets}
    facet_effects = rng.normal(0, s.facet_sd, (n, len(facets)))
    acquiescence = rng.normal(0, s.acquiescence_sd, n)
    extremity = np.exp(rng.normal(0, s.extremity_sd, n))

    columns: dict[str, np.ndarray] = {}
    for plan, about, perceived in (
        (self_report_plan(instrument), np.arange(n), False),
        (partner_report_plan(instrument), partner_of, True),
    ):
        items = [instrument.item(i) for i in plan.item_ids]
        facet_of_item = np.array([facets.index(i.facet) for i in items])
        capacity = np.column_stack([latents[about, cap_index[i.facet]] for i in items])
        if perceived:  # the reporter sees the partner through noise and some generosity
            capacity = capacity + rng.normal(0, s.perception_sd, capacity.shape) + s.positivity_bias
        reverse = np.array([i.reverse_keyed for i in items])
        answers = _respond(
            rng,
            capacity,
            facet_of_item,
            facet_effects[about],
            reverse,
            acquiescence,
            extremity,
            s,
            low,
            high,
        )
        columns.update({item.id: answers[:, k] for k, item in enumerate(items)})

    frame = pd.DataFrame(columns)
    skip_rate = np.where(rng.random(n) < s.heavy_skipper_rate, s.heavy_missing_rate, s.missing_rate)
    mask = rng.random(frame.shape) < skip_rate[:, None]
    frame = frame.mask(mask)
    frame.insert(0, "couple_id", couple_ids)
    frame.insert(0, "person_id", person_ids)
    frame = frame.astype({c: "Int64" for c in columns})

    quadrant = np.select(
        [(latents[:, 0] >= 0) & (latents[:, 1] >= 0), latents[:, 0] >= 0, latents[:, 1] >= 0],
        ["interdependent", "codependent", "extreme_independence"],
        "disconnected",
    )
    truth = pd.DataFrame(
        {
            "person_id": person_ids,
            "couple_id": couple_ids,
            "connection_latent": latents[:, 0],
            "self_latent": latents[:, 1],
            "quadrant": quadrant,
            "acquiescence": acquiescence,
            "extremity": extremity,
        }
    )
    return frame, truth
