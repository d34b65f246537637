"""The certificate is findable: a line on the module page, the dashboard and the portfolio,
and a notice when it can be made. The notice rides on queries the pages run anyway."""

from django.urls import reverse

from modules.models import LearningOutcome
from reflections import services
from reflections.models import Feedback
from tests.certificate_helpers import finish_tasks, review_every_task
from tests.kept_pages import keep

DASHBOARD = reverse("dashboard")
PORTFOLIO = reverse("reflections:portfolio")


def test_dashboard_says_what_it_needs_then_that_it_can_be_made(
    client_for, tutor, trainee, structures, content
):
    finish_tasks(trainee, content)
    client = client_for(trainee)
    html = keep(client, DASHBOARD)  # kept, so a stale page would show below
    certificate_url = reverse("reflections:certificate", args=[content.slug])
    assert "certificate-not_ready" in html and "what it still needs" in html
    assert "certificate-notice" not in html
    reflections = review_every_task(trainee, tutor, content, structures["free"],
                                    link_outcomes=False)  # fmt: skip
    assert "certificate-notice" not in client.get(DASHBOARD).content.decode()
    # The last outcome link comes with a new round of review on the first reflection.
    Feedback.outcomes.through.objects.bulk_create(
        Feedback.outcomes.through(feedback=reflections[0].feedback.first(), learningoutcome=o)
        for o in LearningOutcome.objects.filter(module=content)
    )
    services.feedback_mark_seen(reflection=reflections[0], by=trainee)  # a write of theirs
    html = client.get(DASHBOARD).content.decode()
    assert "can be made now" in html and "certificate-ready" in html
    notice = html.split("certificate-notice")[1].split("</div>")[0]
    assert f'href="{certificate_url}"' in notice
    services.certificate_issue(user=trainee, module=content)
    html = client.get(DASHBOARD).content.decode()
    assert "certificate-notice" not in html and "certificate-made" in html


def test_portfolio_lists_each_module_certificate(client_for, tutor, trainee, structures, content):
    finish_tasks(trainee, content)
    client = client_for(trainee)
    html = keep(client, PORTFOLIO)
    panel = html.split("portfolio-certificates")[1].split("</section>")[0]
    assert content.title in panel and "what it still needs" in panel
    review_every_task(trainee, tutor, content, structures["free"])
    panel = client.get(PORTFOLIO).content.decode().split("portfolio-certificates")[1]
    assert "Your certificate can be made now" in panel.split("</section>")[0]
    # A filtered view is about reflections: no certificate panel there.
    assert (
        "portfolio-certificates" not in client.get(PORTFOLIO + "?status=reviewed").content.decode()
    )


def test_module_page_states_the_rule_and_links_the_certificate(client_for, trainee, content):
    finish_tasks(trainee, content)
    html = client_for(trainee).get(content.get_absolute_url()).content.decode()
    line = html.split("certificate-rule")[1].split("</p>")[0]
    assert reverse("reflections:certificate", args=[content.slug]) in line
    assert "a reflection on every task, submitted and reviewed by a tutor" in line
    assert "every learning outcome evidenced" in line
