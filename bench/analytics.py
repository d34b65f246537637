"""Benchmark the course dashboard (issue 23) on PostgreSQL at scale, and check its numbers.

Builds bench_data's set with ``--scale`` (10,000 more trainees, 200,000 reflections,
50,000 arguments, tasks done and stances) in a fresh PostgreSQL database, adds what that
set lacks for these figures (feedback on the reviewed reflections, some a revision
first; study groups with meetings and answers), then:

1. recounts the summaries as the worker does (``summaries_refresh``) and times it;
2. times the **first visit** to the dashboard (as the admin, who sees every cohort)
   through the whole Django stack (test client, sessions in Redis) in a fresh process,
   then ``--runs`` more visits (none is cached); counts its queries;
3. checks the dashboard's numbers against a **plain recount**: counts and percentiles
   asked of PostgreSQL directly from the learners' rows (COUNT, percentile_disc), which
   share no code with the summaries.

Run under the heavy-jobs lock: ``flock /tmp/portal-heavy.lock .venv/bin/python
bench/analytics.py`` (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
bench_analytics, is dropped and made again; REDIS_URL's database is emptied). Writes
bench/out/analytics.csv; exits non-zero when the first visit takes 500 ms or more or a
number differs.
"""

import argparse
import csv
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out" / "analytics.csv"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/bench_analytics"
REDIS_DEFAULT = "redis://127.0.0.1:6379/41"
TARGET_MS = 500


ADMIN = SimpleNamespace(is_staff=True, is_authenticated=True)  # sees every cohort


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="visits after the first")
    parser.add_argument("--trainees", type=int, default=10_000)
    parser.add_argument("--reflections", type=int, default=200_000)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data of the last run again"
    )
    return parser.parse_args()


def fresh_database(url: str, redis_url: str) -> None:
    import psycopg
    import redis

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(redis_url).flushdb()


def setup(args) -> None:
    url = os.environ.get("DATABASE_URL") or PG_DEFAULT
    redis_url = os.environ.get("REDIS_URL") or REDIS_DEFAULT
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.bench",
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "bench-only-0123456789abcdef0123456789abcdef0123456789",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    if not args.reuse:
        fresh_database(url, redis_url)
    import django

    django.setup()
    from django.conf import settings

    # Static files by name, not through prod's manifest (no collectstatic for an
    # in-process bench; the asset URLs are not what is measured).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if args.reuse:
        return
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    with tempfile.NamedTemporaryFile(suffix=".json") as pages:
        call_command(
            "bench_data", "--scale", "--out", pages.name,
            "--trainees", str(args.trainees), "--reflections", str(args.reflections),
        )  # fmt: skip
    print(f"bench_data --scale: {time.monotonic() - started:.0f} s")


