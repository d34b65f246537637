"""Kept pages (portal.pagecache): a repeat visit is served from the cache, and every
write that changes what a page shows, by the visitor or by anyone else, is seen at once.

Each test keeps a page first (two visits: the first one sets the CSRF cookie, the second
keeps the page), writes, then reads the page back."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from modules.services import enrolment_create
from notifications.models import Kind
from notifications.services import notify
from portal.pagecache import page_cache, pages_changed
from reflections.models import Reflection
from reflections.services import feedback_give, reflection_create, reflection_submit
from tests.kept_pages import keep
from topics.models import Task, Topic
from topics.services import task_mark_done

HIT_QUERIES = 2  # the session and the user, as on any signed-in request (none on Redis)


def served_from_cache(client, url, django_assert_max_num_queries) -> str:
    with django_assert_max_num_queries(HIT_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def learner(make_user, content):
    user = make_user(name="Kept Trainee")
    enrolment_create(user=user, module=content, prerequisites_confirmed=True)
    return user


def test_a_repeat_visit_is_served_from_the_kept_page(
    client_for, learner, django_assert_max_num_queries
):
    client = client_for(learner)
    url = reverse("dashboard")
    first = keep(client, url)
    assert served_from_cache(client, url, django_assert_max_num_queries) == first


def test_nobody_is_served_another_persons_kept_page(client_for, learner, make_user, content):
    other = make_user(name="Someone Else")
    enrolment_create(user=other, module=content, prerequisites_confirmed=True)
    url = reverse("dashboard")
    assert "Welcome back, Kept." in keep(client_for(learner), url)
    page = keep(client_for(other), url)
    assert "Welcome back, Someone." in page and "Kept" not in page
    assert client_for(None).get(url).status_code == 302  # signed out: sign in first


def test_signing_out_leaves_the_kept_page_behind(client_for, learner):
    client = client_for(learner)
    url = reverse("dashboard")
    keep(client, url)
    client.post(
        reverse("account_logout"), {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert client.get(url).status_code == 302


def test_my_own_write_is_seen_at_once(client_for, learner, content):
    client = client_for(learner)
    task = Task.objects.get(topic__module=content, topic__number=1, position=1)
    url = task.get_absolute_url()
    assert "Not done yet." in keep(client, url)
    done = reverse(
        "topics:task_done",
        kwargs={"module_slug": content.slug, "number": 1, "position": 1},
    )
    token = client.cookies["csrftoken"].value
    response = client.post(done, {"csrfmiddlewaretoken": token, "done": "1"})
    assert response.status_code in (200, 302)
    page = client.get(url).content.decode()
    assert "Not done yet." not in page and "you marked this task done" in page


def test_a_job_or_another_persons_write_is_seen_at_once(client_for, learner, content):
    client = client_for(learner)
    url = reverse("dashboard")
    keep(client, url)
    task = Task.objects.get(topic__module=content, topic__number=1, position=1)
    task_mark_done(user=learner, task=task)  # as from a shell or a job: no request
    notify(recipient=learner, kind=Kind.FEEDBACK, text="A notice from a job.")
    assert 'data-unread="1"' in client.get(url).content.decode()


def test_an_admins_edit_of_the_content_is_seen_at_once(client_for, learner, content):
    client = client_for(learner)
    topic = Topic.objects.get(module=content, number=1)
    keep(client, topic.get_absolute_url())
    topic.title = "A title the admin has just given"
    topic.save()
    assert (
        "A title the admin has just given" in client.get(topic.get_absolute_url()).content.decode()
    )


def test_review_pages_follow_submissions_and_feedback(client_for, learner, tutor, content):
    task = Task.objects.get(topic__module=content, topic__number=1, position=1)
    reflection = reflection_create(
        author=learner, title="Kept for review", body="My thoughts.", task=task
    )
    tutor_client, trainee_client = client_for(tutor), client_for(learner)
    queue = reverse("review:queue")
    assert "Kept for review" not in keep(tutor_client, queue)
    mine = reflection.get_absolute_url()
    keep(trainee_client, mine)
    reflection_submit(reflection=reflection, by=learner)
    assert "Kept for review" in tutor_client.get(queue).content.decode()
    keep(tutor_client, queue)
    reflection.refresh_from_db()
    feedback_give(
        reflection=reflection,
        tutor=tutor,
        text="Feedback the trainee must see at once.",
        decision=Reflection.Status.REVIEWED,
        expected_version=reflection.version,
    )
    assert "Feedback the trainee must see at once." in trainee_client.get(mine).content.decode()
    assert "Kept for review" not in tutor_client.get(queue + "?state=awaiting").content.decode()


def test_pages_with_a_message_to_show_are_never_kept(client_for, learner, content):
    client = client_for(learner)
    url = content.get_absolute_url()
    keep(client, url)
    enrol = reverse("modules:enrol", kwargs={"slug": content.slug})
    token = client.cookies["csrftoken"].value
    shown = client.post(enrol, {"csrfmiddlewaretoken": token}, follow=True).content.decode()
    assert "You are already enrolled" in shown
    # The message is shown once, then gone: the page that carried it was not kept.
    assert "You are already enrolled" not in client.get(url).content.decode()
    assert "You are already enrolled" not in client.get(url).content.decode()


def test_without_a_csrf_cookie_or_from_htmx_nothing_is_kept(learner, django_assert_max_num_queries):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    url = reverse("dashboard")
    client.get(url)
    del client.cookies["csrftoken"]
    client.get(url)
    with pytest.raises(pytest.fail.Exception):
        with django_assert_max_num_queries(HIT_QUERIES):
            client.get(url)  # rendered: the page's form needs this visitor's CSRF token
    keep(client, url)
    with pytest.raises(pytest.fail.Exception):
        with django_assert_max_num_queries(HIT_QUERIES):
            client.get(url, headers={"HX-Request": "true"})


def test_kept_pages_can_be_turned_off(settings, client_for, learner, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    client = client_for(learner)
    url = reverse("dashboard")
    keep(client, url)
    with pytest.raises(pytest.fail.Exception):
        with django_assert_max_num_queries(HIT_QUERIES):
            client.get(url)


@pytest.mark.django_db(transaction=True)
def test_a_write_in_a_transaction_is_announced_again_when_it_commits():
    with transaction.atomic():
        pages_changed(scopes=["site"], users=[7])
        during = page_cache().get_many(["page:v:site", "page:v:user:7"])
        assert len(during) == 2  # at once: other visitors' kept pages are stale already
    # A page rendered before the commit and kept with the first new version is stale too.
    after = page_cache().get_many(["page:v:site", "page:v:user:7"])
    assert all(after[key] != during[key] for key in during)


def test_the_tutors_cohort_table_follows_a_trainees_progress(client_for, learner, tutor, content):
    tutor_client = client_for(tutor)
    url = reverse("review:cohort", kwargs={"slug": content.slug})
    before = keep(tutor_client, url)
    task = Task.objects.get(topic__module=content, topic__number=1, position=1)
    task_mark_done(user=learner, task=task)  # no request of the tutor's, no review write
    assert tutor_client.get(url).content.decode() != before
