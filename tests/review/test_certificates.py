"""The evidence map, the certificate / CPD record, its public verification, the admin
pages and the demo data."""

import datetime
import io
from html import unescape

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from modules.models import LearningOutcome, Module
from modules.services import enrolment_create
from reflections import services
from reflections.models import Certificate, CertificateRule, Reflection
from tests.certificate_helpers import earn, finish_tasks, review_every_task
from topics.models import Task


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


def test_ticked_tasks_alone_do_not_make_a_certificate(poster, trainee, content):
    """The default rule: every task done is not enough; the page lists each missing piece
    with a link to where it is done."""
    finish_tasks(trainee, content)
    client = poster(trainee)
    html = client.get(_certificate_url(content)).content.decode()
    assert "Not ready yet" in html and "Make my certificate" not in html
    assert "12 tasks still need one" in html and "3 outcomes still need one" in html
    missing = html.split('class="certificate-missing')[1].split("</ul>")[0]
    assert missing.count("<li") == 12 + 3
    assert missing.count("Write the reflection") == 12
    assert missing.count("See your evidence") == 3
    task = Task.objects.in_module(content).order_by("topic__number", "position").first()
    assert f'href="{task.get_absolute_url()}#reflect-title"' in missing
    client.post(_certificate_url(content))
    assert not Certificate.objects.exists()


def test_each_missing_step_is_named(poster, tutor, trainee, submitted, structures, content):
    finish_tasks(trainee, content)
    waiting = submitted(title="Waiting one")
    tasks = list(Task.objects.in_module(content).order_by("topic__number", "position"))
    draft = services.reflection_create(
        author=trainee, title="Draft one", task=tasks[1], template=structures["free"]
    )
    revise = services.reflection_submit(
        reflection=services.reflection_create(
            author=trainee, title="Revise one", task=tasks[2], template=structures["free"]
        ),
        by=trainee,
    )
    services.feedback_give(
        reflection=revise,
        tutor=tutor,
        text="Say more.",
        decision="revision_requested",
        expected_version=revise.version,
    )
    html = poster(trainee).get(_certificate_url(content)).content.decode()
    missing = html.split('class="certificate-missing')[1].split("</ul>")[0]
    assert "your reflection is waiting for a tutor" in missing
    assert reverse("reflections:detail", args=[waiting.pk]) in missing
    assert "your reflection is a draft; submit it for review" in missing
    assert reverse("reflections:detail", args=[draft.pk]) in missing
    assert "asked you to revise" in missing
    assert reverse("reflections:edit", args=[revise.pk]) in missing
    assert missing.count("Write the reflection") == 9


def test_reviews_without_outcome_links_are_not_enough(poster, tutor, trainee, structures, content):
    finish_tasks(trainee, content)
    review_every_task(trainee, tutor, content, structures["free"], link_outcomes=False)
    html = poster(trainee).get(_certificate_url(content)).content.decode()
    assert "3 outcomes still need one" in html and "tasks still need" not in html
    assert "Make my certificate" not in html


def test_reviews_and_outcome_links_make_it(poster, tutor, trainee, structures, content):
    earn(trainee, tutor, content, structures["free"])
    client = poster(trainee)
    html = client.get(_certificate_url(content)).content.decode()
    assert "Make my certificate" in html
    client.post(_certificate_url(content))
    certificate = Certificate.objects.get(user=trainee, module=content)
    assert certificate.rule == CertificateRule.EVIDENCE
    html = client.get(_certificate_url(content)).content.decode()
    assert "every learning outcome evidenced by a reviewed reflection" in html
    assert "old rule" not in html


@pytest.mark.parametrize(
    "reviews, outcomes, rule",
    [
        (False, False, CertificateRule.TASKS),
        (True, False, CertificateRule.REVIEWED),
        (False, True, CertificateRule.OUTCOMES),
    ],
)
def test_admin_may_relax_the_rule_and_the_certificate_says_so(
    poster, tutor, trainee, structures, content, reviews, outcomes, rule
):
    Module.objects.filter(pk=content.pk).update(
        require_reviewed_reflections=reviews, require_outcome_evidence=outcomes
    )
    finish_tasks(trainee, content)
    if reviews or outcomes:
        assert (
            "Make my certificate"
            not in poster(trainee).get(_certificate_url(content)).content.decode()
        )
        review_every_task(trainee, tutor, content, structures["free"], link_outcomes=outcomes)
    client = poster(trainee)
    assert "Make my certificate" in client.get(_certificate_url(content)).content.decode()
    client.post(_certificate_url(content))
    certificate = Certificate.objects.get()
    assert certificate.rule == rule
    html = client.get(_certificate_url(content)).content.decode()
    assert rule.label in unescape(html)
    if rule == CertificateRule.TASKS:
        assert "tasks completed; reflections not reviewed" in html
    pdf = client.get(_certificate_url(content, "certificate_pdf"))
    text = " ".join(
        "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    if not outcomes:
        # An outcome is never printed as met without evidence.
        assert text.count("Not evidenced") == 3
    else:
        assert "Not evidenced" not in text


def test_issue_download_verify_and_withdraw(poster, tutor, trainee, structures, content):
    earn(trainee, tutor, content, structures["free"])
    Reflection.objects.filter(author=trainee).update(cpd_minutes=0)
    Reflection.objects.filter(author=trainee, title="Reflection on task 1").update(cpd_minutes=150)
    outcome = LearningOutcome.objects.filter(module=content).first()
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
                     "verify/" + certificate.code[:10], outcome.text[:30],
                     "Reflection on task 1", "reviewed by"):  # fmt: skip
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


def test_someone_else_cannot_touch_a_certificate(
    poster, tutor, trainee, other_trainee, structures, content
):
    earn(trainee, tutor, content, structures["free"])
    services.certificate_issue(user=trainee, module=content)
    other = poster(other_trainee)
    assert other.get(_certificate_url(content, "certificate_pdf")).status_code == 404
    assert (
        other.post(_certificate_url(content, "certificate_public"), {"public": "0"}).status_code
        == 404
    )
    assert Certificate.objects.get().is_public


def test_old_rule_certificates_say_so(poster, trainee, content):
    """The migration marks certificates made before the evidence rule as the old rule; their
    page says so (the migration itself: tests/review/test_certificate_migration.py)."""
    finish_tasks(trainee, content)
    Certificate.objects.create(
        user=trainee, module=content, holder_name="T", module_title=content.title,
        completed_on=datetime.date(2026, 1, 5), rule=CertificateRule.OLD,
    )  # fmt: skip
    html = poster(trainee).get(_certificate_url(content)).content.decode()
    assert "issued under the old rule" in html


def test_certificate_page_queries_fixed(
    client_for, trainee, content, django_assert_max_num_queries
):
    finish_tasks(trainee, content)
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
