"""Download my data (JSON) and delete my account (after the password, everything goes)."""

import json

from django.test import Client
from django.urls import reverse

from modules.models import Enrolment, Tutor
from modules.services import enrolment_create
from portal.models import User
from reflections.exports import build_portfolio
from reflections.models import (
    Feedback,
    Reflection,
    ReflectionTemplate,
    ReflectionVersion,
    RenderedPdf,
)
from reflections.pdf import portfolio_pdf
from reflections.services import reflection_create, reflection_save
from reflections.structures import seed_structures
from tests.conftest import PASSWORD
from topics.models import Task, TaskCompletion
from topics.services import task_mark_done

MY_DATA_QUERIES = 18  # + stances, arguments, endorsements, + seven study-group parts


def _activity(user, content, n: int = 0):
    seed_structures(ReflectionTemplate)
    tasks = Task.objects.filter(topic__module=content).select_related("topic__module")
    task = list(tasks)[n % tasks.count()]
    enrolment_create(user=user, module=content, prerequisites_confirmed=True)
    task_mark_done(user=user, task=task)
    reflection = reflection_create(
        author=user,
        title="What I learnt",
        task=task,
        template=ReflectionTemplate.objects.get(slug="gibbs"),
    )
    reflection_save(
        reflection=reflection,
        by=user,
        expected_version=1,
        title="What I learnt",
        body="Second draft",
        cpd_minutes=50,
    )
    return reflection


def _plain(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_account_page_links_to_data_and_deletion(client_for, trainee):
    html = client_for(trainee).get(reverse("account")).content.decode()
    assert reverse("account_data") in html
    assert reverse("account_delete") in html
    assert reverse("reflections:portfolio") in html


def test_my_data_ladder(client_for, trainee):
    for url in [reverse("account_data"), reverse("account_delete")]:
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert client_for(trainee).get(url).status_code == 200


def test_download_holds_profile_enrolments_completions_and_reflections(
    client_for, trainee, other_trainee, content
):
    _activity(trainee, content)
    _activity(other_trainee, content)
    response = client_for(trainee).get(reverse("account_data"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.content)
    assert data["profile"]["email"] == trainee.email
    assert data["profile"]["full_name"] == trainee.full_name
    assert data["profile"]["email_addresses"] == [
        {"email": trainee.email, "verified": True, "primary": True}
    ]
    [enrolment] = data["enrolments"]
    assert enrolment["module_slug"] == content.slug
    assert enrolment["prerequisites_confirmed_at"]
    [completion] = data["task_completions"]
    assert completion["task"].endswith("Explore the resources for this topic")
    [reflection] = data["reflections"]
    assert reflection["title"] == "What I learnt"
    assert reflection["body_markdown"] == "Second draft"
    assert reflection["structure"] == "Gibbs' reflective cycle"
    assert reflection["cpd_minutes"] == 50
    assert [v["number"] for v in reflection["versions"]] == [1, 2]
    assert reflection["versions"][0]["body_markdown"].startswith("## Description")
    assert other_trainee.email not in response.content.decode()


def test_my_data_queries_fixed(client_for, trainee, content, django_assert_max_num_queries):
    client = client_for(trainee)
    _activity(trainee, content)
    with django_assert_max_num_queries(MY_DATA_QUERIES):
        client.get(reverse("account_data"))
    for i in range(1, 41):
        _activity(trainee, content, i)
    with django_assert_max_num_queries(MY_DATA_QUERIES):
        data = json.loads(client.get(reverse("account_data")).content)
    assert len(data["reflections"]) == 41
    assert len(data["task_completions"]) == 12


def test_wrong_password_is_a_field_error_and_deletes_nothing(trainee, content):
    _activity(trainee, content)
    response = _plain(trainee).post(reverse("account_delete"), {"password": "not-it"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "That is not your current password." in html
    assert "is-invalid" in html
    assert User.objects.filter(pk=trainee.pk).exists()
    assert Reflection.objects.filter(author=trainee).exists()
    empty = _plain(trainee).post(reverse("account_delete"), {"password": ""})
    assert "This field is required." in empty.content.decode()


def test_delete_needs_csrf(client_for, trainee):
    response = client_for(trainee).post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 403
    assert User.objects.filter(pk=trainee.pk).exists()


def test_right_password_deletes_the_account_and_all_its_data(
    trainee, other_trainee, tutor, content
):
    reflection = _activity(trainee, content)
    _activity(other_trainee, content)
    Feedback.objects.create(reflection=reflection, tutor=tutor, text="Good")
    portfolio_pdf(build_portfolio(trainee))  # lays out and keeps the reflection's pages
    assert RenderedPdf.objects.filter(reflection_id=reflection.pk).exists()
    client = _plain(trainee)
    response = client.post(reverse("account_delete"), {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Your account and all your data have been deleted." in response.content.decode()
    assert not User.objects.filter(pk=trainee.pk).exists()
    assert not Enrolment.objects.filter(user_id=trainee.pk).exists()
    assert not TaskCompletion.objects.filter(user_id=trainee.pk).exists()
    assert not Reflection.objects.filter(author_id=trainee.pk).exists()
    assert not ReflectionVersion.objects.filter(reflection_id=reflection.pk).exists()
    assert not RenderedPdf.objects.filter(reflection_id=reflection.pk).exists()
    assert not Feedback.objects.filter(reflection_id=reflection.pk).exists()
    # signed out, and everybody else's work untouched
    assert client.get(reverse("account")).status_code == 302
    assert Reflection.objects.filter(author=other_trainee).count() == 1
    assert User.objects.filter(pk=tutor.pk).exists()


def test_deleting_a_tutor_keeps_their_feedback_and_profile(trainee, tutor, content):
    reflection = _activity(trainee, content)
    Feedback.objects.create(reflection=reflection, tutor=tutor, text="Well argued")
    response = _plain(tutor).post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    feedback = Feedback.objects.get(reflection=reflection)
    assert feedback.tutor is None and feedback.text == "Well argued"
    assert Tutor.objects.get(slug="gillian-tober").user is None
