"""Settings for bench/pages.py: the application's own settings, with one bench-only route added
(the bare view every page is compared with). Nothing else differs: same middleware, same
templates, same database and cache configuration."""

from interdep.settings import *  # noqa: F403 (the application's settings, unchanged)

ROOT_URLCONF = "pages_urls"
