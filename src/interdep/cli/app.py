"""The Typer application every command module registers on, and shared CLI helpers."""

from __future__ import annotations

import functools
import importlib
import io
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info

from interdep.lib.csv_writer import frame_csv
from interdep.science.errors import ContentError, InputError

#: Commands registered by name only: command -> (module that defines it, one-line help).
LAZY_COMMANDS: dict[str, tuple[str, str]] = {}


def lazy_commands(module: str, summaries: dict[str, str]) -> None:
    """Name the commands a module defines, so it is imported only when one of them runs."""
    for name, summary in summaries.items():
        LAZY_COMMANDS[name] = (module, summary)


def _help_flag_off(option):
    """The --help flag reads False when not given, not None: typer coerces a flag's value through
    a pydantic adapter unless it is already a bool, and importing pydantic for that was half of
    `interdep version`'s start-up."""
    if option is not None and option.default is None:
        option.default = False
    return option


class PlainCommand(TyperCommand):
    """A command without options, built directly (typer's signature reading loads pydantic)."""

    def get_help_option(self, ctx: typer.Context):
        return _help_flag_off(super().get_help_option(ctx))


#: Commands without parameters, built directly.
PLAIN_COMMANDS: dict[str, TyperCommand] = {}


def plain_command(name: str, callback: Callable[[], None]) -> None:
    """Register a command that takes no options; its docstring is its help."""
    PLAIN_COMMANDS[name] = PlainCommand(name, callback=callback, help=callback.__doc__)


class LazyGroup(TyperGroup):
    """The root command group: a command's module is imported when that command is looked up.

    `interdep --help` lists the commands from their one-line summaries without importing any of
    them, so it (and `interdep version`) starts without numpy, pandas, scipy or Django.
    """

    listing = False

    def get_help_option(self, ctx: typer.Context):
        return _help_flag_off(super().get_help_option(ctx))

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return sorted(set(self.commands) | set(LAZY_COMMANDS) | set(PLAIN_COMMANDS))

    def format_help(self, ctx: typer.Context, formatter) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False

    def get_command(self, ctx: typer.Context, cmd_name: str) -> TyperCommand | None:
        command = self.commands.get(cmd_name) or PLAIN_COMMANDS.get(cmd_name)
        if command is not None or cmd_name not in LAZY_COMMANDS:
            return command
        module, summary = LAZY_COMMANDS[cmd_name]
        if self.listing:
            return TyperCommand(cmd_name, help=summary)  # a name and its summary, for the list
        # Imported here, not at start-up: a command module pulls in the science it runs on
        # (pandas, scipy, Django), which only that command needs.
        importlib.import_module(module)
        for info in app.registered_commands:
            name = info.name or info.callback.__name__.replace("_", "-")
            if name == cmd_name:
                command = get_command_from_info(
                    info,
                    pretty_exceptions_short=app.pretty_exceptions_short,
                    rich_markup_mode=app.rich_markup_mode,
                )
                self.commands[cmd_name] = command
                return command
        return None


app = typer.Typer(
    name="interdep",
    cls=LazyGroup,
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


def temp_beside(directory: str | None) -> tuple[int, str]:
    """A temporary file to rename over an output, with the permissions an ordinary new file
    gets (``mkstemp`` makes it readable by its owner only, which the renamed output kept)."""
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".interdep-", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)
    return fd, tmp


def writable_target(path: str) -> str:
    """The folder an output file goes in; a missing folder or a folder in the way is bad input
    (exit 2), not a traceback."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise fail(f"cannot write {path}: the folder {directory} does not exist")
    if os.path.isdir(path):
        raise fail(f"cannot write {path}: it is a folder; give a file name")
    return directory


def write_atomically(path: str, data: bytes | str) -> None:
    """Write a whole output file or nothing: write beside it, then rename over it. A missing
    folder or a folder in the way is bad input (exit 2), not a traceback."""
    directory = writable_target(path)
    fd, tmp = temp_beside(directory)
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


def number_cell(v: float | None, digits: int = 3) -> str:
    """A number for a printed table: fixed digits, a dash where there is none."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return f"{v:.{digits}f}"


def p_cell(p: float) -> str:
    """A p value as journals print it: "< .001", else three digits without the leading zero."""
    if p != p:
        return "–"
    return "< .001" if p < 0.001 else f"{p:.3f}".lstrip("0")


class AtomicOutput:
    """Output written as it is made, to a file beside the target renamed over it at the end (or,
    for standard output, copied there at the end): an error half-way leaves nothing written."""

    def __init__(self, output: Path | None):
        self.output = output

    def __enter__(self):
        directory = os.path.dirname(os.path.abspath(self.output)) if self.output else None
        fd, self.path = temp_beside(directory)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        return self.handle

    def __exit__(self, kind, exc, tb):
        self.handle.close()
        try:
            if kind is None:
                if self.output is not None:
                    os.replace(self.path, self.output)
                else:
                    with open(self.path, encoding="utf-8") as result:
                        shutil.copyfileobj(result, sys.stdout)
                        result.seek(max(result.tell() - 1, 0))
                        if result.read(1) != "\n":
                            sys.stdout.write("\n")  # as echo() ends what it prints
        finally:
            if os.path.exists(self.path):
                os.unlink(self.path)