def add_reviews_and_groups(module, tutor) -> None:
    """Feedback on every reviewed reflection (one in five after a revision request), a
    wait of 1 hour to 12 days; 400 study groups of 8 with two meetings held each and
    answers from most members."""
    from django.db import connection, transaction
    from django.utils import timezone

    from modules.models import Enrolment
    from reflections.models import Feedback, Reflection
    from studygroups.models import Meeting, MeetingResponse, Membership, StudyGroup

    rng = random.Random(23)
    now = timezone.now()
    with transaction.atomic():
        rows = []
        for pk, submitted in (
            Reflection.objects.filter(module=module, status="reviewed")
            .values_list("id", "submitted_at")
            .iterator(10_000)
        ):
            wait = datetime.timedelta(minutes=rng.randint(60, 12 * 24 * 60))
            if rng.random() < 0.2:
                rows.append(
                    Feedback(reflection_id=pk, tutor=tutor, text="Please add more.",
                             decision="revision_requested", created_at=submitted + wait / 2)
                )  # fmt: skip
            rows.append(
                Feedback(reflection_id=pk, tutor=tutor, text="Good.", decision="reviewed",
                         created_at=submitted + wait)
            )  # fmt: skip
        Feedback.objects.bulk_create(rows, batch_size=5000)
        users = list(
            Enrolment.objects.filter(module=module)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )[:3200]
        topics = list(module.topics.order_by("number")[:2])
        groups = StudyGroup.objects.bulk_create(
            [StudyGroup(module=module, name=f"Bench group {i}") for i in range(len(users) // 8)]
        )
        members = Membership.objects.bulk_create(
            [
                Membership(
                    group=groups[i // 8], user_id=u, role="convenor" if i % 8 == 0 else "member"
                )
                for i, u in enumerate(users[: len(groups) * 8])
            ],
            batch_size=5000,
        )
        meetings = Meeting.objects.bulk_create(
            [
                Meeting(
                    group=g,
                    topic=t,
                    starts_at=now - datetime.timedelta(days=3 + 7 * n),
                    ends_at=now - datetime.timedelta(days=3 + 7 * n, hours=-1),
                )
                for g in groups
                for n, t in enumerate(topics)
            ],  # fmt: skip
            batch_size=5000,
        )
        by_group = {}
        for m in members:
            by_group.setdefault(m.group_id, []).append(m)
        answers = ["going", "going", "going", "maybe", "not_going", None]
        MeetingResponse.objects.bulk_create(
            [
                MeetingResponse(
                    meeting=meeting, membership=m, answer=a, updated_at=meeting.starts_at
                )
                for meeting in meetings
                for m in by_group[meeting.group_id]
                if (a := rng.choice(answers))
            ],
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def time_visits(url: str, user, runs: int) -> dict:
    """The dashboard's first visit in a process that has served another page (as a
    running app server has), then ``runs`` more (none is cached: every visit reads the
    summaries). Wall time and this process's CPU time (the database's own time is in the
    wall time only); the machine's load average beside them, as the bench shares it."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 200  # the process warmed by any page
    walls, cpus = [], []
    for _ in range(runs + 1):
        with CaptureQueriesContext(connection) as queries:
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            content = response.content
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, response.status_code
    return {
        "first_ms": walls[0],
        "first_cpu_ms": cpus[0],
        "median_ms": statistics.median(walls[1:]) if runs else walls[0],
        "median_cpu_ms": statistics.median(cpus[1:]) if runs else cpus[0],
        "queries": len(queries),
        "bytes": len(content),
        "load": os.getloadavg()[0],
    }


def plain_recount(module) -> dict[tuple[str, str], str]:
    """The numbers asked of PostgreSQL directly, formatted as the dashboard formats them.
    Keys: (table slug, row label or column)."""
    from django.db import connection

    from analytics import figures
    from analytics.recount import bucket

    def one(sql, *params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def rows(sql, *params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    expected = {}
    enrolled = one("SELECT count(*) FROM modules_enrolment WHERE module_id = %s", module.pk)
    expected[("funnel", "Enrolled")] = figures.count(enrolled)
    for topic, position, title, done in rows(
        """SELECT tp.number, t.position, t.title, count(e.id)
           FROM topics_task t JOIN topics_topic tp ON tp.id = t.topic_id
           LEFT JOIN topics_taskcompletion c ON c.task_id = t.id
           LEFT JOIN modules_enrolment e ON e.user_id = c.user_id AND e.module_id = tp.module_id
           WHERE tp.module_id = %s GROUP BY tp.number, t.position, t.title""",
        module.pk,
    ):
        expected[("funnel", f"Topic {topic}, task {position}: {title}")] = figures.count(done)
    reflections = "SELECT count(*) FROM reflections_reflection WHERE module_id = %s"
    for key, condition in (
        ("Written", ""),
        ("Submitted for review", " AND status <> 'draft'"),
        ("Reviewed", " AND status = 'reviewed'"),
    ):
        sql = reflections + condition
        expected[("reflections", key)] = figures.count(one(sql, module.pk))
    for number, phase, position, n in rows(
        """SELECT tp.number, s.phase, s.position, count(*) FROM debates_stance s
           JOIN topics_motion m ON m.id = s.motion_id JOIN topics_task t ON t.id = m.task_id
           JOIN topics_topic tp ON tp.id = t.topic_id
           JOIN modules_enrolment e ON e.user_id = s.user_id AND e.module_id = tp.module_id
           WHERE tp.module_id = %s GROUP BY tp.number, s.phase, s.position""",
        module.pk,
    ):
        expected[("debate-stances", f"{number}:{phase}:{position}")] = figures.count(n)
    median, p90, reviews = rows(
        """SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY w),
                  percentile_disc(0.9) WITHIN GROUP (ORDER BY w), count(*)
           FROM (SELECT floor(extract(epoch FROM f.created_at - r.submitted_at) / 60) AS w
                 FROM reflections_feedback f JOIN reflections_reflection r ON r.id = f.reflection_id
                 WHERE r.module_id = %s AND r.submitted_at <= f.created_at) waits""",
        module.pk,
    )[0]
    expected[("turnaround", "reviews")] = figures.count(reviews)
    # Exact percentiles rounded down to the dashboard's step agree with its bucketed ones.
    expected[("turnaround", "median")] = figures.duration(bucket(median))
    expected[("turnaround", "p90")] = figures.duration(bucket(p90))
    in_group = one(
        """SELECT count(DISTINCT ms.user_id) FROM studygroups_membership ms
           JOIN studygroups_studygroup g ON g.id = ms.group_id
           JOIN modules_enrolment e ON e.user_id = ms.user_id AND e.module_id = g.module_id
           WHERE g.module_id = %s AND ms.left_at IS NULL AND ms.role IN ('convenor', 'member')""",
        module.pk,
    )
    expected[("study-groups", "in_group")] = figures.count(in_group)
    return expected


def shown(module, tutor) -> dict[tuple[str, str], str]:
    """The same numbers as the dashboard's tables hold them."""
    from analytics.views import DashboardMixin

    view = DashboardMixin()

    class Request:
        GET: dict = {}
        user = ADMIN  # every cohort, as the plain recount counts

    view.request = Request()
    _form, _counts, figures_shown = view.get_figures(module)
    tables = {t.slug: t for f in figures_shown for t in f.tables}
    got = {("funnel", row[0]): row[1] for row in tables["funnel"].rows}
    written, submitted, reviewed = tables["reflections"].rows[0][:3]
    got.update(
        {
            ("reflections", "Written"): written,
            ("reflections", "Submitted for review"): submitted,
            ("reflections", "Reviewed"): reviewed,
        }
    )
    positions = {"For": "for", "Undecided": "undecided", "Against": "against"}
    for row in tables["debate-stances"].rows:
        number = row[0].split(":")[0].removeprefix("Topic ")
        phase = row[1].lower()
        for column, cell in zip(tables["debate-stances"].columns[2:5], row[2:5], strict=True):
            if cell != "0":
                got[("debate-stances", f"{number}:{phase}:{positions[column]}")] = cell.split(" (")[
                    0
                ]
    tutor_row = tables["turnaround-tutors"].rows[0]  # all tutors
    got[("turnaround", "reviews")], got[("turnaround", "median")], got[("turnaround", "p90")] = (
        tutor_row[1:4]
    )
    got[("study-groups", "in_group")] = tables["study-groups"].rows[0][1]
    return got


def main() -> int:
    args = arguments()
    setup(args)
    from django.urls import reverse

    from analytics.services import summaries_refresh
    from modules.models import Module
    from portal.models import User

    module = Module.objects.get(slug="psycho-social-interventions")
    tutor = User.objects.get(email="tutor@example.com")
    if not args.reuse:
        started = time.monotonic()
        add_reviews_and_groups(module, tutor)
        print(f"Feedback, groups and meetings added: {time.monotonic() - started:.0f} s")
    state = summaries_refresh(module=module)
    print(f"Recount (the worker's job): {state.took_ms} ms, {state.rows} summary rows")
    url = reverse("analytics:module", kwargs={"slug": module.slug})
    # An admin sees every cohort: the whole module, all 10,000 and more trainees.
    visits = time_visits(url, User.objects.get(email="admin@example.com"), args.runs)
    expected, got = plain_recount(module), shown(module, tutor)
    differences = {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}
    from django.db import connection

    from reflections.models import Reflection

    row = {
        "database": connection.vendor,
        "trainees": module.enrolments.count(),
        "reflections": Reflection.objects.filter(module=module).count(),
        "recount_ms": state.took_ms,
        "summary_rows": state.rows,
        "first_visit_ms": round(visits["first_ms"], 1),
        "first_visit_cpu_ms": round(visits["first_cpu_ms"], 1),
        "median_visit_ms": round(visits["median_ms"], 1),
        "median_visit_cpu_ms": round(visits["median_cpu_ms"], 1),
        "load_average": round(visits["load"], 1),
        "queries": visits["queries"],
        "page_kib": round(visits["bytes"] / 1024, 1),
        "numbers_checked": len(expected),
        "numbers_differing": len(differences),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    for key, value in row.items():
        print(f"{key:>18}: {value}")
    for key, (want, have) in differences.items():
        print(f"DIFFERS {key}: plain recount {want!r}, dashboard {have!r}")
    ok = visits["first_ms"] < TARGET_MS and not differences
    print("PASS" if ok else "FAIL", f"(first visit under {TARGET_MS} ms, every number agrees)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
