"""The test suite: fast hashing, mail kept in memory, a local cache.

DATABASE_URL and REDIS_URL still apply, so CI runs the same suite against
PostgreSQL and Redis.
"""

import os
import re

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASE_URL, REDIS_URL, env

DEBUG = False
SECRET_KEY = "test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Kept in memory for the suite; a job worker the tests start as a process of its own is
# given the console backend, so the test reads the mail in the worker's output.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
if not DATABASE_URL:
    # A file, not SQLite's default in-memory test database, so that a job worker started
    # as a separate process (tests/jobs.py) works the very database the tests write.
    # pytest-xdist adds _gw0, _gw1... per process.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }
else:
    # Each pytest-xdist worker clears the cache between tests, and clearing a Redis
    # cache empties its whole database: give every worker a database of its own.
    worker = int(re.sub(r"\D", "", os.environ.get("PYTEST_XDIST_WORKER", "")) or 0)
    match = re.match(r"^(.*?)(?:/(\d+))?$", REDIS_URL)
    database = int(match.group(2) or 0) + worker
    for alias, prefix in (("default", ""), ("pages", "-pages")):
        CACHES[alias]["LOCATION"] = f"{match.group(1)}/{database}"  # noqa: F405
        CACHES[alias]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", "portal-test") + prefix  # noqa: F405
# Static files straight from the finders (static/ and the built static_build/), no collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
