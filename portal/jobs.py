"""Enqueueing background jobs: the one place that knows how.

Jobs are Django Tasks (``from django_tasks import task``; ``django.tasks`` from Django 6)
stored by the database backend in the portal's own database. A job enqueued inside a
transaction is written by that transaction: it commits with the rows it acts on, or
rolls back with them, so a worker never sees a job for a row that does not exist and a
crash between commit and enqueue cannot lose one. (STYLE.md's ``on_commit`` gives the
first guarantee only; with jobs in the same database this gives both.)

A job takes ids, re-reads the world when it runs and is safe to run twice.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


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


# --- workers that die mid-job ------------------------------------------------------------
#
# django-tasks-db marks a job RUNNING when a worker claims it and SUCCESSFUL or FAILED when
# it ends. A worker killed in between (SIGKILL, out of memory, its machine lost) leaves the
# job RUNNING for ever: nothing in the backend looks at it again. So each worker started by
# ``manage.py jobs_worker`` keeps a heartbeat row fresh, and every worker, when it starts
# and then every few seconds, queues again the jobs whose worker's heartbeat has stopped.
# A job may therefore start twice (its first worker may have done part of it): every job
# is written to be safe to run twice (see the module docstring).


class WorkerLost(Exception):
    """The job's worker died each time it ran it; it is not tried again."""


def _seconds(name: str, default: float) -> timedelta:
    return timedelta(seconds=float(getattr(settings, name, default)))


def heartbeat_interval() -> timedelta:
    return _seconds("JOBS_HEARTBEAT_SECONDS", 5)


def dead_after() -> timedelta:
    """No heartbeat for this long: the worker is gone."""
    return _seconds("JOBS_WORKER_DEAD_AFTER_SECONDS", 30)


# A job claimed by a worker that never kept a heartbeat (django-tasks-db's own
# ``db_worker``) is only presumed lost after this long, as no job runs for an hour.
UNKNOWN_WORKER_AFTER = timedelta(hours=1)
# Started this many times and its worker died every time: a job that kills its worker.
MAX_STARTS = 3


def heartbeat(worker_id: str, *, hostname: str = "", pid: int | None = None) -> None:
    """Record that ``worker_id`` is alive now."""
    from .models import WorkerHeartbeat

    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={"hostname": hostname, "pid": pid, "started_at": now, "seen_at": now},
        )


def heartbeat_end(worker_id: str) -> None:
    """A worker that stops cleanly says so (its jobs have finished)."""
    from .models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _running_jobs() -> list:
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.running().only("id", "worker_ids", "started_at"))


def requeue_orphaned(
    *, now: datetime | None = None, restarted: str | None = None
) -> dict[str, list[str]]:
    """Queue again every RUNNING job whose worker is dead; fail one whose worker died
    ``MAX_STARTS`` times. Each change is a conditional UPDATE on the state that was read,
    so two workers sweeping at once, or a job that finishes meanwhile, change nothing.
    Returns the ids ``{"requeued": [...], "failed": [...]}``."""
    from django_tasks_db.models import DBTaskResult

    from .models import WorkerHeartbeat

    now = now or timezone.now()
    beats = dict(WorkerHeartbeat.objects.values_list("worker_id", "seen_at"))
    alive = {worker for worker, seen in beats.items() if seen >= now - dead_after()}
    # A worker starting again under the id it had before (systemd's %H-%i) runs nothing
    # yet: whatever is RUNNING under its id was cut off when it died.
    alive.discard(restarted)
    done: dict[str, list[str]] = {"requeued": [], "failed": []}
    for job in _running_jobs():
        worker = job.worker_ids[-1] if job.worker_ids else None
        if worker in alive:
            continue
        if worker not in beats and job.started_at and job.started_at > now - UNKNOWN_WORKER_AFTER:
            continue  # a worker without a heartbeat, still within any job's time
        same = DBTaskResult.objects.filter(pk=job.pk, status="RUNNING", started_at=job.started_at)
        if len(job.worker_ids) >= MAX_STARTS:
            changed = same.update(
                status="FAILED",
                finished_at=now,
                exception_class_path=f"{__name__}.WorkerLost",
                traceback=(
                    f"WorkerLost: the worker running this job died {len(job.worker_ids)} "
                    f"times ({', '.join(job.worker_ids)}); it is not tried again."
                ),
            )
            key = "failed"
        else:
            changed = same.update(status="READY", started_at=None)
            key = "requeued"
        if changed:
            done[key].append(str(job.pk))
            logger.warning("Job %s of dead worker %s: %s", job.pk, worker, key)
    # Workers silent for a day are long gone: forget them.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    return done


def sweep(*, now: datetime | None = None) -> dict[str, Any]:
    """What every ``jobs_worker`` runs when it starts and then every
    ``JOBS_SWEEP_SECONDS``: ``requeue_orphaned`` and each app's housekeeping registered
    with ``register_housekeeping`` (e.g. queueing again the emails a dead worker had
    claimed). Returns what each did."""
    done: dict[str, Any] = {"jobs": requeue_orphaned(now=now)}
    for name, function in HOUSEKEEPING.items():
        try:
            done[name] = function()
        except Exception:  # one broken piece must not stop the worker or the others
            logger.exception("Housekeeping %r failed", name)
    return done
