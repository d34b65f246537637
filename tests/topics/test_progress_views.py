"""Doing the work: done marks and checklist ticks, with htmx and as plain posts."""

import pytest
from django.test import Client
from django.urls import reverse

from modules.models import Enrolment
from modules.services import enrolment_create
from tests.factories import grow_module, grow_task, make_module
from topics.models import ChecklistItem, ChecklistTick, Task, TaskCompletion, TimetableTarget
from topics.services import checklist_item_tick, task_mark_done

HTMX = {"HTTP_HX_REQUEST": "true"}


def plain(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def done_url(task):
    return reverse(
        "topics:task_done",
        kwargs={
            "module_slug": task.topic.module.slug,
            "number": task.topic.number,
            "position": task.position,
        },
    )


def tick_url(item):
    task = item.resource.task
    return reverse(
        "topics:checklist_tick",
        kwargs={
            "module_slug": task.topic.module.slug,
            "number": task.topic.number,
            "position": task.position,
            "item_id": item.pk,
        },
    )


@pytest.fixture
def first_task(content):
    return Task.objects.select_related("topic__module").get(
        topic__module=content, topic__number=1, position=1
    )


@pytest.fixture
def item(content):
    return ChecklistItem.objects.select_related("resource__task__topic__module").get(position=1)


@pytest.fixture
def enrolled(trainee, content):
    enrolment_create(user=trainee, module=content, prerequisites_confirmed=True)
    return trainee


def test_ladder_for_the_post_views(client, trainee, enrolled, first_task, item):
    for url in [done_url(first_task), tick_url(item)]:
        anonymous = client.post(url, {"done": "1", "ticked": "1"})
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith(reverse("account_login"))
    assert not TaskCompletion.objects.exists() and not ChecklistTick.objects.exists()


def test_not_enrolled_gets_404_on_done_and_tick(other_trainee, enrolled, first_task, item):
    client = plain(other_trainee)
    assert client.post(done_url(first_task), {"done": "1"}).status_code == 404
    assert client.post(tick_url(item), {"ticked": "1"}).status_code == 404
    assert not TaskCompletion.objects.exists() and not ChecklistTick.objects.exists()


def test_reading_is_open_but_tracking_asks_to_enrol(client_for, trainee, content, first_task):
    html = client_for(trainee).get(first_task.get_absolute_url()).content.decode()
    assert "to track your progress" in html
    assert "Mark as done" not in html
    assert "checklist-toggle" not in html
    topic_html = client_for(trainee).get(first_task.topic.get_absolute_url()).content.decode()
    assert "to track your progress" in topic_html


def test_mark_done_and_undone_without_javascript(enrolled, first_task):
    client = plain(enrolled)
    response = client.post(done_url(first_task), {"done": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == first_task.get_absolute_url()
    html = response.content.decode()
    assert "is marked as done" in html
    assert "Mark as not done" in html
    assert "1 of 12 tasks done in this module" in html
    assert TaskCompletion.objects.filter(user=enrolled, task=first_task).exists()
    response = client.post(done_url(first_task), {"done": "0"}, follow=True)
    assert "Mark as done" in response.content.decode()
    assert not TaskCompletion.objects.exists()


def test_mark_done_with_htmx_returns_the_panel(enrolled, first_task):
    response = plain(enrolled).post(done_url(first_task), {"done": "1"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="task-done-button"' in html
    assert "Mark as not done" in html
    assert "you marked this task done on" in html
    assert "1 of 12 tasks done in this module" in html


def test_last_task_done_with_htmx_announces_the_module_complete(enrolled, content):
    tasks = list(Task.objects.in_module(content).select_related("topic__module"))
    for task in tasks[:-1]:
        task_mark_done(user=enrolled, task=task)
    html = plain(enrolled).post(done_url(tasks[-1]), {"done": "1"}, **HTMX).content.decode()
    assert "12 of 12 tasks done in this module" in html
    assert "Module complete on" in html
    assert Enrolment.objects.get(user=enrolled, module=content).completed_at is not None


@pytest.mark.parametrize("value", ["", "yes", "2"])
def test_bad_done_value_is_400(enrolled, first_task, value):
    assert plain(enrolled).post(done_url(first_task), {"done": value}).status_code == 400
    assert not TaskCompletion.objects.exists()


def test_done_on_a_missing_task_is_404(enrolled, content):
    client = plain(enrolled)
    for path in ["/topics/1/tasks/9/done/", "/topics/9/tasks/1/done/"]:
        url = f"/modules/{content.slug}{path}"
        assert client.post(url, {"done": "1"}).status_code == 404


def test_done_and_tick_refuse_a_post_without_csrf(client_for, enrolled, first_task, item):
    client = client_for(enrolled)
    assert client.post(done_url(first_task), {"done": "1"}).status_code == 403
    assert client.post(tick_url(item), {"ticked": "1"}).status_code == 403
    assert not TaskCompletion.objects.exists() and not ChecklistTick.objects.exists()


def test_get_on_post_views_changes_nothing(enrolled, first_task, item):
    client = plain(enrolled)
    assert client.get(done_url(first_task) + "?done=1").status_code == 405
    assert client.get(tick_url(item) + "?ticked=1").status_code == 405
    assert not TaskCompletion.objects.exists() and not ChecklistTick.objects.exists()


def test_tick_and_untick_without_javascript(enrolled, item, first_task):
    client = plain(enrolled)
    response = client.post(tick_url(item), {"ticked": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#resource-{item.resource_id}")
    assert ChecklistTick.objects.filter(user=enrolled, item=item).exists()
    html = client.get(first_task.get_absolute_url()).content.decode()
    assert f'id="tick-{item.pk}" class="checklist-toggle is-ticked" aria-pressed="true"' in html
    client.post(tick_url(item), {"ticked": "0"})
    assert not ChecklistTick.objects.exists()


def test_tick_with_htmx_returns_the_item(enrolled, item):
    response = plain(enrolled).post(tick_url(item), {"ticked": "1"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'aria-pressed="true"' in html and item.text in html
    assert 'name="ticked" value="0"' in html  # the next press unticks
    html = plain(enrolled).post(tick_url(item), {"ticked": "0"}, **HTMX).content.decode()
    assert 'aria-pressed="false"' in html


def test_tick_of_an_item_on_another_task_is_404(enrolled, content, item):
    other_task = Task.objects.get(topic__module=content, topic__number=2, position=1)
    url = reverse(
        "topics:checklist_tick",
        kwargs={"module_slug": content.slug, "number": 2, "position": 1, "item_id": item.pk},
    )
    assert other_task.pk != item.resource.task_id
    assert plain(enrolled).post(url, {"ticked": "1"}).status_code == 404
    assert plain(enrolled).post(url.replace(f"/{item.pk}/", "/999999/"), {}).status_code == 404


def test_ticks_and_done_marks_are_per_trainee(enrolled, other_trainee, content, item, first_task):
    enrolment_create(user=other_trainee, module=content)
    checklist_item_tick(user=other_trainee, item=item, ticked=True)
    task_mark_done(user=other_trainee, task=first_task)
    html = plain(enrolled).get(first_task.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' not in html
    assert "Not done yet" in html
    topic_html = plain(enrolled).get(first_task.topic.get_absolute_url()).content.decode()
    assert "0 of 3 tasks done in this topic" in topic_html
    assert "Done</p>" not in topic_html


def test_topic_page_shows_done_ticks_progress_and_overdue(enrolled, content, first_task):
    task_mark_done(user=enrolled, task=first_task)
    TimetableTarget.objects.create(user=enrolled, topic=first_task.topic, target_date="2020-03-01")
    html = plain(enrolled).get(first_task.topic.get_absolute_url()).content.decode()
    assert "1 of 3 tasks done in this topic" in html
    assert html.count("bi-check-circle-fill") == 1
    assert html.count("Not done yet") == 2
    assert "Overdue:</strong> target was 1 March 2020" in html


def test_tick_on_a_module_not_offered_is_404(enrolled):
    module = make_module(slug="closed", offered=False)
    grow_module(module, extra=1)
    enrolment_create(user=enrolled, module=module)
    task = Task.objects.select_related("topic__module").get(topic__module=module, position=1)
    assert plain(enrolled).post(done_url(task), {"done": "1"}).status_code == 404


TOPIC_QUERIES_ENROLLED = 7
TASK_QUERIES_ENROLLED = 10  # + the lightbulb: the trainee's reflections on the task


@pytest.mark.parametrize("big", [False, True])
def test_topic_and_task_query_counts_fixed(
    enrolled, content, first_task, django_assert_max_num_queries, big
):
    if big:
        grow_module(content, extra=13)
        grow_task(first_task, extra=10)
    tasks = Task.objects.in_module(content)
    for task in tasks[: 40 if big else 1]:
        task_mark_done(user=enrolled, task=task)
    items = ChecklistItem.objects.filter(resource__task=first_task)
    for item in items[: 40 if big else 1]:
        checklist_item_tick(user=enrolled, item=item, ticked=True)
    if big:
        assert tasks.count() > 40 and items.count() >= 30
    client = plain(enrolled)
    with django_assert_max_num_queries(TOPIC_QUERIES_ENROLLED):
        assert client.get(first_task.topic.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(TASK_QUERIES_ENROLLED):
        response = client.get(first_task.get_absolute_url())
    assert response.content.decode().count('aria-pressed="true"') == (items.count() if big else 1)


def test_no_get_changes_anything(enrolled, content, first_task, item):
    from topics.models import CalendarFeedToken
    from topics.services import calendar_feed_token_reset

    token = calendar_feed_token_reset(user=enrolled).token
    task_mark_done(user=enrolled, task=first_task)
    models = [Enrolment, TaskCompletion, ChecklistTick, TimetableTarget, CalendarFeedToken]

    def snapshot():
        return [sorted(m.objects.values_list("pk", flat=True)) for m in models] + [
            list(Enrolment.objects.values_list("completed_at", "prerequisites_confirmed_at")),
            list(CalendarFeedToken.objects.values_list("token", flat=True)),
        ]

    before = snapshot()
    client = plain(enrolled)
    slug = content.slug
    for path in [
        "/dashboard/", content.get_absolute_url(), f"/modules/{slug}/enrol/",
        f"/modules/{slug}/leave/", first_task.topic.get_absolute_url(),
        first_task.get_absolute_url(), done_url(first_task) + "?done=0",
        tick_url(item) + "?ticked=1", f"/modules/{slug}/timetable/?topic_1=2026-01-01",
        f"/modules/{slug}/timetable/calendar.ics", f"/modules/{slug}/timetable/feed/reset/",
        f"/modules/{slug}/timetable/feed/{token}.ics",
    ]:  # fmt: skip
        assert client.get(path).status_code in (200, 405), path
    assert snapshot() == before
