"""Dask's distributed scheduler for the research commands: a running cluster, or a local one.

`--scheduler ADDRESS` connects to a running cluster (`dask scheduler` and `dask worker`
anywhere); without it a `LocalCluster` starts with one single-threaded worker process per core
and a memory limit per worker, so a file larger than one worker's memory is read part by part.
The commands read partitioned Parquet lazily, submit one task per partition and gather the
results on the client as they finish, with a progress bar.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from interdep.cli.app import err_console
from interdep.science.errors import InputError

#: The options every command that can run on a cluster takes, written once.
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --dask)."
    ),
]
WorkersOption = Annotated[
    int | None, typer.Option(help="Workers of the local cluster (default: one per core).")
]
MemoryLimitOption = Annotated[
    str | None,
    typer.Option(help="Memory limit per local worker, e.g. 2GB (default: 3/4 of memory, shared)."),
]

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$", re.I)
_UNITS = {"": 1, "b": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}


def parse_memory(text: str | None) -> int | None:
    """Bytes from "4GB", "512MiB", "2e9"-free plain numbers; None stays None (the default)."""
    if text is None:
        return None
    match = _SIZE.match(str(text))
    if not match:
        raise InputError(f"cannot read --memory-limit {text!r}; use e.g. 2GB or 512MB")
    unit = (match.group(2) or "").lower()
    scale = _UNITS[unit[:1]] * (1.024 ** ("kmgt".index(unit[0]) + 1) if "i" in unit else 1)
    return int(float(match.group(1)) * scale)


def default_memory_limit(workers: int) -> int:
    """Three quarters of the machine's memory, shared by the workers (the client keeps the rest)."""
    import psutil  # deferred: installed with distributed; only a local cluster needs it

    return int(psutil.virtual_memory().total * 0.75 / max(workers, 1))


@contextmanager
def _distributed_quiet() -> Iterator[None]:
    """Only distributed's errors are logged while a command runs on a cluster.

    ``silence_logs`` quiets distributed's own handler, but distributed adds none when the root
    logger already has one (Django's console, under the web app or its tests): then every INFO
    line of the scheduler goes to the root's handlers, across a command's progress bar."""
    loggers = [logging.getLogger("distributed")] + [
        logger
        for name, logger in logging.root.manager.loggerDict.items()
        if name.startswith("distributed.") and isinstance(logger, logging.Logger)
    ]
    levels = [(logger, logger.level) for logger in loggers]
    for logger, level in levels:
        logger.setLevel(max(level, logging.ERROR))
    try:
        yield
    finally:
        for logger, level in levels:
            logger.setLevel(level)


@contextmanager
def dask_client(
    scheduler: str | None, *, workers: int | None = None, memory_limit: str | None = None
) -> Iterator[object]:
    """A client of the cluster at ``scheduler``, or of a local cluster started for this command."""
    from distributed import Client, LocalCluster  # deferred: tornado and msgpack only for --dask

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        with _distributed_quiet(), client:
            yield client
        return
    n = workers or os.cpu_count() or 1
    limit = parse_memory(memory_limit) or default_memory_limit(n)
    with (
        _distributed_quiet(),
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            memory_limit=limit,
            # a free port unless INTERDEP_DASK_PORT names one (where only some ports may be
            # opened); no dashboard: a command's run is watched through its progress bar
            scheduler_port=int(os.environ.get("INTERDEP_DASK_PORT", "0")),
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def progress_bar() -> Progress:
    """The rich progress bar the research commands show on standard error."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,  # nothing (not even a blank line) in a log file
    )


def gather_in_order(
    client, futures: list, description: str, on_result: Callable[[int, object], None]
) -> None:
    """Hand each task's result to ``on_result(index, result)`` in submission order, as soon as
    it and all before it are done, releasing each from the cluster once handed over."""
    from distributed import as_completed  # deferred: only a cluster run gathers futures

    index = {f.key: i for i, f in enumerate(futures)}
    waiting: dict[int, object] = {}
    following = 0
    with progress_bar() as bar:
        task = bar.add_task(description, total=len(futures))
        for future in as_completed(futures):
            waiting[index[future.key]] = future.result()
            future.release()
            bar.advance(task)
            while following in waiting:
                on_result(following, waiting.pop(following))
                following += 1
