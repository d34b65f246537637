"""Two real worker processes on the test database (SQLite file or PostgreSQL): each
person's digest goes out once a day, however the jobs fall between the workers."""

import re
import time
from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications import services, tasks
from notifications.models import Channel, DigestRun, Kind, Notification, OutboundEmail
from portal.jobs import enqueue

PEOPLE = 12
COPIES = 4  # each digest job enqueued this many times, as retries and double bookings might


def _wait_until_drained(timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while DBTaskResult.objects.ready().exists() or DBTaskResult.objects.running().exists():
        assert time.monotonic() < deadline, "the workers did not drain the queue"
        time.sleep(0.3)


def test_two_workers_send_each_digest_once(worker_process, make_user):
    first = worker_process("worker-a")
    second = worker_process("worker-b")
    first.wait_for("Starting worker")
    second.wait_for("Starting worker")

    people = [make_user() for _ in range(PEOPLE)]
    yesterday = timezone.now() - timedelta(days=1)
    for person in people:
        for n in (1, 2):
            Notification.objects.create(
                recipient=person, kind=Kind.DEBATE_REPLY, text=f"Reply {n} to {person.email}",
                email_channel=Channel.DIGEST, created_at=yesterday,
            )  # fmt: skip
        # Yesterday's 07:00 digest is due now; book it, then queue the same job again.
        run = services.digest_schedule(user=person, now=yesterday - timedelta(days=1))
        assert run.scheduled_for < timezone.now()
        for _ in range(COPIES - 1):
            enqueue(tasks.send_digest, run.pk)

    _wait_until_drained()
    output = first.output() + second.output()

    for person in people:
        assert DigestRun.objects.filter(user=person, ran_at__isnull=False).count() == 1
        [email] = OutboundEmail.objects.filter(to=person.email)
        assert email.status == OutboundEmail.Status.SENT and email.kind == services.DIGEST
        sent = re.findall(rf"^To: {re.escape(person.email)}$", output, re.M)
        assert len(sent) == 1, f"{person.email} got {len(sent)} digests"
    ran_by = {w for job in DBTaskResult.objects.filter(status="SUCCESSFUL") for w in job.worker_ids}
    assert ran_by == {"worker-a", "worker-b"}, "both workers should have taken jobs"
    assert not DBTaskResult.objects.filter(status="FAILED").exists()
