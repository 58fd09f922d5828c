"""The web commands: demo couple, and researcher commands staying free of Django."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from interdep.access.clinic import clinician_grant_or_404
from interdep.access.core import active_membership, couple_report_access
from interdep.cli.main import app


@pytest.mark.django_db(transaction=True)
def test_demo_creates_a_couple_who_can_read_their_couple_report():
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert "alex@example.com / " in result.output and "sam@example.com / " in result.output
    from django.contrib.auth import get_user_model

    alex = get_user_model().objects.get(email="alex@example.com")
    assert couple_report_access(alex).allowed
    # Their clinician sees them on the caseload, with the dynamics scope granted by both.
    assert "clinician@example.com / " in result.output
    clinician = get_user_model().objects.get(email="clinician@example.com")
    grant = clinician_grant_or_404(clinician, active_membership(alex).couple_id)
    assert grant.dynamics and grant.reports
    # Running it again starts the demo afresh instead of failing.
    assert CliRunner().invoke(app, ["demo"]).exit_code == 0


def test_loading_the_command_line_does_not_import_django():
    code = "import sys, interdep.cli.main; print('django' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr


def test_serve_starts_only_background_processes_that_exist():
    """`interdep serve` runs the task worker and the reminder scheduler beside the server."""
    from django.core.management import get_commands

    from interdep.cli.web_cmds import BACKGROUND_PROCESSES

    commands = get_commands()
    for _, args, _ in BACKGROUND_PROCESSES:
        assert args[0] in commands
    assert {args[0] for _, args, _ in BACKGROUND_PROCESSES} == {
        "db_worker",
        "send_checkin_reminders",
    }
