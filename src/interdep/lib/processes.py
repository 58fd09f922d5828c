"""Children that die with their parent (Linux): used by `interdep serve` for the task worker, the
scheduler and gunicorn, and by gunicorn's configuration for its own workers, so that no process
outlives the one supervising it, even after `kill -9`. And what a process that forks with the app
loaded does first: close its database connections, so no child inherits one. And the tree of a
process's children as /proc shows it, for the tests and the memory bench of `interdep serve`."""

from __future__ import annotations

import os
import signal
import sys


def die_with_parent(parent: int, sig: int = signal.SIGTERM) -> None:
    """In a child process: ask the kernel to send ``sig`` when the parent ends (PR_SET_PDEATHSIG,
    Linux only), and exit at once if ``parent`` is already gone. Elsewhere the children stay in
    the parent's process group, which a terminal's Ctrl-C or a supervisor stops as one."""
    if sys.platform.startswith("linux"):
        import ctypes  # deferred: only in a child, just before it runs

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, sig, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def cores() -> int:
    """Processor cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def process_name_set(name: str) -> None:
    """The name `ps`, `top` and /proc/<pid>/comm show for this process (Linux; at most 15
    characters are kept). Forked children keep their parent's command line, so this is what tells
    them apart."""
    if sys.platform.startswith("linux"):
        import ctypes  # deferred: only in a child, just before it runs

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(15, name.encode()[:15], 0, 0, 0)  # PR_SET_NAME


def database_connections_close() -> None:
    """Close this process's database connections (and psycopg's pool with its threads), before
    it forks: a connection shared by two processes would interleave their queries."""
    from django.db import connections  # deferred: only where the app is loaded

    for connection in connections.all(initialized_only=True):
        connection.close()
        if hasattr(connection, "close_pool"):  # PostgreSQL with psycopg's pool
            connection.close_pool()


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid`` (from /proc), with its command line."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parents[int(entry)] = int(stat.read().rsplit(") ", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                commands[int(entry)] = cmdline.read().replace(b"\0", b" ").decode()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                found[child] = commands.get(child, "")
                frontier.append(child)
    return found


def process_name(pid: int) -> str:
    """/proc/<pid>/comm: the name a process gave itself (forked children keep their parent's
    command line)."""
    with open(f"/proc/{pid}/comm") as comm:
        return comm.read().strip()
