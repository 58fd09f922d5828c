"""Benchmark: the pages a couple comes for, against a bare Django view, under gunicorn.

    python bench/pages.py                     # 2 workers, 3 interleaved rounds of 5 s per page
    python bench/pages.py --rounds 5 --seconds 10 --workers 4
    python bench/pages.py --src ../other-checkout/src   # the same bench on another version
    REDIS_URL=redis://127.0.0.1:6379/5 python bench/pages.py   # the shared cache, if configured

A fresh data folder gets the demo couple (`interdep demo`), gunicorn serves the application with
its own settings plus one bench-only route (bench/pages_urls.py: the bare view, one ORM query,
behind the same middleware), a real session is made by logging in through the login form, and
wrk (8 connections on loopback) requests each page in turn. Rounds are interleaved: each round
measures the bare view, every page, then the bare view again, and a page's ratio is its
throughput over the mean of its round's two bare runs, so a noisy neighbour moves both sides.
The figures printed are the medians over the rounds.

Targets (issue 14): every page at least 50% of the bare view's throughput, p99 under 100 ms.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
EMAIL, PASSWORD = "alex@example.com", "demo-couple-2024"  # interdep demo's first person
CONNECTIONS = 8
TARGET_RATIO, TARGET_P99_MS = 0.5, 100.0

_IDS = """
import django
django.setup()
from interdep.access.assessments import latest_submitted
from interdep.access.core import active_membership
from interdep.accounts.models import User
alex = User.objects.get(email={email!r})
print(latest_submitted(alex).pk, active_membership(alex).couple_id)
"""


def _env(var_dir: Path, src: Path) -> dict:
    paths = [str(BENCH), str(src), os.environ.get("PYTHONPATH", "")]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pages_settings",
        "INTERDEP_VAR_DIR": str(var_dir),
        "PYTHONPATH": os.pathsep.join(p for p in paths if p),
    }


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def prepare(env: dict) -> tuple[int, int]:
    """The demo couple in a fresh database; returns (Alex's assessment id, the couple id)."""
    subprocess.run(
        [sys.executable, "-m", "interdep.cli.main", "demo"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    out = subprocess.run(
        [sys.executable, "-c", _IDS.format(email=EMAIL)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(out[0]), int(out[1])


def _has_config(src: Path) -> bool:
    return (src / "interdep" / "gunicorn_conf.py").exists()


def start_server(env: dict, port: int, workers: int, src: Path) -> subprocess.Popen:
    """gunicorn with the application's own configuration when it has one (what `interdep serve`
    and a deployment use), the worker count and address given here."""
    if not _free(port):
        sys.exit(f"port {port} is in use")
    config = []
    if _has_config(src):
        config = ["-c", "python:interdep.gunicorn_conf"]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            *config,
            "interdep.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    for _ in range(200):
        if not _free(port):
            return server
        if server.poll() is not None:
            sys.exit("gunicorn did not start")
        time.sleep(0.1)
    server.kill()
    sys.exit("gunicorn did not listen in 20 s")


def login(base: str) -> str:
    """Log in through the login form as a browser would; returns the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "email": EMAIL, "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        sys.exit("logging in failed")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def check(base: str, path: str, cookie: str) -> int:
    """The page answers 200 to this session (not a redirect to the login page); its size."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(request) as response:
        if response.status != 200:
            sys.exit(f"{path} answered {response.status}")
        return len(response.read())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, cookie: str, seconds: float) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if bad or errors:
        sys.exit(f"{url}: {bad.group(0) if bad else ''} {errors.group(0) if errors else ''}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per run")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8200)))
    parser.add_argument(
        "--src",
        type=Path,
        default=ROOT / "src",
        help="the source tree to serve (another checkout's src, to compare two versions)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed (apt-get install wrk)")

    var_dir = Path(tempfile.mkdtemp(prefix="interdep-bench-pages-"))
    env = _env(var_dir, args.src.resolve())
    server = None
    try:
        assessment_id, couple_id = prepare(env)
        server = start_server(env, args.port, args.workers, args.src)
        base = f"http://127.0.0.1:{args.port}"
        cookie = login(base)
        pages = {
            "private report": f"/report/{assessment_id}/",
            "couple report": f"/couple/{couple_id}/report/",
            "home": "/",
            "check-ins": "/checkins/",
            "API couple report": "/api/v1/reports/couple",
        }
        bare = "/bench/bare/"
        print(
            f"gunicorn ({'interdep.gunicorn_conf' if _has_config(args.src) else 'defaults'}), {args.workers} sync workers, wrk {CONNECTIONS} connections, "
            f"{args.seconds:g} s per run, {args.rounds} rounds, {os.cpu_count()} cores, "
            f"load {os.getloadavg()[0]:.1f}"
        )
        for name, path in {"bare view": bare, **pages}.items():
            size = check(base, path, cookie)
            wrk(base + path, cookie, 1)  # warm every worker
            print(f"  {name:18} {path}  ({size / 1024:.0f} KB)")
        runs: dict[str, list[dict]] = {name: [] for name in ("bare view", *pages)}
        ratios: dict[str, list[float]] = {name: [] for name in pages}
        for k in range(1, args.rounds + 1):
            before = wrk(base + bare, cookie, args.seconds)
            results = {name: wrk(base + path, cookie, args.seconds) for name, path in pages.items()}
            after = wrk(base + bare, cookie, args.seconds)
            bare_rps = (before["rps"] + after["rps"]) / 2
            runs["bare view"] += [before, after]
            line = [f"round {k}: bare {before['rps']:.0f}/{after['rps']:.0f} req/s"]
            for name, result in results.items():
                runs[name].append(result)
                ratios[name].append(result["rps"] / bare_rps)
                line.append(f"{name} {result['rps']:.0f} ({result['rps'] / bare_rps:.0%})")
            print("; ".join(line), f"(load {os.getloadavg()[0]:.1f})")

        print()
        print(f"{'page':18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8}  targets")
        for name, results in runs.items():
            rps = statistics.median(r["rps"] for r in results)
            p50 = statistics.median(r["p50"] for r in results)
            p99 = statistics.median(r["p99"] for r in results)
            if name == "bare view":
                print(f"{name:18} {rps:8.0f} {p50:8.1f} {p99:8.1f} {'':>8}")
                continue
            ratio = statistics.median(ratios[name])
            ok = (
                f"{'ok' if ratio >= TARGET_RATIO else 'MISSED'} >= {TARGET_RATIO:.0%}, "
                f"{'ok' if p99 < TARGET_P99_MS else 'MISSED'} p99 < {TARGET_P99_MS:.0f} ms"
            )
            print(f"{name:18} {rps:8.0f} {p50:8.1f} {p99:8.1f} {ratio:8.0%}  {ok}")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
