"""The Examples in the dynamics package's docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import json
import pkgutil

import pytest

import interdep.science.dynamics as package
from interdep.science.checkin_sim import simulate_checkins

MODULES = sorted(m.name for m in pkgutil.iter_modules(package.__path__, package.__name__ + "."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_every_public_function_has_an_example():
    missing = [
        name
        for name in package.__all__
        if callable(obj := getattr(package, name))
        and not isinstance(obj, type)
        and ">>>" not in (obj.__doc__ or "")
    ]
    assert missing == []


def test_the_json_written_a_couple_at_a_time_is_the_whole_document_dumped():
    sim = simulate_checkins(couples=6, days=14, prompts_per_day=5, seed=3)
    f = sim.frame()
    results = package.analyse(
        f.couple_id,
        f.person_id,
        sim.seconds,
        {"valence": f.valence.to_numpy()},
        max_gap=3 * 3600,
        bias_replicates=5,
    )["valence"]
    pooled = package.pool_couples(results, bias_corrected=True)
    whole = package.result_document("valence", "3h", results, pooled)
    pieces = package.document_json("valence", "3h", results, pooled)
    assert "".join(pieces) == json.dumps(whole, separators=(",", ":"), allow_nan=False)
