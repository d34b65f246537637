"""A job worker killed in the middle of a job (SIGKILL: no chance to say so): the job is
not left RUNNING for ever; another worker, seeing the dead one's heartbeat stop, queues
it again and it runs to the end. django-tasks-db alone would leave it RUNNING."""

import subprocess
import time
import uuid

import psycopg
import pytest
import redis

from deploy.cluster import DATABASE_URL, PYTHON, REDIS_URL, ROOT

pytestmark = pytest.mark.cluster


def job_row(job_id: str):
    with psycopg.connect(DATABASE_URL) as conn:
        return conn.execute(
            "SELECT status, worker_ids, return_value FROM django_tasks_database_dbtaskresult "
            "WHERE id = %s",
            [job_id],
        ).fetchone()


def test_a_job_whose_worker_is_killed_runs_again_to_the_end(cluster):
    key = f"slow-{uuid.uuid4().hex[:8]}"
    enqueue = subprocess.run(  # noqa: S603
        [str(PYTHON), "manage.py", "shell", "-c",
         "from portal.jobs import enqueue; from tests.cluster.jobs import slow_job; "
         f"print(enqueue(slow_job, {key!r}, 6).id)"],
        cwd=ROOT, env=cluster.environment(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    job_id = enqueue.stdout.strip().splitlines()[-1]

    deadline = time.monotonic() + 30
    while (row := job_row(job_id))[0] != "RUNNING":
        assert time.monotonic() < deadline, row
        time.sleep(0.1)
    holder = row[1][-1]
    name = holder.split("-")[0]  # worker1-<random> is the part "worker1"
    time.sleep(1)  # well into its six seconds
    cluster.kill(name)
    assert job_row(job_id)[0] == "RUNNING"  # the dead worker cannot say otherwise

    deadline = time.monotonic() + 120
    while (row := job_row(job_id))[0] != "SUCCESSFUL":
        assert row[0] in ("RUNNING", "READY"), row
        assert time.monotonic() < deadline, f"still {row} two minutes after the kill"
        time.sleep(0.5)
    status, workers, value = row
    assert workers[0] == holder and len(workers) == 2 and workers[1] != holder
    assert value == "done"
    counts = redis.Redis.from_url(REDIS_URL)
    assert int(counts.get(f"cluster:1:{key}:starts")) == 2  # started twice...
    assert int(counts.get(f"cluster:1:{key}:ends")) == 1  # ...finished once
    cluster.start_worker(int(name.removeprefix("worker")) - 1)
