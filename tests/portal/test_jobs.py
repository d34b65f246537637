"""The job queue's housekeeping: a job a dead worker left running is run again, finished
jobs are pruned, and `make run`'s supervisor starts and stops its processes."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications import services
from notifications.models import Kind, OutboundEmail
from portal import jobs

pytestmark = pytest.mark.django_db


def test_a_job_cut_off_by_a_dead_worker_is_run_again(trainee, run_jobs, capsys):
    services.notify(recipient=trainee, kind=Kind.FEEDBACK, text="x")
    job = DBTaskResult.objects.get()
    job.claim("worker-that-died")  # it took the job, then was killed
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(hours=1))
    assert run_jobs() == []  # running jobs are not taken again by themselves
    call_command("jobs_housekeeping")
    assert "jobs requeued from dead workers: 1" in capsys.readouterr().out
    [again] = run_jobs()
    assert again.status == "SUCCESSFUL"
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


def test_a_job_running_now_is_left_alone(trainee):
    services.notify(recipient=trainee, kind=Kind.FEEDBACK, text="x")
    DBTaskResult.objects.get().claim("busy-worker")
    assert jobs.requeue_stale() == 0
    assert DBTaskResult.objects.get().status == "RUNNING"


def test_finished_jobs_are_pruned_after_a_week(trainee, run_jobs):
    services.notify(recipient=trainee, kind=Kind.FEEDBACK, text="x")
    run_jobs()
    assert jobs.prune_finished() == 0
    assert jobs.prune_finished(now=timezone.now() + timedelta(days=8)) == 1
    assert not DBTaskResult.objects.exists()


def test_housekeeping_refuses_a_negative_age(capsys):
    with pytest.raises(SystemExit):
        call_command("jobs_housekeeping", stale_minutes=-1)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads /proc to find the children")
def test_make_run_serves_and_works_jobs_and_ctrl_c_stops_both(transactional_db, tmp_path):
    """`make run` runs `manage.py run_with_worker`: the server and a worker, both gone
    after one Ctrl-C (SIGINT)."""
    from tests.jobs import ROOT, database_env

    port = 8097
    log = (tmp_path / "run.log").open("wb")
    env = {**os.environ, **database_env(), "DJANGO_SETTINGS_MODULE": "portal.settings.test",
           "PYTHONUNBUFFERED": "1"}  # fmt: skip
    supervisor = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "run_with_worker", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            out = (tmp_path / "run.log").read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=2) as r:
                    served = r.status == 200
            except OSError:
                served = False
            if served and "Starting worker" in out:
                break
            assert supervisor.poll() is None, out
            assert time.monotonic() < deadline, out
            time.sleep(0.5)
        children = _children(supervisor.pid)
        assert len(children) == 2  # runserver and jobs_worker
        supervisor.send_signal(signal.SIGINT)
        assert supervisor.wait(timeout=30) == 0
        assert not [pid for pid in children if _alive(pid)]
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
        log.close()
