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
LIMIT = "600MB"  # per worker; a worker process alone takes about 210 MB, and pauses at 80%


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
    frame = _checkins(couples=30_000, prompts=60, seed=3)
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
        app, [*args, "--dask", "--workers", "2", "--memory-limit", LIMIT, "--partitions", "48"]
    )
    assert cluster.exit_code == 0, cluster.output
    want, got = json.loads(memory.stdout), json.loads(cluster.stdout)
    assert len(want["couples"]) == 30_000
    assert sum(c["status"] == "ok" for c in want["couples"]) > 29_000
    assert got == want


def test_a_glob_of_parts_reads_the_same_as_the_folder(parts):
    folder = runner.invoke(
        app, ["dynamics", str(parts), "--format", "csv", "--bias-replicates", "0"]
    )
    glob = runner.invoke(
        app,
        ["dynamics", str(parts / "part-*.parquet"), "--format", "csv", "--bias-replicates", "0"],
    )
    assert folder.exit_code == 0 and glob.exit_code == 0
    assert folder.stdout == glob.stdout


def test_an_unreachable_scheduler_is_a_clear_error(parts):
    res = runner.invoke(app, ["dynamics", str(parts), "--scheduler", "tcp://127.0.0.1:9"])
    assert res.exit_code == 2 and "cannot reach the Dask scheduler" in res.stderr


def _answers(persons: int, seed: int) -> pd.DataFrame:
    """One row per person, every item answered 1-5 or skipped (8%), couples in shuffled rows."""
    from interdep.science.instrument import load_instrument

    instrument = load_instrument()
    rng = np.random.default_rng(seed)
    values = rng.integers(
        instrument.scale.min, instrument.scale.max + 1, (persons, len(instrument.item_ids))
    ).astype(float)
    values[rng.random(values.shape) < 0.08] = np.nan
    frame = pd.DataFrame(values, columns=list(instrument.item_ids))
    couple = np.arange(persons) // 2
    frame.insert(0, "couple_id", np.char.add("c", couple.astype(str)))
    frame.insert(
        0,
        "person_id",
        np.char.add(frame["couple_id"].to_numpy().astype(str), ["a", "b"] * (persons // 2)),
    )
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def test_score_couples_on_a_cluster_are_read_together_as_in_memory(tmp_path):
    path = tmp_path / "answers.parquet"
    _answers(persons=3_000, seed=5).to_parquet(path, index=False)
    memory = runner.invoke(app, ["score", str(path), "-f", "json"])
    cluster = runner.invoke(
        app, ["score", str(path), "-f", "json", "--dask", "--workers", "2", "--memory-limit", LIMIT]
    )
    assert memory.exit_code == 0 and cluster.exit_code == 0, cluster.output
    doc = json.loads(memory.stdout)
    assert len(doc["persons"]) == 3_000 and len(doc["couples"]) == 1_500
    assert cluster.stdout == memory.stdout


def test_score_on_two_small_workers_equals_the_in_memory_run(tmp_path):
    """800,000 persons in 96 Parquet parts, larger in memory than one worker's limit: the
    cluster's CSV is the in-memory run's, byte for byte (ids counted split across partitions,
    persons scored part by part)."""
    frame = _answers(persons=800_000, seed=7)
    assert frame.memory_usage(deep=True).sum() > parse_memory(LIMIT)
    folder = tmp_path / "answers"
    folder.mkdir()
    for i, chunk in enumerate(np.array_split(np.arange(len(frame)), 96)):
        frame.iloc[chunk].to_parquet(folder / f"part-{i:02d}.parquet", index=False)
    del frame
    memory, cluster = tmp_path / "memory.csv", tmp_path / "cluster.csv"
    res = runner.invoke(app, ["score", str(folder), "-f", "csv", "-o", str(memory)])
    assert res.exit_code == 0, res.output
    on_cluster = ["--dask", "--workers", "2", "--memory-limit", LIMIT]
    res = runner.invoke(app, ["score", str(folder), "-f", "csv", "-o", str(cluster), *on_cluster])
    assert res.exit_code == 0, res.output
    assert cluster.read_bytes() == memory.read_bytes()


def test_score_on_a_cluster_names_a_repeated_person(tmp_path):
    frame = _answers(persons=200, seed=6)
    frame.loc[7, "person_id"] = frame.loc[3, "person_id"]
    path = tmp_path / "answers.parquet"
    frame.drop(columns=["couple_id"]).to_parquet(path, index=False)
    res = runner.invoke(app, ["score", str(path), "-f", "csv", "--dask", "--workers", "1"])
    assert res.exit_code == 2 and "duplicate person id" in res.stderr
