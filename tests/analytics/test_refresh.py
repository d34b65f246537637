"""The summaries follow the data: a write queues one debounced recount, the worker's
sweep recounts what is stale, and `manage.py refresh_analytics` recounts now."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from analytics import triggers
from analytics.models import Summary, SummaryState
from analytics.selectors import module_counts
from modules.models import Enrolment

ADMIN = SimpleNamespace(is_staff=True, is_authenticated=True)  # sees every cohort


def queued():
    return DBTaskResult.objects.filter(task_path="analytics.tasks.refresh_summaries").count()


@pytest.mark.django_db
def test_a_burst_of_writes_queues_one_recount_that_counts_them_all(
    content, make_user, run_jobs, django_capture_on_commit_callbacks
):
    people = [make_user() for _ in range(6)]
    with django_capture_on_commit_callbacks(execute=True):
        for user in people[:3]:
            Enrolment.objects.create(user=user, module=content)
    assert queued() == 1
    with django_capture_on_commit_callbacks(execute=True):
        for user in people[3:]:
            Enrolment.objects.create(user=user, module=content)
    assert queued() == 1  # inside the window: the queued recount will count these too
    job = DBTaskResult.objects.get(task_path="analytics.tasks.refresh_summaries")
    assert job.run_after > timezone.now() + datetime.timedelta(seconds=50)
    assert run_jobs() == []  # not before the window closes
    run_jobs(until=timezone.now() + datetime.timedelta(minutes=2))
    assert module_counts(content).get("funnel", "enrolled") == 6
    triggers.cache.delete(triggers.DEBOUNCE_KEY)  # the window has closed
    with django_capture_on_commit_callbacks(execute=True):
        Enrolment.objects.filter(user=people[0]).delete()
    assert queued() == 2


@pytest.mark.django_db
def test_a_rolled_back_write_queues_nothing(content, make_user, django_capture_on_commit_callbacks):
    from django.db import transaction

    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                Enrolment.objects.create(user=user, module=content)
                raise RuntimeError
        except RuntimeError:
            pass
    assert queued() == 0


def test_every_counted_model_asks_for_a_recount():
    for model in triggers.counted_models():
        for signal in (post_save, post_delete):
            assert signal.has_listeners(model), model
            receivers = signal._live_receivers(model)
            flat = [
                r for group in receivers for r in (group if isinstance(group, list) else [group])
            ]
            assert triggers._changed in flat, (model, signal)


@pytest.mark.django_db
def test_the_sweep_recounts_what_was_never_or_long_ago_counted(content, run_jobs):
    assert triggers.sweep() == "recount queued"
    assert triggers.sweep() == "recount already queued"
    run_jobs(until=timezone.now() + datetime.timedelta(minutes=2))
    triggers.cache.delete(triggers.DEBOUNCE_KEY)
    assert SummaryState.objects.filter(module=content).exists()
    assert triggers.sweep() == "fresh"
    SummaryState.objects.update(refreshed_at=timezone.now() - datetime.timedelta(hours=2))
    assert triggers.sweep() == "recount queued"


@pytest.mark.django_db
def test_the_sweep_is_part_of_the_workers_housekeeping():
    from portal.jobs import HOUSEKEEPING

    assert HOUSEKEEPING["course analytics"] is triggers.sweep


@pytest.mark.django_db
def test_refresh_analytics_replaces_the_counts(course, capsys):
    Summary.objects.create(
        module=course, week=datetime.date(2020, 1, 6), figure="funnel", key="enrolled", value=99
    )
    call_command("refresh_analytics")
    assert "psycho-social-interventions:" in capsys.readouterr().out
    assert not Summary.objects.filter(week=datetime.date(2020, 1, 6)).exists()
    assert module_counts(course).get("funnel", "enrolled") == 10
    call_command("refresh_analytics", module=course.slug)
    with pytest.raises(Exception, match="No module"):
        call_command("refresh_analytics", module="nope")


@pytest.mark.django_db
def test_the_demo_intake_gives_every_figure_groups_to_show(content, capsys):
    from analytics.views import DashboardMixin

    call_command("seed_demo")
    call_command("analytics_demo")
    call_command("analytics_demo")  # a second run adds nothing
    assert Enrolment.objects.filter(user__email__startswith="intake").count() == 40
    view = DashboardMixin()

    class Request:
        GET: dict = {}
        user = ADMIN

    view.request = Request()
    _form, _counts, shown = view.get_figures(content)
    readings = {f.slug: f.reading for f in shown}
    assert readings["funnel"].startswith("Most trainees stop at topic ")
    assert readings["debates"].startswith("Opinion moved most on topic ")
    assert readings["turnaround"].startswith("Tutors answered in a median of ")
    assert "Fewer than 5" not in readings["topic-time"]
