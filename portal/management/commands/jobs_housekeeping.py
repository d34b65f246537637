"""Tidy the job queue: requeue what dead workers left running, prune finished jobs, and
run each app's own tidying (stale emails, expired exports). Run it every ten minutes
(cron or a systemd timer, see deploy/); it is safe to run on several machines at once."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from portal import jobs


class Command(BaseCommand):
    help = "Requeue jobs of dead workers, prune finished jobs, run the apps' tidying."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-minutes",
            type=int,
            default=int(jobs.STALE_AFTER.total_seconds() // 60),
            help="A job running longer than this belonged to a dead worker (default 30).",
        )
        parser.add_argument(
            "--keep-days",
            type=int,
            default=jobs.FINISHED_KEPT_FOR.days,
            help="Finished jobs are kept this many days for the admin (default 7).",
        )

    def handle(self, *args, stale_minutes: int, keep_days: int, **options):
        if stale_minutes < 0 or keep_days < 0:
            # 0 minutes: every running job is stale (only when no worker is running).
            self.stderr.write("--stale-minutes and --keep-days cannot be negative.")
            raise SystemExit(2)
        requeued = jobs.requeue_stale(older_than=timedelta(minutes=stale_minutes))
        pruned = jobs.prune_finished(older_than=timedelta(days=keep_days))
        self.stdout.write(f"jobs requeued from dead workers: {requeued}")
        self.stdout.write(f"finished jobs pruned: {pruned}")
        for name, function in jobs.HOUSEKEEPING.items():
            self.stdout.write(f"{name}: {function()}")
