"""Enqueueing background jobs: the one place that knows how.

Jobs are Django Tasks (``from django_tasks import task``; ``django.tasks`` from Django 6)
stored by the database backend in the portal's own database. A job enqueued inside a
transaction is written by that transaction: it commits with the rows it acts on, or
rolls back with them, so a worker never sees a job for a row that does not exist and a
crash between commit and enqueue cannot lose one. (STYLE.md's ``on_commit`` gives the
first guarantee only; with jobs in the same database this gives both.)

A job takes ids, re-reads the world when it runs and is safe to run twice.
"""

from datetime import datetime
from typing import Any


def enqueue(job, *args: Any, run_after: datetime | None = None, **kwargs: Any):
    """Queue ``job`` (a ``@task`` function) with JSON-serialisable arguments, to run as
    soon as a worker is free or not before ``run_after``."""
    if run_after is not None:
        job = job.using(run_after=run_after)
    return job.enqueue(*args, **kwargs)
