"""gunicorn's configuration, the same for `interdep serve` and a deployment
(`gunicorn -c python:interdep.gunicorn_conf interdep.wsgi`, see deploy/).

Why gunicorn (not granian): the pages are CPU-bound Python (scoring, matplotlib figures), so what
counts is several processes, not a faster HTTP layer; gunicorn's pre-fork model with sync workers
is Django's documented, long-proven choice, is pure Python (installs everywhere pip does), and its
hooks let each worker die with its master. Granian's Rust HTTP layer gains little when the view
dominates, and adds a compiled dependency and a younger process supervisor.

Every value can be changed from the environment (gunicorn also reads GUNICORN_CMD_ARGS).
"""

from __future__ import annotations

import os

from interdep.lib.processes import cores, database_connections_close, die_with_parent

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: gunicorn's rule of thumb for CPU-bound work: two per core plus one (WEB_CONCURRENCY overrides).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * cores() + 1)
#: One request at a time per worker: the work is CPU-bound (matplotlib holds the GIL), and a
#: worker then needs one database connection. Put a buffering proxy in front against slow clients.
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
#: The app is loaded once in the master and the workers are forked from it (shared memory,
#: quick restarts). Nothing opens a database connection at import, so none is shared by a fork.
preload_app = True
#: Recycle workers now and then, so no slow leak (figures, caches) grows without end.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
#: The kernel's queue for connections waiting for a worker: bursts wait there instead of failing.
backlog = 2048
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
proc_name = "interdep-web"
#: Behind a reverse proxy on this machine, trust its X-Forwarded-* (see deploy/).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def post_fork(server, worker) -> None:
    """A worker ends when its master ends, even if the master was killed outright."""
    die_with_parent(server.pid)


def pre_fork(server, worker) -> None:
    """No database connection (or pool) is ever inherited by a worker."""
    database_connections_close()
