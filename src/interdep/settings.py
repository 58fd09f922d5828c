"""Settings for the Interdep web application, read from environment variables (12-factor).

Every value a deployment may change comes from the environment through the small typed helpers
below; the defaults are for a developer's machine (SQLite in ./var, console email). Set
``PRODUCTION=true`` (with SECRET_KEY, ALLOWED_HOSTS and usually DATABASE_URL) for a deployment:
cookies become Secure, HTTPS is enforced, and `manage.py check --deploy` is clean.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from interdep import deploy as _deploy


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None or value == "" else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


BASE_DIR = Path(__file__).resolve().parent
#: Run-time data (SQLite database, collected static files) lives in ./var of the working directory.
VAR_DIR = Path(env_str("INTERDEP_VAR_DIR", str(Path.cwd() / "var")))

PRODUCTION = env_bool("PRODUCTION")
DEBUG = env_bool("DEBUG", default=False) and not PRODUCTION
# Imported under pytest: the suite may point at another server through TEST_DATABASE_URL.
TESTING = "pytest" in sys.modules

_DEV_SECRET = _deploy.DEV_SECRET
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise RuntimeError("PRODUCTION=true needs SECRET_KEY set to at least 50 random characters")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
#: The product's name, shown in every page, email and push (never the server's host name).
SITE_NAME = env_str("SITE_NAME", "Interdep")
#: A deployment's own licensed validity measure (TOML in the format of content/anchors.toml,
#: see docs/validity.md); empty: only the shipped anchors are offered.
EXTRA_MEASURES_FILE = env_str("INTERDEP_EXTRA_MEASURES")
#: Where people reach the app from outside, for links in emails (reminders, password resets).
SITE_URL = (env_str("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",  # staff verify clinicians there (at ADMIN_PATH, never /admin/)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "interdep.accounts",
    "interdep.couples",
    "interdep.assessments",
    "interdep.api",
    "interdep.clinic",
    "interdep.datarights",  # clinicians, audit log, export and deletion
    "interdep.checkins",  # daily check-ins, reminders, the couple's dynamics
    "interdep.plans",
    "interdep.exercises",  # practice plans, progress, couple exercises
    "interdep.psychometrics",  # research consent, validity anchors, the staff psychometrics page
    "interdep.preferences",  # account settings, time zone, first-run guide, re-authentication
    "interdep.notifications",  # in-app notifications, Web Push, emails with unsubscribe
    "interdep.pwa",  # manifest, icons, service worker, error pages, privacy notice and terms
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "interdep.accounts.sessions.IdleTimeoutMiddleware",
    "interdep.api.strict_json.StrictJSONMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "interdep.lib.http.PrivateCacheMiddleware",
    "interdep.clinic.middleware.PermissionsPolicyMiddleware",
    "interdep.pwa.roles.ClinicianHomeMiddleware",  # a verified clinician's home is the caseload
    # Last, as django-axes asks: it turns lockouts raised during authentication into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "interdep.urls"
WSGI_APPLICATION = "interdep.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "interdep.lib.http.nav_context",
                "interdep.pwa.context.frame",
            ],
        },
    }
]


def _database(url: str) -> dict:
    if url:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config["OPTIONS"] = _SQLITE_OPTIONS
        elif config["ENGINE"] == "django.db.backends.postgresql" and _pool_max() > 0:
            # psycopg's pool: each process keeps at most DB_POOL_MAX_SIZE connections and lends
            # one to a request for its duration (Django requires CONN_MAX_AGE=0 with a pool), so
            # a burst never leaves dozens of idle connections open.
            config["CONN_MAX_AGE"] = 0
            config.setdefault("OPTIONS", {})["pool"] = {
                "min_size": min(env_int("DB_POOL_MIN_SIZE", 1), _pool_max()),
                "max_size": _pool_max(),
                "timeout": env_int("DB_POOL_TIMEOUT", 10),
                "max_idle": env_int("DB_POOL_MAX_IDLE", 300),
            }
        return config
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "interdep.sqlite3",
        "OPTIONS": _SQLITE_OPTIONS,
        # A file, not memory, so threads and the live server share one database with WAL.
        "TEST": {"NAME": VAR_DIR / f"test-{os.getpid()}.sqlite3"},
    }


def _pool_max() -> int:
    """Connections each process may hold to PostgreSQL (0: no pool, DB_CONN_MAX_AGE applies). A
    gunicorn worker serves one request at a time, so a few cover it and the task worker's threads."""
    return env_int("DB_POOL_MAX_SIZE", 4)


#: SQLite as a server database: WAL so readers never block the writer, a busy timeout instead of
#: "database is locked", and IMMEDIATE transactions so a write transaction takes the lock at BEGIN
#: (no deadlock-prone upgrade from a read lock half way through).
_SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    # secure_delete: a deleted row's bytes are overwritten, not left readable in free pages.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
}

