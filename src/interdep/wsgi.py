"""WSGI entry point for a production server (e.g. `gunicorn interdep.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interdep.settings")
application = get_wsgi_application()

# A production start collects the static files itself (pages name them from the manifest).
from interdep.deploy import collect_static_if_needed, warm_up  # noqa: E402

collect_static_if_needed()
warm_up()
