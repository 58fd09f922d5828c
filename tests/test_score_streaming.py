"""`interdep score` reads its file part by part: the same output as scoring the whole table at
once, and the same refusals (row and column named, exit 2, nothing written) when a problem
sits in a later part or needs the whole file to be seen."""

from __future__ import annotations

import json
import os
import stat

import pandas as pd
import pytest
from typer.testing import CliRunner

from interdep.cli import score_input
from interdep.cli.main import app
from interdep.cli.score_cmds import score_answer_set
from interdep.cli.score_output import csv_chunk, persons_csv
from interdep.lib.csv_writer import fast_frame_csv, frame_csv
from interdep.science.answer_table import read_answer_frame
from interdep.science.errors import InputError
from interdep.science.results import score_persons
from interdep.science.tabular import read_table

runner = CliRunner()


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    """Simulated couples, rows shuffled so partners sit in different parts."""
    folder = tmp_path_factory.mktemp("stream")
    path = folder / "answers.csv"
    done = runner.invoke(app, ["simulate", "--couples", "40", "--seed", "11", "-o", str(path)])
    assert done.exit_code == 0, done.output
    frame = pd.read_csv(path).sample(frac=1.0, random_state=2).reset_index(drop=True)
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def small_parts(monkeypatch):
    monkeypatch.setattr(score_input, "CHUNK", 7)  # 80 persons: 12 parts


def _whole(path):
    """The whole-table reference: the file read at once, persons and couples scored at once."""
    answers = read_answer_frame(read_table(path))
    persons, couples = score_answer_set(answers)
    return answers, persons, couples


def test_json_part_by_part_equals_the_whole_table(answers, small_parts):
    _, persons, couples = _whole(answers)
    got = runner.invoke(app, ["score", str(answers), "-f", "json"])
    assert got.exit_code == 0, got.output
    doc = json.loads(got.stdout)
    assert doc["persons"] == [p.to_dict() for p in persons]
    assert doc["couples"] == [c.to_dict() for c in couples]
    assert len(doc["couples"]) == 40


def test_csv_part_by_part_equals_the_whole_table(answers, small_parts, tmp_path):
    whole, persons, _ = _whole(answers)
    out = tmp_path / "out.csv"
    got = runner.invoke(app, ["score", str(answers), "-f", "csv", "-o", str(out)])
    assert got.exit_code == 0, got.output
    assert out.read_text() == persons_csv(persons)
    # and the vectorised rows are the result objects' rows, cell for cell
    assert csv_chunk(whole.instrument, whole.self_answers, whole.person_ids, None) == persons_csv(
        score_persons(whole.instrument, whole.self_answers, whole.person_ids)
    )


def test_table_from_parts_equals_the_table_from_one_part(answers, monkeypatch):
    monkeypatch.setattr(score_input, "CHUNK", 10_000)  # the whole file in one part
    whole = runner.invoke(app, ["score", str(answers)])
    monkeypatch.setattr(score_input, "CHUNK", 7)
    parts = runner.invoke(app, ["score", str(answers)])
    assert whole.exit_code == parts.exit_code == 0, parts.output
    assert parts.stdout == whole.stdout
    assert "Couples" in parts.stdout and "30 more persons" in parts.stdout


def _bad(answers, tmp_path, edit):
    frame = edit(pd.read_csv(answers, dtype=str))
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda f: f.assign(bnd_s2=[*f["bnd_s2"][:60], "often", *f["bnd_s2"][61:]]),
            ["row 62", "column 'bnd_s2'", "not a number"],
        ),
        (
            lambda f: f.assign(
                person_id=[*f["person_id"][:70], f["person_id"][3], *f["person_id"][71:]]
            ),
            ["row 72", "column 'person_id'", "duplicate person id", "first seen in row 5"],
        ),
        (
            lambda f: f.assign(
                couple_id=[*f["couple_id"][:75], f["couple_id"][0], *f["couple_id"][76:]]
            ),
            ["column 'couple_id'", "3 member(s)"],
        ),
    ],
)
def test_a_problem_in_a_later_part_names_its_row_and_writes_nothing(
    answers, small_parts, tmp_path, edit, expected
):
    bad = _bad(answers, tmp_path, edit)
    with pytest.raises(InputError) as whole:  # the whole table, read at once, refuses alike
        read_answer_frame(read_table(bad))
    for fmt in ("json", "csv"):
        out = tmp_path / f"out.{fmt}"
        result = runner.invoke(app, ["score", str(bad), "-f", fmt, "-o", str(out)])
        assert result.exit_code == 2
        for fragment in expected:
            assert fragment in result.stderr, result.stderr
        assert str(whole.value) in result.stderr
        assert not out.exists()
        assert not list(tmp_path.glob(".interdep-*"))


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"a": [1.0, float("nan"), 50.0, 12.34567, 1e-05, 1e20], "b": list("xyzuvw")}),
        pd.DataFrame({"id": ["=cmd", "-2", "+x", "@y", "ok", None], "v": [0.1, 0.2] * 3}),
        pd.DataFrame({"id": ["a,b", 'say "hi"', "c", "d"], "v": [1.0, 2.0, 3.0, 4.0]}),
        pd.DataFrame({"id": ["a\rb", "c"], "v": [-0.0, 0.0]}),
        pd.DataFrame({"n": [1, 2], "none": [None, None], "e": ["", "x"]}),
    ],
)
def test_the_fast_csv_writer_writes_what_frame_csv_writes(frame):
    assert fast_frame_csv(frame) == frame_csv(frame)


def test_output_files_get_the_permissions_of_any_new_file(answers, tmp_path):
    """Outputs are written beside the target and renamed over it; the temporary file's
    owner-only mode must not become the output's."""
    umask = os.umask(0o022)
    try:
        scored, simulated = tmp_path / "scores.csv", tmp_path / "couples.csv"
        assert (
            runner.invoke(app, ["score", str(answers), "-f", "csv", "-o", str(scored)]).exit_code
            == 0
        )
        done = runner.invoke(app, ["simulate", "--couples", "3", "-o", str(simulated)])
        assert done.exit_code == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE(scored.stat().st_mode) == 0o644
    assert stat.S_IMODE(simulated.stat().st_mode) == 0o644
