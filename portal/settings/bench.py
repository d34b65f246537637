"""The page benchmark (bench/pages.py): production settings plus the bench app, which
adds the floor page (/bench/floor/) and the ``bench_data`` command. Never deployed."""

from .prod import *  # noqa: F403
from .prod import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.app"]
ROOT_URLCONF = "bench.app.urls"
# Counters the portal keeps on write, recounted after bench_data's bulk inserts.
BENCH_RECOUNT = ["debates.services.counters_rebuild"]
