"""Reads about a trainee's progress, shared by the overview, topic pages and the dashboard.

Each function runs a fixed number of queries, however many topics, tasks or
completions there are: counts come from annotations, never from a query per topic.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Subquery

from modules.models import Enrolment, Module

from .models import Task, TaskCompletion, Topic


@dataclass
class ModuleProgress:
    """A module's topics (annotated by ``Topic.objects.with_progress_for``) and their sums."""

    module: Module
    topics: list[Topic] = field(default_factory=list)
    enrolment: Enrolment | None = None
    next_task: Task | None = None

    @property
    def done(self) -> int:
        return sum(topic.task_done for topic in self.topics)

    @property
    def total(self) -> int:
        return sum(topic.task_total for topic in self.topics)

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.done >= self.total

    @property
    def completed_at(self):
        return self.enrolment.completed_at if self.enrolment else None

    @property
    def overdue_topics(self) -> list[Topic]:
        return [topic for topic in self.topics if topic.is_overdue]

    @property
    def due_soon_topics(self) -> list[Topic]:
        return [topic for topic in self.topics if topic.is_due_soon]


def progress_from_topics(module: Module, topics, **extra) -> ModuleProgress:
    """Wrap topics already fetched with ``with_progress_for`` (no query)."""
    topics = list(topics)
    for topic in topics:
        topic.module = module
    return ModuleProgress(module=module, topics=topics, **extra)


def module_progress(*, user, module: Module) -> ModuleProgress:
    """The user's progress through one module, per topic and in total (one query)."""
    topics = Topic.objects.filter(module=module).with_progress_for(user)
    return progress_from_topics(module, topics)


def _next_task_ids(user):
    """Subquery: the first task of the enrolment's module (in order) that the user has not done."""
    not_done = ~Exists(TaskCompletion.objects.filter(user=user, task=OuterRef("pk")))
    return Subquery(
        Task.objects.filter(not_done, topic__module=OuterRef("module"))
        .order_by("topic__number", "position")
        .values("pk")[:1]
    )


def next_task(*, user, module: Module) -> Task | None:
    """The first task of the module, in order, that the user has not marked done (one query)."""
    not_done = ~Exists(TaskCompletion.objects.filter(user=user, task=OuterRef("pk")))
    task = (
        Task.objects.in_module(module)
        .filter(not_done)
        .select_related("topic")
        .order_by("topic__number", "position")
        .first()
    )
    if task is not None:
        task.topic.module = module
    return task


def dashboard_progress(*, user, annotations: dict | None = None) -> list[ModuleProgress]:
    """Every module the user is enrolled in, unfinished first, with progress per topic and the
    next task to do (three queries at most). ``annotations`` are added to the enrolments'
    query (an app above reads its own facts about each enrolment at no extra query)."""
    if not user.is_authenticated:
        return []
    enrolments = list(
        Enrolment.objects.for_user(user)
        .select_related("module")
        .annotate(next_task_id=_next_task_ids(user), **(annotations or {}))
        .order_by(F("completed_at").asc(nulls_first=True), "module__position", "module__title")
    )
    if not enrolments:
        return []
    modules = {enrolment.module_id: enrolment.module for enrolment in enrolments}
    topics_by_module: dict[int, list[Topic]] = {pk: [] for pk in modules}
    for topic in Topic.objects.filter(module__in=modules).with_progress_for(user):
        topics_by_module[topic.module_id].append(topic)
    next_ids = [e.next_task_id for e in enrolments if e.next_task_id is not None]
    tasks = (
        {task.pk: task for task in Task.objects.filter(pk__in=next_ids).select_related("topic")}
        if next_ids
        else {}
    )
    result = []
    for enrolment in enrolments:
        module = modules[enrolment.module_id]
        task = tasks.get(enrolment.next_task_id)
        if task is not None:
            task.topic.module = module
        result.append(
            progress_from_topics(
                module, topics_by_module[module.pk], enrolment=enrolment, next_task=task
            )
        )
    return result
