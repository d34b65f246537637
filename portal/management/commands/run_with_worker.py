"""`make run`: the development server and one job worker, side by side in one terminal,
both stopped by one Ctrl-C. Their output is interleaved, so the mails the worker sends
(console backend in dev) show where you run it."""

import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Run the development server and a job worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=1, help="How many job workers.")

    def handle(self, *args, addrport: str, workers: int, **options):
        # Nothing else works this database while it starts, so any job still marked as
        # running was cut off by the last Ctrl-C or crash: put it back in the queue.
        call_command("jobs_housekeeping", stale_minutes=0, stdout=self.stdout)
        manage = [sys.executable, "manage.py"]
        commands = [[*manage, "runserver", addrport]] + [
            [*manage, "jobs_worker", "--worker-id", f"dev-worker-{n + 1}"] for n in range(workers)
        ]
        # Each in its own process group, so that Ctrl-C reaches only this supervisor and
        # each child (with its autoreloader's child) is told to stop once, in order.
        children = [
            subprocess.Popen(command, start_new_session=True)  # noqa: S603
            for command in commands
        ]
        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.2)
        finally:
            code = self._stop(children)
        if not stopping:
            self.stderr.write("A process stopped on its own; the others were stopped too.")
            raise SystemExit(code or 1)

    def _stop(self, children) -> int:
        """SIGINT (as Ctrl-C sends) to each child still running, then SIGKILL to any
        still there after the grace period; the first non-zero exit code, or 0."""
        for child in children:
            if child.poll() is None:
                try:
                    os.killpg(child.pid, signal.SIGINT)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(child.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                child.wait()
        return next((c.returncode for c in children if c.returncode not in (0, None)), 0)
