"""Benchmark: how many jobs a second the workers drain, with one worker and with two.

The job is a real small one: delivering a queued email (read the row, claim it by a
conditional UPDATE, send it through the console backend into the worker's log, mark it sent).
The workers are `manage.py db_worker` processes, started and idle before the jobs are
queued; the clock runs from the commit that queues JOBS emails to the moment none is
waiting or running. On SQLite (a temporary file; WAL) and, with DATABASE_URL, on
PostgreSQL (SELECT ... FOR UPDATE SKIP LOCKED):

    .venv/bin/python bench/jobs.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/i9 .venv/bin/python bench/jobs.py

Each run appends rows to bench/out/jobs.csv. The figures depend on the machine's cores:
the workers, the database and this script share them.
"""

import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JOBS = int(os.environ.get("BENCH_JOBS", "500"))
WORKER_COUNTS = (1, 2)


def start_workers(count: int, logs: Path) -> list[tuple[subprocess.Popen, Path]]:
    workers = []
    for n in range(count):
        log = logs / f"worker-{count}-{n}.log"
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
             "--interval", "0.1", "--worker-id", f"bench-{count}-{n}"],
            cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        workers.append((process, log))
    deadline = time.monotonic() + 120
    for process, log in workers:
        while "Starting worker" not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "a worker did not start"
            time.sleep(0.1)
    return workers


def stop_workers(workers) -> None:
    for process, _ in workers:
        process.send_signal(signal.SIGTERM)
    for process, _ in workers:
        process.wait(timeout=60)


def run(database: str) -> list[dict]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from notifications.models import OutboundEmail
    from notifications.services import email_queue

    call_command("migrate", verbosity=0)
    rows = []
    with tempfile.TemporaryDirectory() as logs:
        for count in WORKER_COUNTS:
            DBTaskResult.objects.all().delete()
            OutboundEmail.objects.all().delete()
            workers = start_workers(count, Path(logs))
            try:
                with transaction.atomic():
                    for n in range(JOBS):
                        email_queue(to=f"person{n}@example.org", subject=f"Bench {n}",
                                    text_body="A small job.")  # fmt: skip
                start = time.perf_counter()
                while (
                    DBTaskResult.objects.ready().exists() or DBTaskResult.objects.running().exists()
                ):
                    time.sleep(0.02)
                seconds = time.perf_counter() - start
            finally:
                stop_workers(workers)
            sent = OutboundEmail.objects.filter(status="sent").count()
            assert sent == JOBS, f"{sent} of {JOBS} sent"
            by = {w for job in DBTaskResult.objects.all() for w in job.worker_ids}
            rows.append({
                "database": database, "workers": count, "jobs": JOBS,
                "seconds": round(seconds, 2), "jobs_per_second": round(JOBS / seconds, 1),
                "workers_that_took_jobs": len(by), "cpu_cores": os.cpu_count(),
            })  # fmt: skip
            print(rows[-1], flush=True)
        DBTaskResult.objects.all().delete()
        OutboundEmail.objects.all().delete()
    return rows


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.pop("REDIS_URL", None)
    with tempfile.TemporaryDirectory() as tmp:
        if os.environ.get("DATABASE_URL"):
            database = "postgresql"
        else:
            database = "sqlite"
            os.environ["SQLITE_PATH"] = str(Path(tmp) / "bench-jobs.sqlite3")
        rows = run(database)
    path = ROOT / "bench" / "out" / "jobs.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        if new:
            writer.writeheader()
        writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
