import pytest
from django.urls import reverse

from tests.factories import grow_module, grow_task, make_module
from topics.models import Task


def topic_url(module, number):
    return reverse("topics:detail", kwargs={"module_slug": module.slug, "number": number})


def task_url(module, number, position):
    return reverse(
        "topics:task", kwargs={"module_slug": module.slug, "number": number, "position": position}
    )


def test_topic_and_task_ladder(client_for, trainee, content):
    for url in [topic_url(content, 1), task_url(content, 1, 1)]:
        anonymous = client_for(None).get(url)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith(reverse("account_login"))
        assert client_for(trainee).get(url).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/modules/psycho-social-interventions/topics/9/",
        "/modules/psycho-social-interventions/topics/0/",
        "/modules/psycho-social-interventions/topics/1/tasks/4/",
        "/modules/psycho-social-interventions/topics/5/tasks/1/",
        "/modules/psycho-social-interventions/topics/99999999999999999999/",
        "/modules/talking-to-people/topics/1/",
        "/modules/nope/topics/1/tasks/1/",
    ],
)
def test_missing_or_not_offered_is_404(client_for, trainee, content, path):
    assert client_for(trainee).get(path).status_code == 404


@pytest.mark.django_db
def test_unpublished_module_topics_are_404_for_trainees(client_for, trainee, admin_user):
    module = make_module(slug="hidden", published=False)
    grow_module(module, extra=1)
    assert client_for(trainee).get(topic_url(module, 1)).status_code == 404
    assert client_for(trainee).get(task_url(module, 1, 1)).status_code == 404
    assert client_for(admin_user).get(task_url(module, 1, 1)).status_code == 200


def test_every_topic_and_task_page_renders(client_for, trainee, content):
    client = client_for(trainee)
    for task in Task.objects.select_related("topic"):
        assert client.get(task.get_absolute_url()).status_code == 200
        assert client.get(task.topic.get_absolute_url()).status_code == 200


def test_task_page_shows_resources_with_doi_links(client_for, trainee, content):
    html = client_for(trainee).get(task_url(content, 1, 1)).content.decode()
    assert "https://doi.org/10.1177/1049731509347850" in html
    assert "ISBN 978-1-58391-295-9" in html
    assert "why is motivation important?" in html.lower()


def test_debate_task_shows_motion(client_for, trainee, content):
    html = client_for(trainee).get(task_url(content, 2, 2)).content.decode()
    assert "structured therapies are too rigid to be useful in the real world" in html


TOPIC_QUERIES = 7
TASK_QUERIES = 9  # + the lightbulb: the trainee's reflections on the task


def test_topic_query_count_fixed(client_for, trainee, content, django_assert_max_num_queries):
    client = client_for(trainee)
    with django_assert_max_num_queries(TOPIC_QUERIES):
        assert client.get(topic_url(content, 1)).status_code == 200
    grow_module(content, extra=10)
    with django_assert_max_num_queries(TOPIC_QUERIES):
        assert client.get(topic_url(content, 1)).status_code == 200


def test_task_query_count_fixed(client_for, trainee, content, django_assert_max_num_queries):
    client = client_for(trainee)
    task = Task.objects.get(topic__module=content, topic__number=1, position=1)
    url = task.get_absolute_url()
    with django_assert_max_num_queries(TASK_QUERIES):
        assert client.get(url).status_code == 200
    grow_task(task, extra=20)
    grow_module(content, extra=10)
    with django_assert_max_num_queries(TASK_QUERIES):
        assert client.get(url).status_code == 200
