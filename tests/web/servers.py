"""Real server processes for the tests: free ports, a clean environment, and the process tree
read from /proc (Linux)."""

from __future__ import annotations

import os
import socket
import time
import urllib.error
import urllib.request

_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A port nobody listens on (and not handed out before by this process): from
    TEST_PORT_RANGE ("8100-8199") when set, else any the system gives."""
    wanted = os.environ.get("TEST_PORT_RANGE", "")
    candidates = [0]
    if wanted:
        low, high = (int(part) for part in wanted.split("-"))
        candidates = list(range(low, high + 1))
        candidates = candidates[os.getpid() % len(candidates) :] + candidates
    for _ in range(50):
        for port in candidates:
            if port in _HANDED_OUT:
                continue
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
                port = s.getsockname()[1]
            if port not in _HANDED_OUT:
                _HANDED_OUT.add(port)
                return port
    raise RuntimeError(f"no free port in {wanted}")


def server_env(var_dir, **extra: str) -> dict:
    """The environment of a server on its own data folder (SQLite there unless given)."""
    env = {**os.environ, "INTERDEP_VAR_DIR": str(var_dir)}
    for name in (
        "DATABASE_URL",
        "TEST_DATABASE_URL",
        "REDIS_URL",
        "PRODUCTION",
        "DJANGO_SETTINGS_MODULE",
        "WEB_CONCURRENCY",
    ):
        env.pop(name, None)
    env.update(extra)
    return env


def wait_for(url: str, process, timeout: float = 120) -> None:
    """Until ``url`` answers (any HTTP status), or fail if ``process`` ended."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=30).close()
            return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.3)


def private_and_resident_kb(pid: int) -> tuple[int, int]:
    """(pages only this process maps, every page it maps), in kB, from /proc/<pid>/smaps_rollup."""
    fields: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            name, _, rest = line.partition(":")
            if rest.strip().endswith(" kB"):
                fields[name] = int(rest.split()[0])
    return fields["Private_Clean"] + fields["Private_Dirty"], fields["Rss"]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(") ", 1)[1][0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def gone(pids, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return False
