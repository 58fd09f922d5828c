"""Scoring recovers the latent truth of simulated couples (a generative model with known values)."""

import numpy as np
import pytest

from interdep.science.instrument import load_instrument
from interdep.science.results import score_persons
from interdep.science.scoring import partner_report_plan, self_report_plan
from interdep.science.simulate import simulate_couples

#: Persons count as "away from the cut-offs" when both latents are at least this far from 0 (SD units).
AWAY = 0.5


@pytest.fixture(scope="module")
def scored():
    instrument = load_instrument("v1")
    answers, truth = simulate_couples(instrument, 2000, seed=2026)
    own = answers[list(self_report_plan(instrument).item_ids)].to_numpy(
        dtype=float, na_value=np.nan
    )
    about = answers[list(partner_report_plan(instrument).item_ids)].to_numpy(
        dtype=float, na_value=np.nan
    )
    results = score_persons(instrument, own, answers.person_id, answers.couple_id, about)
    return answers, truth, results


def scale(results, name):
    return np.array([np.nan if r.scales[name] is None else r.scales[name] for r in results])


@pytest.mark.parametrize(
    ("scale_name", "latent"), [("connection", "connection_latent"), ("self", "self_latent")]
)
def test_scale_scores_correlate_with_the_latent_truth(scored, scale_name, latent):
    _, truth, results = scored
    values = scale(results, scale_name)
    ok = ~np.isnan(values)
    assert ok.mean() > 0.9  # heavy skippers lose scales; most persons keep them
    r = np.corrcoef(values[ok], truth[latent].to_numpy()[ok])[0, 1]
    assert r >= 0.85


def test_the_dynamic_matches_the_latent_quadrant_away_from_the_cutoffs(scored):
    _, truth, results = scored
    quadrant = np.array([r.quadrant for r in results], dtype=object)
    away = (
        (np.abs(truth.connection_latent) > AWAY)
        & (np.abs(truth.self_latent) > AWAY)
        & (quadrant != None)  # noqa: E711 (elementwise on an object array)
    )
    assert away.sum() > 400
    assert (quadrant[away] == truth.quadrant[away].to_numpy()).mean() >= 0.80


def test_partners_views_track_the_partners_latent_capacity(scored):
    _, truth, results = scored
    instrument = load_instrument("v1")
    facet = next(
        f for f in instrument.partner_facets if instrument.facet(f).capacity == "connection"
    )
    seen = np.array(
        [np.nan if r.partner_view[facet] is None else r.partner_view[facet] for r in results]
    )
    partner_latent = truth.connection_latent.to_numpy()[np.arange(len(results)) ^ 1]
    ok = ~np.isnan(seen)
    assert np.corrcoef(seen[ok], partner_latent[ok])[0, 1] > 0.5


def test_the_simulation_has_missing_answers_and_response_styles(scored):
    answers, truth, _ = scored
    items = answers.drop(columns=["person_id", "couple_id"])
    assert 0.02 < items.isna().to_numpy().mean() < 0.1
    assert truth.acquiescence.std() > 0.05
