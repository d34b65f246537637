"""django-tasks-db's ``db_worker`` with a heartbeat, so that a worker that dies mid-job
does not leave the job RUNNING for ever.

Takes the same options as ``db_worker``. While it runs, a thread records the worker as
alive every ``JOBS_HEARTBEAT_SECONDS`` and, every ``JOBS_SWEEP_SECONDS`` (and once at
start), runs ``portal.jobs.sweep``: jobs whose worker stopped beating are queued again.
A worker stopped cleanly (SIGTERM, Ctrl-C) finishes its job and removes its heartbeat.
"""

import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from portal import jobs


class Beat(threading.Thread):
    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def tick(self, *, sweep: bool) -> None:
        """One beat: alive now; and, when due, queue again what dead workers held."""
        jobs.heartbeat(self.worker_id, hostname=socket.gethostname(), pid=os.getpid())
        if sweep:
            jobs.sweep()

    def run(self) -> None:
        every = jobs.heartbeat_interval().total_seconds()
        sweep_every = max(float(settings.JOBS_SWEEP_SECONDS), every)
        since_sweep = 0.0  # the command swept just before starting this thread
        while not self.stopped.wait(every):
            since_sweep += every
            try:
                close_old_connections()
                self.tick(sweep=since_sweep >= sweep_every)
                if since_sweep >= sweep_every:
                    since_sweep = 0.0
            except Exception:  # the database is away for a moment: try again next beat
                jobs.logger.exception("Heartbeat of %s failed", self.worker_id)
            finally:
                connection.close()  # this thread's own connection


class Command(DbWorkerCommand):
    help = "Run a background worker (db_worker) that keeps a heartbeat and recovers lost jobs."

    def handle(self, *args, worker_id: str, **options) -> None:
        # The first beat and sweep before any job is taken: a worker restarted after a
        # crash queues again what it (under its old id) or another dead worker held.
        jobs.requeue_orphaned(restarted=worker_id)
        jobs.heartbeat(worker_id, hostname=socket.gethostname(), pid=os.getpid())
        jobs.sweep()
        beat = Beat(worker_id)
        beat.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            beat.stopped.set()
            beat.join(timeout=5)
            close_old_connections()
            jobs.heartbeat_end(worker_id)
