"""Couple networks: a multilevel VAR(1) over both partners' feelings, and its chance baseline.

Modules, one idea each:

* :mod:`~interdep.science.network.data`: the lag-1 design (gaps never bridged, scaling as mlVAR),
  and pseudo-couples.
* :mod:`~interdep.science.network.mixed`: the batched ML mixed model (lme4's ``(x || g)``).
* :mod:`~interdep.science.network.networks`: temporal, contemporaneous and between networks.
* :mod:`~interdep.science.network.indices`: densities, transmission, chance baselines, and one
  couple's own network (for the app).
* :mod:`~interdep.science.network.document`: the JSON document and text tables.
* :mod:`~interdep.science.network.figure`: node-and-arrow figures (matplotlib ``Figure``).
* :mod:`~interdep.science.network.simulate`: diaries with a known network.
"""

from interdep.science.network.data import LaggedData, lag_design, pseudo_couples
from interdep.science.network.indices import (
    INDEX_NAMES,
    ChanceBaseline,
    CoupleNetwork,
    clear_links,
    couple_network,
    density_indices,
    pseudo_couple_baseline,
    surrogate_baseline,
)
from interdep.science.network.mixed import MixedFit, fit_mixed_batch, group_crossproducts
from interdep.science.network.networks import NetworkFit, fit_network, partial_correlations
from interdep.science.network.simulate import SimulatedNetwork, default_network, simulate_network

__all__ = [
    "INDEX_NAMES",
    "ChanceBaseline",
    "CoupleNetwork",
    "LaggedData",
    "MixedFit",
    "NetworkFit",
    "SimulatedNetwork",
    "clear_links",
    "couple_network",
    "default_network",
    "density_indices",
    "fit_mixed_batch",
    "fit_network",
    "group_crossproducts",
    "lag_design",
    "partial_correlations",
    "pseudo_couple_baseline",
    "pseudo_couples",
    "simulate_network",
    "surrogate_baseline",
]
