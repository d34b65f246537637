"""A job for the cluster tests only: slow enough for a worker to be killed in the middle,
counting its starts and ends in the cache (Redis, shared by every worker)."""

import time

from django.core.cache import cache
from django_tasks import task


@task()
def slow_job(key: str, seconds: float) -> str:
    cache.add(f"{key}:starts", 0)
    cache.incr(f"{key}:starts")
    time.sleep(seconds)
    cache.add(f"{key}:ends", 0)
    cache.incr(f"{key}:ends")
    return "done"
