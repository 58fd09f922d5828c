"""Dyadic layouts: conversions are lossless round trips and broken files fail naming the dyad,
row and column at fault."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from interdep.science import dyadic
from interdep.science.apim import dyads_from_table
from interdep.science.errors import InputError


@pytest.fixture
def individual() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "couple": [1, 1, 2, 2, 3, 3],
            "person": ["a", "b", "c", "d", "e", "f"],
            "role": ["W", "H", "H", "W", "W", "H"],
            "close": [4.0, 3.0, 5.0, 2.0, 1.5, np.nan],
            "sat": [3.2, 4.1, 2.2, 3.3, 4.4, 3.9],
            "years": [5, 5, 12, 12, 1, 1],
        }
    )


def test_individual_to_pairwise_puts_the_partners_value_beside_ones_own(individual):
    pw = dyadic.reshape(individual, "pairwise", dyad_column="couple", person_column="person")
    assert list(pw.columns) == [
        "couple",
        "person",
        "role_A",
        "role_P",
        "close_A",
        "close_P",
        "sat_A",
        "sat_P",
        "years_A",
        "years_P",
    ]
    row = pw.set_index("person")
    assert row.loc["a", "close_P"] == 3.0 and row.loc["b", "close_P"] == 4.0
    assert row.loc["c", "sat_P"] == 3.3
    assert np.isnan(row.loc["e", "close_P"])  # the partner's missing value stays missing


def test_individual_to_dyad_suffixes_by_role_when_there_is_one(individual):
    wide = dyadic.reshape(
        individual, "dyad", dyad_column="couple", person_column="person", role_column="role"
    )
    assert len(wide) == 3
    assert {"close_H", "close_W", "sat_H", "sat_W", "person_H", "person_W"} <= set(wide.columns)
    first = wide.set_index("couple").loc[1]
    assert (first.close_W, first.close_H, first.person_W) == (4.0, 3.0, "a")


@pytest.mark.parametrize("to", ["pairwise", "dyad"])
def test_conversions_round_trip_to_the_individual_layout(individual, to):
    kwargs = {"dyad_column": "couple", "person_column": "person", "role_column": "role"}
    there = dyadic.reshape(individual, to, **kwargs)
    back = dyadic.reshape(there, "individual", source=to, **kwargs)
    cols = ["couple", "person", "role", "close", "sat", "years"]
    a = individual[cols].sort_values("person").reset_index(drop=True)
    b = back[cols].sort_values("person").reset_index(drop=True)
    b["couple"] = b["couple"].astype(a["couple"].dtype)
    b["years"] = b["years"].astype(a["years"].dtype)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_the_layout_is_detected_from_the_table(individual):
    kw = {"dyad_column": "couple", "person_column": "person"}
    assert dyadic.detect_layout(individual, "couple") == "individual"
    assert (
        dyadic.detect_layout(dyadic.reshape(individual, "pairwise", **kw), "couple") == "pairwise"
    )
    assert dyadic.detect_layout(dyadic.reshape(individual, "dyad", **kw), "couple") == "dyad"


def test_the_three_layouts_give_the_same_apim_data(individual):
    kw = {"dyad_column": "couple", "person_column": "person", "role_column": "role"}
    frames = {
        "individual": individual,
        "pairwise": dyadic.reshape(individual, "pairwise", **kw),
        "dyad": dyadic.reshape(individual, "dyad", **kw),
    }
    got = {
        layout: dyads_from_table(
            frame,
            outcome="sat",
            predictors=["close"],
            covariates=["years"],
            dyad_column="couple",
            role_column="role",
            layout=layout,
        )
        for layout, frame in frames.items()
    }
    ref = got["individual"]
    assert ref.roles == ("H", "W")
    for data in got.values():
        np.testing.assert_array_equal(data.y, ref.y)
        np.testing.assert_array_equal(data.x, ref.x)
        np.testing.assert_array_equal(data.cov, ref.cov)
        assert data.roles == ref.roles


def test_a_dyad_with_three_rows_or_one_is_named(individual):
    broken = pd.concat(
        [individual, pd.DataFrame({"couple": [2, 9], "person": ["x", "y"]})], ignore_index=True
    )
    with pytest.raises(InputError) as err:
        dyadic.pair_rows(broken, "couple")
    assert "2 (3 rows)" in str(err.value) and "9 (1 row: the partner's row is missing)" in str(
        err.value
    )
    assert err.value.column == "couple"


def test_role_labels_must_be_exactly_two(individual):
    three = individual.assign(role=["W", "H", "H", "W", "W", "X"])
    with pytest.raises(InputError, match="exactly two distinct role labels; found 3: H, W, X"):
        dyadic.pair_rows(three, "couple", "role")


def test_both_members_with_the_same_role_is_an_error_naming_the_dyad(individual):
    same = individual.assign(role=["W", "H", "H", "H", "W", "H"])
    with pytest.raises(InputError, match="same role; dyad\\(s\\): 2") as err:
        dyadic.pair_rows(same, "couple", "role")
    assert err.value.row == 5  # spreadsheet row of the second member (header is row 1)


def test_a_non_numeric_cell_names_its_row_and_column(individual):
    bad = individual.astype({"close": object})
    bad.loc[3, "close"] = "lots"
    with pytest.raises(InputError) as err:
        dyads_from_table(bad, outcome="sat", predictors=["close"], dyad_column="couple")
    assert (err.value.row, err.value.column) == (5, "close")
    assert "lots" in str(err.value)


def test_a_pairwise_partner_value_that_is_not_the_partners_own_is_an_error(individual):
    pw = dyadic.reshape(individual, "pairwise", dyad_column="couple", person_column="person")
    pw.loc[2, "close_P"] = 99.0
    with pytest.raises(InputError, match="partner's own close_A") as err:
        dyads_from_table(
            pw, outcome="sat", predictors=["close"], dyad_column="couple", layout="pairwise"
        )
    assert (err.value.row, err.value.column) == (4, "close_P")


def test_a_dyad_layout_variable_missing_one_member_is_named():
    wide = pd.DataFrame(
        {"couple": [1, 2], "sat_1": [1.0, 2.0], "sat_2": [2.0, 3.0], "close_1": [1.0, 2.0]}
    )
    with pytest.raises(InputError, match=r"close.*member '2'"):
        dyadic.reshape(
            wide, "individual", dyad_column="couple", person_column="person", source="dyad"
        )


def test_the_dyad_layout_copies_dyad_level_variables_to_both_members():
    wide = pd.DataFrame(
        {"couple": [1, 2], "sat_1": [1.0, 2.0], "sat_2": [2.0, 3.0], "years": [4, 9]}
    )
    long = dyadic.reshape(
        wide, "individual", dyad_column="couple", person_column="person", source="dyad"
    )
    assert long["years"].tolist() == [4, 4, 9, 9]
    assert long["person"].tolist() == ["1", "2", "1", "2"]
    assert long["sat"].tolist() == [1.0, 2.0, 2.0, 3.0]


def test_repeated_dyad_ids_in_the_dyad_layout_are_named():
    wide = pd.DataFrame(
        {"couple": [1, 1], "sat_1": [1.0, 2.0], "sat_2": [2.0, 3.0], "x_1": [1, 2], "x_2": [3, 4]}
    )
    with pytest.raises(InputError, match="repeated dyad id\\(s\\): 1"):
        dyads_from_table(wide, outcome="sat", predictors=["x"], dyad_column="couple", layout="dyad")


@pytest.mark.parametrize(
    "ids",
    [
        [1, 1, 2, 2, 3, 3],  # sorted: the runs are the ids
        [-4, -4, 7, 7, 9, 9],
        [3, 3, 1, 1, 2, 2],  # each couple's rows together, ids unsorted
        [2, 1, 2, 1, 3, 3],  # partners apart
    ],
)
def test_dyad_ids_and_pairs_are_those_of_a_factorize_and_a_stable_sort(ids):
    frame = pd.DataFrame({"couple": np.array(ids, dtype=np.int64)})
    codes, uniques = dyadic.key_codes(frame, "couple")
    want_codes, want_uniques = pd.factorize(frame["couple"].to_numpy(), sort=False)
    assert codes.dtype == want_codes.dtype and np.array_equal(codes, want_codes)
    assert uniques.dtype == want_uniques.dtype and np.array_equal(uniques, want_uniques)
    pairing = dyadic.pair_rows(frame, "couple")
    assert np.array_equal(pairing.rows, np.argsort(want_codes, kind="stable").reshape(-1, 2))
