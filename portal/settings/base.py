"""Settings shared by every environment, read from environment variables.

Dev works with nothing set (SQLite, a database-backed cache). ``DATABASE_URL``
moves the data to PostgreSQL and ``REDIS_URL`` moves cache and sessions to
Redis, so several app servers can share one state.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "adminsortable2",
    "portal",
    "notifications",
    "modules",
    "library",
    "topics",
    "debates",
    "reflections",
    "credentials",
    "studygroups",
    "organisations",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.PrivatePagesMiddleware",
    "portal.pagecache.PageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.HtmxSignInRedirectMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
            ],
        },
    },
]

# Databases: SQLite by default (WAL, immediate transactions so writers queue
# instead of failing with "database is locked"); DATABASE_URL for PostgreSQL.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 600))
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                    # Reads from memory: the page cache and the file mapped (128 MiB), as
                    # the connection lives on between requests (below).
                    "PRAGMA cache_size=-32000;"
                    "PRAGMA mmap_size=134217728;"
                    "PRAGMA temp_store=MEMORY;"
                ),
            },
            # One connection per worker kept between requests (opening one and setting
            # the pragmas costs more than most queries), checked before reuse.
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 600),
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: Redis when REDIS_URL is set. Otherwise the database
# cache, which every worker process shares (login rate limits live here, and a
# per-process cache would let each worker count failures alone).
# Kept pages (portal.pagecache) have a cache of their own, "pages", so that however many
# of them visitors make, they never push out the rate limits or the sessions: a table of
# their own on the database cache (which drops its oldest third when full), a key prefix of
# their own on Redis (PAGE_CACHE_REDIS_URL puts them on another Redis server or database).
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "portal"),
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("PAGE_CACHE_REDIS_URL", REDIS_URL),
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "portal") + "-pages",
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
            # Rate limits and a few versions: far below this.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_page_cache",
            # Kept pages are a few per active visitor, for a minute: room for a few
            # thousand before the oldest third is dropped.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000)},
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Whole pages kept per visitor for at most this long, invalidated by every write that
# changes what they show (portal.pagecache); 0 turns it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "portal.auth_backends.ModelBackend",
    "portal.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# django-allauth 65: email is the login; verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Training portal] "
ACCOUNT_RATE_LIMITS = {
    # Five failed sign-ins per account in five minutes; the sixth is refused, even with the
    # right password. Its owner still gets in by a code sent to their email (below).
    "login_failed": "10/m/ip,5/5m/key",
    # Sign-in codes by email: per address and per client, as allauth 65 sets them.
    "request_login_code": "20/m/ip,3/m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Sign in by a one-time code sent by email: the way in for an owner whose account others
# have locked by guessing passwords. A code is good for ten minutes and three tries.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_FORMS = {"login": "portal.sign_in.LoginForm"}
# Account mail (verification, reset, sign-in codes) is queued and sent by the worker.
ACCOUNT_ADAPTER = "notifications.adapters.AccountAdapter"

# Whose address the per-IP limits count. Unset, allauth uses REMOTE_ADDR and ignores
# X-Forwarded-For (a client could forge it). Behind N proxies of ours, the Nth address
# from the right of X-Forwarded-For is the client's; or a header the proxy sets itself.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ALLAUTH_TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ALLAUTH_TRUSTED_CLIENT_IP_HEADER")

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Training portal <noreply@localhost>")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Where links in emails point (no request to read the host from in a background job).
PORTAL_BASE_URL = (env("PORTAL_BASE_URL", "http://127.0.0.1:8000") or "").rstrip("/")

# Certificates and Open Badges: the issuer named on every certificate, verification page and
# credential (credentials app).
CREDENTIALS_ISSUER_NAME = env(
    "CREDENTIALS_ISSUER_NAME", "Training portal for health and social-care practitioners"
)
# The secret the signing keys are encrypted under (credentials.keys); SECRET_KEY if unset.
# Set it in production, kept apart from database backups.
CREDENTIALS_KEY_SECRET = env("CREDENTIALS_KEY_SECRET", "")

# Background jobs: Django's Tasks API (the django-tasks backport; Django 6 ships it as
# django.tasks) with the database backend, so jobs live in the portal's own database
# and are enqueued in the same transaction as the rows they act on. Workers:
# `manage.py db_worker`; on PostgreSQL several take jobs with SKIP LOCKED.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# A worker started by `manage.py jobs_worker` beats every JOBS_HEARTBEAT_SECONDS; one
# silent for JOBS_WORKER_DEAD_AFTER_SECONDS is dead and the jobs it was running are
# queued again by the next worker's sweep (portal/jobs.py), with the apps' housekeeping.
JOBS_HEARTBEAT_SECONDS = float(env("JOBS_HEARTBEAT_SECONDS", "5"))
JOBS_WORKER_DEAD_AFTER_SECONDS = float(env("JOBS_WORKER_DEAD_AFTER_SECONDS", "30"))
JOBS_SWEEP_SECONDS = float(env("JOBS_SWEEP_SECONDS", "10"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from npm at set-up time and are served by the portal:
# `make install` builds Bootstrap, its plugins and an icon subset into static_build/
# (assets/build.mjs); the finders serve it in dev and tests, collectstatic in production.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    BASE_DIR / "static_build",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# A strict Content-Security-Policy on every page: nothing inline, nothing
# from another origin. data: images are Bootstrap's SVG form controls.
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
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools report every step of a PDF at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
