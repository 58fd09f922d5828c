"""The research commands on Dask's distributed scheduler: a local cluster of two workers whose
memory limit is below the size of the input, with results equal to the in-memory run."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from interdep.cli.cluster import parse_memory
from interdep.cli.main import app

pytestmark = pytest.mark.slow

runner = CliRunner()
LIMIT = "400MB"  # per worker: each worker process alone takes about 210 MB before any data


def _checkins(couples: int, prompts: int, seed: int) -> pd.DataFrame:
    """Long check-ins, vectorised: AR(1)-like moods at irregular hourly prompts, 15% missed."""
    rng = np.random.default_rng(seed)
    c = np.repeat(np.arange(couples), prompts * 2)
    k = np.tile(np.repeat(np.arange(prompts), 2), couples)
    s = np.tile([0, 1], couples * prompts)
    seconds = (
        np.datetime64("2025-03-03T08:00:00", "s")
        + (k // 10) * 86400
        + (k % 10) * 4000
        + rng.integers(0, 600, couples * prompts).repeat(2)
    )
    shock = rng.normal(size=(couples, prompts, 2))
    mood = np.zeros_like(shock)
    for t in range(1, prompts):
        mood[:, t] = 0.4 * mood[:, t - 1] + 0.1 * mood[:, t - 1, ::-1] + shock[:, t]
    keep = rng.random(len(c)) > 0.15
    frame = pd.DataFrame(
        {
            "couple_id": np.char.add("c", c.astype(str))[keep],
            "person_id": np.char.add(np.char.add("c", c.astype(str)), np.where(s == 0, "-a", "-b"))[
                keep
            ],
            "timestamp": np.char.add(seconds.astype(str), "+00:00")[keep],
            "valence": mood.reshape(-1)[keep] * 10 + 50,
        }
    )
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    """A folder of Parquet parts, rows shuffled so every couple is spread over several files."""
    frame = _checkins(couples=20_000, prompts=60, seed=3)
    assert frame.memory_usage(deep=True).sum() > parse_memory(LIMIT)
    folder = tmp_path_factory.mktemp("parts") / "checkins"
    folder.mkdir()
    for i, chunk in enumerate(np.array_split(np.arange(len(frame)), 12)):
        frame.iloc[chunk].to_parquet(folder / f"part-{i:02d}.parquet", index=False)
    return folder


def test_dynamics_on_two_small_workers_equals_the_in_memory_run(parts):
    args = ["dynamics", str(parts), "--format", "json", "--bias-replicates", "5"]
    memory = runner.invoke(app, args)
    assert memory.exit_code == 0, memory.output
    cluster = runner.invoke(
        app, [*args, "--dask", "--workers", "2", "--memory-limit", LIMIT, "--partitions", "24"]
    )
    assert cluster.exit_code == 0, cluster.output
    want, got = json.loads(memory.stdout), json.loads(cluster.stdout)
    assert len(want["couples"]) == 20_000
    assert sum(c["status"] == "ok" for c in want["couples"]) > 19_000
    assert got == want


def test_a_glob_of_parts_reads_the_same_as_the_folder(parts):
    folder = runner.invoke(
        app, ["dynamics", str(parts), "--format", "csv", "--bias-replicates", "0"]
    )
    glob = runner.invoke(
        app,
        ["dynamics", str(parts / "part-0*.parquet"), "--format", "csv", "--bias-replicates", "0"],
    )
    assert folder.exit_code == 0 and glob.exit_code == 0
    assert folder.stdout == glob.stdout


def test_an_unreachable_scheduler_is_a_clear_error(parts):
    res = runner.invoke(app, ["dynamics", str(parts), "--scheduler", "tcp://127.0.0.1:9"])
    assert res.exit_code == 2 and "cannot reach the Dask scheduler" in res.stderr
