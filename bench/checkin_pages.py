"""Benchmark: the check-in page and "Us over time" as history grows, against a bare Django view.

    python bench/checkin_pages.py            # a month and a year of check-ins, 30 requests each
    python bench/checkin_pages.py --quick    # a month only, 10 requests

A fresh SQLite database in a temporary folder: the demo couple (linked, both submitted, both
sharing) with three check-ins a day each for a month, then for a year. Every page is requested
through Django's test client (the full middleware stack, a logged-in session), one request after
another; the figure is the median wall time. The peer, run side by side in the same process, is a
bare view of our own: one ORM query and a plain response, through the same stack.

"Us over time" is read from the stored result the task worker keeps: the worker's step for the
couple is run once after the check-ins are made, and its own time is printed, because that is
where the model is fitted now (the first step also loads matplotlib's fonts). Run against an
older checkout (without that step) the same script gives the "before" figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

TMP = tempfile.mkdtemp(prefix="interdep-bench-pages-")
os.environ["DATABASE_URL"] = f"sqlite:///{Path(TMP) / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interdep.settings")
os.environ.setdefault("INTERDEP_VAR_DIR", TMP)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

from interdep.accounts.models import User  # noqa: E402
from interdep.checkins.demo import couple_checkins  # noqa: E402
from interdep.checkins.models import CheckIn  # noqa: E402
from interdep.demo import demo_couple_create  # noqa: E402


def bare(request):
    """The peer: one ORM query and a plain response."""
    return HttpResponse(str(User.objects.filter(pk=request.user.pk).count()))


urlpatterns = [path("bare/", bare), path("", include("interdep.urls"))]


def median_ms(client: Client, url: str, n: int, before=None) -> float:
    times = []
    for _ in range(n):
        if before is not None:
            before()
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            sys.exit(f"{url}: HTTP {response.status_code}")
    return 1000 * statistics.median(times)


def refresh_step(couple_id: int):
    """The task worker's step for this couple (imported here: it exists only after the change)."""
    try:
        from interdep.checkins.tasks import couple_dynamics_refresh  # deferred: may not exist
    except ImportError:
        return None
    return lambda: couple_dynamics_refresh.call(couple_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--requests", type=int, default=None)
    args = parser.parse_args()
    n = args.requests or (10 if args.quick else 30)
    call_command("migrate", verbosity=0)
    a, b = demo_couple_create(
        people=(("Alex", "alex-bench@example.org"), ("Sam", "sam-bench@example.org")),
        password="a bench password 42",
    )
    couple_id = a.memberships.get(left_at__isnull=True).couple_id
    client = Client()
    client.force_login(a)
    print(f"load average {os.getloadavg()[0]:.1f} (a shared machine: read the ratios)")
    print(f"{'history':>8} {'check-ins':>9}  {'page':<28} {'median ms':>9}  {'bare ms':>7}  ratio")
    today = timezone.localdate()
    histories = (("a month", 30),) if args.quick else (("a month", 30), ("a year", 365))
    with override_settings(ROOT_URLCONF=__name__):
        for name, days in histories:
            CheckIn.objects.filter(person__in=(a, b)).delete()
            couple_checkins(a, b, first_day=today - timedelta(days=days), days=days, skip=0.08)
            count = CheckIn.objects.filter(person__in=(a, b)).count()
            step = refresh_step(couple_id)
            if step is not None:
                t0 = time.perf_counter()
                step()
                print(
                    f"{'':>8} {count:>9}  worker step (fit and store)   {1000 * (time.perf_counter() - t0):9.1f}"
                )
            base = median_ms(client, "/bare/", n)
            for label, url in (
                ("check-in page", "/checkins/"),
                ("Us over time", "/checkins/together/"),
            ):
                ms = median_ms(client, url, n)
                print(
                    f"{name:>8} {count:>9}  {label:<28} {ms:9.1f}  {base:7.1f}  {ms / base:5.1f}x"
                )


if __name__ == "__main__":
    main()
