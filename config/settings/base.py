"""Settings, every one read from the environment through one ``environ.Env()``.

Production is the default: DEBUG is off and ``SECRET_KEY`` has no default, so a
deploy that forgot it fails at start. ``make run`` writes a local ``.env`` with
DEBUG on and a generated key; tests use ``config.settings.test``.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# Variables already in the environment win over the file.
environ.Env.read_env(env.path("ENV_FILE", default=BASE_DIR / ".env"), overwrite=False)

SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "accounts",
    "bookmarks",
    "annotations",
    "groups",
    "feeds",
    "interchange",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After LocaleMiddleware and the user: a signed-in person's saved language
    # wins over the browser's; then the reader's time zone.
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into our page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'commonplace.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write the same file: WAL lets readers
    # go on during a write, and IMMEDIATE transactions wait for the lock
    # instead of failing with "database is locked" halfway through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache ----------------------------------------------------------------
# Anonymous group pages and feeds, item counts, tag clouds and item cards are
# cached under keys carrying their group's version, which lives in the
# database (groups/caching.py): whichever process changes a group (a web
# server, the snapshot worker, an import) retires its entries for every
# process. Redis when REDIS_URL is set (many web processes share what one
# rendered, and every process must be given it), else each process's own
# memory, as in the embedded default, where one web process serves pages and
# the worker never reads them.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    # Sessions read from the shared cache, written through to the database:
    # a signed-in request costs no session query. Only with a cache every web
    # process shares, so that signing out anywhere ends the session everywhere.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # Pages of some 50 kB, cards of some 3 kB: at most 150 MB per process.
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
    }
#: Whether every process (web servers and workers) shares the cache: then an
#: anonymous page is checked against a generation kept in the cache, not the
#: database (groups/caching.py). Every process must then get the same REDIS_URL.
CACHE_SHARED = bool(REDIS_URL)

# --- Authentication -------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    # Throttles sign-in: refuses the attempt while a lock-out lasts.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
#: Sign-in throttling (django-axes, attempts kept in the database so every
#: web process sees them): 5 failures per username and address lock that
#: pair out for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
# Lock-outs are cleared with `manage.py axes_reset`; admin stays for content.
AXES_ENABLE_ADMIN = False

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("zh-hant", "繁體中文"),
    ("zh-hans", "简体中文"),
]
#: locale/zh_Hant and locale/zh_Hans: `manage.py makemessages`, then `compilemessages`.
LOCALE_PATHS = [BASE_DIR / "locale"]
#: The language switch's choice lasts a year, not one browser session.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
#: Stored and computed in UTC; shown in the reader's zone (accounts.middleware).
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# No USE_THOUSAND_SEPARATOR: it would group ids written into pages too
# (value="{{ bookmark.pk }}" becoming "1,234"); a count is grouped where it
# is shown, with humanize's intcomma.

# --- Static files and uploaded/cached files -------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- HTTPS ----------------------------------------------------------------
# On by default in production; HTTPS_ONLY=false serves plain HTTP (for
# instance on 127.0.0.1 behind nothing), which `check --deploy` will flag.
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS_ONLY)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS_ONLY)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [] if HTTPS_ONLY else ["security.W004", "security.W008"]

# --- Mail -----------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="commonplace@localhost")

# --- Celery ---------------------------------------------------------------
# Without a broker URL, the embedded default: kombu's filesystem transport
# in var/broker, which a worker started beside the web server consumes.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # Short timeouts: with the broker down a save must still finish quickly.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 2,
        "socket_timeout": 2,
        "max_retries": 1,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
#: Pending snapshots whose first enqueue met a broker that was down.
CELERY_BEAT_SCHEDULE = {
    "enqueue-stale-snapshots": {
        "task": "bookmarks.tasks.enqueue_stale_snapshots",
        "schedule": 600.0,
    },
    #: Uploaded imports whose job was lost with its worker.
    "enqueue-stale-imports": {
        "task": "interchange.tasks.enqueue_stale_imports",
        "schedule": 600.0,
    },
    #: A safety net for writes that bypassed the search index's signals.
    "refresh-search-index": {
        "task": "search.tasks.refresh_stale_entries",
        "schedule": 3600.0,
    },
}

# --- Fetching pages -------------------------------------------------------
#: Where the fetcher may go: "public" (public addresses only, through the
#: guard), "loopback" (127.0.0.1 and ::1 only, any port: tests, CI and
#: benchmarks) or "off" (nothing is fetched; snapshots stay pending).
FETCH_NETWORK = env.str("FETCH_NETWORK", default="public")
if FETCH_NETWORK not in {"public", "loopback", "off"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("FETCH_NETWORK must be public, loopback or off.")
#: Wall-clock limit for one fetch, redirects included (seconds).
FETCH_TIMEOUT = env.float("FETCH_TIMEOUT", default=20.0)
#: Bytes read from the network for one response, and after decompression.
FETCH_MAX_BYTES = env.int("FETCH_MAX_BYTES", default=10 * 1024 * 1024)
FETCH_MAX_DECOMPRESSED_BYTES = env.int("FETCH_MAX_DECOMPRESSED_BYTES", default=20 * 1024 * 1024)
FETCH_MAX_REDIRECTS = env.int("FETCH_MAX_REDIRECTS", default=5)
#: Ports other than 80 and 443 the "public" network may use.
FETCH_EXTRA_PORTS = [int(port) for port in env.list("FETCH_EXTRA_PORTS", default=[])]
#: Size budget for what a cached copy inlines (each resource, and in all).
SNAPSHOT_MAX_RESOURCE_BYTES = env.int("SNAPSHOT_MAX_RESOURCE_BYTES", default=2 * 1024 * 1024)
SNAPSHOT_MAX_TOTAL_BYTES = env.int("SNAPSHOT_MAX_TOTAL_BYTES", default=8 * 1024 * 1024)
FETCH_USER_AGENT = env.str(
    "FETCH_USER_AGENT", default="Commonplace/1.0 (+self-hosted bookmark cache)"
)

# --- Pinboard-compatible API (interchange/pinboard/ratelimit.py) -----------
#: Calls per user per window; posts/all costs PINBOARD_API_ALL_COST calls.
PINBOARD_API_RATE_LIMIT = env.int("PINBOARD_API_RATE_LIMIT", default=60)
PINBOARD_API_RATE_WINDOW = env.int("PINBOARD_API_RATE_WINDOW", default=60)
PINBOARD_API_ALL_COST = env.int("PINBOARD_API_ALL_COST", default=10)
#: Failed authentications per client address per window.
PINBOARD_API_AUTH_FAILURE_LIMIT = env.int("PINBOARD_API_AUTH_FAILURE_LIMIT", default=20)

# --- Logging --------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
