"""Enrolling from the overview (with the prerequisite rule) and leaving a module."""

import pytest
from django.test import Client
from django.urls import reverse

from modules.models import Enrolment, Module
from modules.services import enrolment_create
from tests.factories import grow_module
from topics.models import Task, TaskCompletion, TimetableTarget
from topics.services import task_mark_done


def plain(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def enrol_url(module):
    return reverse("modules:enrol", kwargs={"slug": module.slug})


def leave_url(module):
    return reverse("modules:leave", kwargs={"slug": module.slug})


def test_anonymous_is_sent_to_sign_in(client, content):
    for url in [enrol_url(content), leave_url(content)]:
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not Enrolment.objects.exists()


def test_overview_offers_enrolment_with_the_prerequisite_box(client_for, trainee, content):
    html = client_for(trainee).get(content.get_absolute_url()).content.decode()
    assert "Enrol in this module" in html
    assert "I have completed Talking to People elsewhere" in html
    assert "which you have not completed on this portal" in html


def test_enrolling_without_confirming_shows_the_error_by_the_box(trainee, content):
    response = plain(trainee).post(enrol_url(content), {})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please confirm that you have completed Talking to People before you enrol." in html
    assert 'aria-invalid="true"' in html or "is-invalid" in html
    assert not Enrolment.objects.filter(user=trainee).exists()


def test_enrolling_with_confirmation_records_its_date(trainee, content):
    response = plain(trainee).post(enrol_url(content), {"confirm_prerequisites": "on"})
    assert response.status_code == 302
    assert response["Location"] == content.get_absolute_url()
    enrolment = Enrolment.objects.get(user=trainee, module=content)
    assert enrolment.prerequisites_confirmed_at is not None
    page = plain(trainee).get(content.get_absolute_url()).content.decode()
    assert "Your progress" in page
    assert "0 of 12 tasks done" in page
    assert "you confirmed the prerequisite on" in page


def test_prerequisite_completed_on_the_portal_needs_no_confirmation(trainee, content):
    prereq = Module.objects.get(slug="talking-to-people")
    enrolment = enrolment_create(user=trainee, module=prereq)
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at="2026-01-05T10:00Z")
    html = plain(trainee).get(content.get_absolute_url()).content.decode()
    assert "You completed Talking to People on this portal on 5 January 2026" in html
    assert "I have completed" not in html
    assert plain(trainee).post(enrol_url(content), {}).status_code == 302
    assert Enrolment.objects.get(user=trainee, module=content).prerequisites_confirmed_at is None


def test_enrolling_twice_keeps_one_enrolment(trainee, content):
    client = plain(trainee)
    client.post(enrol_url(content), {"confirm_prerequisites": "on"})
    client.post(enrol_url(content), {"confirm_prerequisites": "on"})
    assert Enrolment.objects.filter(user=trainee, module=content).count() == 1


def test_not_offered_or_unknown_module_cannot_be_enrolled(trainee, content):
    client = plain(trainee)
    not_offered = Module.objects.get(slug="talking-to-people")
    assert client.post(enrol_url(not_offered), {}).status_code == 404
    assert client.post("/modules/nope/enrol/", {}).status_code == 404
    assert not Enrolment.objects.exists()
    assert "Enrol in this module" not in client.get(not_offered.get_absolute_url()).content.decode()


def test_get_on_enrol_does_not_enrol(trainee, content):
    assert plain(trainee).get(enrol_url(content)).status_code == 405
    assert not Enrolment.objects.exists()


def test_enrol_refuses_a_post_without_csrf(client_for, trainee, content):
    response = client_for(trainee).post(enrol_url(content), {"confirm_prerequisites": "on"})
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_leave_ladder_confirmation_and_what_is_kept(trainee, other_trainee, content):
    enrolment_create(user=trainee, module=content, prerequisites_confirmed=True)
    task_mark_done(user=trainee, task=Task.objects.in_module(content).first())
    # someone not enrolled gets 404 on both the question and the answer
    assert plain(other_trainee).get(leave_url(content)).status_code == 404
    assert plain(other_trainee).post(leave_url(content)).status_code == 404
    client = plain(trainee)
    page = client.get(leave_url(content))
    assert page.status_code == 200
    assert "Your reflections are kept" in page.content.decode()
    assert Enrolment.objects.filter(user=trainee).exists()  # the GET changed nothing
    response = client.post(leave_url(content), follow=True)
    assert response.redirect_chain[-1][0] == content.get_absolute_url()
    assert "Your reflections are kept" in response.content.decode()
    assert not Enrolment.objects.filter(user=trainee).exists()
    assert TaskCompletion.objects.filter(user=trainee).count() == 1


def test_leave_refuses_a_post_without_csrf(client_for, trainee, content):
    enrolment_create(user=trainee, module=content)
    assert client_for(trainee).post(leave_url(content)).status_code == 403
    assert Enrolment.objects.filter(user=trainee).exists()


def test_overview_shows_progress_per_topic_and_completion(trainee, content):
    enrolment_create(user=trainee, module=content, prerequisites_confirmed=True)
    tasks = list(Task.objects.in_module(content).order_by("topic__number", "position"))
    for task in tasks[:4]:
        task_mark_done(user=trainee, task=task)
    html = plain(trainee).get(content.get_absolute_url()).content.decode()
    assert "4 of 12 tasks done" in html
    assert html.count('aria-label="3 of 3 tasks done"') == 1  # topic one
    assert html.count('aria-label="1 of 3 tasks done"') == 1  # topic two
    assert "Continue: " + tasks[4].title in html
    for task in tasks[4:]:
        task_mark_done(user=trainee, task=task)
    html = plain(trainee).get(content.get_absolute_url()).content.decode()
    assert "12 of 12 tasks done" in html
    assert "Module complete: you finished every task on" in html


def test_overview_never_shows_another_trainees_progress(trainee, other_trainee, content):
    enrolment_create(user=trainee, module=content)
    enrolment_create(user=other_trainee, module=content)
    for task in Task.objects.in_module(content)[:5]:
        task_mark_done(user=other_trainee, task=task)
    html = plain(trainee).get(content.get_absolute_url()).content.decode()
    assert "0 of 12 tasks done" in html
    assert "5 of 12" not in html


OVERVIEW_QUERIES_ENROLLED = 10  # + the trainee's study groups in the module


@pytest.mark.parametrize("extra", [0, 13])
def test_overview_enrolled_query_count_fixed(
    trainee, content, django_assert_max_num_queries, extra
):
    enrolment_create(user=trainee, module=content, prerequisites_confirmed=True)
    grow_module(content, extra=extra)
    tasks = Task.objects.in_module(content)
    for task in tasks[: 1 if not extra else 40]:
        task_mark_done(user=trainee, task=task)
    for topic in content.topics.all()[: 1 if not extra else 15]:
        TimetableTarget.objects.create(user=trainee, topic=topic, target_date="2026-01-01")
    client = plain(trainee)
    with django_assert_max_num_queries(OVERVIEW_QUERIES_ENROLLED):
        response = client.get(content.get_absolute_url())
    assert response.status_code == 200
    assert f"{1 if not extra else 40} of {tasks.count()} tasks done" in response.content.decode()
