"""Memory of `interdep serve`: the sum of the proportional set size (Pss, from
/proc/<pid>/smaps_rollup) over its whole process tree, after it has served a few pages.

Pss counts a page shared by n processes as 1/n in each, so the sum over the tree is what the tree
really takes (resident set sizes would count the shared pages once per process).

It makes a demo couple on a fresh data folder (SQLite there), starts `interdep serve`, waits for
the page and the background processes, logs in as one of the couple and opens the home page, the
personal report and the couple report (figures: matplotlib, scipy), waits a little for the task
worker to go through its queue, then reads every process's Pss and prints them and their sum.

Run: python bench/serve_memory.py [--port 8000] [--workers 0] [--settle 10]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from interdep.lib.processes import descendants, process_name

HERE = Path(__file__).resolve().parent


def rollup(pid: int) -> dict[str, int]:
    """The kB fields of /proc/<pid>/smaps_rollup (Pss, Rss, Private_Dirty, ...)."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            match = re.match(r"(\w+):\s+(\d+) kB", line)
            if match:
                fields[match.group(1)] = int(match.group(2))
    return fields


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (0: serve's)")
    parser.add_argument("--settle", type=float, default=10, help="seconds to wait after requests")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="interdep-serve-memory-"))
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "TEST_DATABASE_URL", "REDIS_URL", "PRODUCTION")
        },
        "INTERDEP_VAR_DIR": str(work / "var"),
        "DJANGO_SETTINGS_MODULE": "interdep.settings",
    }
    python = sys.executable
    demo = subprocess.run(
        [python, "-m", "interdep.cli.main", "demo"], env=env, capture_output=True, text=True
    )
    if demo.returncode != 0:
        sys.exit("interdep demo failed:\n" + demo.stdout + demo.stderr)
    login = re.search(r"(\S+@example\.com) / (\S+)", demo.stdout)
    email, password = login.group(1), login.group(2)

    command = [python, "-m", "interdep.cli.main", "serve", "--addrport", f"127.0.0.1:{args.port}"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    serve = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    threading.Thread(
        target=lambda: [lines.append(line) for line in serve.stderr], daemon=True
    ).start()
    host = f"http://127.0.0.1:{args.port}"
    try:
        session = requests.Session()
        deadline = time.monotonic() + 180
        while True:
            try:
                session.get(host + "/api/v1/auth/csrf", timeout=60)
                break
            except requests.ConnectionError:
                if serve.poll() is not None or time.monotonic() > deadline:
                    sys.exit("serve did not start:\n" + "".join(lines)[-3000:])
                time.sleep(0.3)
        answer = session.post(
            host + "/api/v1/auth/login",
            json={"email": email, "password": password},
            headers={"X-CSRFToken": session.cookies["csrftoken"]},
            timeout=60,
        )
        answer.raise_for_status()
        pages = ["/", "/report/", "/couple/"]
        home = session.get(host + "/couple/", timeout=60).text
        pages += sorted(set(re.findall(r'href="(/couple/\d+/report/)"', home)))
        statuses = []
        for _ in range(3):  # several times, so more than one gunicorn worker has served them
            for page in pages:
                response = session.get(host + page, timeout=120)
                statuses.append(f"{page} {response.status_code}")
        time.sleep(args.settle)
        tree = {serve.pid: " ".join(command), **descendants(serve.pid)}
        total = 0
        print(f"{'pid':>8} {'Pss MB':>8} {'Rss MB':>8} {'private MB':>11}  name: command")
        for pid, cmd in sorted(tree.items()):
            try:
                fields, name = rollup(pid), process_name(pid)
            except (FileNotFoundError, ProcessLookupError):
                continue
            total += fields["Pss"]
            private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
            print(
                f"{pid:>8} {fields['Pss'] / 1024:>8.0f} {fields['Rss'] / 1024:>8.0f} "
                f"{private / 1024:>11.0f}  {name}: {cmd[:70]}"
            )
        print(f"pages: {', '.join(sorted(set(statuses)))}")
        print(
            f"total Pss of `interdep serve` ({len(tree)} processes): {total / 1024:.0f} MB "
            f"(load {os.getloadavg()[0]:.2f})"
        )
    finally:
        if serve.poll() is None:
            serve.send_signal(signal.SIGTERM)
            try:
                serve.wait(timeout=60)
            except subprocess.TimeoutExpired:
                serve.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
