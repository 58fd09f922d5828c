"""`interdep apim --dask`: the fit from per-partition sums on a local cluster of two workers whose
memory limit is below the size of the input, equal to the in-memory fit."""

from __future__ import annotations

import io
import json
import logging
import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from interdep.cli.cluster import parse_memory
from interdep.cli.main import app

runner = CliRunner()
LIMIT = "600MB"  # per worker; a worker process alone takes about 210 MB, and pauses at 80%


def _dyads(n: int, seed: int) -> pd.DataFrame:
    """Couples in the individual layout, two predictors and a covariate, roles, 4% of outcomes
    missing, 0.5% of couples with one row only, rows shuffled (a couple's rows far apart)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(3.0, 0.8, (n, 2, 2))
    age = rng.normal(40, 9, (n, 2))
    e = rng.multivariate_normal([0, 0], [[0.25, 0.1], [0.1, 0.3]], n)
    y = (
        np.array([3.0, 2.6])
        + x[:, :, 0] * np.array([0.5, 0.35])
        + x[:, ::-1, 0] * 0.25
        + 0.1 * x[:, :, 1]
        - 0.01 * age
        + e
    )
    y[rng.random((n, 2)) < 0.04] = np.nan
    ids = np.char.add("couple-", np.arange(n).astype(str))
    frame = pd.DataFrame(
        {
            "couple": np.repeat(ids, 2),
            "role": np.tile(["husband", "wife"], n),
            "closeness": x[:, :, 0].reshape(-1),
            "support": x[:, :, 1].reshape(-1),
            "age": age.reshape(-1),
            "satisfaction": y.reshape(-1),
        }
    )
    lone = rng.random(n) < 0.005
    keep = ~np.repeat(lone, 2) | (np.arange(2 * n) % 2 == 0)
    return frame[keep].sample(frac=1.0, random_state=seed).reset_index(drop=True)


ARGS = [
    "--y",
    "satisfaction",
    "--x",
    "closeness,support",
    "--covariates",
    "age",
    "--dyad-column",
    "couple",
    "--format",
    "json",
]


def _close(want, got, path: str = "") -> None:
    """Every number equal to 1e-10 (relative to its size above 1), but the Satterthwaite df to
    1e-6 and the p values and intervals that use them to 1e-8: the df come from central
    differences whose rounding moves the in-memory fit's own df by up to 4e-8 (relative) when
    the same dyads are merely read in another order."""
    if isinstance(want, dict):
        assert want.keys() == got.keys(), path
        for key in want:
            _close(want[key], got[key], f"{path}.{key}")
    elif isinstance(want, list):
        assert len(want) == len(got), path
        for i, (a, b) in enumerate(zip(want, got, strict=True)):
            _close(a, b, f"{path}[{i}]")
    elif isinstance(want, float) and isinstance(got, float):
        key = path.rsplit(".", 1)[-1]
        tol = {"df": 1e-6, "p": 1e-8, "ci_low": 1e-8, "ci_high": 1e-8}.get(key, 1e-10)
        assert math.isclose(want, got, rel_tol=tol, abs_tol=tol), (path, want, got)
    else:
        assert want == got, (path, want, got)


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    """A folder of Parquet parts larger in memory than one worker's limit."""
    frame = _dyads(1_900_000, seed=7)
    assert frame.memory_usage(deep=True).sum() > parse_memory(LIMIT)
    folder = tmp_path_factory.mktemp("apim") / "dyads"
    folder.mkdir()
    for i, chunk in enumerate(np.array_split(np.arange(len(frame)), 40)):
        frame.iloc[chunk].to_parquet(folder / f"part-{i:02d}.parquet", index=False)
    return folder


@pytest.mark.slow
def test_distinguishable_fit_on_two_small_workers_equals_the_in_memory_fit(parts):
    args = ["apim", str(parts), *ARGS, "--role-column", "role"]
    memory = runner.invoke(app, [*args, "--bootstrap", "0"])
    assert memory.exit_code == 0, memory.output
    cluster = runner.invoke(
        app, [*args, "--dask", "--workers", "2", "--memory-limit", LIMIT, "--partitions", "40"]
    )
    assert cluster.exit_code == 0, cluster.output
    want, got = json.loads(memory.stdout), json.loads(cluster.stdout)
    assert want["counts"]["dyads_one_member"] > 5_000  # lone rows and missing outcomes are used
    assert want["distinguishability"]["df"] == 7
    _close(want, got)


def test_indistinguishable_fit_from_a_csv_equals_the_in_memory_fit(tmp_path):
    path = tmp_path / "dyads.csv"
    _dyads(6_000, seed=3).to_csv(path, index=False)
    for extra in ([], ["--method", "ml", "--df", "residual"]):
        args = ["apim", str(path), *ARGS, *extra]
        memory = runner.invoke(app, [*args, "--bootstrap", "0"])
        cluster = runner.invoke(app, [*args, "--dask", "--workers", "2", "--partitions", "5"])
        assert memory.exit_code == 0 and cluster.exit_code == 0, cluster.output
        want, got = json.loads(memory.stdout), json.loads(cluster.stdout)
        assert want["model"] == "indistinguishable"
        _close(want, got)


def test_a_bad_cell_is_named_by_its_row_in_the_file(tmp_path):
    frame = _dyads(3_000, seed=5)
    frame["support"] = frame["support"].astype(object)
    frame.loc[4321, "support"] = "lots"
    path = tmp_path / "dyads.csv"
    frame.to_csv(path, index=False)
    args = ["apim", str(path), *ARGS, "--role-column", "role"]
    memory = runner.invoke(app, args)
    cluster = runner.invoke(app, [*args, "--dask", "--workers", "2", "--partitions", "3"])
    assert memory.exit_code == cluster.exit_code == 2
    assert "row 4323" in memory.stderr and "support" in memory.stderr
    assert cluster.stderr == memory.stderr
    assert cluster.stdout == ""


def test_what_needs_every_dyad_is_refused_with_dask_before_any_work(tmp_path):
    path = tmp_path / "dyads.csv"
    _dyads(50, seed=1).to_csv(path, index=False)
    boot = runner.invoke(app, ["apim", str(path), *ARGS, "--dask", "--bootstrap", "200"])
    assert boot.exit_code == 2 and "bootstrap" in boot.stderr and boot.stdout == ""
    kr = runner.invoke(app, ["apim", str(path), *ARGS, "--dask", "--df", "kenward-roger"])
    assert kr.exit_code == 2 and "Kenward-Roger" in kr.stderr and kr.stdout == ""


def test_a_cluster_run_logs_nothing_through_the_root_logger(tmp_path):
    """Distributed adds no handler of its own when the root logger has one (Django's console,
    as here): its INFO lines must not reach the root's handlers, across a progress bar or into
    a stream that a test has since closed."""
    path = tmp_path / "dyads.csv"
    _dyads(400, seed=9).to_csv(path, index=False)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.root.addHandler(handler)
    try:
        args = ["apim", str(path), *ARGS, "--role-column", "role", "--bootstrap", "0"]
        done = runner.invoke(app, [*args, "--dask", "--workers", "1", "--partitions", "2"])
    finally:
        logging.root.removeHandler(handler)
    assert done.exit_code == 0, done.output
    assert "distributed" not in stream.getvalue() and "State start" not in stream.getvalue()
