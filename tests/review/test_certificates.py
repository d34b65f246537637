"""The evidence map, the certificate / CPD record, its public verification, the admin
pages and the demo data."""

import io

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from modules.models import LearningOutcome, Module
from modules.services import enrolment_create
from reflections import services
from reflections.models import Certificate, Reflection
from topics.models import Task
from topics.services import task_mark_done


def _finish(user, module):
    enrolment_create(user=user, module=module)
    for task in Task.objects.in_module(module).select_related("topic__module"):
        task_mark_done(user=user, task=task)


def _certificate_url(module, name="certificate"):
    return reverse(f"reflections:{name}", args=[module.slug])


def test_evidence_map_on_the_portfolio(client_for, tutor, trainee, submitted, content):
    enrolment_create(user=trainee, module=content)
    reflection = submitted(title="Evidence piece")
    outcomes = list(LearningOutcome.objects.filter(module=content).order_by("position")[:2])
    services.feedback_give(
        reflection=reflection,
        tutor=tutor,
        text="",
        decision="reviewed",
        expected_version=reflection.version,
        outcomes=outcomes,
    )
    html = client_for(trainee).get(reverse("reflections:portfolio")).content.decode()
    assert "Learning outcomes and your evidence" in html
    first = html.index(outcomes[0].text[:40])
    assert html.index("Evidence piece", first) < html.index(outcomes[1].text[:40])
    assert "No evidence linked yet." in html  # the other outcomes


def test_certificate_not_ready_until_the_module_is_complete(client_for, trainee, content):
    enrolment_create(user=trainee, module=content)
    client = client_for(trainee)
    html = client.get(_certificate_url(content)).content.decode()
    assert "Finish every task first: 0 of 12 are done." in html
    client.get(_certificate_url(content))
    response = client.post(
        _certificate_url(content),
        {"csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        follow=True,
    )
    assert "Finish every task first" in response.content.decode()
    assert not Certificate.objects.exists()
    assert client.get(_certificate_url(content, "certificate_pdf")).status_code == 404


def test_not_enrolled_gets_404(client_for, other_trainee, content):
    assert client_for(other_trainee).get(_certificate_url(content)).status_code == 404


def test_module_setting_requires_every_task_reviewed(poster, tutor, trainee, content, structures):
    _finish(trainee, content)
    Module.objects.filter(pk=content.pk).update(require_reviewed_reflections=True)
    html = poster(trainee).get(_certificate_url(content)).content.decode()
    assert "12 tasks still need one" in html
    for task in Task.objects.in_module(content):
        reflection = services.reflection_create(
            author=trainee, title=f"On {task.pk}", task=task, template=structures["free"]
        )
        services.reflection_submit(reflection=reflection, by=trainee)
        services.feedback_give(
            reflection=reflection,
            tutor=tutor,
            text="",
            decision="reviewed",
            expected_version=reflection.version,
        )
    html = poster(trainee).get(_certificate_url(content)).content.decode()
    assert "Make my certificate" in html


def test_issue_download_verify_and_withdraw(poster, tutor, trainee, submitted, content):
    _finish(trainee, content)
    reflection = submitted()
    Reflection.objects.filter(pk=reflection.pk).update(cpd_minutes=150)
    outcome = LearningOutcome.objects.filter(module=content).first()
    services.feedback_give(
        reflection=reflection,
        tutor=tutor,
        text="",
        decision="reviewed",
        expected_version=reflection.version,
        outcomes=[outcome],
    )
    client = poster(trainee)
    client.post(_certificate_url(content))
    certificate = Certificate.objects.get(user=trainee, module=content)
    assert len(certificate.code) >= 24
    html = client.get(_certificate_url(content)).content.decode()
    verify_url = f"http://testserver/verify/{certificate.code}/"
    assert verify_url in html
    pdf = client.get(_certificate_url(content, "certificate_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    flat = " ".join(text.split())
    for expected in (trainee.get_full_name(), content.title, "2 h 30 min", "Gillian Tober",
                     "verify/" + certificate.code[:10], outcome.text[:30]):  # fmt: skip
        assert expected in flat, expected
    # A signed-out visitor sees name, module and date only.
    public = Client().get(f"/verify/{certificate.code}/")
    body = public.content.decode()
    assert public.status_code == 200
    assert trainee.get_full_name() in body and content.title in body
    assert trainee.email not in body and "2 h 30 min" not in body
    assert Client().get("/verify/not-a-real-code/").status_code == 404
    # Issuing twice keeps the one record.
    client.post(_certificate_url(content))
    assert Certificate.objects.count() == 1
    # Withdrawn: the link no longer verifies; restored, it does again.
    client.post(_certificate_url(content, "certificate_public"), {"public": "0"})
    assert Client().get(f"/verify/{certificate.code}/").status_code == 404
    client.post(_certificate_url(content, "certificate_public"), {"public": "1"})
    assert Client().get(f"/verify/{certificate.code}/").status_code == 200


def test_someone_else_cannot_touch_a_certificate(poster, trainee, other_trainee, content):
    _finish(trainee, content)
    services.certificate_issue(user=trainee, module=content)
    other = poster(other_trainee)
    assert other.get(_certificate_url(content, "certificate_pdf")).status_code == 404
    assert (
        other.post(_certificate_url(content, "certificate_public"), {"public": "0"}).status_code
        == 404
    )
    assert Certificate.objects.get().is_public


def test_certificate_page_queries_fixed(
    client_for, trainee, content, django_assert_max_num_queries
):
    _finish(trainee, content)
    client = client_for(trainee)
    with django_assert_max_num_queries(10):
        assert client.get(_certificate_url(content)).status_code == 200


def test_admin_pages_for_review(client_for, admin_user, tutor, submitted, content):
    reflection = submitted()
    services.feedback_give(
        reflection=reflection,
        tutor=tutor,
        text="Good.",
        decision="reviewed",
        expected_version=reflection.version,
    )
    client = client_for(admin_user)
    html = client.get(reverse("admin:modules_module_change", args=[content.pk])).content.decode()
    assert "turnaround_days" in html and "require_reviewed_reflections" in html
    assert "reviews as (linked account)" in html.lower()
    activity = client.get(reverse("admin:reflections_tutoractivity_changelist")).content.decode()
    assert "Gillian Tober" in activity
    assert client.get(reverse("admin:reflections_feedback_changelist")).status_code == 200
    assert client.get(reverse("admin:reflections_certificate_changelist")).status_code == 200


def test_seed_demo_adds_reflections_waiting_for_the_demo_tutor(content):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    from portal.models import User

    tutor = User.objects.get(email="tutor@example.com")
    waiting = Reflection.objects.reviewable_by(tutor).filter(status="submitted")
    assert waiting.count() == 2  # the two demo trainees of the demo tutor's cohort
    tutor_b = User.objects.get(email="tutor2@example.com")  # the other cohort's tutor
    assert Reflection.objects.reviewable_by(tutor_b).filter(status="submitted").count() == 1
    client = Client()
    client.force_login(tutor)
    html = client.get(reverse("review:queue")).content.decode()
    assert html.count("Overdue<span") == 1
