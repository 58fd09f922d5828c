"""Production settings pass Django's deployment checklist."""

from __future__ import annotations

import os
import subprocess
import sys


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "interdep.settings",
        "PRODUCTION": "true",
        "SECRET_KEY": "k7#Qz9!vR2@mW4$tY6^uI8&oP0*aS1(dF3)gH5_jK7+lZ9=xC" + "b" * 10,
        "ALLOWED_HOSTS": "interdep.example.org",
        "INTERDEP_VAR_DIR": str(tmp_path),
    }
    for name in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "TEST_DATABASE_URL"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "interdep.settings",
        "PRODUCTION": "true",
        "INTERDEP_VAR_DIR": str(tmp_path),
    }
    env.pop("SECRET_KEY", None)
    done = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "SECRET_KEY" in done.stderr
