"""The check run by make test: an import inside a function must say why on its line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "check_function_imports.py"


def _check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True, check=False
    )


def test_an_import_inside_a_function_without_a_reason_fails_naming_its_line(tmp_path):
    (tmp_path / "mod.py").write_text(
        "import os\n\n\ndef f():\n    import json\n\n    return json, os\n"
    )
    result = _check(tmp_path)
    assert result.returncode == 1
    assert "mod.py:5: import json" in result.stdout


def test_a_reason_on_the_import_line_or_inside_a_wrapped_import_passes(tmp_path):
    (tmp_path / "mod.py").write_text(
        "def f():\n"
        "    import json  # deferred: only this path needs it\n"
        "    from os import (\n"
        "        path,  # deferred: as above, for the same reason\n"
        "    )\n"
        "    return json, path\n"
    )
    assert _check(tmp_path).returncode == 0


def test_a_bare_noqa_is_not_a_reason(tmp_path):
    (tmp_path / "mod.py").write_text("def f():\n    import json  # noqa: F401\n")
    assert _check(tmp_path).returncode == 1


def test_a_comment_that_does_not_say_deferred_is_not_a_reason(tmp_path):
    (tmp_path / "mod.py").write_text("def f():\n    import json  # only this path needs it\n")
    assert _check(tmp_path).returncode == 1
    (tmp_path / "mod.py").write_text("def f():\n    import json  # deferred:\n")
    assert _check(tmp_path).returncode == 1


def test_the_application_passes():
    result = _check(SCRIPT.parents[1] / "src")
    assert result.returncode == 0, result.stdout
