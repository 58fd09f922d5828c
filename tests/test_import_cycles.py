"""scripts/import_cycles.py finds a cycle between modules and between packages, and passes a
package without one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "import_cycles.py"


def _run(root: Path, package: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, str(SCRIPT), package], capture_output=True, text=True, env=env, check=False
    )


def _package(root: Path, name: str, files: dict[str, str]) -> None:
    for path, text in {"__init__.py": "", **files}.items():
        target = root / name / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path):
    _package(
        tmp_path,
        "cyc",
        {
            "a/__init__.py": "",
            "a/one.py": "from cyc.b import two\n",
            "b/__init__.py": "",
            "b/two.py": "def f():\n    from cyc.a import one  # deferred: hides the cycle\n",
        },
    )
    result = _run(tmp_path, "cyc")
    assert result.returncode == 1
    assert "modules: cyc.a.one <-> cyc.b.two" in result.stdout
    assert "packages: cyc.a <-> cyc.b" in result.stdout


def test_imports_that_run_one_way_pass(tmp_path):
    _package(
        tmp_path,
        "line",
        {"a.py": "from line import b\n", "b.py": "from line import c\n", "c.py": "x = 1\n"},
    )
    result = _run(tmp_path, "line")
    assert result.returncode == 0, result.stdout
    assert "0 cycle(s) between modules" in result.stdout
