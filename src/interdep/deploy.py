"""What a deployment must set, checked in one place: by `check --deploy` (Django's check framework,
tag "deploy"), and by the settings themselves, which refuse to load with PRODUCTION=true while
any of it is wrong. Also: a production start collects the static files itself.

The rules (each has a check id):

- interdep.E001  INTERDEP_ENCRYPTION_KEYS is set and every key is a Fernet key.
- interdep.E002  no encryption key is the one derived from a SECRET_KEY (the development key).
- interdep.E003  SECRET_KEY is set, long, and not the published development key.
- interdep.E004  ALLOWED_HOSTS names the real host(s): set, no "*", no development default.
- interdep.E005  SITE_URL (links in emails) is an https:// address.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

#: The development defaults (also used by settings.py); a deployment must replace them.
DEV_SECRET = "dev-only-insecure-key-change-me-" + "x" * 32
DEV_ALLOWED_HOSTS = ("127.0.0.1", "localhost", "testserver")


def derived_key(secret: str) -> str:
    """The encryption key derived from a SECRET_KEY (what development uses without keys)."""
    digest = hashlib.sha256(("interdep-encryption:" + secret).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def problems(
    *,
    secret_key: str,
    allowed_hosts: list[str],
    encryption_keys: list[str],
    site_url: str,
) -> list[tuple[str, str]]:
    """(check id, message) for each way these values are not fit for a deployment."""
    out: list[tuple[str, str]] = []
    if not encryption_keys:
        out.append(("interdep.E001", "INTERDEP_ENCRYPTION_KEYS is not set."))
    else:
        for key in encryption_keys:
            try:
                Fernet(key.encode())
            except (ValueError, TypeError):
                out.append(
                    (
                        "interdep.E001",
                        "INTERDEP_ENCRYPTION_KEYS holds a key that is not a Fernet key.",
                    )
                )
                break
        derived = {derived_key(DEV_SECRET), derived_key(secret_key)}
        if derived & set(encryption_keys):
            out.append(
                (
                    "interdep.E002",
                    "INTERDEP_ENCRYPTION_KEYS holds the key derived from a SECRET_KEY; "
                    "generate an independent Fernet key (see the README's deployment section).",
                )
            )
    if not secret_key or secret_key == DEV_SECRET or len(secret_key) < 50:
        out.append(
            (
                "interdep.E003",
                "SECRET_KEY must be set to at least 50 random characters, "
                "not the published development key.",
            )
        )
    hosts = [h for h in allowed_hosts if h]
    if not hosts or "*" in hosts or set(hosts) <= set(DEV_ALLOWED_HOSTS):
        out.append(
            ("interdep.E004", "ALLOWED_HOSTS must name the site's real host name(s), without '*'.")
        )
    if urlsplit(site_url).scheme != "https" or not urlsplit(site_url).netloc:
        out.append(("interdep.E005", "SITE_URL must be the site's https:// address."))
    return out


def check_deployment(app_configs=None, **kwargs):
    """Django system check (deploy): the rules above against the loaded settings."""
    from django.conf import settings  # deferred: settings.py imports this module first
    from django.core.checks import Error  # deferred: settings.py imports this module first

    return [
        Error(message, id=check_id)
        for check_id, message in problems(
            secret_key=settings.SECRET_KEY,
            allowed_hosts=list(settings.ALLOWED_HOSTS),
            encryption_keys=list(getattr(settings, "ENCRYPTION_KEYS", []) or []),
            site_url=getattr(settings, "SITE_URL", ""),
        )
    ]


def register_checks() -> None:
    from django.core.checks import Tags, register  # deferred: settings.py imports this first

    register(check_deployment, Tags.security, deploy=True)


def collect_static_if_needed() -> None:
    """With PRODUCTION=true pages name hashed static files from the manifest: collect them when
    the manifest is missing, so a fresh deployment serves pages without a manual step."""
    from django.conf import settings  # deferred: settings.py imports this module first

    if not getattr(settings, "PRODUCTION", False):
        return
    if (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        return
    from django.core.management import call_command  # deferred: settings.py imports this first

    call_command("collectstatic", interactive=False, verbosity=0)


def warm_up() -> None:
    """Do once, at start, what each worker process would otherwise do on its first requests:
    import every route's view (the URLconf), compile the site's templates (kept by Django's
    cached template loader) and hash the code the reports are keyed by. gunicorn loads the
    application in its master and forks the workers from it (preload_app), so every worker,
    including each one that replaces a recycled worker (max_requests), starts warm: a fresh
    worker's first page cost about 0.3 s of CPU, a stall in the latency's tail. Opens no database
    connection."""
    from django.conf import settings  # deferred: called once the app is loaded
    from django.template.loader import get_template  # deferred: called once the app is loaded
    from django.urls import get_resolver  # deferred: called once the app is loaded

    from interdep.assessments.report_cache import (
        code_fingerprint,
    )  # deferred: called once the app is loaded

    get_resolver().reverse_dict  # noqa: B018 (imports the URLconf and every view, builds reverse())
    for folder in (Path(d) for d in settings.TEMPLATES[0]["DIRS"]):
        for path in sorted(folder.rglob("*.html")):
            get_template(path.relative_to(folder).as_posix())
    code_fingerprint()
