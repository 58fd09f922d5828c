"""Web commands: `interdep serve`, `interdep demo`, `interdep manage ...`.

Django is imported inside the commands only, so the researcher commands never load it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import typer

from interdep.cli.app import app, echo, err_console

SETTINGS = "interdep.settings"

#: What `interdep serve` runs beside the web server: the task worker (emails, reminders) and the
#: scheduler that queues due check-in reminders every five minutes (idempotent per slot).
BACKGROUND_PROCESSES = (
    ("task worker", ("db_worker",)),
    ("reminder scheduler", ("send_checkin_reminders", "--every", "300")),
)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django  # deferred: web commands only

    django.setup()


@app.command()
def serve(
    addrport: str = typer.Option("127.0.0.1:8000", help="Address and port to listen on."),
    worker: bool = typer.Option(
        True,
        help="Start the background task worker (db_worker) and the check-in reminder scheduler too.",
    ),
) -> None:
    """Run the web application: apply migrations, start the task worker and the reminder
    scheduler, serve (Django's development server, no auto-reload: for a deployment use a WSGI
    server on interdep.wsgi and run the two background processes under a supervisor)."""
    _django()
    from django.core.management import call_command  # deferred: web commands only

    call_command("migrate", interactive=False, verbosity=1)
    children = []
    if worker:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
        for name, args in BACKGROUND_PROCESSES:
            child = subprocess.Popen([sys.executable, "-m", "django", *args], env=env)
            err_console.print(f"{name} started (pid {child.pid})")
            children.append(child)
    # A plain `kill` should stop the children too: turn SIGTERM into a normal exit (finally runs).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        call_command("runserver", addrport, use_reloader=False)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


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
