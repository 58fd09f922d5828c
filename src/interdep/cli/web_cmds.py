"""Web commands: `interdep serve`, `interdep demo`, `interdep manage ...`.

Django is imported inside the commands only, so the researcher commands never load it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import typer

from interdep.cli.app import app, echo, err_console

SETTINGS = "interdep.settings"

#: What `interdep serve` runs beside the web server: the task worker (emails, reminders, reports
#: prepared at submit) and the scheduler that queues due check-in reminders every five minutes
#: (idempotent per slot); with the name each forked process shows in `ps` and `top`.
BACKGROUND_PROCESSES = (
    ("task worker", ("db_worker",), "interdep-tasks"),
    ("reminder scheduler", ("send_checkin_reminders", "--every", "300"), "interdep-remind"),
)

#: Set by Django's auto-reloader in the process it restarts on every code change (`--dev`).
RELOADED_CHILD = "RUN_MAIN"


def _die_with_parent(parent: int):
    """preexec_fn for a child: it gets SIGTERM when `interdep serve` ends, even by `kill -9`."""
    from interdep.lib.processes import (
        die_with_parent,
    )  # deferred: only serve starts child processes

    return lambda: die_with_parent(parent)


def _hold_serve_lock(var_dir):
    """One `interdep serve` per data folder: a lock file held while it runs (released by the
    kernel when the process ends, however it ends). None when another serve holds it."""
    import fcntl  # deferred: POSIX only, and only for serve

    var_dir.mkdir(parents=True, exist_ok=True)
    handle = open(var_dir / "serve.lock", "a+")  # noqa: SIM115 (held open for the whole run)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        other = handle.read().strip()
        handle.close()
        return None, other
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle, None


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django  # deferred: web commands only

    django.setup()


class _Forked:
    """A child forked from `interdep serve` with the app already loaded, so that its memory pages
    stay shared with serve and its other children (copy-on-write) instead of each child importing
    the app (Django, pandas, scipy, matplotlib) into memory of its own. Waited for like a Popen."""

    def __init__(self, name: str, run, lock) -> None:
        parent = os.getpid()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            self._child(name, run, parent, lock)  # never returns
        self.pid = pid
        self.returncode: int | None = None

    @staticmethod
    def _child(name: str, run, parent: int, lock) -> None:
        code = 1
        try:
            from interdep.lib.processes import (
                die_with_parent,
                process_name_set,
            )  # deferred: only serve starts child processes

            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # serve's own handler is not ours
            die_with_parent(parent)
            process_name_set(name)
            if lock is not None:
                lock.close()  # serve holds the lock (closing our copy does not release it)
            code = run() or 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except BaseException:  # whatever happens, never return into serve's code
            import traceback  # deferred: only a failing child prints it

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode

    def terminate(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGTERM)

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)


class _Children:
    """The processes `interdep serve` supervises: each dies with it (PR_SET_PDEATHSIG); a
    background process that stops is started again, and the web server stopping ends serve.

    Each is forked from serve (`start`), or with `--dev` started as a new program (`spawn`, which
    Django's auto-reloader needs)."""

    def __init__(self, lock=None) -> None:
        self.lock = lock
        self.running: dict[str, tuple[object, _Forked | subprocess.Popen]] = {}
        self.restarts: dict[str, list[float]] = {}

    def start(self, name: str, run, process_name: str) -> _Forked:
        child = _Forked(process_name, run, self.lock)
        self.running[name] = ((run, process_name), child)
        err_console.print(f"{name} started (pid {child.pid})")
        return child

    def spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        child = subprocess.Popen(argv, preexec_fn=_die_with_parent(os.getpid()))
        self.running[name] = (argv, child)
        err_console.print(f"{name} started (pid {child.pid})")
        return child

    def _again(self, name: str, how) -> None:
        if isinstance(how, list):
            self.spawn(name, how)
        else:
            self.start(name, *how)

    def watch(self, web: str | None) -> int:
        """Wait until the web server exits (its exit code), restarting background processes
        that stop (at most five times a minute each; more ends serve with 1)."""
        while True:
            for name, (how, child) in list(self.running.items()):
                code = child.poll()
                if code is None:
                    continue
                if name == web:
                    err_console.print(f"{name} stopped (exit code {code}).")
                    return code if code and code > 0 else 1
                now = time.monotonic()
                recent = [t for t in self.restarts.get(name, []) if now - t < 60]
                if len(recent) >= 5:
                    err_console.print(f"{name} keeps stopping (exit code {code}); stopping serve.")
                    return 1
                self.restarts[name] = [*recent, now]
                err_console.print(f"{name} stopped (exit code {code}); starting it again.")
                self._again(name, how)
            time.sleep(0.5)

    def stop(self) -> None:
        for _, child in self.running.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 30
        for _, child in self.running.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _command(*args: str):
    """A management command run in a forked child."""

    def run() -> int:
        from django.core.management import call_command  # deferred: web commands only

        call_command(*args)
        return 0

    return run


def _gunicorn(argv: list[str]):
    """gunicorn's own command line (`gunicorn ARGS`), run in a forked child: its master and its
    workers then share serve's pages (the app is loaded already, as with --preload)."""

    def run() -> int:
        sys.argv = ["gunicorn", *argv]
        from gunicorn.app.wsgiapp import run as gunicorn  # deferred: only the web server child

        gunicorn(prog="gunicorn")
        return 0

    return run


def _load_for_forking() -> None:
    """Import what the children run (the WSGI handler, every view through the URLconf) once,
    here, close the database connections, and move every object made so far out of the
    garbage collector's sight (gc.freeze), so that a collection in a child does not write to
    (and so copy) the pages it shares with serve."""
    import gc  # deferred: only serve forks

    from django.urls import get_resolver  # deferred: web commands only

    import interdep.wsgi  # noqa: F401  # deferred: web commands only (loads the middleware)
    from interdep.lib.processes import (
        database_connections_close,
    )  # deferred: only serve starts child processes

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    database_connections_close()
    gc.collect()
    gc.freeze()


@app.command()
def serve(
    addrport: str = typer.Option("127.0.0.1:8000", help="Address and port to listen on."),
    worker: bool = typer.Option(
        True,
        help="Start the background task worker (db_worker) and the check-in reminder scheduler too.",
    ),
    workers: int = typer.Option(
        0,
        min=0,
        help="gunicorn worker processes (0: WEB_CONCURRENCY, or two per core plus one).",
    ),
    dev: bool = typer.Option(
        False,
        "--dev",
        help="Django's development server, restarted on every code change (for changing the code).",
    ),
) -> None:
    """Run the web application through gunicorn, with the task worker and the reminder scheduler
    beside it, all stopping with this process (migrations and static files first).

    One serve per data folder. `--dev`: Django's development server with auto-reload instead."""
    if dev and os.environ.get(RELOADED_CHILD) == "true":
        # The development server's reloaded process: it only serves (the first process holds the
        # lock and runs the background processes), and it ends with that first process.
        from interdep.lib.processes import (
            die_with_parent,
        )  # deferred: only serve starts child processes

        die_with_parent(os.getppid())
        _django()
        from django.core.management import call_command  # deferred: web commands only

        call_command("runserver", addrport, use_reloader=True)
        return
    _django()
    from django.conf import settings  # deferred: web commands only
    from django.core.management import call_command  # deferred: web commands only

    lock, other = _hold_serve_lock(settings.VAR_DIR)
    if lock is None:
        err_console.print(
            f"Another `interdep serve` (pid {other or '?'}) is running on this data folder "
            f"({settings.VAR_DIR}); not starting a second task worker and reminder scheduler."
        )
        raise typer.Exit(2)
    call_command("migrate", interactive=False, verbosity=1)
    from interdep.deploy import collect_static_if_needed  # deferred: Django loads only here

    collect_static_if_needed()
    children = _Children(lock)
    # A plain `kill` should stop the children too: turn SIGTERM into a normal exit (finally runs).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        if dev:
            if worker:
                for name, args, _ in BACKGROUND_PROCESSES:
                    reload = ["--reload"] if args[0] == "db_worker" else []
                    children.spawn(name, [sys.executable, "-m", "django", *args, *reload])
            err_console.print(f"development server on http://{addrport} (reloads on changes)")
            call_command("runserver", addrport, use_reloader=True)
            return
        _load_for_forking()
        if worker:
            for name, args, process_name in BACKGROUND_PROCESSES:
                children.start(name, _command(*args), process_name)
        gunicorn_args = [
            "--config",
            "python:interdep.gunicorn_conf",
            "--bind",
            addrport,
            *(["--workers", str(workers)] if workers else []),
            "interdep.wsgi:application",
        ]
        children.start("web server", _gunicorn(gunicorn_args), "interdep-web")
        err_console.print(f"serving on http://{addrport}")
        raise typer.Exit(children.watch(web="web server"))
    finally:
        children.stop()


DEMO_PASSWORD = "demo-couple-2024"
DEMO_PEOPLE = (("Alex", "alex@example.com"), ("Sam", "sam@example.com"))
DEMO_CLINICIAN = ("Dr Robin Hale", "clinician@example.com")


@app.command()
def demo() -> None:
    """Create a demo couple who have linked, answered and said yes to sharing, and a verified
    clinician they both granted access; print the logins."""
    _django()
    from django.core.management import call_command  # deferred: web commands only

    call_command("migrate", interactive=False, verbosity=0)
    from interdep.demo import (
        demo_clinician_create,
        demo_couple_create,
    )  # deferred: web commands only

    people = demo_couple_create(people=DEMO_PEOPLE, password=DEMO_PASSWORD)
    name, email = DEMO_CLINICIAN
    clinician = demo_clinician_create(
        couple_people=people, name=name, email=email, password=DEMO_PASSWORD
    )
    echo("Demo couple ready (open http://127.0.0.1:8000 and log in as either):")
    for person in people:
        echo(f"  {person.display_name}: {person.email} / {DEMO_PASSWORD}")
    echo(f"Their clinician (caseload at /clinic/): {clinician.email} / {DEMO_PASSWORD}")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Django's manage.py, e.g. `interdep manage createsuperuser`, `interdep manage check --deploy`."""
    _django()
    from django.core.management import execute_from_command_line  # deferred: web commands only

    execute_from_command_line(["interdep manage", *ctx.args])
