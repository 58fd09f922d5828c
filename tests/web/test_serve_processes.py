"""`interdep serve` serves through gunicorn; gunicorn (master and workers), the task worker and
the reminder scheduler die with it, even after `kill -9`, and a second serve on the same data
folder refuses to start a second scheduler. They are forked from serve with the app loaded, so
most of their memory is shared with it rather than a copy of their own.

Real processes on a fresh data folder (Linux: the parent-death signal is a Linux feature).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from interdep.lib.processes import descendants, process_name

from .servers import (
    alive,
    free_port,
    gone,
    private_and_resident_kb,
    server_env,
    wait_for,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


class Serve:
    def __init__(self, var_dir, *extra: str):
        self.lines: list[str] = []
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "interdep.cli.main",
                "serve",
                "--addrport",
                f"127.0.0.1:{self.port}",
                *extra,
            ],
            env=server_env(var_dir),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line)

    def children(self, timeout: float = 180, after: int = 0) -> dict[str, int]:
        """The pids of the background processes, the last started of each (once a task worker
        other than ``after`` has started)."""
        deadline = time.monotonic() + timeout
        names = ("task worker", "reminder scheduler")
        while time.monotonic() < deadline:
            found = {
                m.group(1): int(m.group(2))
                for line in list(self.lines)
                if (m := re.search(r"(task worker|reminder scheduler) started \(pid (\d+)\)", line))
            }
            if set(found) == set(names) and found["task worker"] != after:
                return found
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError("serve did not start its children:\n" + "".join(self.lines)[-2000:])

    def get(self, path: str = "/") -> tuple[int, bytes]:
        url = f"http://127.0.0.1:{self.port}{path}"
        wait_for(url, self.process)
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)


def test_serves_through_gunicorn_whose_processes_die_with_it_after_kill_9(tmp_path):
    first = Serve(tmp_path, "--workers", "2")
    tree: dict[int, str] = {}
    try:
        children = first.children()
        status, body = first.get("/")
        assert status == 200 and b"<html" in body.lower()
        # the master and the two workers asked for: one worker may answer before gunicorn has
        # forked the other, on a busy machine
        deadline = time.monotonic() + 60
        while True:
            tree = descendants(first.process.pid)
            names = {pid: process_name(pid) for pid in tree}
            gunicorn = {pid for pid, name in names.items() if name == "interdep-web"}
            if len(gunicorn) >= 3 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert len(gunicorn) == 3, names
        assert set(children.values()) <= set(tree)
        assert names[children["task worker"]] == "interdep-tasks"
        assert names[children["reminder scheduler"]] == "interdep-remind"
        assert all(alive(p) for p in tree)
        # forked with the app loaded: each shares most of its pages (a process that imported
        # the app itself has more than half of them to itself)
        for pid in [*children.values(), *gunicorn]:
            private, resident = private_and_resident_kb(pid)
            assert private < resident / 3, (names[pid], private, resident)

        second = Serve(tmp_path)
        try:
            assert second.process.wait(timeout=120) == 2
            text = "".join(second.lines)
            assert "Another `interdep serve`" in text and "started (pid" not in text
        finally:
            second.stop()
        assert all(alive(p) for p in tree), "the first serve's processes stay"

        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=30)
        assert gone(tree, timeout=10), f"outlived serve: {[tree[p] for p in tree if alive(p)]}"
    finally:
        first.stop()
        for pid in tree:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)

    # the lock went with the killed serve: a new one starts, serves, and stops cleanly
    third = Serve(tmp_path, "--workers", "1")
    try:
        worker = third.children()["task worker"]
        assert third.get("/")[0] == 200
        # a background process that stops is forked again
        os.kill(worker, signal.SIGKILL)
        again = third.children(after=worker)["task worker"]
        assert again != worker and process_name(again) == "interdep-tasks"
        restarted = descendants(third.process.pid)
        third.process.send_signal(signal.SIGTERM)
        assert third.process.wait(timeout=60) == 0
        assert gone(restarted, timeout=10)
    finally:
        third.stop()


def test_dev_serves_with_django_autoreload_and_leaves_nothing_behind(tmp_path):
    dev = Serve(tmp_path, "--dev")
    tree: dict[int, str] = {}
    try:
        dev.children()
        assert dev.get("/")[0] == 200
        tree = descendants(dev.process.pid)
        assert not any("gunicorn" in cmd for cmd in tree.values()), tree
        # the auto-reloader's serving process, beside the worker (with its own reloader) and
        # the scheduler
        assert sum(" serve " in cmd for cmd in tree.values()) == 1, tree
        os.kill(dev.process.pid, signal.SIGKILL)
        dev.process.wait(timeout=30)
        assert gone(tree, timeout=10), f"outlived serve: {[tree[p] for p in tree if alive(p)]}"
    finally:
        dev.stop()
        for pid in tree:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
