"""`interdep apim`, `interdep reshape` and `interdep apim-simulate` as a researcher runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from interdep.cli.main import app
from interdep.science.apim import dyads_from_table, fit_apim

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
ACITELLI = ROOT / ".." / "shared" / "reference-data" / "dyadr_acipair_derived.csv"


@pytest.fixture
def couples(tmp_path) -> Path:
    path = tmp_path / "couples.csv"
    result = runner.invoke(
        app,
        [
            "apim-simulate",
            str(path),
            "--dyads",
            "150",
            "--roles",
            "Husband,Wife",
            "--seed",
            "7",
            "--missing",
            "0.05",
        ],
    )
    assert result.exit_code == 0, result.output
    return path


def run_json(*args):
    result = runner.invoke(app, ["apim", *map(str, args), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_apim_json_output_is_the_library_result(couples):
    out = run_json(
        couples,
        "--y",
        "satisfaction",
        "--x",
        "closeness",
        "--dyad-column",
        "couple",
        "--bootstrap",
        "0",
    )
    data = dyads_from_table(
        pd.read_csv(couples), outcome="satisfaction", predictors=["closeness"], dyad_column="couple"
    )
    expected = fit_apim(data).to_dict()
    assert out["model"] == "indistinguishable" and out["distinguishability"] is None
    assert out["coefficients"] == expected["coefficients"]
    assert out["n_obs"] == expected["n_obs"] < 300  # missing outcomes were left out, and counted
    assert out["counts"]["rows_missing_outcome"] == 300 - out["n_obs"]


def test_a_role_column_fits_distinguishable_dyads_and_tests_distinguishability(couples):
    out = run_json(
        couples,
        "--y",
        "satisfaction",
        "--x",
        "closeness",
        "--dyad-column",
        "couple",
        "--role-column",
        "role",
        "--bootstrap",
        "40",
        "--seed",
        "1",
        "--method",
        "ml",
    )
    assert out["model"] == "distinguishable" and out["method"] == "ML"
    assert set(out["residual_sd"]) == {"Husband", "Wife"}
    assert out["distinguishability"]["df"] == 4
    assert [(k["predictor"], k["role"]) for k in out["k"]] == [
        ("closeness", "Husband"),
        ("closeness", "Wife"),
    ]
    assert all(k["ci_low"] is not None for k in out["k"])


def test_the_table_reads_like_a_paper_and_markdown_is_a_table(couples):
    args = [
        "apim",
        str(couples),
        "--y",
        "satisfaction",
        "--x",
        "closeness",
        "--dyad-column",
        "couple",
        "--role-column",
        "role",
        "--bootstrap",
        "30",
        "--seed",
        "2",
    ]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    for text in (
        "actor",
        "partner",
        "Husband",
        "Partial intraclass correlation",
        "Distinguishability",
        "k = ",
    ):
        assert text in table.stdout
    md = runner.invoke(app, [*args, "--format", "markdown"])
    assert md.exit_code == 0
    assert "| Effect | Role | b | SE | t | df | p |" in md.stdout


@pytest.mark.parametrize("suffix", ["svg", "png", "pdf"])
def test_the_path_diagram_is_written_in_the_format_of_its_extension(couples, tmp_path, suffix):
    figure = tmp_path / f"apim.{suffix}"
    result = runner.invoke(
        app,
        [
            "apim",
            str(couples),
            "--y",
            "satisfaction",
            "--x",
            "closeness",
            "--dyad-column",
            "couple",
            "--role-column",
            "role",
            "--bootstrap",
            "0",
            "--figure",
            str(figure),
        ],
    )
    assert result.exit_code == 0, result.output
    head = figure.read_bytes()[:200]
    assert {"svg": b"<svg", "png": b"\x89PNG", "pdf": b"%PDF"}[suffix] in head
    if suffix == "svg":
        text = figure.read_text()
        assert "actor" in text and "partner" in text


def test_pairwise_acitelli_reproduces_the_published_apim_from_the_command_line():
    if not ACITELLI.exists():
        pytest.skip("shared reference data not available")
    out = run_json(
        ACITELLI,
        "--y",
        "Satisfaction",
        "--x",
        "OtherPos",
        "--dyad-column",
        "CoupleID",
        "--layout",
        "pairwise",
        "--bootstrap",
        "0",
    )
    # published: gls(satisfaction_A ~ other_pos_A + other_pos_P, corCompSymm(~1|couple)): 0.4004231, 0.2879705
    actor = next(c for c in out["coefficients"] if c["effect"] == "actor")
    partner = next(c for c in out["coefficients"] if c["effect"] == "partner")
    assert round(actor["estimate"], 7) == 0.4004231 and round(partner["estimate"], 7) == 0.2879705
    assert round(out["loglik"], 4) == -148.3591


def test_reshape_writes_pairwise_and_dyad_files_that_apim_reads(couples, tmp_path):
    pairwise, wide = tmp_path / "pw.csv", tmp_path / "wide.parquet"
    for to, path in (("pairwise", pairwise), ("dyad", wide)):
        r = runner.invoke(
            app,
            [
                "reshape",
                str(couples),
                "--to",
                to,
                "--dyad-column",
                "couple",
                "--person-column",
                "person",
                "--role-column",
                "role",
                "-o",
                str(path),
            ],
        )
        assert r.exit_code == 0, r.output
    base = run_json(
        couples,
        "--y",
        "satisfaction",
        "--x",
        "closeness",
        "--dyad-column",
        "couple",
        "--role-column",
        "role",
        "--bootstrap",
        "0",
    )
    pw = run_json(
        pairwise,
        "--y",
        "satisfaction",
        "--x",
        "closeness",
        "--dyad-column",
        "couple",
        "--role-column",
        "role",
        "--layout",
        "pairwise",
        "--bootstrap",
        "0",
    )
    dy = run_json(
        wide,
        "--y",
        "satisfaction",
        "--x",
        "closeness",
        "--dyad-column",
        "couple",
        "--role-column",
        "role",
        "--layout",
        "dyad",
        "--bootstrap",
        "0",
    )
    assert pw["coefficients"] == base["coefficients"] == dy["coefficients"]


def test_reshape_to_stdout_is_plain_csv(couples):
    r = runner.invoke(
        app,
        [
            "reshape",
            str(couples),
            "--to",
            "pairwise",
            "--dyad-column",
            "couple",
            "--person-column",
            "person",
        ],
    )
    assert r.exit_code == 0
    assert r.stdout.splitlines()[0].startswith(
        "couple,person,role_A,role_P,closeness_A,closeness_P"
    )


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("csv", "extra", "message"),
    [
        (
            "couple,x,y\n1,1,2\n1,2,3\n1,3,4\n2,1,1\n",
            [],
            "dyad(s) with more rows: 1 (3 rows). This looks like repeated measures",
        ),
        (
            "couple,r,x,y\n1,a,1,2\n1,b,2,3\n2,a,1,1\n2,c,3,2\n",
            ["--role-column", "r"],
            "exactly two distinct role labels",
        ),
        (
            "couple,x,y\n1,1,2\n1,two,3\n2,1,1\n2,3,2\n",
            [],
            "row 3, column 'x': not a number: 'two'",
        ),
        ("couple,x,y\n1,1,2\n1,2,3\n", ["--layout", "sideways"], "--layout must be one of"),
        ("couple,x,y\n1,1,2\n1,2,3\n", ["--x", "nope"], "column 'nope': column not found"),
    ],
)
def test_bad_input_exits_with_code_2_and_a_clear_message(tmp_path, csv, extra, message):
    args = [
        "apim",
        str(write(tmp_path, csv)),
        "--y",
        "y",
        "--x",
        "x",
        "--dyad-column",
        "couple",
        "--bootstrap",
        "0",
        *extra,
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_an_unknown_figure_format_is_refused_before_any_work(couples, tmp_path):
    result = runner.invoke(
        app,
        [
            "apim",
            str(couples),
            "--y",
            "satisfaction",
            "--x",
            "closeness",
            "--dyad-column",
            "couple",
            "--figure",
            str(tmp_path / "f.gif"),
        ],
    )
    assert result.exit_code == 2 and "not supported" in result.output
    assert not (tmp_path / "f.gif").exists()


def test_the_installed_command_runs_as_a_program(couples):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "interdep.cli.main",
            "apim",
            str(couples),
            "--y",
            "satisfaction",
            "--x",
            "closeness",
            "--dyad-column",
            "couple",
            "--bootstrap",
            "0",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["n_dyads"] == 150
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "interdep.cli.main",
            "apim",
            str(couples),
            "--y",
            "satisfaction",
            "--x",
            "closeness",
            "--dyad-column",
            "couple",
            "--role-column",
            "closeness",
            "--bootstrap",
            "0",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "exactly two distinct role labels" in bad.stderr
