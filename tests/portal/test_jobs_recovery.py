"""Jobs of a worker that died mid-run: django-tasks-db leaves them RUNNING for ever, so
workers keep a heartbeat and queue again what a dead worker held (portal/jobs.py). A job
may then start twice; the jobs are written so that the second run changes nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from notifications.models import Kind, OutboundEmail
from notifications.services import notify
from portal import jobs
from portal.management.commands import jobs_worker
from portal.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def beat(worker_id: str, seconds_ago: float) -> None:
    jobs.heartbeat(worker_id)
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
        seen_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


def claimed_by(worker_id: str, *, started_ago: float = 5) -> DBTaskResult:
    """The one queued job, claimed by ``worker_id`` as db_worker claims it."""
    job = DBTaskResult.objects.ready().get()
    job.claim(worker_id)
    DBTaskResult.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - timedelta(seconds=started_ago)
    )
    job.refresh_from_db()
    return job


def an_email(trainee) -> OutboundEmail:
    notify(recipient=trainee, kind=Kind.FEEDBACK, text="Your tutor left feedback.", url="/")
    return OutboundEmail.objects.get()


def test_a_job_of_a_dead_worker_is_queued_again_and_runs_once(trainee, run_jobs):
    email = an_email(trainee)
    beat("dead", seconds_ago=120)
    job = claimed_by("dead")  # killed before it sent anything
    assert jobs.requeue_orphaned() == {"requeued": [str(job.pk)], "failed": []}
    job.refresh_from_db()
    assert job.status == "READY" and job.worker_ids == ["dead"]
    run_jobs()
    job.refresh_from_db()
    email.refresh_from_db()
    assert job.status == "SUCCESSFUL" and email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_a_job_killed_after_its_work_was_done_does_it_no_second_time(trainee, run_jobs):
    """Killed between sending and recording success: the run again finds the email sent
    and sends nothing."""
    email = an_email(trainee)
    beat("dead", seconds_ago=120)
    job = claimed_by("dead")
    from notifications.services import email_deliver

    assert email_deliver(email_id=email.pk) == "sent"  # what the dead worker did
    assert len(mail.outbox) == 1
    assert jobs.requeue_orphaned()["requeued"] == [str(job.pk)]
    [rerun] = run_jobs()
    assert rerun.status == "SUCCESSFUL" and rerun.return_value == "not queued"
    assert len(mail.outbox) == 1


def test_a_live_workers_job_is_left_alone(trainee):
    an_email(trainee)
    beat("alive", seconds_ago=3)
    job = claimed_by("alive", started_ago=600)
    assert jobs.requeue_orphaned() == {"requeued": [], "failed": []}
    job.refresh_from_db()
    assert job.status == "RUNNING"


@pytest.mark.parametrize(("started_ago", "requeued"), [(600, False), (2 * 3600, True)])
def test_a_worker_without_heartbeat_is_presumed_lost_only_after_an_hour(
    trainee, started_ago, requeued
):
    """django-tasks-db's own db_worker keeps no heartbeat: its job is left for an hour."""
    an_email(trainee)
    job = claimed_by("plain-db-worker", started_ago=started_ago)
    assert bool(jobs.requeue_orphaned()["requeued"]) is requeued
    job.refresh_from_db()
    assert job.status == ("READY" if requeued else "RUNNING")


def test_a_job_whose_worker_died_three_times_fails(trainee):
    an_email(trainee)
    beat("dead", seconds_ago=120)
    job = DBTaskResult.objects.ready().get()
    job.worker_ids = ["dead-1", "dead-2"]
    job.save()
    job = claimed_by("dead")
    assert jobs.requeue_orphaned() == {"requeued": [], "failed": [str(job.pk)]}
    job.refresh_from_db()
    assert job.status == "FAILED" and job.exception_class_path == "portal.jobs.WorkerLost"
    assert "died 3 times" in job.traceback


def test_a_job_finished_meanwhile_is_not_touched(trainee, monkeypatch):
    """The sweep read the job RUNNING; it finished before the sweep's update."""
    an_email(trainee)
    beat("dead", seconds_ago=120)
    job = claimed_by("dead")
    read = jobs._running_jobs

    def finished_after_reading():
        rows = read()
        DBTaskResult.objects.filter(pk=job.pk).update(status="SUCCESSFUL")
        return rows

    monkeypatch.setattr(jobs, "_running_jobs", finished_after_reading)
    assert jobs.requeue_orphaned() == {"requeued": [], "failed": []}
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"


def test_the_sweep_runs_the_apps_housekeeping_too(trainee, monkeypatch):
    email = an_email(trainee)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(hours=1)
    )

    def broken():
        raise RuntimeError("a broken piece of housekeeping")

    monkeypatch.setitem(jobs.HOUSEKEEPING, "broken", broken)
    done = jobs.sweep()
    assert done["emails requeued from dead workers"] == 1  # the broken one is skipped
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED


def test_the_worker_sweeps_on_start_runs_the_job_and_leaves_no_heartbeat(trainee, monkeypatch):
    monkeypatch.setattr(jobs_worker.Beat, "start", lambda self: None)  # no thread in tests
    monkeypatch.setattr(jobs_worker.Beat, "join", lambda self, timeout=None: None)
    # The worker closes its connection between jobs; here that is the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(jobs_worker, "close_old_connections", lambda: None)
    email = an_email(trainee)
    beat("crashed-before", seconds_ago=120)
    job = claimed_by("crashed-before")
    call_command(
        "jobs_worker", batch=True, worker_id="restarted", interval=0, verbosity=0,
        startup_delay=False, reload=False,
    )  # fmt: skip
    job.refresh_from_db()
    email.refresh_from_db()
    assert job.status == "SUCCESSFUL" and job.worker_ids == ["crashed-before", "restarted"]
    assert email.status == OutboundEmail.Status.SENT and len(mail.outbox) == 1
    assert not WorkerHeartbeat.objects.filter(worker_id="restarted").exists()


def test_a_beat_records_the_worker_and_sweeps_when_due(trainee):
    an_email(trainee)
    beat("dead", seconds_ago=120)
    job = claimed_by("dead")
    ticker = jobs_worker.Beat("w1")
    ticker.tick(sweep=False)
    assert WorkerHeartbeat.objects.get(worker_id="w1").seen_at > timezone.now() - timedelta(
        seconds=5
    )
    job.refresh_from_db()
    assert job.status == "RUNNING"
    ticker.tick(sweep=True)
    job.refresh_from_db()
    assert job.status == "READY"


def test_a_worker_restarted_under_its_old_id_takes_back_what_it_held(trainee, monkeypatch):
    """systemd restarts portal-worker@1 with the same id: its heartbeat is fresh at once,
    yet the job RUNNING under that id was cut off by the crash."""
    monkeypatch.setattr(jobs_worker.Beat, "start", lambda self: None)
    monkeypatch.setattr(jobs_worker.Beat, "join", lambda self, timeout=None: None)
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(jobs_worker, "close_old_connections", lambda: None)
    email = an_email(trainee)
    beat("host-1", seconds_ago=2)  # it died two seconds ago
    job = claimed_by("host-1")
    assert jobs.requeue_orphaned() == {"requeued": [], "failed": []}  # looks alive
    call_command(
        "jobs_worker", batch=True, worker_id="host-1", interval=0, verbosity=0,
        startup_delay=False, reload=False,
    )  # fmt: skip
    job.refresh_from_db()
    email.refresh_from_db()
    assert job.status == "SUCCESSFUL" and job.worker_ids == ["host-1", "host-1"]
    assert email.status == OutboundEmail.Status.SENT and len(mail.outbox) == 1
