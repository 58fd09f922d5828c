"""The CLI imports a command's module only when that command runs."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

from interdep.cli.app import LAZY_COMMANDS
from interdep.cli.main import app

HEAVY = ("numpy", "pandas", "scipy", "django", "pyarrow", "dask", "pydantic")


def _loaded_after(args: list[str]) -> list[str]:
    code = (
        "import atexit, sys\n"
        f"atexit.register(lambda: print('loaded:' + ','.join(m for m in {HEAVY!r} if m in sys.modules)))\n"
        f"sys.argv = ['interdep', *{args!r}]\n"
        "from interdep.cli.main import app\n"
        "app()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    last = out.strip().splitlines()[-1]
    assert last.startswith("loaded:"), out
    return [m for m in last.removeprefix("loaded:").split(",") if m]


@pytest.mark.parametrize("args", [["--help"], ["version"]])
def test_help_and_version_load_no_science(args):
    assert _loaded_after(args) == []


def test_version_prints_the_package_version():
    from typer.testing import CliRunner

    from interdep import __version__

    result = CliRunner().invoke(app, ["version"])
    assert result.exit_code == 0 and result.stdout.strip() == __version__


def test_a_science_command_loads_what_it_needs():
    assert "pandas" in _loaded_after(["dynamics", "--help"])


def test_each_listed_summary_is_the_first_paragraph_of_its_command():
    import importlib

    from interdep.cli.app import app as shared

    for module, _ in set(LAZY_COMMANDS.values()):
        importlib.import_module(module)
    docs = {
        (info.name or info.callback.__name__.replace("_", "-")): inspect.getdoc(info.callback)
        for info in shared.registered_commands
    }
    assert set(LAZY_COMMANDS) <= set(docs)
    for name, (_, summary) in LAZY_COMMANDS.items():
        first = " ".join(docs[name].split("\n\n")[0].split())
        assert summary == first, name
