"""`interdep score`, `simulate` and `reliability` from the command line, including bad input."""

import json
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from interdep.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def answers_csv(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sim")
    path, truth = folder / "answers.csv", folder / "truth.csv"
    result = runner.invoke(
        app, ["simulate", "--couples", "30", "--seed", "5", "-o", str(path), "--truth", str(truth)]
    )
    assert result.exit_code == 0, result.output
    return path


def test_simulate_writes_answers_and_truth_and_is_reproducible(tmp_path, answers_csv):
    again = tmp_path / "again.csv"
    assert (
        runner.invoke(
            app, ["simulate", "--couples", "30", "--seed", "5", "-o", str(again)]
        ).exit_code
        == 0
    )
    assert again.read_text() == answers_csv.read_text()
    frame = pd.read_csv(answers_csv)
    assert len(frame) == 60 and frame["couple_id"].nunique() == 30
    truth = pd.read_csv(answers_csv.parent / "truth.csv")
    assert {"connection_latent", "self_latent", "quadrant"} <= set(truth.columns)


def test_score_json_has_the_documented_shape(answers_csv):
    result = runner.invoke(
        app, ["score", str(answers_csv), "--format", "json", "--couple-column", "couple_id"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["persons"]) == 60 and len(data["couples"]) == 30
    person = data["persons"][0]
    assert {
        "person_id",
        "couple_id",
        "instrument_version",
        "facets",
        "scales",
        "balance_ratio",
        "dynamic",
        "dynamic_note",
    } <= set(person)
    assert set(person["scales"]) == {"connection", "self", "fusion", "distance"}
    dynamics = {p["dynamic"] for p in data["persons"]}
    assert all(
        d is None
        or d in {"interdependent", "codependent", "extreme_independence", "disconnected"}
        or d.startswith("between:")
        for d in dynamics
    )
    couple = data["couples"][0]
    assert {
        "couple_id",
        "persons",
        "pattern",
        "gaps",
        "agreement",
        "strengths",
        "growth_edges",
    } <= set(couple)


def test_score_csv_and_table_formats(answers_csv, tmp_path):
    out = tmp_path / "scores.csv"
    assert (
        runner.invoke(app, ["score", str(answers_csv), "--format", "csv", "-o", str(out)]).exit_code
        == 0
    )
    frame = pd.read_csv(out)
    assert len(frame) == 60 and "facet_boundaries" in frame.columns
    table = runner.invoke(app, ["score", str(answers_csv), "--couple-column", "couple_id"])
    assert table.exit_code == 0 and "Profiles" in table.stdout and "Couples" in table.stdout


def test_score_reads_parquet_too(answers_csv, tmp_path):
    parquet = tmp_path / "answers.parquet"
    pd.read_csv(answers_csv).to_parquet(parquet)
    a = runner.invoke(app, ["score", str(parquet), "-f", "json"])
    b = runner.invoke(app, ["score", str(answers_csv), "-f", "json"])
    assert a.exit_code == 0 and json.loads(a.stdout) == json.loads(b.stdout)


def corrupt(answers_csv, tmp_path, edit):
    frame = pd.read_csv(answers_csv, dtype=str)
    frame = edit(frame)
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda f: f.assign(bogus_item="3"), ["column 'bogus_item'", "unknown item id"]),
        (
            lambda f: f.assign(bnd_s1=["9", *list(f["bnd_s1"][1:])]),
            ["row 2", "column 'bnd_s1'", "outside the response scale"],
        ),
        (
            lambda f: f.assign(bnd_s2=[*list(f["bnd_s2"][:3]), "often", *list(f["bnd_s2"][4:])]),
            ["row 5", "column 'bnd_s2'", "not a number"],
        ),
        (lambda f: f.assign(bnd_s3=["2.5", *list(f["bnd_s3"][1:])]), ["row 2", "column 'bnd_s3'"]),
        (
            lambda f: f.assign(person_id=["p1", "p1", *list(f["person_id"][2:])]),
            ["row 3", "column 'person_id'", "duplicate person id"],
        ),
        (
            lambda f: f.assign(couple_id=["c000001", *list(f["couple_id"][1:])]),
            ["row 2", "column 'couple_id'", "3 member(s)"],
        ),
    ],
)
def test_bad_input_is_a_clear_error_naming_row_and_column_and_writes_nothing(
    answers_csv, tmp_path, edit, expected
):
    bad = corrupt(answers_csv, tmp_path, edit)
    out = tmp_path / "out.json"
    result = runner.invoke(
        app, ["score", str(bad), "-f", "json", "--couple-column", "couple_id", "-o", str(out)]
    )
    assert result.exit_code == 2
    for fragment in expected:
        assert fragment in result.stderr
    assert not out.exists()
    assert "Traceback" not in result.output


def test_a_missing_file_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["score", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "file not found" in result.stderr


def test_reliability_command_reports_alpha_and_omega(answers_csv):
    result = runner.invoke(app, ["reliability", str(answers_csv), "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["name"] for r in rows} >= {"connection", "self", "boundaries"}


def test_the_installed_command_runs_as_a_program(answers_csv):
    proc = subprocess.run(
        [sys.executable, "-m", "interdep.cli.main", "score", str(answers_csv), "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["persons"]) == 60


def test_score_json_carries_the_same_strengths_and_edges_as_the_reports(answers_csv):
    """Every client reads one rule: the CLI's lists are science.highlights' lists."""
    from interdep.science.highlights import EDGE_LEVEL, STRENGTH_LEVEL, person_highlights

    result = runner.invoke(
        app, ["score", str(answers_csv), "--format", "json", "--couple-column", "couple_id"]
    )
    data = json.loads(result.stdout)
    by_id = {p["person_id"]: p for p in data["persons"]}
    for person in data["persons"]:
        h = person_highlights(person["facets"])
        assert [e["facet"] for e in person["strengths"]] == [f for f, _ in h.strengths]
        assert [e["facet"] for e in person["growth_edges"]] == [f for f, _ in h.growth_edges]
        assert person["even_profile"] == h.even
    for couple in data["couples"]:
        a, b = (by_id[p]["facets"] for p in couple["persons"])
        for e in couple["strengths"]:
            assert a[e["facet"]] >= STRENGTH_LEVEL and b[e["facet"]] >= STRENGTH_LEVEL
        for e in couple["growth_edges"]:
            assert a[e["facet"]] < EDGE_LEVEL and b[e["facet"]] < EDGE_LEVEL
        assert set(couple["person_highlights"]) == set(couple["persons"])
