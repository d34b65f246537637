"""Load test of the cluster, with an app server and a job worker killed mid-run.

    python bench/load/run.py [--users 24] [--minutes 3] [--no-kills]   (`make load`)

1. Starts the cluster (deploy/cluster.py) on a fresh database: nginx, two app servers,
   two job workers, PostgreSQL, Redis, a mail sink.
2. Adds the people: trainees enrolled in the module (every other one convenes a
   study group), two tutors, and submitted reflections waiting for review.
3. Runs locust headless (bench/load/locustfile.py) for the given time. Meanwhile it
   SIGKILLs app server 1 (its whole process group: as if the machine died) and restarts
   it, then SIGKILLs job worker 1 in the middle of a job (frozen with SIGSTOP while it
   holds one, so the job cannot finish first) and restarts it.
4. Waits for the job queue to drain, then checks, against the database:
   - every reflection save the portal acknowledged (autosave "saved", or the redirect
     after "Save draft") is there with its text (SHA-256 of title and body): as the
     version it was saved as, or (an autosave) folded by the portal into the writer's
     next autosave, and each reflection's last acknowledged save is its current text
     (unless a later save whose answer was lost, a 502, was made all the same: counted);
   - every job ran once or is still queued: no job is left RUNNING or FAILED, every
     email marked sent is in the mail sink exactly once and none twice, the rest are
     queued (an email the killed worker had claimed is queued again by the email sweep,
     run as it would run ten minutes later, and must then arrive once);
   - every failed request happened while a server was down (a kill until it was back,
     plus a few seconds), and how many.
5. Writes bench/out/load.csv (per page: requests, req/s, p50/p95/p99 ms, errors, errors
   in the kill windows), bench/out/load-summary.json, and prints both. Exits non-zero if
   a check fails.
"""

from __future__ import annotations

import argparse
import collections
import csv
import email
import email.policy
import hashlib
import json
import mailbox
import math
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "bench" / "out"
WORK = OUT / "load"
sys.path.insert(0, str(ROOT))

from deploy.cluster import Cluster  # noqa: E402

PASSWORD = "load-test-password-2026"  # noqa: S105 - throw-away accounts
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
GRACE = 5.0  # seconds after a server is back in which nginx may still be finding out


def setup_people(trainees: int) -> dict:
    """Accounts, enrolments, groups and waiting reflections, written straight to the
    cluster's database (this process runs Django with the cluster's settings)."""
    import django

    django.setup()
    from django.db import transaction
    from django.urls import reverse

    from modules.models import Module, Tutor
    from modules.services import enrolment_create
    from portal.services import user_create_verified, user_make_tutor
    from reflections.services import reflection_create, reflection_submit
    from studygroups.services.groups import group_create
    from topics.models import Task

    module = Module.objects.published().get(slug="psycho-social-interventions")
    tasks = list(Task.objects.filter(topic__module=module).select_related("topic"))
    people = {"trainees": [], "tutors": [], "tasks": [], "debates": []}
    with transaction.atomic():
        for n in range(1, trainees + 1):
            user = user_create_verified(
                email=f"load-trainee-{n:02d}@example.org",
                password=PASSWORD,
                full_name=f"Load Trainee {n:02d}",
            )
            enrolment_create(user=user, module=module, prerequisites_confirmed=True)
            account = {"email": user.email, "password": PASSWORD, "n": n}
            if n % 2 == 1:
                group = group_create(
                    user=user, module=module, name=f"Load group {n:02d}", kind="peer"
                )
                account["group"] = group.pk
            if n <= 12:  # work waiting for the tutors
                task = tasks[n % len(tasks)]
                reflection = reflection_create(
                    author=user,
                    task=task,
                    title=f"Waiting for review {n:02d}",
                    body="## What happened\n\nI tried open questions.\n\n## Next\n\nMore.",
                )
                reflection_submit(reflection=reflection, by=user)
            people["trainees"].append(account)
        tutors = list(module.tutors.select_related("user"))
        for n, profile in enumerate(tutors, start=1):
            if profile.user is None:
                user = user_create_verified(
                    email=f"load-tutor-{n}@example.org", password=PASSWORD,
                    full_name=f"Load Tutor {n}",
                )  # fmt: skip
                user_make_tutor(user=user)
                Tutor.objects.filter(pk=profile.pk).update(user=user)
                people["tutors"].append({"email": user.email, "password": PASSWORD})
            elif profile.user.email == "tutor@example.com":
                people["tutors"].append(
                    {"email": profile.user.email, "password": "tutor-demo-2026"}
                )
    people["tasks"] = [{"id": t.pk, "url": t.get_absolute_url()} for t in tasks]
    people["debates"] = sorted(
        {
            reverse("debates:detail", kwargs={"module_slug": module.slug, "number": t.topic.number})
            for t in tasks
        }
    )
    return people


