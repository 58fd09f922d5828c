"""Load test: two app servers (gunicorn, the deployment's configuration) on two ports sharing one
PostgreSQL database and one Redis, and COUPLES simulated couples each going through a day
(log in, three check-ins, one sent again, the private report, the couple report) with locust,
headless, their requests alternating between the two servers, with a task worker (db_worker)
beside them as `interdep serve` runs one: it prepares each person's report and their couple report
when they submit (reports_prepare), so the report pages read prepared reports as in a deployment.
Each person thinks between two steps (--think, seconds; people arrive at --spawn-rate a second),
so what is measured is the latency of a request, not the queue of everyone firing at once.

It prints the errors (or that there were none), p50 and p99 per request type, checks that every
acknowledged check-in is stored exactly once, and that the invite-code throttle counts wrong
codes sent to both servers together (ten in all, then both refuse).

The database is created by the script (dropped first if it exists) and the Redis database is
emptied: give it ones of their own.

Run: .venv/bin/python bench/load/run.py [--couples 200] [--workers 2] [--ports 8000,8001]
        [--database postgres://postgres@127.0.0.1:5432/interdep_load]
        [--redis redis://127.0.0.1:6379/7] [--think 3,15] [--spawn-rate 1] [--run-time 900]
        [--no-task-worker]
(--think 0,0 --spawn-rate 10 --no-task-worker: the burst of the first version, reports computed
on request.)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import psycopg
import redis
import requests

HERE = Path(__file__).resolve().parent
TYPES = (
    "csrf",
    "log in",
    "check in",
    "check in (sent again)",
    "private report",
    "couple report",
)


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'drop database if exists "{name}" with (force)')
        db.execute(f'create database "{name}"')


def wait_for(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=30).close()
            return
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server behind {url} did not start") from None
            time.sleep(0.3)


def throttle_across_servers(hosts: list[str], email: str, password: str) -> list[int]:
    """Wrong invite codes from one person, alternating between the servers."""
    session = requests.Session()
    session.get(hosts[0] + "/api/v1/auth/csrf", timeout=60)
    login = session.post(
        hosts[0] + "/api/v1/auth/login",
        json={"email": email, "password": password},
        headers={"X-CSRFToken": session.cookies["csrftoken"]},
        timeout=60,
    )
    login.raise_for_status()
    return [
        session.post(
            hosts[i % 2] + "/api/v1/couple/join",
            json={"code": "ZZZZ-ZZZZ"},
            headers={"X-CSRFToken": session.cookies["csrftoken"]},
            timeout=60,
        ).status_code
        for i in range(14)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--couples", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--ports", default="8000,8001")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/interdep_load")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--spawn-rate", type=float, default=1, help="people arriving a second")
    parser.add_argument(
        "--think", default="3,15", help="seconds a person pauses between two steps: LOW,HIGH"
    )
    parser.add_argument(
        "--no-task-worker",
        dest="task_worker",
        action="store_false",
        help="no db_worker: reports are computed when first asked for",
    )
    parser.add_argument("--run-time", type=int, default=900, help="upper bound, seconds")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="interdep-load-"))
    recreate_database(args.database)
    redis.Redis.from_url(args.redis).flushdb()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "PRODUCTION")},
        "DATABASE_URL": args.database,
        "REDIS_URL": args.redis,
        "INTERDEP_VAR_DIR": str(work / "var"),
        "DJANGO_SETTINGS_MODULE": "interdep.settings",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "ERROR",
    }
    python = sys.executable
    subprocess.run(
        [python, "-m", "interdep.cli.main", "manage", "migrate", "-v", "0"], env=env, check=True
    )
    # The task worker runs from before the first submit, as beside `interdep serve`.
    worker = (
        subprocess.Popen(
            [python, "-m", "interdep.cli.main", "manage", "db_worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(work / "task-worker.log").open("w"),  # a line for every task
        )
        if args.task_worker
        else None
    )
    try:
        return run(args, env, work, worker)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)


def tasks_waiting(database: str) -> tuple[int, int, int]:
    """(waiting or running, successful, failed) tasks of the task worker."""
    with psycopg.connect(database) as db:
        rows = dict(
            db.execute(
                "select status, count(*) from django_tasks_database_dbtaskresult group by status"
            ).fetchall()
        )
    return (
        rows.get("READY", 0) + rows.get("RUNNING", 0),
        rows.get("SUCCESSFUL", 0),
        rows.get("FAILED", 0),
    )


#: The request types of the access log, by method and path (the two kinds of check-in share one).
SERVER_TYPES = (
    ("csrf", re.compile(r"GET /api/v1/auth/csrf$")),
    ("log in", re.compile(r"POST /api/v1/auth/login$")),
    ("check in (either)", re.compile(r"POST /api/v1/checkins$")),
    ("private report", re.compile(r"GET /report/\d+/$")),
    ("couple report", re.compile(r"GET /couple/\d+/report/$")),
)


def server_times(logs: list[Path]) -> dict[str, list[float]]:
    """Milliseconds each request spent inside a gunicorn worker (from the access logs), by type:
    what a request costs once a worker has it, without the wait for a free worker."""
    times: dict[str, list[float]] = {name: [] for name, _ in SERVER_TYPES}
    for log in logs:
        for line in log.read_text().splitlines():
            fields = line.split()  # method, path, status, milliseconds
            if len(fields) != 4:
                continue
            for name, pattern in SERVER_TYPES:
                if pattern.match(f"{fields[0]} {fields[1]}"):
                    times[name].append(float(fields[3]))
    return times


def run(args, env: dict, work: Path, worker: subprocess.Popen | None) -> int:
    python = sys.executable
    started = time.perf_counter()
    couples_file = work / "couples.json"
    shards = 2  # two processes make the couples side by side
    makers = [
        subprocess.Popen(
            [
                python,
                str(HERE / "setup_couples.py"),
                str(args.couples),
                str(work / f"couples-{k}.json"),
                str(k),
                str(shards),
            ],
            env=env,
        )
        for k in range(shards)
    ]
    if any(maker.wait() != 0 for maker in makers):
        raise SystemExit("making the couples failed")
    parts = [json.loads((work / f"couples-{k}.json").read_text()) for k in range(shards)]
    setup = {**parts[0], "couples": [c for part in parts for c in part["couples"]]}
    couples_file.write_text(json.dumps(setup))
    print(f"{args.couples} couples created in {time.perf_counter() - started:.0f} s")
    if worker is not None:
        # Couples submit long before they read their reports: let the worker finish preparing.
        deadline = time.monotonic() + 1800
        while (waiting := tasks_waiting(args.database))[0] and time.monotonic() < deadline:
            if worker.poll() is not None:
                raise SystemExit("the task worker stopped")
            time.sleep(2)
        print(
            f"task worker: {waiting[1]} tasks done ({waiting[2]} failed, {waiting[0]} waiting) "
            f"{time.perf_counter() - started:.0f} s after the first couple was made "
            f"(its log: {work / 'task-worker.log'})"
        )

    hosts = [f"http://127.0.0.1:{port}" for port in args.ports.split(",")]
    servers = [
        subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "--config",
                "python:interdep.gunicorn_conf",
                "--bind",
                host.removeprefix("http://"),
                "--workers",
                str(args.workers),
                # what each request took inside a worker, for the time without the queue
                "--access-logfile",
                str(work / f"access-{k}.log"),
                "--access-logformat",
                "%(m)s %(U)s %(s)s %(M)s",
                "interdep.wsgi:application",
            ],
            env=env,
        )
        for k, host in enumerate(hosts)
    ]
    try:
        for host, server in zip(hosts, servers, strict=True):
            wait_for(host + "/api/v1/auth/csrf", server)
        acked_file = work / "acked.json"
        started = time.perf_counter()
        locust = subprocess.run(
            [
                python,
                "-m",
                "locust",
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--users",
                str(args.couples),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.run_time}s",
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={
                **os.environ,
                "LOAD_HOSTS": ",".join(hosts),
                "LOAD_COUPLES": str(couples_file),
                "LOAD_ACKED": str(acked_file),
                "LOAD_USERS": str(args.couples),
                "LOAD_THINK": args.think,
            },
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
        throttle = throttle_across_servers(hosts, setup["guesser"], setup["password"])
        with psycopg.connect(args.database) as db:
            held = db.execute(
                "select count(*) from pg_stat_activity where datname = current_database() "
                "and pid <> pg_backend_pid()"
            ).fetchone()[0]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=60)

    recorded = json.loads(acked_file.read_text())
    timings = recorded["timings"]
    print(
        f"\n{args.couples} couples through {len(hosts)} app servers "
        f"({args.workers} gunicorn workers each, one PostgreSQL, one Redis"
        f"{', a task worker' if worker is not None else ', no task worker'}) in {elapsed:.0f} s; "
        f"arriving {args.spawn_rate:g} a second, thinking {args.think.replace(',', '-')} s "
        f"between steps (load average {os.getloadavg()[0]:.2f})"
    )
    print(f"{'request':<24}{'count':>7}{'errors':>8}{'p50 ms':>10}{'p99 ms':>10}")
    counts_by_type = {}
    for name in (*TYPES, "all"):
        rows = [t for t in timings if name in ("all", t[0])]
        counts_by_type[name] = len(rows)
        times = np.array([t[1] for t in rows] or [np.nan])
        print(
            f"{name:<24}{len(rows):>7}{sum(1 for t in rows if t[2]):>8}"
            f"{np.percentile(times, 50):>10.0f}{np.percentile(times, 99):>10.0f}"
        )
    print(
        "inside the servers (gunicorn's request time, the wait for a free worker left out):\n"
        f"{'request':<24}{'count':>7}{'':>8}{'p50 ms':>10}{'p99 ms':>10}"
    )
    for name, times in server_times(sorted(work.glob("access-*.log"))).items():
        values = np.array(times or [np.nan])
        print(
            f"{name:<24}{len(times):>7}{'':>8}"
            f"{np.percentile(values, 50):>10.0f}{np.percentile(values, 99):>10.0f}"
        )
    failures = [t for t in timings if t[2]]
    errors = len(failures)
    if failures:
        print("\nerrors:")
        for (name, error), count in Counter((t[0], t[2]) for t in failures).most_common():
            print(f"  {count} x {name}: {error}")
    else:
        print("\nerrors: none")
    if locust.returncode not in (0, 1) or os.environ.get("LOAD_VERBOSE"):
        print(locust.stderr[-3000:])

    acked = recorded["acked"]
    client_ids = sorted({a["client_id"] for a in acked})
    with psycopg.connect(args.database) as db:
        counts = dict(
            db.execute(
                "select client_id::text, count(*) from checkins_checkin "
                "where client_id::text = any(%s) group by client_id",
                (client_ids,),
            ).fetchall()
        )
        total = db.execute("select count(*) from checkins_checkin").fetchone()[0]
    once = all(counts.get(cid) == 1 for cid in client_ids)
    waiting, done, failed = tasks_waiting(args.database)
    if worker is not None:
        print(f"task worker after the run: {done} done, {failed} failed, {waiting} waiting")
    missing = [cid for cid in client_ids if cid not in counts]
    print(
        f"check-ins acknowledged: {len(acked)} responses for {len(client_ids)} client ids; "
        f"stored: {total} rows; each stored exactly once: {once}"
        + (f"; missing {len(missing)}" if missing else "")
    )
    for problem in recorded["problems"]:
        print("  " + problem)
    pool = int(os.environ.get("DB_POOL_MAX_SIZE", "4"))
    print(
        f"PostgreSQL connections the servers hold after the run: {held} "
        f"(pool bound: {len(hosts)} servers x {args.workers} workers x {pool} = "
        f"{len(hosts) * args.workers * pool})"
    )
    wrong, refused = throttle.count(400), throttle.count(429)
    print(
        f"throttle across servers: 14 wrong invite codes alternating between the two servers: "
        f"{wrong} counted as wrong, {refused} refused (429): {throttle}"
    )
    ok = (
        errors == 0
        and once
        and not missing
        and total == len(client_ids)
        and not recorded["problems"]
        and throttle == [400] * 10 + [429] * 4
        # every couple's day reached its couple report (a finished user waits for the end, so
        # there is one day per couple: 200 of 200 in both runs since)
        and counts_by_type["couple report"] >= args.couples
        and (worker is None or failed == 0)
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
