"""Writes about a trainee's work on tasks, checklists and timetable."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from modules.models import Module
from modules.services import enrolment_refresh_completion

from .models import (
    CalendarFeedToken,
    ChecklistItem,
    ChecklistTick,
    Task,
    TaskCompletion,
    TimetableTarget,
    Topic,
    new_feed_token,
)


def _refresh_module(*, user, task: Task) -> None:
    module = task.topic.module
    tasks = Task.objects.in_module(module)
    enrolment_refresh_completion(
        user=user,
        module=module,
        total_tasks=tasks.count(),
        done_tasks=TaskCompletion.objects.filter(user=user, task__in=tasks).count(),
    )


@transaction.atomic
def task_mark_done(*, user, task: Task) -> TaskCompletion:
    """Mark a task done for the user (idempotent) and complete the module if it was the last."""
    try:
        with transaction.atomic():
            completion, _ = TaskCompletion.objects.get_or_create(user=user, task=task)
    except IntegrityError:
        completion = TaskCompletion.objects.get(user=user, task=task)
    _refresh_module(user=user, task=task)
    return completion


@transaction.atomic
def task_mark_undone(*, user, task: Task) -> None:
    TaskCompletion.objects.filter(user=user, task=task).delete()
    _refresh_module(user=user, task=task)


@transaction.atomic
def checklist_item_tick(*, user, item: ChecklistItem, ticked: bool) -> bool:
    """Tick or untick one checklist item for the user (idempotent); returns the new state."""
    if ticked:
        try:
            with transaction.atomic():
                ChecklistTick.objects.get_or_create(user=user, item=item)
        except IntegrityError:  # a double click raced us to the row
            pass
    else:
        ChecklistTick.objects.filter(user=user, item=item).delete()
    return ticked


@transaction.atomic
def timetable_set(
    *, user, module: Module, targets: dict[Topic, datetime.date | None]
) -> list[TimetableTarget]:
    """Set the user's target date per topic of the module; None clears a topic's target.

    Topics of other modules are refused, so a form can never write beyond its module.
    """
    if any(topic.module_id != module.pk for topic in targets):
        raise ValueError("Every topic must belong to the module.")
    cleared = [topic for topic, day in targets.items() if day is None]
    TimetableTarget.objects.filter(user=user, topic__in=cleared).delete()
    saved = []
    for topic, day in targets.items():
        if day is not None:
            target, _ = TimetableTarget.objects.update_or_create(
                user=user, topic=topic, defaults={"target_date": day}
            )
            saved.append(target)
    return saved


@transaction.atomic
def calendar_feed_token_reset(*, user) -> CalendarFeedToken:
    """Give the user a new private feed address; the old one stops working at once."""
    feed, created = CalendarFeedToken.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed
