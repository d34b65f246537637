"""Build the page benchmark's data set and write the pages to measure (JSON).

The small set: the course, the demo accounts and study group, the demo trainee with
progress (enrolled, the first two topics' tasks done, checklist ticks, a timetable,
stances, 12 reflections with feedback, notices), a crowd of trainees arguing on every
motion (200 arguments a motion, with replies and endorsements) and submitting
reflections, so the demo tutor has a queue.

``--scale`` adds a cohort the size the portal must hold: 10,000 trainees, 200,000
reflections and 50,000 arguments (20,000 of them on the demo trainee's debate), all
with bulk inserts so it takes minutes, not hours.

The trainee's and the tutor's session cookies are written beside the pages, made by
the configured session engine so the served portal reads them.
"""

import json
import random
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import BaseCommand, call_command
from django.db import connection, transaction
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

PARAGRAPH = (
    "In the session I used **open questions** and reflective listening to explore the "
    "client's ambivalence about cutting down. When I moved too quickly to advice the "
    "conversation closed; when I summarised, the client offered more *change talk*."
)
ARGUMENT = (
    "The evidence from the trials we read suggests that **{what}** matters more than the "
    "particular technique: the relationship carries the change. See the second reading, "
    "section 3, and think of the client we discussed."
)
WHATS = ["the therapeutic alliance", "empathy", "the client's own goals", "follow-up", "timing"]


def body(i: int) -> str:
    parts = [f"## {h}\n\n{PARAGRAPH}" for h in ("Description", "Feelings", "Analysis")]
    return f"Reflection {i}.\n\n" + "\n\n".join(parts) + "\n\n- Practise\n- Record\n- Ask"


