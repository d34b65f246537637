"""Plain helpers that grow the content, for tests that pin query counts at two sizes."""

from modules.models import LearningOutcome, Module, ModuleTutor, Prerequisite, Tutor
from topics.models import ChecklistItem, Motion, Resource, Task, Topic


def make_module(*, slug: str, title: str = "", published: bool = True, offered: bool = True):
    return Module.objects.create(
        slug=slug, title=title or slug.replace("-", " ").title(), summary="A module.",
        introduction="Intro **text**.", how_it_works="How.", is_published=published,
        is_offered=offered,
    )  # fmt: skip


def grow_module(module: Module, *, extra: int) -> None:
    """Add ``extra`` topics (each with three tasks and resources), outcomes, tutors, prereqs."""
    start = module.topics.count()
    for i in range(start + 1, start + extra + 1):
        topic = Topic.objects.create(module=module, number=i, title=f"Topic {i}", summary="S.")
        for pos, kind in enumerate(Task.Kind.values, 1):
            task = Task.objects.create(
                topic=topic, position=pos, kind=kind, title=f"Task {i}.{pos}", instructions="Do."
            )
            if kind == Task.Kind.DEBATE:
                Motion.objects.create(task=task, statement=f"Motion {i}")
            for r in range(1, 4):
                resource = Resource.objects.create(
                    task=task, position=r, kind="checklist", title=f"R{r}", doi="10.1/x"
                )
                for c in range(1, 3):
                    ChecklistItem.objects.create(resource=resource, position=c, text=f"Item {c}")
        outcome_pos = module.outcomes.count() + 1
        LearningOutcome.objects.create(module=module, position=outcome_pos, text=f"Outcome {i}")
        tutor = Tutor.objects.create(name=f"Tutor {module.pk}-{i}", slug=f"tutor-{module.pk}-{i}",
                                     role_line="Tutor")  # fmt: skip
        ModuleTutor.objects.create(module=module, tutor=tutor, position=i + 10)
        prereq = make_module(slug=f"prereq-{module.pk}-{i}")
        Prerequisite.objects.create(module=module, required=prereq, position=i + 10)


def grow_task(task: Task, *, extra: int) -> None:
    start = task.resources.count()
    for r in range(start + 1, start + extra + 1):
        resource = Resource.objects.create(task=task, position=r, kind="checklist", title=f"R{r}")
        for c in range(1, 4):
            ChecklistItem.objects.create(resource=resource, position=c, text=f"Item {c}")


def grow_debate(motion, *, arguments: int, people: list, cohort=None) -> None:
    """Add ``arguments`` top-level arguments with two replies each, endorsements, and a
    stance before and after for each person (bulk inserts: quick at 500), in ``cohort``'s
    debate (default: the module's default cohort)."""
    from debates.models import Argument, Endorsement, Stance
    from modules.models import Cohort

    cohort = cohort or Cohort.default_for(motion.task.topic.module)
    for i, user in enumerate(people):
        for phase in ("before", "after"):
            Stance.objects.get_or_create(
                user=user, motion=motion, phase=phase,
                defaults={"position": ["for", "against", "undecided"][(i + len(phase)) % 3],
                          "confidence": 1 + i % 5, "cohort": cohort},
            )  # fmt: skip
    tops = Argument.objects.bulk_create(
        Argument(motion=motion, cohort=cohort, author=people[i % len(people)],
                 side=["for", "against"][i % 2], text=f"Argument {i} with *Markdown*.")
        for i in range(arguments)
    )  # fmt: skip
    replies = Argument.objects.bulk_create(
        Argument(motion=motion, cohort=cohort, author=people[(i + r) % len(people)], parent=top,
                 text=f"Reply {r} to {i}.")
        for i, top in enumerate(tops) for r in (1, 2)
    )  # fmt: skip
    Endorsement.objects.bulk_create(
        Endorsement(argument=argument, user=user)
        for argument in [*tops, *replies]
        for user in people
        if user.pk != argument.author_id
    )
    from debates.services import counters_rebuild

    counters_rebuild()  # bulk inserts skip the counters the services keep


def grow_cohort(module: Module, *, trainees: int, start: int = 0, submitted: bool = True):
    """``trainees`` enrolled trainees (bulk inserts, so 10,000 take seconds), each with some
    tasks done, a target per topic (the first one past), and a reflection on the first
    task, submitted for review when ``submitted``. Returns the users."""
    import datetime

    from django.utils import timezone

    from modules.models import Enrolment
    from portal.models import User
    from reflections.models import Reflection, ReflectionVersion
    from topics.models import TaskCompletion, TimetableTarget

    now = timezone.now()
    today = timezone.localdate()
    users = User.objects.bulk_create(
        User(email=f"cohort{start + i}@example.org", full_name=f"Cohort Trainee {start + i:05d}",
             password="!")
        for i in range(trainees)
    )  # fmt: skip
    if not users[0].pk:  # SQLite before 3.35 returns no ids from a bulk insert
        users = list(User.objects.filter(email__startswith="cohort").order_by("pk"))[-trainees:]
    Enrolment.objects.bulk_create(Enrolment(user=u, module=module) for u in users)
    tasks = list(Task.objects.in_module(module).order_by("topic__number", "position"))
    topics = list(Topic.objects.filter(module=module).order_by("number"))
    TaskCompletion.objects.bulk_create(
        TaskCompletion(user=u, task=t) for i, u in enumerate(users) for t in tasks[: i % 5]
    )
    TimetableTarget.objects.bulk_create(
        TimetableTarget(user=u, topic=topic,
                        target_date=today + datetime.timedelta(days=7 * n - 3))
        for u in users for n, topic in enumerate(topics)
    )  # fmt: skip
    status = Reflection.Status.SUBMITTED if submitted else Reflection.Status.DRAFT
    reflections = Reflection.objects.bulk_create(
        Reflection(author=u, task=tasks[0], module=module, title=f"Reflection of {u.full_name}",
                   body="Some words " * 20, status=status,
                   submitted_at=now - datetime.timedelta(hours=i) if submitted else None)
        for i, u in enumerate(users)
    )  # fmt: skip
    if reflections and not reflections[0].pk:
        reflections = list(Reflection.objects.filter(author__in=users))
    ReflectionVersion.objects.bulk_create(
        ReflectionVersion(reflection=r, number=1, title=r.title, body=r.body,
                          submitted_at=r.submitted_at)
        for r in reflections
    )  # fmt: skip
    return users
