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


def grow_debate(motion, *, arguments: int, people: list) -> None:
    """Add ``arguments`` top-level arguments with two replies each, endorsements, and a
    stance before and after for each person (bulk inserts: quick at 500)."""
    from debates.models import Argument, Endorsement, Stance

    for i, user in enumerate(people):
        for phase in ("before", "after"):
            Stance.objects.get_or_create(
                user=user, motion=motion, phase=phase,
                defaults={"position": ["for", "against", "undecided"][(i + len(phase)) % 3],
                          "confidence": 1 + i % 5},
            )  # fmt: skip
    tops = Argument.objects.bulk_create(
        Argument(motion=motion, author=people[i % len(people)], side=["for", "against"][i % 2],
                 text=f"Argument {i} with *Markdown*.")
        for i in range(arguments)
    )  # fmt: skip
    replies = Argument.objects.bulk_create(
        Argument(motion=motion, author=people[(i + r) % len(people)], parent=top,
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
