"""A day of one couple's partner, for locust (driven by bench/load/run.py; also runs on its own:
LOAD_HOSTS, LOAD_COUPLES and LOAD_ACKED set, `locust -f bench/load/locustfile.py --headless`).

Each simulated user is one couple (its partner a or b by turn): log in, check in three times,
send the third check-in again to the other server (what a phone does when the answer was lost),
open the private report and the couple report, and stop. Between two steps the person thinks, as
people do: a pause drawn between the two seconds in LOAD_THINK ("3,15" unless set; "0,0" fires at
once, which measures the queue of a burst rather than the latency of a request). Its requests
alternate between the app servers in LOAD_HOSTS, so every step may land on a server other than
the one before. Every acknowledged check-in (its client id and the stored id) is written to
LOAD_ACKED for the check that each is stored exactly once.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

HOSTS = os.environ.get("LOAD_HOSTS", "http://127.0.0.1:8000").split(",")
SETUP = (
    json.loads(Path(os.environ["LOAD_COUPLES"]).read_text())
    if os.environ.get("LOAD_COUPLES")
    else None
)
ACKED_FILE = os.environ.get("LOAD_ACKED", "")
THINK = tuple(float(s) for s in os.environ.get("LOAD_THINK", "3,15").split(","))
_next_couple = itertools.count()
_done = itertools.count(1)
acked: list[dict] = []
problems: list[str] = []


#: Every request as it completed: (type, milliseconds, error or "") for exact percentiles.
timings: list[tuple[str, float, str]] = []


@events.request.add_listener
def _time(request_type, name, response_time, response_length, exception=None, **kwargs) -> None:
    timings.append((name, response_time, repr(exception)[:300] if exception else ""))


@events.quitting.add_listener
def _write_acked(environment, **kwargs) -> None:
    if ACKED_FILE:
        with open(ACKED_FILE, "w") as handle:
            json.dump({"acked": acked, "problems": problems, "timings": timings}, handle)


class Couple(HttpUser):
    host = HOSTS[0]
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.index = next(_next_couple)
        couple = SETUP["couples"][self.index % len(SETUP["couples"])]
        self.couple = couple["couple"]
        self.person = couple["people"][self.index % 2]
        self.servers = itertools.cycle(HOSTS[self.index % len(HOSTS) :] + HOSTS)
        self.rng = random.Random(self.index)

    def _url(self, path: str) -> str:
        return next(self.servers) + path

    def _csrf(self) -> dict:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}

    def _check_in(self, client_id: str, name: str, occurred_at: str):
        body = {
            "occurred_at": occurred_at,
            "tz": "UTC",
            "valence": self.rng.randint(0, 100),
            "arousal": self.rng.randint(0, 100),
            "closeness": self.rng.randint(1, 7),
            "felt_self": self.rng.randint(1, 7),
            "bid_made": self.rng.random() < 0.5,
            "client_id": client_id,
        }
        with self.client.post(
            self._url("/api/v1/checkins"),
            json=body,
            headers=self._csrf(),
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code in (200, 201):
                stored = response.json()["id"]
                acked.append({"email": self.person["email"], "client_id": client_id, "id": stored})
                response.success()
                return stored
            response.failure(f"{response.status_code}: {response.text[:200]}")
            return None

    @task
    def day(self) -> None:
        self.client.get(self._url("/api/v1/auth/csrf"), name="csrf")
        self.wait()  # the login form: typing the email and the password
        with self.client.post(
            self._url("/api/v1/auth/login"),
            json={"email": self.person["email"], "password": SETUP["password"]},
            headers=self._csrf(),
            name="log in",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                raise StopUser()
        # morning, afternoon and evening of the day just past
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        moments = [(now - timedelta(hours=h)).isoformat() for h in (13, 8, 2)]
        client_ids = [str(uuid.uuid4()) for _ in moments]
        stored = []
        for cid, at in zip(client_ids, moments, strict=True):
            self.wait()  # answering the check-in's questions
            stored.append(self._check_in(cid, "check in", at))
        self.wait()  # the phone's retry after an answer it did not get
        again = self._check_in(client_ids[-1], "check in (sent again)", moments[-1])
        if stored[-1] is not None and again is not None and again != stored[-1]:
            problems.append(f"{client_ids[-1]} stored as {stored[-1]} and again as {again}")
        for path, name in (
            (f"/report/{self.person['assessment']}/", "private report"),
            (f"/couple/{self.couple}/report/", "couple report"),
        ):
            self.wait()  # reading the page before
            with self.client.get(self._url(path), name=name, catch_response=True) as response:
                if response.status_code != 200 or b"<html" not in response.content[:500].lower():
                    response.failure(f"{response.status_code}")
        if next(_done) == int(os.environ.get("LOAD_USERS", "0") or -1):
            gevent.spawn_later(0.5, self.environment.runner.quit)
        # One day per couple: a user that stopped would be started again (another day of the
        # same couple, beyond the couples asked for), so it waits here until the run ends.
        gevent.sleep(24 * 3600)
