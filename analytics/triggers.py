"""Keeping the summaries fresh: every write to a row a figure counts asks for a recount,
debounced, and the worker's sweep recounts what has not been recounted for a while.

A write asks once its transaction commits. The first ask in a window adds a key to the
shared cache and queues one recount to run when the window closes; asks inside the
window find the key and do nothing, since that recount, run later, reads their rows
too. So a burst of writes costs one recount, and the figures lag by the window at most
(plus the recount's own time)."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

DEBOUNCE_KEY = "analytics:refresh-queued"


def debounce_seconds() -> int:
    return int(getattr(settings, "ANALYTICS_DEBOUNCE_SECONDS", 60))


def sweep_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(getattr(settings, "ANALYTICS_SWEEP_SECONDS", 3600)))


def request_refresh() -> bool:
    """Queue a recount at the end of the window unless one is queued already; True when
    this call queued it."""
    from portal.jobs import enqueue

    from .tasks import refresh_summaries

    window = debounce_seconds()
    if not cache.add(DEBOUNCE_KEY, 1, timeout=window):
        return False
    enqueue(refresh_summaries, run_after=timezone.now() + datetime.timedelta(seconds=window))
    return True


def _changed(sender, instance=None, raw=False, **kwargs) -> None:
    if raw:  # loaddata
        return
    transaction.on_commit(request_refresh)


def sweep() -> str:
    """For the worker's sweep: ask for a recount when a module taught here has never been
    counted or was last counted more than ANALYTICS_SWEEP_SECONDS ago (time alone moves
    "overdue" and "meetings held")."""
    from modules.models import Module

    from .models import SummaryState

    cutoff = timezone.now() - sweep_after()
    stale = (
        Module.objects.filter(is_offered=True)
        .exclude(pk__in=SummaryState.objects.filter(refreshed_at__gte=cutoff).values("module"))
        .exists()
    )
    if stale and request_refresh():
        return "recount queued"
    return "fresh" if not stale else "recount already queued"


def counted_models() -> list:
    from debates.models import Argument, Stance
    from modules.models import Enrolment, Module
    from reflections.models import Certificate, Feedback, Reflection, ReflectionVersion
    from studygroups.models import Meeting, MeetingResponse, Membership
    from topics.models import ChecklistTick, Motion, Task, TaskCompletion, Topic

    return [
        Module, Topic, Task, Motion, Enrolment, TaskCompletion, ChecklistTick, Certificate,
        Stance, Argument, Reflection, ReflectionVersion, Feedback, Membership, Meeting,
        MeetingResponse,
    ]  # fmt: skip


def seed_demo(*, stdout) -> None:
    """``seed_demo``: count the demo's summaries now, so the dashboard shows them before
    the worker's first recount."""
    from .services import summaries_refresh_all

    states = summaries_refresh_all()
    stdout.write(f"Course analytics counted for {len(states)} module(s).")


def register_all() -> None:
    from portal.hooks import register_demo_seeder, register_panel
    from portal.jobs import register_housekeeping

    from . import panels

    for model in counted_models():
        uid = f"analytics-{model._meta.label}"
        post_save.connect(_changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(_changed, sender=model, weak=False, dispatch_uid=uid + "-del")
    register_housekeeping("course analytics", sweep)
    register_panel("dashboard", panels.dashboard)
    register_panel("dashboard.tutored", panels.tutored_module)
    register_demo_seeder(seed_demo)
