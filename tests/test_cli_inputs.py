"""One reader and one rule set for every command: a clear message, exit 2, nothing written."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from interdep.cli.main import app

runner = CliRunner()


def _run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


@pytest.fixture
def checkins_csv(tmp_path):
    path = tmp_path / "checkins.csv"
    code, out = _run("simulate-checkins", "--couples", 3, "--days", 12, "-o", path)
    assert code == 0, out
    return path


def _apim_csv(tmp_path, bad: str | None = None):
    rows = ["couple,person,satisfaction,closeness"]
    for c in range(8):
        for p in range(2):
            rows.append(f"c{c},p{c}{p},{3 + (c + p) % 3},{2 + (c * p) % 4}")
    if bad is not None:
        rows[3] = rows[3].rsplit(",", 1)[0] + "," + bad
    path = tmp_path / "couples.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


APIM = ["--y", "satisfaction", "--x", "closeness", "--dyad-column", "couple"]


def test_a_csv_named_parquet_is_bad_input_not_a_traceback(tmp_path):
    path = tmp_path / "answers.parquet"
    path.write_text("person_id,no_s1\n1,3\n")
    for args in (["score", path], ["apim", path, *APIM], ["dynamics", path]):
        code, out = _run(*args)
        assert code == 2, (args, out)
        assert "answers.parquet" in out and "Traceback" not in out


@pytest.mark.parametrize("where", ["missing/folder/out.csv", "."])
def test_output_into_a_missing_folder_or_onto_a_folder_is_bad_input(tmp_path, where):
    target = tmp_path / where
    code, out = _run("simulate", "--couples", 3, "-o", target)
    assert code == 2, out
    assert "cannot write" in out
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("value", ["inf", "-inf", "Infinity"])
def test_infinity_is_refused_by_apim_and_dynamics_alike(tmp_path, checkins_csv, value):
    code, out = _run("apim", _apim_csv(tmp_path, value), *APIM)
    assert code == 2, out
    assert "closeness" in out and "finite" in out
    lines = checkins_csv.read_text().splitlines()
    header = lines[0].split(",")
    column = header.index("valence")
    cells = lines[1].split(",")
    cells[column] = value
    lines[1] = ",".join(cells)
    checkins_csv.write_text("\n".join(lines) + "\n")
    code, out = _run("dynamics", checkins_csv, "--variables", "valence,closeness")
    assert code == 2, out
    assert "valence" in out and "finite" in out


@pytest.mark.parametrize("command", [["score"], ["apim", *APIM], ["dynamics"]])
def test_a_header_only_file_is_bad_input(tmp_path, command):
    path = tmp_path / "empty.csv"
    path.write_text("couple,person,satisfaction,closeness,valence\n")
    code, out = _run(command[0], path, *command[1:])
    assert code == 2, out
    assert "no data rows" in out


def test_reshape_refuses_a_repeated_column_as_apim_does(tmp_path):
    path = tmp_path / "couples.csv"
    rows = ["couple,person,closeness,closeness"] + [
        f"c{c},p{c}{p},{c % 5 + 1},{p + 1}" for c in range(4) for p in range(2)
    ]
    path.write_text("\n".join(rows) + "\n")
    out_file = tmp_path / "pairwise.csv"
    for args in (
        [
            "reshape",
            path,
            "--to",
            "pairwise",
            "--dyad-column",
            "couple",
            "--person-column",
            "person",
            "-o",
            out_file,
        ],
        ["apim", path, "--y", "closeness", "--x", "closeness", "--dyad-column", "couple"],
    ):
        code, out = _run(*args)
        assert code == 2, (args, out)
        assert "closeness" in out and "more than once" in out
    assert not out_file.exists()
