"""A demo intake for the course dashboard: 40 password-less demo trainees with six weeks
of work, so the figures have groups of five and more to show (``seed_demo``'s handful of
demo people are all "fewer than 5"). Local use only; run after ``seed_demo``. Running it
again changes nothing."""

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

INTAKE = 40
EMAIL = "intake{:02d}.demo@example.com"


class Command(BaseCommand):
    help = "Add a demo intake of 40 trainees with six weeks of work, then recount the analytics."

    def handle(self, *args, **options):
        from debates.models import Stance
        from modules.models import Enrolment, Module
        from portal.models import User
        from portal.services import user_create_verified
        from reflections.models import Feedback, Reflection, ReflectionVersion
        from studygroups.models import Meeting, MeetingResponse, Membership, StudyGroup
        from topics.models import Motion, Task, TaskCompletion

        from ...services import summaries_refresh

        module = Module.objects.filter(slug="psycho-social-interventions").first()
        tutor = User.objects.filter(email="tutor@example.com").first()
        if module is None or tutor is None:
            raise CommandError("Load the course and the demo accounts first (make run does).")
        if User.objects.filter(email=EMAIL.format(1)).exists():
            self.stdout.write("The demo intake is there already.")
            summaries_refresh(module=module)
            return
        rng = random.Random(23)  # noqa: S311 - demo data, not secrets
        now = timezone.now()
        start = now - datetime.timedelta(weeks=6)
        tasks = list(
            Task.objects.filter(topic__module=module).order_by("topic__number", "position")
        )
        motions = {m.task_id: m for m in Motion.objects.filter(task__topic__module=module)}
        with transaction.atomic():
            people = [
                user_create_verified(
                    email=EMAIL.format(i + 1), password=None, full_name=f"Intake trainee {i + 1}"
                )
                for i in range(INTAKE)
            ]
            for i, user in enumerate(people):
                enrolled = start + datetime.timedelta(days=i % 10, hours=9)
                row = Enrolment.objects.create(user=user, module=module)
                Enrolment.objects.filter(pk=row.pk).update(enrolled_at=enrolled)
                cohort = row.cohort
                # How far each gets: many stop around topic 2's debate.
                reach = min(len(tasks), max(1, int(rng.triangular(1, len(tasks) + 3, 5))))
                when = enrolled + datetime.timedelta(days=1)
                for task in tasks[:reach]:
                    when += datetime.timedelta(minutes=rng.randint(20, 600))
                    done = TaskCompletion.objects.create(user=user, task=task)
                    TaskCompletion.objects.filter(pk=done.pk).update(completed_at=min(when, now))
                    motion = motions.get(task.id)
                    if motion is not None:
                        before = rng.choice(["for", "against", "undecided", "undecided"])
                        after = rng.choice([before, "for", "for"]) if before != "for" else before
                        for phase, position, confidence in (
                            ("before", before, rng.randint(1, 3)),
                            ("after", after, rng.randint(3, 5)),
                        ):
                            Stance.objects.create(
                                user=user, motion=motion, phase=phase, position=position,
                                confidence=confidence, cohort=cohort,
                            )  # fmt: skip
                        Stance.objects.filter(user=user, motion=motion).update(
                            recorded_at=min(when, now), updated_at=min(when, now)
                        )
                    if rng.random() < 0.5:
                        written = min(when + datetime.timedelta(hours=2), now)
                        status = rng.choice(["draft", "reviewed", "reviewed", "reviewed"])
                        reflection = Reflection.objects.create(
                            author=user, module=module, task=task, status=status,
                            title=f"On {task.title}", body="A demo reflection.",
                            created_at=written, updated_at=written,
                            submitted_at=written if status != "draft" else None,
                        )  # fmt: skip
                        if status == "reviewed":
                            ReflectionVersion.objects.create(
                                reflection=reflection, number=1, title=reflection.title,
                                saved_at=written, submitted_at=written,
                            )  # fmt: skip
                            wait = datetime.timedelta(hours=rng.randint(4, 11 * 24))
                            Feedback.objects.create(
                                reflection=reflection, tutor=tutor, text="Thank you: well done.",
                                version=1, created_at=min(written + wait, now),
                            )  # fmt: skip
            topic = tasks[0].topic
            for g in range(3):
                group = StudyGroup.objects.create(
                    module=module, name=f"Intake group {g + 1} (demo)", created_by=people[g * 8]
                )
                members = [
                    Membership.objects.create(
                        group=group, user=u, role="convenor" if k == 0 else "member"
                    )
                    for k, u in enumerate(people[g * 8 : g * 8 + 8])
                ]
                starts = start + datetime.timedelta(weeks=2, days=g, hours=18)
                meeting = Meeting.objects.create(
                    group=group, topic=topic, starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=1),
                )  # fmt: skip
                for member in members:
                    answer = rng.choice(["going", "going", "going", "maybe", "not_going", None])
                    if answer:
                        MeetingResponse.objects.create(
                            meeting=meeting, membership=member, answer=answer,
                            updated_at=starts - datetime.timedelta(days=1),
                        )  # fmt: skip
        state = summaries_refresh(module=module)
        self.stdout.write(
            f"Demo intake: {INTAKE} trainees with six weeks of work; analytics counted "
            f"({state.rows} counts)."
        )
