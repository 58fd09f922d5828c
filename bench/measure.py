"""Run a command as a user would and read its wall time, CPU time and peak memory.

Used by the bench scripts; GNU time (``/usr/bin/time -v``) reports the peak resident memory of
the process and its children. The machine's load average is printed with every figure, because
on a shared machine a wall time means little without it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    load: float
    command: str

    def line(self) -> str:
        return (
            f"{self.wall:7.2f} s wall, {self.cpu:7.2f} s CPU, {self.peak_mb:7.0f} MB peak "
            f"(load {self.load:.1f})  $ {self.command}"
        )


def run(args: list[str], env: dict | None = None) -> Run:
    """Run ``args`` under /usr/bin/time -v; stdout is discarded, a failure stops the bench."""
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    if gnu_time is None:
        sys.exit("GNU time is needed (apt-get install time)")
    load = os.getloadavg()[0]
    start = time.perf_counter()
    done = subprocess.run(
        [gnu_time, "-v", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(args)}\n{done.stderr[-2000:]}")
    field = dict(re.findall(r"^\s*([^:\n]+):\s*(.+)$", done.stderr, re.M))
    cpu = float(field["User time (seconds)"]) + float(field["System time (seconds)"])
    peak = float(field["Maximum resident set size (kbytes)"]) / 1024
    return Run(wall, cpu, peak, load, " ".join(args))


def interdep() -> list[str]:
    """The CLI as installed beside this Python (``python -m interdep.cli.main`` otherwise)."""
    script = os.path.join(os.path.dirname(sys.executable), "interdep")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "interdep.cli.main"]
