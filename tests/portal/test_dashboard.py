"""The dashboard: each enrolled module, the next task, targets overdue or due soon."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from modules.services import enrolment_create
from tests.conftest import PASSWORD
from tests.factories import grow_module, make_module
from topics.models import Task, Topic
from topics.selectors import dashboard_progress, module_progress
from topics.services import task_mark_done, timetable_set

TODAY = timezone.localdate()
DASHBOARD = "/dashboard/"


def plain(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_ladder_and_empty_state(client, trainee, content):
    anonymous = client.get(DASHBOARD)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    html = plain(trainee).get(DASHBOARD).content.decode()
    assert "You are not enrolled in any module yet" in html
    assert "Browse the module catalogue" in html


def test_sign_in_lands_on_the_dashboard(client, trainee):
    response = client.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_home_and_nav_link_to_the_dashboard_for_signed_in_users_only(client, trainee, content):
    assert reverse("dashboard") not in client.get("/").content.decode()
    html = plain(trainee).get("/").content.decode()
    assert "Go to your dashboard" in html
    assert 'aria-current="page">Dashboard' in plain(trainee).get(DASHBOARD).content.decode()


def test_dashboard_shows_progress_next_task_and_targets(trainee, content):
    enrolment_create(user=trainee, module=content, prerequisites_confirmed=True)
    tasks = list(Task.objects.in_module(content).order_by("topic__number", "position"))
    for task in tasks[:2] + tasks[4:5]:
        task_mark_done(user=trainee, task=task)
    topics = {t.number: t for t in Topic.objects.filter(module=content)}
    timetable_set(
        user=trainee,
        module=content,
        targets={
            topics[1]: TODAY - datetime.timedelta(days=2),  # overdue (2 of 3 done)
            topics[2]: TODAY + datetime.timedelta(days=6),  # due within a week
            topics[3]: TODAY + datetime.timedelta(days=30),  # later: not listed
        },
    )
    html = plain(trainee).get(DASHBOARD).content.decode()
    assert "3 of 12 tasks done" in html
    assert f'href="{tasks[2].get_absolute_url()}">Topic One, third task: {tasks[2].title}' in html
    overdue = html.index("Overdue</h3>")
    due = html.index("Due within a week</h3>")
    assert overdue < html.index("Topic One - Motivational interviewing", overdue) < due
    assert html.index("Topic Two - Social behaviour", due) > due
    assert "Topic Three - Mutual aid" not in html
    assert "1 topic overdue" in html


def test_a_finished_topic_is_never_overdue(trainee, content):
    enrolment_create(user=trainee, module=content)
    topic = Topic.objects.get(module=content, number=1)
    for task in topic.tasks.all():
        task_mark_done(user=trainee, task=task)
    timetable_set(user=trainee, module=content, targets={topic: TODAY - datetime.timedelta(1)})
    html = plain(trainee).get(DASHBOARD).content.decode()
    assert "Overdue" not in html
    assert "Nothing overdue or due in the next seven days" in html


def test_complete_module_shows_its_date(trainee, content):
    enrolment_create(user=trainee, module=content)
    for task in Task.objects.in_module(content):
        task_mark_done(user=trainee, task=task)
    html = plain(trainee).get(DASHBOARD).content.decode()
    assert "12 of 12 tasks done" in html
    assert f"Module complete on {timezone.localdate():%d %B %Y}".replace(" 0", " ") in html
    assert "Next task:" not in html


def test_another_trainees_modules_and_targets_never_show(trainee, other_trainee, content):
    enrolment_create(user=other_trainee, module=content)
    task_mark_done(user=other_trainee, task=Task.objects.in_module(content).first())
    topic = Topic.objects.get(module=content, number=1)
    timetable_set(user=other_trainee, module=content, targets={topic: TODAY})
    html = plain(trainee).get(DASHBOARD).content.decode()
    assert "Psycho-social interventions" not in html.split('id="modules-title"')[1]
    assert "Topic One" not in html
    assert "You are not enrolled in any module yet" in html


def test_selectors_count_per_topic(trainee, other_trainee, content):
    enrolment_create(user=trainee, module=content)
    tasks = list(Task.objects.in_module(content).order_by("topic__number", "position"))
    for task in tasks[:4]:
        task_mark_done(user=trainee, task=task)
    task_mark_done(user=other_trainee, task=tasks[5])
    progress = module_progress(user=trainee, module=content)
    assert [(t.task_done, t.task_total) for t in progress.topics] == [
        (3, 3),
        (1, 3),
        (0, 3),
        (0, 3),
    ]
    assert (progress.done, progress.total, progress.is_complete) == (4, 12, False)
    [dashboard] = dashboard_progress(user=trainee)
    assert dashboard.next_task == tasks[4]
    assert dashboard.done == 4


# + recent reflections, + modules tutored, + study groups, + invitations, + organisations led
DASHBOARD_QUERIES = 10


@pytest.mark.parametrize("extra", [0, 13])
def test_dashboard_query_count_fixed(trainee, content, django_assert_max_num_queries, extra):
    enrolment_create(user=trainee, module=content)
    grow_module(content, extra=extra)
    modules = [content]
    for i in range(3 if extra else 0):  # more modules, enrolled too
        module = make_module(slug=f"more-{i}")
        grow_module(module, extra=4)
        enrolment_create(user=trainee, module=module)
        modules.append(module)
    tasks = Task.objects.filter(topic__module__in=modules)
    for task in tasks[: 40 if extra else 1]:
        task_mark_done(user=trainee, task=task)
    for module in modules:
        topics = list(Topic.objects.filter(module=module))
        timetable_set(
            user=trainee,
            module=module,
            targets={t: TODAY + datetime.timedelta(days=i - 3) for i, t in enumerate(topics)},
        )
    client = plain(trainee)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(DASHBOARD)
    html = response.content.decode()
    assert html.count("dashboard-module") == len(modules)
    assert html.count("Next task:") + html.count("Module complete on") == len(modules)
    assert html.count("Overdue</h3>") == 1