class Chaos(threading.Thread):
    """Kill app server 1 and restart it; then worker 1 (when it holds a job, if one
    comes within a while) and restart it. Records when each was down."""

    def __init__(self, cluster: Cluster, start: float, duration: float):
        super().__init__(daemon=True)
        self.cluster, self.start_at, self.duration = cluster, start, duration
        self.windows: list[dict] = []
        self.error: str = ""
        self.done = threading.Event()  # the parts have been restarted
        # A part this thread starts receives SIGTERM when the thread that started it
        # ends (PR_SET_PDEATHSIG follows the thread), so the thread lives until the
        # cluster is stopped.
        self.release = threading.Event()

    def at(self, fraction: float) -> None:
        wait = self.start_at + self.duration * fraction - time.time()
        if wait > 0:
            time.sleep(wait)

    def run(self) -> None:
        try:
            self.at(0.33)
            down = time.time()
            self.cluster.kill("app1")
            time.sleep(15)
            self.cluster.start_app(0)
            self.windows.append({"part": "app server 1", "down": down, "up": time.time()})

            self.at(0.55)
            busy = self.freeze_mid_job("worker1", timeout=30)
            down = time.time()
            self.cluster.kill("worker1")
            time.sleep(10)
            self.cluster.start_worker(0)
            self.windows.append(
                {"part": "job worker 1", "down": down, "up": time.time(), "held_a_job": busy}
            )
        except Exception as exc:  # reported, and the run fails
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.done.set()
            self.release.wait()

    def freeze_mid_job(self, name: str, timeout: float) -> str:
        """Catch the worker in the middle of a job: when it is seen running one, freeze it
        (SIGSTOP) and look again; still running, it is killed so (the job's id is
        returned); finished meanwhile, it is let go (SIGCONT) and watched again. Returns
        "" if no job came within ``timeout`` (then it is killed idle)."""
        import signal

        from django.db import connection
        from django_tasks_db.models import DBTaskResult

        def held() -> str:
            for job in DBTaskResult.objects.running().only("id", "worker_ids"):
                if job.worker_ids and job.worker_ids[-1].startswith(name + "-"):
                    return str(job.pk)
            return ""

        deadline = time.time() + timeout
        try:
            while time.time() < deadline:
                if held():
                    self.cluster.signal(name, signal.SIGSTOP)
                    time.sleep(0.2)  # anything it had sent reaches the database
                    job = held()
                    if job:
                        return job
                    self.cluster.signal(name, signal.SIGCONT)
                time.sleep(0.005)
            return ""
        finally:
            connection.close()


def load_events(path: Path) -> dict[str, list[dict]]:
    events = collections.defaultdict(list)
    for line in path.read_text().splitlines():
        event = json.loads(line)
        events[event["kind"]].append(event)
    return events


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def in_window(t0: float, t1: float, windows: list[dict]) -> bool:
    return any(t1 >= w["down"] and t0 <= w["up"] + GRACE for w in windows)


