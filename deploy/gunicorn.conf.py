"""gunicorn's configuration for an app server (systemd/interdep-web.service starts it with
`gunicorn -c deploy/gunicorn.conf.py interdep.wsgi`).

Everything comes from interdep.gunicorn_conf (the same as `interdep serve` uses: workers from the
cores, sync workers, preloaded app, workers that die with their master); this file only chooses
where to listen. Behind a TLS proxy on the same machine keep 127.0.0.1; behind a load balancer on
another machine listen on the private network address and set FORWARDED_ALLOW_IPS to the
balancer's address.
"""

import os

from interdep.gunicorn_conf import *  # noqa: F403

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
