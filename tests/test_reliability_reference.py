"""Alpha and omega of the raw-sum composite against lavaan (tests/reference/omega_lavaan.R).

The reference values come from a one-factor CFA of the raw items in R's lavaan; omega from
standardised loadings (a sum of z-scores, which no score here is) misses them by up to 4e-4, so
the tolerance below tells the two apart.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from interdep.science.instrument import load_instrument
from interdep.science.reliability import (
    cronbach_alpha,
    mcdonald_omega,
    one_factor,
    reliability_table,
)

REFERENCE = Path(__file__).parent / "reference"
PREFIXES = {
    "boundaries": ["bnd"],
    "steadiness": ["std"],
    "vulnerability": ["vul"],
    "honest_communication": ["hon"],
    "connection": ["vul", "rel", "rsp", "hon", "opn"],
    "self": ["bnd", "no", "std", "wor", "own", "acc", "aut"],
}


@pytest.fixture(scope="module")
def pool() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "reliability_pool.csv")


def _block(pool: pd.DataFrame, group: str) -> np.ndarray:
    cols = [c for p in PREFIXES[group] for c in pool.columns if c.split("_s")[0] == p]
    return pool[cols].to_numpy(dtype=float)


REFERENCE_ROWS = pd.read_csv(REFERENCE / "omega_lavaan_values.csv").to_dict("records")


@pytest.mark.parametrize("row", REFERENCE_ROWS, ids=[r["group"] for r in REFERENCE_ROWS])
def test_alpha_and_omega_match_lavaan_for_the_raw_sum(pool, row):
    block = _block(pool, row["group"])
    assert block.shape[1] == row["items"]
    assert cronbach_alpha(block) == pytest.approx(row["alpha"], abs=1e-12)
    assert mcdonald_omega(block) == pytest.approx(row["omega"], abs=1e-6)


def test_omega_from_standardised_loadings_would_not_match(pool):
    """The old number (omega of standardised items) is measurably off for a real facet."""
    row = next(r for r in REFERENCE_ROWS if r["group"] == "boundaries")
    std = one_factor(_block(pool, "boundaries")).std_loadings
    standardised = std.sum() ** 2 / (std.sum() ** 2 + (1 - std**2).sum())
    assert abs(standardised - row["omega"]) > 1e-4


def test_weighted_composite_equals_the_unit_sum_of_rescaled_items(pool):
    """A scale is the mean of facet means: weights are rescaled items, so alpha and omega of the
    weighted composite are those of the items multiplied by their weights."""
    block = _block(pool, "connection")
    weights = np.linspace(0.5, 2.0, block.shape[1])
    assert cronbach_alpha(block, weights=weights) == pytest.approx(
        cronbach_alpha(block * weights), abs=1e-12
    )
    assert mcdonald_omega(block, weights=weights) == pytest.approx(
        mcdonald_omega(block * weights), abs=1e-7
    )
    assert mcdonald_omega(block, weights=weights) != pytest.approx(mcdonald_omega(block), abs=1e-4)
    with pytest.raises(ValueError, match="weights"):
        cronbach_alpha(block, weights=np.ones(3))


def test_reliability_table_reports_the_lavaan_values_for_the_scales(pool):
    instrument = load_instrument("v2")
    ids = tuple(pool.columns)
    # The pool is stored keyed; the table keys the raw answers itself, so un-key first.
    reverse = np.array([instrument.item(i).reverse_keyed for i in ids])
    raw = np.where(reverse, 6 - pool.to_numpy(dtype=float), pool.to_numpy(dtype=float))
    rows = {r["name"]: r for r in reliability_table(instrument, raw, ids)}
    for ref in REFERENCE_ROWS:
        assert rows[ref["group"]]["alpha"] == pytest.approx(ref["alpha"], abs=1e-12)
        assert rows[ref["group"]]["omega"] == pytest.approx(ref["omega"], abs=1e-6)
