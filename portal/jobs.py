"""Enqueueing background jobs: the one place that knows how.

Jobs are Django Tasks (``from django_tasks import task``; ``django.tasks`` from Django 6)
stored by the database backend in the portal's own database. A job enqueued inside a
transaction is written by that transaction: it commits with the rows it acts on, or
rolls back with them, so a worker never sees a job for a row that does not exist and a
crash between commit and enqueue cannot lose one. (STYLE.md's ``on_commit`` gives the
first guarantee only; with jobs in the same database this gives both.)

A job takes ids, re-reads the world when it runs and is safe to run twice.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any


def enqueue(job, *args: Any, run_after: datetime | None = None, **kwargs: Any):
    """Queue ``job`` (a ``@task`` function) with JSON-serialisable arguments, to run as
    soon as a worker is free or not before ``run_after``."""
    if run_after is not None:
        job = job.using(run_after=run_after)
    return job.enqueue(*args, **kwargs)


# --- housekeeping --------------------------------------------------------------------

# A job still marked running after this long belonged to a worker that died (killed,
# machine restarted): no job of ours runs for more than a few minutes.
STALE_AFTER = timedelta(minutes=30)
# Finished jobs are kept this long for the admin to look at, then pruned.
FINISHED_KEPT_FOR = timedelta(days=7)

# Apps add their own tidying here in AppConfig.ready(): a name and a function taking no
# arguments and returning a count (notifications: stale emails; reflections: expired
# exports). `manage.py jobs_housekeeping` runs them all.
HOUSEKEEPING: dict[str, Callable[[], int]] = {}


def register_housekeeping(name: str, function: Callable[[], int]) -> None:
    HOUSEKEEPING[name] = function


def requeue_stale(*, older_than: timedelta = STALE_AFTER, now: datetime | None = None) -> int:
    """Put back in the queue the jobs a dead worker left marked as running, so that a
    restart skips nothing. Jobs are safe to run twice, so a rare double run is harmless."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - older_than
    return DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff).update(
        status="READY", started_at=None
    )


def prune_finished(*, older_than: timedelta = FINISHED_KEPT_FOR, now: datetime | None = None):
    """Delete finished (successful or failed) jobs' rows older than ``older_than``."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - older_than
    deleted, _ = DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=cutoff
    ).delete()
    return deleted
