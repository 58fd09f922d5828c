"""`interdep serve`'s task worker and reminder scheduler die with it, even after `kill -9`, and a
second serve on the same data folder refuses to start a second scheduler.

Real processes on a fresh data folder (Linux: the parent-death signal is a Linux feature).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(var_dir) -> dict:
    env = {**os.environ, "INTERDEP_VAR_DIR": str(var_dir)}
    for name in ("DATABASE_URL", "TEST_DATABASE_URL", "PRODUCTION", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    return env


class Serve:
    def __init__(self, var_dir):
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "interdep.cli.main",
                "serve",
                "--addrport",
                f"127.0.0.1:{_free_port()}",
            ],
            env=_env(var_dir),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line)

    def children(self, timeout: float = 180) -> dict[str, int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = {
                m.group(1): int(m.group(2))
                for line in list(self.lines)
                if (m := re.search(r"(task worker|reminder scheduler) started \(pid (\d+)\)", line))
            }
            if len(found) == 2:
                return found
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError("serve did not start its children:\n" + "".join(self.lines)[-2000:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def _gone(pids, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.2)
    return False


def test_serves_children_die_with_it_after_kill_9_and_a_second_serve_refuses(tmp_path):
    first = Serve(tmp_path)
    try:
        children = first.children()
        assert all(_alive(p) for p in children.values())

        second = Serve(tmp_path)
        try:
            assert second.process.wait(timeout=120) == 2
            text = "".join(second.lines)
            assert "Another `interdep serve`" in text and "started (pid" not in text
        finally:
            second.stop()
        assert all(_alive(p) for p in children.values()), "the first serve's children stay"

        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=30)
        assert _gone(children.values()), f"children outlived serve: {children}"
    finally:
        first.stop()
        for pid in locals().get("children", {}).values():
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)

    # the lock went with the killed serve: a new one starts (and stops) cleanly
    third = Serve(tmp_path)
    try:
        restarted = third.children()
        third.process.send_signal(signal.SIGTERM)
        third.process.wait(timeout=60)
        assert _gone(restarted.values())
    finally:
        third.stop()
