"""Where the apps meet: the dashboard's reflections, the debate stance in the reflection
editor, and every app's part of "download my data"."""

import json

from django.test import Client
from django.urls import reverse

from debates.services import argument_create, stance_record
from modules.services import enrolment_create
from reflections.models import ReflectionTemplate
from reflections.services import reflection_create
from reflections.structures import seed_structures
from topics.models import Motion, Task


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _debate(content):
    return Motion.objects.select_related("task__topic__module").get(
        task__topic__module=content, task__topic__number=1
    )


def test_dashboard_shows_my_recent_reflections_only(
    trainee, other_trainee, content, django_assert_max_num_queries
):
    enrolment_create(user=trainee, module=content)
    task = Task.objects.in_module(content).first()
    reflection_create(author=trainee, title="Mine about motivation", task=task)
    reflection_create(author=other_trainee, title="Someone else's secret", task=task)
    client = _client(trainee)
    with django_assert_max_num_queries(9):  # + study groups, + invitations for the trainee
        html = client.get(reverse("dashboard")).content.decode()
    assert "Mine about motivation" in html
    assert "Someone else" not in html
    for i in range(30):
        reflection_create(author=trainee, title=f"Extra {i}", task=task)
    with django_assert_max_num_queries(9):
        html = client.get(reverse("dashboard")).content.decode()
    assert html.count("updated ") == 5  # the five most recent


def test_debate_stance_is_carried_into_the_reflection_editor(trainee, content):
    seed_structures(ReflectionTemplate)
    enrolment_create(user=trainee, module=content)
    motion = _debate(content)
    stance_record(user=trainee, motion=motion, phase="before", position="undecided", confidence=2)
    reflection = reflection_create(author=trainee, title="On the debate", task=motion.task)
    client = _client(trainee)
    html = client.get(reverse("reflections:edit", args=[reflection.pk])).content.decode()
    assert "Your stance in the debate" in html
    assert "confidence 2 of 5" in html
    stance_record(user=trainee, motion=motion, phase="after", position="against", confidence=4)
    html = client.get(reverse("reflections:edit", args=[reflection.pk])).content.decode()
    assert "You moved from undecided (2) to against (4)" in html


def test_no_stance_note_on_other_tasks_or_without_a_stance(trainee, content):
    seed_structures(ReflectionTemplate)
    motion = _debate(content)
    reflection = reflection_create(author=trainee, title="On the debate", task=motion.task)
    html = _client(trainee).get(reverse("reflections:edit", args=[reflection.pk])).content
    assert b"Your stance in the debate" not in html


def test_my_data_carries_debates_too(trainee, other_trainee, content):
    for user in (trainee, other_trainee):
        enrolment_create(user=user, module=content)
    motion = _debate(content)
    stance_record(user=trainee, motion=motion, phase="before", position="for", confidence=5,
                  reason="one to one works")  # fmt: skip
    argument_create(author=trainee, motion=motion, side="for", text="Rapport needs privacy.")
    stance_record(user=other_trainee, motion=motion, phase="before", position="against",
                  confidence=1, reason="not mine")  # fmt: skip
    data = json.loads(_client(trainee).get(reverse("account_data")).content)
    assert [s["reason"] for s in data["debate_stances"]] == ["one to one works"]
    assert [a["text"] for a in data["debate_arguments"]] == ["Rapport needs privacy."]
    assert data["debate_endorsements"] == []


def test_tutor_dashboard_leads_to_the_debates_they_moderate(
    tutor, trainee, content, django_assert_max_num_queries
):
    client = _client(tutor)
    # + the tutored modules' debate topics, the organisations led and (tutors) the cohorts
    # they may enrol people into (organisations.panels)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("dashboard")).content.decode()
    assert "Modules you tutor" in html
    for number in range(1, 5):
        url = reverse("debates:detail", kwargs={"module_slug": content.slug, "number": number})
        assert url in html
        assert client.get(url).status_code == 200
    assert "Modules you tutor" not in _client(trainee).get(reverse("dashboard")).content.decode()