DATABASES = {
    "default": _database(
        (env_str("TEST_DATABASE_URL") or env_str("DATABASE_URL"))
        if TESTING
        else env_str("DATABASE_URL")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _caches() -> dict:
    """One cache shared by every process and machine that serves the site: the throttles count in
    it (interdep.lib.throttle) and rendered reports are kept in it.

    - REDIS_URL set: Redis through Django's own backend (atomic, shared by every app server).
    - Otherwise: a table in the application's database (shared by every worker process and
      every app server on that database; created by `migrate`, see interdep.lib.throttle).
    - Under pytest: memory of the test process, unless TEST_REDIS_URL names a Redis database
      (never REDIS_URL: the tests clear the cache, which empties the whole Redis database).
    """
    redis_url = env_str("TEST_REDIS_URL") if TESTING else env_str("REDIS_URL")
    if redis_url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "interdep"),
            }
        }
    if TESTING:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "interdep_cache",
            # Culling deletes keys in key order once the table holds this many: keep it far
            # above what the reports and the throttles' slots need.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 100_000)},
        }
    }


CACHES = _caches()

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing cost is not what the tests measure; the production list stays Argon2 first.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Reset links are single use (the token signs the password hash and last login) and short-lived.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 2)


AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 8)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# authenticate() is called with username=<email> (the login form and the API alike).
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
#: JSON {detail, code} on the API, the page above elsewhere.
AXES_LOCKOUT_CALLABLE = "interdep.clinic.middleware.lockout_response"
#: Reverse proxies in front of the app servers (BEHIND_PROXY alone means one): the throttle then
#: counts the client's address from X-Forwarded-For, not the proxy's (interdep.lib.http.client_ip).
PROXY_COUNT = env_int("PROXY_COUNT", 1 if env_bool("BEHIND_PROXY") else 0)
AXES_CLIENT_IP_CALLABLE = "interdep.lib.http.client_ip"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14  # the absolute lifetime
#: Idle timeout on top of it (seconds without a request): people, then clinicians and staff.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 2 * 60 * 60)
SESSION_IDLE_SECONDS_CLINICIAN = env_int("SESSION_IDLE_SECONDS_CLINICIAN", 30 * 60)
#: The full export needs the password typed (or a sign-in) within this many seconds.
REAUTH_SECONDS = env_int("REAUTH_SECONDS", 10 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# ---------------------------------------------------------------------------------------------
# Hardening: encryption keys, the admin's path, and headers beyond Django's own
# ---------------------------------------------------------------------------------------------

#: Fernet keys for private free text, newest first (see interdep.crypto; rotate with
#: `interdep manage rotate_encryption`). Outside production a key derived from SECRET_KEY is used.
ENCRYPTION_KEYS = env_list("INTERDEP_ENCRYPTION_KEYS")
#: The Django admin (staff verify clinicians there) lives at a path nobody guesses: set
#: INTERDEP_ADMIN_PATH, or one is derived from SECRET_KEY (`interdep manage admin_path` prints it).
ADMIN_PATH = env_str("INTERDEP_ADMIN_PATH").strip("/") or (
    "staff-" + __import__("hashlib").sha256(("admin-path:" + SECRET_KEY).encode()).hexdigest()[:12]
)
# A deployment with a development value, a missing key or host, or a plain-http SITE_URL does
# not start at all (`check --deploy` reports the same rules without PRODUCTION; see deploy.py).
if PRODUCTION:
    _wrong = _deploy.problems(
        secret_key=SECRET_KEY,
        allowed_hosts=ALLOWED_HOSTS,
        encryption_keys=ENCRYPTION_KEYS,
        site_url=SITE_URL,
    )
    if _wrong:
        raise RuntimeError(
            "PRODUCTION=true refuses to start: " + " ".join(f"[{i}] {m}" for i, m in _wrong)
        )
#: Browser features no page here uses, switched off for every response.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
#: A clinician's caseload flags a couple whose newest data is older than this.
CLINIC_STALE_DAYS = env_int("CLINIC_STALE_DAYS", 21)

#: No inline script or style anywhere: everything comes from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        "frame-src": [NONE],
        "worker-src": [SELF],  # the service worker (interdep.pwa), our own file only
        "manifest-src": [SELF],
        **({"upgrade-insecure-requests": True} if PRODUCTION else {}),
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Interdep <noreply@localhost>")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

#: How long an invite to link as a couple stays valid.
INVITE_TTL_DAYS = 7

#: The private support page: a TOML file of support services for this deployment (README, "Support
#: resources"); empty means the shipped file, which lists only the local emergency number. The
#: quick-exit button leaves for this address and replaces the page in the browser's history.
SUPPORT_RESOURCES_FILE = env_str("INTERDEP_SUPPORT_RESOURCES")
QUICK_EXIT_URL = env_str("INTERDEP_QUICK_EXIT_URL", "https://www.google.com/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# ---------------------------------------------------------------------------------------------
# Coming back: notifications, Web Push, the installable app, legal pages
# ---------------------------------------------------------------------------------------------

#: Who runs this service, named in the privacy notice and the terms.
OPERATOR_NAME = env_str("OPERATOR_NAME", "The operator of this Interdep service")
OPERATOR_CONTACT = env_str("OPERATOR_CONTACT", "privacy@example.org")
#: VAPID keys for Web Push: a PEM private key in the environment, or one generated on first use
#: and kept in the data folder (VAR_DIR/vapid_private.pem). The subject is a contact for the
#: push services (mailto: or https:).
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY")
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:" + OPERATOR_CONTACT)
#: How often an open page asks for new notifications (htmx polling; see interdep.notifications).
NOTIFICATION_POLL_SECONDS = env_int("NOTIFICATION_POLL_SECONDS", 10)
