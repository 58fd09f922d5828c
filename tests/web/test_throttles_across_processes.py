"""The invite-code throttle and the login throttle hold overall, not per process: two gunicorn
app servers (separate processes, as two machines would be) share one database, and with
REDIS_URL one Redis; wrong codes and wrong passwords sent to both, one after the other and all at
once, stop at the limit. A per-process counter would let each server allow the limit.

Real processes: `interdep manage migrate`, then two `gunicorn` servers with the deployment's
configuration (interdep.gunicorn_conf), driven over HTTP.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from .servers import free_port, server_env, wait_for

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

#: A Redis database of the tests' own (never 0): emptied before and after.
# a Redis database per pytest-xdist worker (7, 8, ...): each worker builds this module's servers
# for itself, flushes its database and counts the keys in it
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_TEST_URL = os.environ.get(
    "THROTTLE_TEST_REDIS_URL", f"redis://127.0.0.1:6379/{7 + _WORKER % 8}"
)
PASSWORD = "correct horse battery staple"
JOIN_LIMIT = 10  # couples.services.JOIN_FAILURES_PER_HOUR
LOGIN_LIMIT = 8  # settings.AXES_FAILURE_LIMIT's default


def _redis():
    import redis  # deferred: only the Redis variant needs it

    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis server at {REDIS_TEST_URL}")
    return client


def _fresh_postgresql_database() -> str:
    """A new database beside TEST_DATABASE_URL's (PostgreSQL only), for the servers."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("set TEST_DATABASE_URL to a PostgreSQL database for this variant")
    import psycopg  # deferred: only the PostgreSQL variant needs it

    parts = urlsplit(url)
    # each pytest-xdist worker builds this module's servers for itself: a database of its own,
    # or one worker's drop (with force) cuts the other's connections
    name = f"{parts.path.lstrip('/')}_throttles_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
        db.execute(f'drop database if exists "{name}" with (force)')
        db.execute(f'create database "{name}"')
    return urlunsplit(parts._replace(path="/" + name))


def _drop_database(url: str) -> None:
    import psycopg  # deferred: only the PostgreSQL variant needs it

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
        db.execute(f'drop database if exists "{parts.path.lstrip("/")}" with (force)')


@pytest.fixture(scope="module", params=["sqlite", "redis", "postgresql"])
def servers(request, tmp_path_factory):
    """Two app servers (one gunicorn worker each) on one database: SQLite in one data folder
    (the cache a table in it), the same with Redis, or PostgreSQL (the cache a table in it).
    The tests share them, each with people of its own."""
    tmp_path = tmp_path_factory.mktemp(f"throttle-{request.param}")
    extra = {}
    redis_client = None
    if request.param == "postgresql":
        extra["DATABASE_URL"] = _fresh_postgresql_database()
    if request.param == "redis":
        redis_client = _redis()
        redis_client.flushdb()
        extra["REDIS_URL"] = REDIS_TEST_URL
    env = server_env(tmp_path, **extra)
    manage = [sys.executable, "-m", "interdep.cli.main", "manage"]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    processes, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "--config",
                        "python:interdep.gunicorn_conf",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                        "interdep.wsgi:application",
                    ],
                    env=env,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_for(url + "/api/v1/auth/csrf", process)
        yield {
            "urls": urls,
            "kind": request.param,
            "var": tmp_path,
            "redis": redis_client,
            "database": extra.get("DATABASE_URL"),
        }
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        if redis_client is not None:
            redis_client.flushdb()
        if extra.get("DATABASE_URL"):
            _drop_database(extra["DATABASE_URL"])


class Person:
    """One browser-like session; its cookies work on either server (one database of sessions)."""

    def __init__(self, urls: list[str], name: str):
        self.urls = urls
        self.session = requests.Session()
        self.email = f"{name}@example.org"
        self.session.get(urls[0] + "/api/v1/auth/csrf", timeout=60).raise_for_status()
        made = self.post(
            0, "/api/v1/auth/signup", email=self.email, password=PASSWORD, display_name=name
        )
        assert made.status_code == 201, made.text

    def post(self, server: int, path: str, **body) -> requests.Response:
        return self.session.post(
            self.urls[server] + path,
            json=body,
            # the cookie's token (it changes at log-in), as the app's own script sends it
            headers={
                "X-CSRFToken": self.session.cookies["csrftoken"],
                "Referer": self.urls[server] + "/",
            },
            timeout=120,
        )


def _stored_slots(servers) -> int:
    """Throttle slots where the servers keep them (proof the shared cache is the one used)."""
    query = "select count(*) from interdep_cache where cache_key like '%throttle:couple-join%'"
    if servers["kind"] == "redis":
        return len(servers["redis"].keys("*throttle:couple-join-failures*"))
    if servers["kind"] == "postgresql":
        import psycopg  # deferred: only the PostgreSQL variant needs it

        with psycopg.connect(servers["database"]) as db:
            return db.execute(query).fetchone()[0]
    with sqlite3.connect(servers["var"] / "interdep.sqlite3") as db:
        return db.execute(query).fetchone()[0]


def test_wrong_invite_codes_are_counted_once_across_two_servers(servers):
    urls = servers["urls"]
    alice, bob = Person(urls, "alice"), Person(urls, "bob")
    code = alice.post(0, "/api/v1/couple/invite").json()["code"]

    statuses = [
        bob.post(i % 2, "/api/v1/couple/join", code="AAAA-AAAA").status_code for i in range(16)
    ]
    # ten wrong codes in all (five on each server), then both servers refuse
    assert statuses[:JOIN_LIMIT] == [400] * JOIN_LIMIT, statuses
    assert statuses[JOIN_LIMIT:] == [429] * (16 - JOIN_LIMIT), statuses
    for server in (0, 1):  # even the right code waits now, on either server
        refused = bob.post(server, "/api/v1/couple/join", code=code)
        assert refused.status_code == 429 and refused.json()["code"] == "too_many_attempts"
    assert _stored_slots(servers) == JOIN_LIMIT


def test_wrong_invite_codes_sent_at_once_to_two_servers_stop_at_the_limit(servers):
    urls = servers["urls"]
    carol = Person(urls, "carol")
    sends = 30
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(
                lambda i: carol.post(i % 2, "/api/v1/couple/join", code="BBBB-BBBB").status_code,
                range(sends),
            )
        )
    # never more wrong codes tried than the limit, however the two servers interleave
    assert statuses.count(400) == JOIN_LIMIT, statuses
    assert statuses.count(429) == sends - JOIN_LIMIT, statuses


def test_wrong_passwords_on_two_servers_lock_the_login_on_both(servers):
    urls = servers["urls"]
    Person(urls, "dave")
    guesser = Person(urls, "eve")
    statuses = [
        guesser.post(
            server, "/api/v1/auth/login", email="dave@example.org", password="wrong-guess"
        ).status_code
        for server in itertools.islice(itertools.cycle((0, 1)), LOGIN_LIMIT)
    ]
    assert statuses[: LOGIN_LIMIT - 1] == [401] * (LOGIN_LIMIT - 1), statuses
    for server in (0, 1):  # locked on both: even the right password is refused
        right = guesser.post(
            server, "/api/v1/auth/login", email="dave@example.org", password=PASSWORD
        )
        assert right.status_code == 429, right.text
