"""Reads about reflections, each in a fixed number of queries, for pages, exports,
the dashboard and "download my data"."""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import F, Prefetch, QuerySet

from modules.models import Module
from topics.models import Task, Topic

from .models import Reflection, ReflectionVersion


def format_minutes(minutes: int) -> str:
    """CPD time as people say it: "45 min", "2 h", "3 h 20 min"."""
    hours, rest = divmod(int(minutes or 0), 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    if hours:
        return f"{hours} h"
    return f"{rest} min"


def portfolio_reflections(
    user, *, module: Module | None = None, status: str | None = None
) -> QuerySet[Reflection]:
    """The user's reflections in portfolio order: by module, topic and task; a module's
    general reflections after its topics; reflections tied to no module last."""
    reflections = Reflection.objects.visible_to(user).with_context()
    if module is not None:
        reflections = reflections.filter(module=module)
    if status:
        reflections = reflections.filter(status=status)
    return reflections.order_by(
        F("module__position").asc(nulls_last=True),
        F("module__title").asc(nulls_last=True),
        F("module_id").asc(nulls_last=True),
        F("task__topic__number").asc(nulls_last=True),
        F("task__position").asc(nulls_last=True),
        "created_at",
        "pk",
    )


@dataclass
class TopicGroup:
    topic: Topic | None
    reflections: list[Reflection]
    in_module: bool = True

    @property
    def heading(self) -> str:
        """The topic; a module's reflections on no task; nothing for free reflections."""
        if self.topic:
            return str(self.topic)
        return "General reflections on this module" if self.in_module else ""


@dataclass
class ModuleGroup:
    module: Module | None
    topics: list[TopicGroup] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return self.module.title if self.module else "Free reflections"

    @property
    def reflections(self) -> list[Reflection]:
        return [r for group in self.topics for r in group.reflections]

    @property
    def cpd_minutes(self) -> int:
        return sum(r.cpd_minutes for r in self.reflections)


def group_portfolio(reflections) -> list[ModuleGroup]:
    """Group reflections (already in portfolio order) by module, then topic; no queries."""
    groups = []
    for _module_id, in_module in groupby(reflections, key=lambda r: r.module_id):
        in_module = list(in_module)
        group = ModuleGroup(module=in_module[0].module)
        for _topic_id, in_topic in groupby(
            in_module, key=lambda r: r.task.topic_id if r.task_id else None
        ):
            in_topic = list(in_topic)
            first = in_topic[0]
            group.topics.append(
                TopicGroup(
                    topic=first.task.topic if first.task_id else None,
                    reflections=in_topic,
                    in_module=first.module_id is not None,
                )
            )
        groups.append(group)
    return groups


def reflections_for_task(user, task: Task) -> list[Reflection]:
    """The user's reflections on one task, newest first (one query)."""
    if not user.is_authenticated:
        return []
    return list(
        Reflection.objects.visible_to(user)
        .filter(task=task)
        .only("pk", "title", "status", "updated_at", "task_id")
        .order_by("-updated_at")
    )


def recent_for_user(user, *, limit: int = 5) -> list[Reflection]:
    """The user's most recently changed reflections for the dashboard, those with tutor
    feedback not yet read first (one query)."""
    return list(
        Reflection.objects.visible_to(user)
        .with_context()
        .with_new_feedback()
        .order_by("-has_new_feedback", "-updated_at")[:limit]
    )


def export_for_user(user) -> list[dict]:
    """Every reflection of the user with all its saved versions, for "download my data"."""
    reflections = (
        Reflection.objects.visible_to(user)
        .with_context()
        .prefetch_related(
            Prefetch("versions", queryset=ReflectionVersion.objects.order_by("number")),
            "feedback",
        )
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": r.pk,
            "title": r.title,
            "body_markdown": r.body,
            "status": r.status,
            "structure": r.template.name if r.template else None,
            "module": r.module.title if r.module else None,
            "task": str(r.task) if r.task else None,
            "cpd_minutes": r.cpd_minutes,
            "shared_with_tutor": r.shared_with_tutor,
            "created_at": r.created_at.isoformat(),
            "updated_at": r.updated_at.isoformat(),
            "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
            "version": r.version,
            "versions": [
                {
                    "number": v.number,
                    "kind": v.kind,
                    "restored_from": v.restored_from,
                    "title": v.title,
                    "body_markdown": v.body,
                    "cpd_minutes": v.cpd_minutes,
                    "saved_at": v.saved_at.isoformat(),
                }
                for v in r.versions.all()
            ],
            "feedback": [
                {
                    "text": f.text,
                    "decision": f.decision,
                    "version": f.version,
                    "created_at": f.created_at.isoformat(),
                }
                for f in r.feedback.all()
            ],
        }
        for r in reflections
    ]