def page_table(requests: list[dict], windows: list[dict], duration: float) -> list[dict]:
    by_name = collections.defaultdict(list)
    for r in requests:
        by_name[r["name"]].append(r)
    rows = []
    for name, items in sorted(by_name.items()) + [("ALL", requests)]:
        times = sorted(r["ms"] for r in items)
        errors = [r for r in items if r["error"]]
        rows.append(
            {
                "page": name,
                "requests": len(items),
                "req_per_s": round(len(items) / duration, 2),
                "p50_ms": round(percentile(times, 50)),
                "p95_ms": round(percentile(times, 95)),
                "p99_ms": round(percentile(times, 99)),
                "errors": len(errors),
                "errors_in_kill_window": sum(
                    in_window(r["start"], r["end"], windows) for r in errors
                ),
            }
        )
    return rows


def check_saves(saves: list[dict], unanswered: list[dict]) -> dict:
    from reflections.models import Reflection, ReflectionVersion

    def digest(title: str, body: str) -> str:
        return hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()

    ids = {s["reflection"] for s in saves}
    current = {r.pk: r for r in Reflection.objects.filter(pk__in=ids)}
    versions = {
        (v.reflection_id, v.number): v
        for v in ReflectionVersion.objects.filter(reflection_id__in=ids)
    }
    latest: dict[int, dict] = {}
    for s in saves:
        if s["reflection"] not in latest or s["version"] > latest[s["reflection"]]["version"]:
            latest[s["reflection"]] = s
    verbatim = folded = 0
    missing = []
    for s in saves:
        reflection = current.get(s["reflection"])
        version = versions.get((s["reflection"], s["version"]))
        if reflection is None or reflection.version < s["version"]:
            missing.append(s)
        elif version is not None:
            if digest(version.title, version.body) == s["sha256"]:
                verbatim += 1
            else:
                missing.append(s)
        elif s["autosave"] and s is not latest[s["reflection"]]:
            # The portal keeps a run of autosaves as one version, rewritten by the next:
            # the same writer's later text replaced this one, as it should.
            folded += 1
        else:
            missing.append(s)

    def is_current(save: dict) -> bool:
        reflection = current.get(save["reflection"])
        return (
            reflection is not None
            and reflection.version == save["version"]
            and digest(reflection.title, reflection.body) == save["sha256"]
        )

    # A save that got no answer (the server died after its commit, before its answer)
    # may still have been made: then it, not the last acknowledged one, is current.
    committed_unanswered = [
        u for u in unanswered
        if is_current(u) and u["at"] >= latest.get(u["reflection"], {"at": 0})["at"]
    ]  # fmt: skip
    superseded = {u["reflection"] for u in committed_unanswered}
    not_current = [
        s for s in latest.values() if not is_current(s) and s["reflection"] not in superseded
    ]
    return {
        "acknowledged": len(saves),
        "reflections": len(ids),
        "found_as_saved": verbatim,
        "folded_into_a_later_autosave": folded,
        "missing_or_different": len(missing),
        "last_save_not_current": len(not_current),
        "unanswered_saves": len(unanswered),
        "unanswered_but_committed": len(committed_unanswered),
        "examples": (missing + not_current)[:5],
        "ok": not missing and not not_current,
    }


def drain_jobs(timeout: float) -> float:
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    start = time.time()
    try:
        while time.time() - start < timeout:
            if not DBTaskResult.objects.ready().exists() and not (
                DBTaskResult.objects.running().exists()
            ):
                return time.time() - start
            time.sleep(1)
        return -1
    finally:
        connection.close()


