"""`interdep simulate-checkins` and `interdep dynamics`, end to end on files."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from interdep.cli import dynamics_cmds  # noqa: F401  (registers the commands)
from interdep.cli.app import app

runner = CliRunner()


@pytest.fixture(scope="module")
def checkins(tmp_path_factory):
    d = tmp_path_factory.mktemp("checkins")
    out, truth = d / "checkins.csv", d / "truth.csv"
    res = runner.invoke(
        app,
        [
            "simulate-checkins",
            "--couples",
            "12",
            "--days",
            "14",
            "--prompts-per-day",
            "6",
            "--seed",
            "5",
            "-o",
            str(out),
            "--truth",
            str(truth),
        ],
    )
    assert res.exit_code == 0, res.output
    return out, truth


def test_simulate_checkins_writes_iso_time_stamps_and_the_truth(checkins, tmp_path):
    out, truth = checkins
    frame = pd.read_csv(out)
    assert list(frame.columns[:7]) == [
        "couple_id",
        "person_id",
        "timestamp",
        "valence",
        "arousal",
        "closeness",
        "self",
    ]
    assert frame["couple_id"].nunique() == 12
    assert frame.groupby("couple_id")["person_id"].nunique().eq(2).all()
    assert (
        frame["timestamp"].str.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$").all()
    )
    assert len(frame) < 12 * 2 * 14 * 6  # prompts were missed
    t = pd.read_csv(truth)
    assert set(t["variable"]) == {"valence", "arousal", "closeness", "self"} and len(t) == 48
    again = tmp_path / "again.csv"
    runner.invoke(
        app,
        [
            "simulate-checkins",
            "--couples",
            "12",
            "--days",
            "14",
            "--prompts-per-day",
            "6",
            "--seed",
            "5",
            "-o",
            str(again),
        ],
    )
    assert again.read_bytes() == out.read_bytes()  # same seed, same data


def test_dynamics_json_has_the_documented_shape_with_real_person_ids(checkins):
    out, _ = checkins
    res = runner.invoke(
        app,
        [
            "dynamics",
            str(out),
            "--couple-column",
            "couple_id",
            "--person-column",
            "person_id",
            "--time-column",
            "timestamp",
            "--variables",
            "valence",
            "--format",
            "json",
            "--bias-replicates",
            "5",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["variable"] == "valence" and doc["max_gap"] == "3h"
    assert len(doc["couples"]) == 12
    c = doc["couples"][0]
    a, b = c["persons"]
    assert c["status"] == "ok" and isinstance(c["n_pairs"], int)
    assert set(c["inertia"]) == {a, b}
    assert set(c["transmission"]) == {f"{a}->{b}", f"{b}->{a}"}
    assert set(c["se"]) == set(c["intervals"]) == {a, b, f"{a}->{b}", f"{b}->{a}"}
    assert set(c["asymmetry"]) >= {"estimate", "interval"}
    assert -1 <= c["co_movement"] <= 1
    assert doc["pooled"]["n_couples"] == 12 and "inertia" in doc["pooled"]["parameters"]


def test_several_variables_give_a_list_and_csv_is_a_tidy_table(checkins, tmp_path):
    out, _ = checkins
    res = runner.invoke(
        app,
        [
            "dynamics",
            str(out),
            "--variables",
            "valence,closeness",
            "--format",
            "json",
            "--bias-replicates",
            "0",
        ],
    )
    docs = json.loads(res.stdout)
    assert [d["variable"] for d in docs] == ["valence", "closeness"]
    assert docs[0]["pooled"]["bias_corrected"] is False
    csv_path = tmp_path / "out.csv"
    res = runner.invoke(
        app,
        [
            "dynamics",
            str(out),
            "--variables",
            "valence,closeness",
            "--format",
            "csv",
            "-o",
            str(csv_path),
            "--bias-replicates",
            "0",
        ],
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(csv_path)
    first = docs[0]["couples"][0]
    a, b = first["persons"]
    row = table[
        (table.variable == "valence")
        & (table.couple_id == first["couple_id"])
        & (table.path == f"{a}->{b}")
    ]
    assert row["estimate"].item() == pytest.approx(first["transmission"][f"{a}->{b}"], abs=1e-12)
    assert set(table["level"]) == {"couple", "pooled"}
    pq = tmp_path / "out.parquet"
    res = runner.invoke(
        app, ["dynamics", str(out), "--format", "parquet", "-o", str(pq), "--bias-replicates", "0"]
    )
    assert res.exit_code == 0 and len(pd.read_parquet(pq)) == len(
        table[table.variable == "valence"]
    )


def test_dask_gives_identical_results(checkins):
    out, _ = checkins
    args = [
        "dynamics",
        str(out),
        "--variables",
        "valence,arousal",
        "--format",
        "json",
        "--bias-replicates",
        "8",
    ]
    plain = runner.invoke(app, args)
    dasked = runner.invoke(app, [*args, "--dask", "--partitions", "5"])
    assert plain.exit_code == 0 and dasked.exit_code == 0, dasked.output
    assert json.loads(plain.stdout) == json.loads(dasked.stdout)


def test_figures_are_written_per_estimated_couple(checkins, tmp_path):
    out, _ = checkins
    figs = tmp_path / "figs"
    res = runner.invoke(
        app,
        [
            "dynamics",
            str(out),
            "--format",
            "json",
            "--figures",
            str(figs),
            "--bias-replicates",
            "0",
        ],
    )
    assert res.exit_code == 0
    files = sorted(figs.glob("*.svg"))
    assert len(files) == sum(c["status"] == "ok" for c in json.loads(res.stdout)["couples"])
    assert files[0].read_text().count("<svg") == 1


def test_an_unparseable_time_names_its_row_and_column(checkins, tmp_path):
    out, _ = checkins
    frame = pd.read_csv(out)
    frame.loc[6, "timestamp"] = "next tuesday"
    bad = tmp_path / "bad.csv"
    frame.to_csv(bad, index=False)
    res = runner.invoke(app, ["dynamics", str(bad)])
    assert res.exit_code == 2
    assert "row 8" in res.stderr and "'timestamp'" in res.stderr and "next tuesday" in res.stderr


def test_couples_with_one_or_three_persons_are_reported_per_couple(checkins, tmp_path):
    out, _ = checkins
    frame = pd.read_csv(out)
    ids = sorted(frame["couple_id"].unique())
    solo = frame["couple_id"] == ids[0]
    frame = frame[~(solo & frame["person_id"].str.endswith("-2"))].copy()
    extra = frame[frame["couple_id"] == ids[1]].head(3).assign(person_id="visitor")
    odd = tmp_path / "odd.csv"
    pd.concat([frame, extra]).to_csv(odd, index=False)
    res = runner.invoke(app, ["dynamics", str(odd), "--format", "json", "--bias-replicates", "0"])
    assert res.exit_code == 0, res.output
    by_id = {c["couple_id"]: c for c in json.loads(res.stdout)["couples"]}
    assert by_id[ids[0]]["status"] == "insufficient_data" and len(by_id[ids[0]]["persons"]) == 1
    assert by_id[ids[1]]["status"] == "insufficient_data" and len(by_id[ids[1]]["persons"]) == 3
    assert sum(c["status"] == "ok" for c in by_id.values()) == 10
    assert f"couple {ids[0]}" in res.stderr and "exactly two" in res.stderr


def test_a_numeric_day_column_uses_a_gap_of_one_day(tmp_path):
    rng = np.random.default_rng(0)
    rows = [
        {"pair": c, "who": w, "day": d, "mood": rng.normal()}
        for c in ("p1", "p2")
        for d in range(30)
        for w in ("x", "y")
        if not (c == "p1" and d == 12)
    ]
    path = tmp_path / "daily.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    res = runner.invoke(
        app,
        [
            "dynamics",
            str(path),
            "--couple-column",
            "pair",
            "--person-column",
            "who",
            "--time-column",
            "day",
            "--variables",
            "mood",
            "--format",
            "json",
            "--bias-replicates",
            "0",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["max_gap"] == "1"
    assert [c["n_pairs"] for c in doc["couples"]] == [27, 29]  # day 12 missing breaks two pairs
    bad = runner.invoke(
        app,
        [
            "dynamics",
            str(path),
            "--couple-column",
            "pair",
            "--person-column",
            "who",
            "--time-column",
            "day",
            "--variables",
            "mood",
            "--max-gap",
            "3h",
        ],
    )
    assert bad.exit_code == 2 and "numeric" in bad.stderr


def test_a_missing_column_is_a_clear_error(checkins):
    out, _ = checkins
    res = runner.invoke(app, ["dynamics", str(out), "--variables", "valence,joy"])
    assert res.exit_code == 2 and "'joy'" in res.stderr
