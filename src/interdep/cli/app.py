"""The Typer application every command module registers on, and shared CLI helpers."""

from __future__ import annotations

import functools
import io
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console

from interdep.lib.csv_writer import frame_csv
from interdep.science.errors import ContentError, InputError

app = typer.Typer(
    name="interdep",
    help="Interdep: assessment, daily check-ins and dyadic science for couples.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Interdep: assessment, daily check-ins and dyadic science for couples."""


console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., object])

EXIT_BAD_INPUT = 2


def fail(message: str) -> typer.Exit:
    """Print an error to stderr and return the exit to raise (code 2: bad input)."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=EXIT_BAD_INPUT)


def reports_input_errors(func: F) -> F:
    """Turn bad-input exceptions into a clear message and exit code 2 instead of a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (InputError, ContentError) as exc:
            raise fail(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def write_atomically(path: str, data: bytes | str) -> None:
    """Write a whole output file or nothing: write beside it, then rename over it. A missing
    folder or a folder in the way is bad input (exit 2), not a traceback."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise fail(f"cannot write {path}: the folder {directory} does not exist")
    if os.path.isdir(path):
        raise fail(f"cannot write {path}: it is a folder; give a file name")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".interdep-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode() if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_table(frame, output: Path | None) -> None:
    """A DataFrame to stdout as CSV, or whole to a file: Parquet by its suffix, else CSV."""
    if output is None:
        echo(frame_csv(frame))
    elif output.suffix.lower() in {".parquet", ".pq"}:
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        write_atomically(str(output), buffer.getvalue())
    else:
        write_atomically(str(output), frame_csv(frame))


def echo(text: str) -> None:
    """Plain output to stdout (machine-readable formats must not be re-wrapped by rich)."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