def requeue_claimed_emails() -> dict:
    """An email is claimed (marked "sending") by a conditional UPDATE before its worker
    sends it, so that two workers never both send it. A worker killed between claim and
    send leaves it "sending"; the run again of its job then finds it claimed and does
    nothing, and the email sweep (``email_requeue_stale``) queues it again once the claim
    is ``STALE_CLAIM`` (10 minutes) old. With the queue drained no worker is sending, so
    here the clock is moved on: the sweep runs as it would ten minutes later."""
    from datetime import timedelta

    from django.db import connection

    from notifications.models import OutboundEmail
    from notifications.services import email_requeue_stale

    try:
        stuck = list(OutboundEmail.objects.filter(status="sending").values_list("pk", flat=True))
        requeued = email_requeue_stale(older_than=timedelta(0)) if stuck else 0
        return {"claimed_by_a_dead_worker": stuck, "requeued": requeued}
    finally:
        connection.close()


def check_jobs(mail_dir: Path) -> dict:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from notifications.models import OutboundEmail

    statuses = collections.Counter(DBTaskResult.objects.values_list("status", flat=True))
    future = DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now()).count()
    restarted = [
        {"id": str(j.pk), "task": j.task_path, "workers": j.worker_ids, "status": j.status}
        for j in DBTaskResult.objects.all()
        if len(j.worker_ids) > 1
    ]
    emails = collections.Counter(OutboundEmail.objects.values_list("status", flat=True))

    def key(to: str, subject: str) -> tuple[str, str]:
        return to.strip().lower(), " ".join(subject.split())

    box = mailbox.Maildir(
        mail_dir, factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default)
    )
    delivered = collections.Counter(key(str(m["To"]), str(m["Subject"])) for m in box)
    sent = collections.Counter(
        key(to, subject)
        for to, subject in OutboundEmail.objects.filter(status="sent").values_list("to", "subject")
    )
    twice = {k: n for k, n in delivered.items() if n > sent.get(k, 0)}
    lost = {k: n for k, n in sent.items() if delivered.get(k, 0) < n}
    return {
        "jobs_by_status": dict(statuses),
        "jobs_ready_for_later": future,
        "jobs_started_more_than_once": restarted,
        "emails_by_status": dict(emails),
        "emails_in_sink": sum(delivered.values()),
        "emails_sent_twice": [list(k) for k in twice],
        "emails_marked_sent_not_in_sink": [list(k) for k in lost],
        "ok": statuses.get("RUNNING", 0) == 0
        and statuses.get("FAILED", 0) == 0
        and statuses.get("READY", 0) == future
        and not twice
        and not lost
        and emails.get("sending", 0) == 0
        and emails.get("failed", 0) == 0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Load test of the cluster with kills.")
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS_COUNT", 24)))
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("LOAD_MINUTES", 3)))
    parser.add_argument("--trainees", type=int, default=30, help="trainee accounts")
    parser.add_argument("--no-kills", action="store_true")
    args = parser.parse_args(argv)
    duration = args.minutes * 60

    WORK.mkdir(parents=True, exist_ok=True)
    events_file = WORK / "events.jsonl"
    events_file.unlink(missing_ok=True)
    cluster = Cluster(quiet=False)
    os.environ.update(cluster.environment())
    chaos = None
    try:
        cluster.prepare(fresh=True)
        people = setup_people(args.trainees)
        (WORK / "users.json").write_text(json.dumps(people, indent=1))
        cluster.start()
        print(cluster.describe(), flush=True)

        env = {**cluster.environment(), "LOAD_USERS": str(WORK / "users.json"),
               "LOAD_EVENTS": str(events_file)}  # fmt: skip
        started = time.time()
        chaos = Chaos(cluster, started, duration)
        if not args.no_kills:
            chaos.start()
        print(f"load: {args.users} users for {args.minutes:g} minutes", flush=True)
        with open(WORK / "locust.log", "w") as log:
            subprocess.run(  # noqa: S603
                [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(LOCUSTFILE),
                 "--headless", "-u", str(args.users), "-r", "2", "-t", f"{int(duration)}s",
                 "-H", cluster.url, "--only-summary", "--stop-timeout", "10",
                 "--loglevel", "WARNING"],
                env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=False,
            )  # fmt: skip
        ran_for = time.time() - started
        if chaos.is_alive():
            chaos.done.wait(timeout=60)
        drained = drain_jobs(timeout=150)
        claimed = requeue_claimed_emails()
        if claimed["requeued"]:
            drain_jobs(timeout=60)

        events = load_events(events_file)
        requests, saves = events["request"], events["save"]
        # Only an app server's absence may cost a request; a worker's never should.
        windows = [w for w in chaos.windows if w["part"].startswith("app")]
        table = page_table(requests, windows, ran_for)
        saves_check = check_saves(saves, events["unanswered save"])
        jobs_check = check_jobs(cluster.run / "mail")
        errors = [r for r in requests if r["error"]]
        outside = [r for r in errors if not in_window(r["start"], r["end"], windows)]
        summary = {
            "users": args.users,
            "seconds": round(ran_for, 1),
            "windows": [
                {**w, "down_s": round(w["down"] - started, 1), "up_s": round(w["up"] - started, 1)}
                for w in chaos.windows
            ],
            "chaos_error": chaos.error,
            "errors": len(errors),
            "errors_in_windows": len(errors) - len(outside),
            "errors_outside_windows": [
                {k: r[k] for k in ("name", "status", "error")}
                | {"at_s": round(r["start"] - started, 1)}
                for r in outside
            ],
            "queue_drained_after_s": round(drained, 1),
            "saves": saves_check,
            "emails_requeued_by_the_email_sweep": claimed,
            "jobs": jobs_check,
        }
    finally:
        cluster.stop()
        if chaos is not None:
            chaos.release.set()

    with open(OUT / "load.csv", "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    (OUT / "load-summary.json").write_text(json.dumps(summary, indent=2, default=str))

    heads = ("reqs", "req/s", "p50", "p95", "p99", "errors", "in kill")
    print("\n" + f"{'page':<24}" + "".join(f"{h:>8}" for h in heads))
    for row in table:
        values = list(row.values())
        print(f"{values[0]:<24}" + "".join(f"{v:>8}" for v in values[1:]))
    for w in summary["windows"]:
        print(f"{w['part']} down from {w['down_s']} s to {w['up_s']} s"
              + (f" (killed in the middle of job {w['held_a_job']})"
                 if w.get("held_a_job") else ""))  # fmt: skip
    print(f"errors: {summary['errors']}, in the kill windows: {summary['errors_in_windows']}")
    s = summary["saves"]
    print(
        f"saves acknowledged: {s['acknowledged']} over {s['reflections']} reflections; "
        f"found as saved {s['found_as_saved']}, folded into the writer's next autosave "
        f"{s['folded_into_a_later_autosave']}, missing {s['missing_or_different']}, "
        f"last save not current {s['last_save_not_current']}; saves without an answer "
        f"{s['unanswered_saves']}, of which made all the same {s['unanswered_but_committed']}"
    )
    j = summary["jobs"]
    print(f"jobs: {j['jobs_by_status']} (ready for later {j['jobs_ready_for_later']}); "
          f"started twice {len(j['jobs_started_more_than_once'])}; emails {j['emails_by_status']}, "
          f"in the sink {j['emails_in_sink']}, sent twice {len(j['emails_sent_twice'])}, "
          f"lost {len(j['emails_marked_sent_not_in_sink'])}")  # fmt: skip
    if claimed["claimed_by_a_dead_worker"]:
        print(f"emails a killed worker had claimed, queued again by the email sweep and then "
              f"sent: {claimed['claimed_by_a_dead_worker']}")  # fmt: skip
    ok = s["ok"] and j["ok"] and not summary["errors_outside_windows"] and not chaos.error
    ok = ok and drained >= 0
    print(
        "load test:",
        "all checks hold" if ok else "A CHECK FAILED (see bench/out/load-summary.json)",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