class Command(BaseCommand):
    help = "Build the page benchmark's data set (bench settings only) and write its pages."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Where to write the pages (JSON).")
        parser.add_argument("--scale", action="store_true", help="Add the 10,000 cohort.")
        parser.add_argument("--trainees", type=int, default=10_000)
        parser.add_argument("--reflections", type=int, default=200_000)
        parser.add_argument("--arguments", type=int, default=50_000)

    def handle(self, *args, out, scale, trainees, reflections, arguments, **options):
        started = time.monotonic()
        self.rng = random.Random(12)
        call_command("load_content", verbosity=0)
        call_command("seed_demo", verbosity=0)
        with transaction.atomic():
            trainee, tutor, module = self.demo_people()
            crowd = self.crowd(module, count=60, prefix="crowd")
            self.debates(module, trainee, crowd, per_motion=200)
            reflection = self.trainee_progress(trainee, module)
            self.queue(module, crowd, tutor, count=30)
        if scale:
            self.stdout.write("Adding the cohort...")
            with transaction.atomic():
                cohort = self.crowd(module, count=trainees, prefix="cohort")
                self.cohort_progress(module, cohort)
                self.cohort_reflections(module, cohort, count=reflections)
                self.cohort_arguments(module, cohort, count=arguments)
        self.recount()
        self.settle()
        pages = self.pages(trainee, tutor, module, reflection)
        with open(out, "w") as handle:
            json.dump(pages, handle, indent=2)
        self.stdout.write(
            f"Bench data built in {time.monotonic() - started:.0f} s; "
            f"{len(pages['pages'])} pages written to {out}."
        )

    def settle(self) -> None:
        """On PostgreSQL, what autovacuum does soon after a bulk load in a running portal:
        planner statistics and the visibility map that lets a count read an index alone.
        (SQLite gathers no statistics unless asked, and the portal does not ask.)"""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")

    # --- the people ------------------------------------------------------------------

    def demo_people(self):
        from modules.models import Module
        from portal.models import User

        module = Module.objects.get(slug="psycho-social-interventions")
        trainee = User.objects.get(email="trainee@example.com")
        tutor = User.objects.get(email="tutor@example.com")
        return trainee, tutor, module

    def crowd(self, module, *, count: int, prefix: str):
        """``count`` verified trainees enrolled in the module (bulk: one password hash)."""
        from allauth.account.models import EmailAddress

        from modules.models import Enrolment
        from portal.models import User

        password = make_password("bench-crowd-password-2026")
        now = timezone.now()
        users = User.objects.bulk_create(
            [
                User(
                    email=f"{prefix}{i}@example.org",
                    full_name=f"{prefix.title()} Trainee {i}",
                    password=password,
                    date_joined=now,
                )
                for i in range(count)
            ],
            batch_size=2000,
        )
        if not users or users[0].pk is None:  # SQLite before 3.35 gives no ids back
            users = list(User.objects.filter(email__startswith=prefix).order_by("pk"))
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=2000,
        )
        Enrolment.objects.bulk_create(
            [Enrolment(user=u, module=module, prerequisites_confirmed_at=now) for u in users],
            batch_size=2000,
        )
        return users

    # --- the demo trainee ------------------------------------------------------------

    def trainee_progress(self, trainee, module):
        from notifications.models import Kind
        from notifications.services import notify
        from reflections.models import Feedback, Reflection, ReflectionTemplate
        from reflections.services import reflection_create, reflection_save, reflection_submit
        from topics.models import ChecklistItem, Task, Topic
        from topics.services import checklist_item_tick, task_mark_done, timetable_set

        topics = list(Topic.objects.filter(module=module).order_by("number"))
        tasks = list(
            Task.objects.filter(topic__module=module).order_by("topic__number", "position")
        )
        for task in tasks[:6]:
            task_mark_done(user=trainee, task=task)
        for item in ChecklistItem.objects.filter(resource__task__topic__module=module)[:5]:
            checklist_item_tick(user=trainee, item=item, ticked=True)
        today = timezone.localdate()
        timetable_set(
            user=trainee,
            module=module,
            targets={t: today + timedelta(days=7 * (n - 1)) for n, t in enumerate(topics)},
        )
        gibbs = ReflectionTemplate.objects.filter(slug="gibbs").first()
        tutor_user = module.tutors.exclude(user=None).first().user
        first = None
        for i in range(12):
            reflection = reflection_create(
                author=trainee,
                title=f"Reflection {i + 1}: what I noticed",
                task=tasks[i % len(tasks)] if i % 4 else None,
                module=module,
                template=gibbs,
            )
            reflection_save(
                reflection=reflection,
                by=trainee,
                expected_version=1,
                title=reflection.title,
                body=body(i + 1),
                cpd_minutes=30 + 5 * i,
            )
            if i % 3 == 0:
                reflection_submit(reflection=reflection, by=trainee)
                Feedback.objects.create(
                    reflection=reflection,
                    tutor=tutor_user,
                    text="Good use of **open questions**. Next time, try a double-sided "
                    "reflection when you hear sustain talk.",
                )
                Reflection.objects.filter(pk=reflection.pk).update(
                    status=Reflection.Status.REVIEWED
                )
            first = first or reflection
        for i in range(15):
            notify(
                recipient=trainee,
                kind=Kind.FEEDBACK if i % 2 else Kind.GROUP_ACTIVITY,
                text=f"Notice {i + 1}: your tutor left feedback on a reflection.",
                url=first.get_absolute_url(),
                actor=tutor_user,
            )
        return first

    # --- debates ---------------------------------------------------------------------

    def debates(self, module, trainee, crowd, *, per_motion: int):
        """Every crowd trainee takes a stance before (most after) on every motion; each
        motion gets ``per_motion`` arguments, a fifth of them replies, with endorsements.
        The demo trainee has argued and taken both stances on the first motion."""
        from debates.models import Argument, Endorsement, Stance
        from debates.services import argument_create, stance_record
        from topics.models import Motion

        motions = list(Motion.objects.filter(task__topic__module=module).order_by("task__topic"))
        for motion in motions:
            self.stances(motion, crowd)
            self.arguments(motion, crowd, count=per_motion)
        first = motions[0]
        stance_record(user=trainee, motion=first, phase="before", position="for", confidence=3)
        argument_create(
            author=trainee,
            motion=first,
            side="for",
            text="Empathy first: **listen** before advice.",
        )
        stance_record(user=trainee, motion=first, phase="after", position="against", confidence=4)
        some = Argument.objects.filter(motion=first, parent=None).exclude(author=trainee)[:10]
        Endorsement.objects.bulk_create(
            [Endorsement(argument=a, user=trainee) for a in some], ignore_conflicts=True
        )
        return Stance

    def stances(self, motion, users, *, after_share: float = 0.7):
        from debates.models import Stance
        from modules.models import Cohort

        cohort = Cohort.default_for(motion.task.topic.module)  # where the crowd is enrolled
        positions = ["for", "against", "undecided"]
        rows = []
        for u in users:
            rows.append(
                Stance(user=u, motion=motion, phase="before", cohort=cohort,
                       position=self.rng.choice(positions), confidence=self.rng.randint(1, 5))
            )  # fmt: skip
            if self.rng.random() < after_share:
                rows.append(
                    Stance(user=u, motion=motion, phase="after", cohort=cohort,
                           position=self.rng.choice(positions), confidence=self.rng.randint(1, 5))
                )  # fmt: skip
        Stance.objects.bulk_create(rows, batch_size=5000)

    def arguments(self, motion, users, *, count: int):
        from debates.models import Argument, Endorsement
        from modules.models import Cohort

        cohort = Cohort.default_for(motion.task.topic.module)
        now = timezone.now()
        tops = Argument.objects.bulk_create(
            [
                Argument(
                    motion=motion,
                    cohort=cohort,
                    author=self.rng.choice(users),
                    side=self.rng.choice(["for", "against"]),
                    text=ARGUMENT.format(what=self.rng.choice(WHATS)) + f" ({i})",
                    created_at=now - timedelta(minutes=count - i),
                )
                for i in range(count - count // 5)
            ],
            batch_size=5000,
        )
        if tops and tops[0].pk is None:
            tops = list(Argument.objects.filter(motion=motion, parent=None).order_by("pk"))
        tops = tops[-(count - count // 5) :]
        Argument.objects.bulk_create(
            [
                Argument(
                    motion=motion,
                    cohort=cohort,
                    author=self.rng.choice(users),
                    parent=self.rng.choice(tops),
                    side="",
                    text=f"I agree, and would add {self.rng.choice(WHATS)}.",
                    created_at=now,
                )
                for _ in range(count // 5)
            ],
            batch_size=5000,
        )
        endorsements = {(self.rng.choice(tops).pk, self.rng.choice(users).pk) for _ in range(count)}
        Endorsement.objects.bulk_create(
            [Endorsement(argument_id=a, user_id=u) for a, u in endorsements],
            batch_size=5000,
            ignore_conflicts=True,
        )

    # --- the tutor's queue -----------------------------------------------------------

    def queue(self, module, crowd, tutor, *, count: int):
        from reflections.models import Reflection
        from topics.models import Task

        tasks = list(Task.objects.filter(topic__module=module))
        now = timezone.now()
        Reflection.objects.bulk_create(
            [
                Reflection(
                    author=crowd[i % len(crowd)],
                    task=tasks[i % len(tasks)],
                    module=module,
                    title=f"Submitted reflection {i + 1}",
                    body=body(i),
                    status=Reflection.Status.SUBMITTED,
                    shared_with_tutor=True,
                    cpd_minutes=45,
                    created_at=now - timedelta(days=count - i),
                    updated_at=now - timedelta(days=count - i),
                    submitted_at=now - timedelta(days=count - i),
                )
                for i in range(count)
            ]
        )

    # --- the cohort at scale ---------------------------------------------------------

    def cohort_progress(self, module, cohort):
        from debates.models import Stance
        from topics.models import Motion, Task, TaskCompletion

        tasks = list(
            Task.objects.filter(topic__module=module).order_by("topic__number", "position")
        )
        rows = []
        for n, u in enumerate(cohort):
            rows += [TaskCompletion(user=u, task=t) for t in tasks[: n % (len(tasks) + 1)]]
        TaskCompletion.objects.bulk_create(rows, batch_size=5000)
        first = Motion.objects.filter(task__topic__module=module).order_by("task__topic").first()
        self.stances(first, cohort)
        return Stance

    def cohort_reflections(self, module, cohort, *, count: int):
        from reflections.models import Reflection
        from topics.models import Task

        tasks = list(Task.objects.filter(topic__module=module))
        statuses = [Reflection.Status.DRAFT] * 6 + [
            Reflection.Status.SUBMITTED,
            Reflection.Status.REVIEWED,
        ]
        now = timezone.now()
        text = body(0)
        batch = []
        for i in range(count):
            status = statuses[i % len(statuses)]
            at = now - timedelta(minutes=i)
            batch.append(
                Reflection(
                    author=cohort[i % len(cohort)],
                    task=tasks[i % len(tasks)],
                    module=module,
                    title=f"Cohort reflection {i}",
                    body=text,
                    status=status,
                    shared_with_tutor=status != Reflection.Status.DRAFT,
                    cpd_minutes=30,
                    created_at=at,
                    updated_at=at,
                    submitted_at=at if status != Reflection.Status.DRAFT else None,
                )
            )
            if len(batch) == 10_000:
                Reflection.objects.bulk_create(batch)
                batch = []
        Reflection.objects.bulk_create(batch)

    def cohort_arguments(self, module, cohort, *, count: int):
        """20,000 arguments (or 40 % of ``count``) on the demo trainee's debate, the rest
        spread over the other motions."""
        from topics.models import Motion

        motions = list(Motion.objects.filter(task__topic__module=module).order_by("task__topic"))
        on_first = min(20_000, count * 2 // 5)
        self.arguments(motions[0], cohort, count=on_first)
        rest = count - on_first
        for motion in motions[1:]:
            self.arguments(motion, cohort, count=rest // max(1, len(motions) - 1))

    def recount(self):
        """Counters that the portal keeps on write are rebuilt after the bulk inserts."""
        from django.utils.module_loading import import_string

        for path in getattr(settings, "BENCH_RECOUNT", []):
            import_string(path)()

    # --- the pages -------------------------------------------------------------------

    def pages(self, trainee, tutor, module, reflection) -> dict:
        from library.models import Article
        from reflections.models import Reflection
        from studygroups.models import StudyGroup
        from topics.models import Task

        topic = module.topics.order_by("number").first()
        task = Task.objects.filter(topic=topic).order_by("position").first()
        debate = reverse(
            "debates:detail", kwargs={"module_slug": module.slug, "number": topic.number}
        )
        article = Article.objects.order_by("pk").first()
        group = StudyGroup.objects.filter(memberships__user=trainee).first()
        trainee_pages = {
            "home": "/",
            "dashboard": reverse("dashboard"),
            "module overview": module.get_absolute_url(),
            "topic": topic.get_absolute_url(),
            "task": task.get_absolute_url(),
            "debate": debate,
            "timetable": reverse("topics:timetable", kwargs={"module_slug": module.slug}),
            "portfolio": reverse("reflections:portfolio"),
            "reflection": reflection.get_absolute_url(),
            "library": reverse("library:index"),
            "article": article.get_absolute_url(),
            "my groups": reverse("studygroups:list"),
            "group": group.get_absolute_url(),
            "notifications": reverse("notifications:list"),
        }
        tutor_pages = {"tutor dashboard": reverse("dashboard"), "tutor debate": debate}
        waiting = (
            Reflection.objects.filter(module=module, status=Reflection.Status.SUBMITTED)
            .exclude(author=trainee)
            .order_by("submitted_at")
            .first()
        )
        review_pages = [
            ("review queue", "review:queue", {}),
            ("review reflection", "review:detail", {"pk": waiting.pk if waiting else 0}),
            ("cohort", "review:cohort", {"slug": module.slug}),
        ]
        for name, url_name, kwargs in review_pages:
            try:
                tutor_pages[name] = reverse(url_name, kwargs=kwargs)
            except NoReverseMatch:
                pass  # the review pages are not in this version of the portal
        pages = [{"name": n, "url": u, "who": "trainee"} for n, u in trainee_pages.items()]
        pages += [{"name": n, "url": u, "who": "tutor"} for n, u in tutor_pages.items()]
        return {
            "floor": reverse("bench_floor"),
            "cookies": {"trainee": self.cookies(trainee), "tutor": self.cookies(tutor)},
            "pages": pages,
        }

    def cookies(self, user) -> str:
        """The cookies a browser holds after signing in and seeing one page: the session
        (made by the configured engine, so the served portal reads it) and the CSRF
        cookie every page with a form sets."""
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
        return f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
