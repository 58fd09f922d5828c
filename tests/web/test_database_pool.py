"""PostgreSQL runs through psycopg's connection pool (Django's OPTIONS["pool"]): each process
holds at most DB_POOL_MAX_SIZE connections, however many threads ask, and none stays open per
thread (CONN_MAX_AGE is 0, as Django requires with a pool)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from interdep import settings as interdep_settings

PG = "postgres://app:secret@db.internal:5432/interdep"


def test_postgresql_gets_the_pool_sized_from_the_environment(monkeypatch):
    config = interdep_settings._database(PG)
    assert config["CONN_MAX_AGE"] == 0
    assert config["OPTIONS"]["pool"]["max_size"] == 4
    assert config["OPTIONS"]["pool"]["min_size"] == 1
    monkeypatch.setenv("DB_POOL_MAX_SIZE", "12")
    monkeypatch.setenv("DB_POOL_MIN_SIZE", "2")
    pool = interdep_settings._database(PG)["OPTIONS"]["pool"]
    assert (pool["max_size"], pool["min_size"]) == (12, 2)
    # 0 turns the pool off: connections are kept per thread for DB_CONN_MAX_AGE instead
    monkeypatch.setenv("DB_POOL_MAX_SIZE", "0")
    monkeypatch.setenv("DB_CONN_MAX_AGE", "30")
    plain = interdep_settings._database(PG)
    assert "pool" not in plain.get("OPTIONS", {}) and plain["CONN_MAX_AGE"] == 30
    # SQLite has no pool
    assert "pool" not in interdep_settings._database("sqlite:////tmp/x.sqlite3")["OPTIONS"]


@pytest.mark.django_db(transaction=True)
def test_many_threads_share_a_few_pooled_connections_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the pool is PostgreSQL's (set TEST_DATABASE_URL to a PostgreSQL database)")
    from interdep.accounts.models import User  # deferred: after the test database exists

    connection.ensure_connection()
    pool = connection.pool
    assert pool is not None and pool.max_size == 4
    results: list[int] = []

    def work() -> None:
        try:
            results.append(User.objects.count())
        finally:
            connections.close_all()  # what Django does at the end of every request

    threads = [threading.Thread(target=work) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [0] * 16
    with connection.cursor() as cursor:
        cursor.execute(
            "select count(*) from pg_stat_activity where datname = current_database() "
            "and pid <> pg_backend_pid() and backend_type = 'client backend'"
        )
        others = cursor.fetchone()[0]
    assert others + 1 <= pool.max_size, others
