"""A throw-away portal for the benchmarks that run in process (bench/run.py, review.py)."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def throwaway_portal() -> Iterator[Path]:
    """Django set up on a temporary SQLite database with the database cache, as a single
    machine runs the portal, migrated and holding the course; yields its folder."""
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
        os.environ["LOG_LEVEL"] = "WARNING"
        os.environ["SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)

        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("load_content", verbosity=0)
        yield Path(tmp)
