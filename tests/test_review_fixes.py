"""Defects found by reviewing the merged portal, each pinned by a test."""

from django.test import Client
from django.urls import reverse

from debates.selectors import side_counts
from debates.services import argument_create, argument_delete, stance_record
from modules.models import Cohort
from modules.services import enrolment_create
from portal.models import User
from topics.models import Motion, Task
from topics.services import calendar_feed_token_reset


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _motion(content):
    return Motion.objects.select_related("task__topic__module").get(
        task__topic__module=content, task__topic__number=1
    )


def test_signed_out_htmx_request_redirects_the_whole_page(content):
    task = Task.objects.in_module(content).first()
    url = reverse(
        "topics:task_done",
        kwargs={"module_slug": content.slug, "number": 1, "position": task.position},
    )
    response = Client().post(url, {"done": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert b"<h1" not in response.content  # no sign-in page to swap into a fragment


def test_plain_signed_out_post_still_redirects(content):
    task = Task.objects.in_module(content).first()
    url = reverse(
        "topics:task_done",
        kwargs={"module_slug": content.slug, "number": 1, "position": task.position},
    )
    response = Client().post(url, {"done": "1"})
    assert response.status_code == 302


def test_debate_link_only_for_those_who_may_take_part(trainee, content):
    task = _motion(content).task
    html = _client(trainee).get(task.get_absolute_url()).content.decode()
    assert "to take part in the debate" in html
    assert "Go to the debate" not in html
    enrolment_create(user=trainee, module=content)
    html = _client(trainee).get(task.get_absolute_url()).content.decode()
    assert "Go to the debate" in html


def test_deleted_argument_counts_for_completion_not_for_a_side(trainee, other_trainee, content):
    motion = _motion(content)
    for user in (trainee, other_trainee):
        enrolment_create(user=user, module=content)
        stance_record(user=user, motion=motion, phase="before", position="for", confidence=3)
    mine = argument_create(author=trainee, motion=motion, side="for", text="Mine.")
    argument_create(author=other_trainee, motion=motion, text="A reply.", parent=mine)
    argument_delete(argument=mine, by=trainee)  # keeps its place as "deleted" (it has a reply)
    cohort = Cohort.default_for(motion.task.topic.module)
    counts = side_counts(motion=motion, cohort=cohort, user=other_trainee, moderator=False)
    assert counts["for"] == 0
    html = (
        _client(trainee)
        .get(reverse("debates:detail", kwargs={"module_slug": content.slug, "number": 1}))
        .content.decode()
    )
    assert "Post an argument or a reply" in html


def test_short_name_skips_honorifics():
    assert User(full_name="Dr Gillian Tober").get_short_name() == "Gillian"
    assert User(full_name="Prof. Ann Lee").get_short_name() == "Ann"
    assert User(full_name="Sam").get_short_name() == "Sam"
    assert User(full_name="", email="x@example.org").get_short_name() == "x@example.org"


def test_calendar_feed_answers_head(trainee, content):
    enrolment_create(user=trainee, module=content)
    token = calendar_feed_token_reset(user=trainee).token
    url = reverse("topics:calendar_feed", kwargs={"module_slug": content.slug, "token": token})
    assert Client().head(url).status_code == 200


def test_forms_carry_one_csrf_token(trainee, content):
    client = Client()
    client.force_login(trainee)
    html = client.get(content.get_absolute_url()).content.decode()
    enrol_form = html[html.index('id="enrol"') :]
    enrol_form = enrol_form[: enrol_form.index("</form>")]
    assert enrol_form.count("csrfmiddlewaretoken") == 1
    enrolment_create(user=trainee, module=content)
    html = client.get(reverse("topics:timetable", kwargs={"module_slug": content.slug})).content
    html = html.decode()
    assert html.count('name="csrfmiddlewaretoken"') == html.count('method="post"')
