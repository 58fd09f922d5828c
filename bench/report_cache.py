"""Benchmark: a report computed (what the task worker does once, at submit) against a report read
back from the cache (what every view does after), in one process, CPU time per report.

    python bench/report_cache.py            # the demo couple in a fresh data folder
    python bench/report_cache.py --repeat 20

"Computed" clears the cache and the figures' in-process memo first, so it is the whole cost of a
first view without the task worker: scoring, both figures drawn by matplotlib, the HTML rendered.
"Read" is the cache's get (the configured backend: memory under no settings, the database table
or Redis with the application's settings).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cpu_ms(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="interdep-bench-cache-"))
    os.environ["INTERDEP_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "interdep.settings"
    subprocess.run(
        [sys.executable, "-m", "interdep.cli.main", "demo"], check=True, stdout=subprocess.DEVNULL
    )
    import django  # deferred: after the data folder is chosen

    django.setup()
    from django.contrib.auth import get_user_model  # deferred: after django.setup()
    from django.core.cache import cache  # deferred: after django.setup()

    from interdep.access.assessments import latest_submitted  # deferred: after django.setup()
    from interdep.access.core import couple_report_access  # deferred: after django.setup()
    from interdep.assessments import figures, report_cache  # deferred: after django.setup()

    alex = get_user_model().objects.get(email="alex@example.com")
    assessment, access = latest_submitted(alex), couple_report_access(alex)

    def forget():
        cache.clear()
        figures._map_svg.cache_clear()
        figures._facet_bars_svg.cache_clear()

    cases = {
        "private report": lambda: report_cache.private_report(assessment),
        "couple report": lambda: report_cache.couple_report(access),
        "API couple result": lambda: report_cache.couple_result_document(access),
    }
    backend = django.conf.settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"cache backend {backend}; median CPU ms over {args.repeat} runs")
    print(f"{'':18} {'computed':>10} {'read':>10} {'ratio':>8}")
    for name, fn in cases.items():
        fn()  # imports and fonts loaded once, as in a running worker

        def computed(fn=fn):
            forget()
            fn()

        cold = _cpu_ms(computed, args.repeat)
        fn()
        warm = _cpu_ms(fn, args.repeat * 20)
        print(f"{name:18} {cold:10.2f} {warm:10.3f} {cold / warm:7.0f}x")


if __name__ == "__main__":
    main()
