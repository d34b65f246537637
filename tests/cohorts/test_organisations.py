"""An organisation's lead sees their staff's progress (counts and states, never a
reflection's or an argument's text) as a page and a CSV; nobody else sees it, and a lead
never sees another organisation's staff."""

import csv
import io

import pytest
from django.urls import reverse

from debates.services import argument_create, stance_record
from organisations.models import Organisation
from organisations.services import membership_add, organisation_get_or_create
from reflections.models import Reflection, ReflectionTemplate
from reflections.services import reflection_create, reflection_submit
from reflections.structures import seed_structures
from topics.models import Task
from topics.services import task_mark_done


@pytest.fixture
def orgs(two_cohorts, make_user, motion, content):
    c = two_cohorts
    seed_structures(ReflectionTemplate)
    council = organisation_get_or_create(name="Leeds  City Council")
    trust = organisation_get_or_create(name="Other NHS Trust")
    c.lead_user = make_user(name="Lena Lead")
    c.other_lead = make_user(name="Otto OtherLead")
    membership_add(organisation=council, user=c.lead_user, is_lead=True)
    membership_add(organisation=council, user=c.ada)
    membership_add(organisation=trust, user=c.bo)
    membership_add(organisation=trust, user=c.other_lead, is_lead=True)
    c.idle = make_user(name="=Idle Member")
    membership_add(organisation=council, user=c.idle)
    task = Task.objects.get(topic__module=content, topic__number=1, position=1)
    task_mark_done(user=c.ada, task=task)
    reflection = reflection_create(
        author=c.ada,
        title="Private title",
        body="SECRET words.",
        task=task,
        template=ReflectionTemplate.objects.get(slug="free"),
    )
    reflection_submit(reflection=reflection, by=c.ada)
    stance_record(user=c.ada, motion=motion, phase="before", position="for", confidence=3)
    argument_create(author=c.ada, motion=motion, side="for", text="ARGUED text.")
    c.council, c.trust = council, trust
    return c


def csv_rows(client, organisation, **params):
    response = client.get(reverse("organisations:report_csv", args=[organisation.slug]), params)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_lead_sees_their_staff_in_counts_only(client_for, orgs):
    c = orgs
    assert c.council.name == "Leeds City Council" and c.council.slug == "leeds-city-council"
    client = client_for(c.lead_user)
    html = client.get(reverse("organisations:report", args=[c.council.slug])).content.decode()
    assert "Ada A-Trainee" in html and "Leeds January" in html
    assert "1 of 12" in html and "1 / 0" in html  # a task done; one submitted, none reviewed
    assert "Bo B-Trainee" not in html  # another organisation's staff
    for private in ("Private title", "SECRET", "ARGUED"):
        assert private not in html
    assert "=Idle Member" in html  # not enrolled, listed
    rows = csv_rows(client, c.council)
    assert rows[0][:4] == ["Name", "Email", "Module", "Cohort"]
    names = [row[0] for row in rows[1:]]
    assert names == ["Ada A-Trainee", "'=Idle Member", "Lena Lead"]  # formula defused
    ada = rows[1]
    assert ada[3] == "Leeds January" and ada[5:9] == ["1", "12", "1", "0"]
    assert not any("SECRET" in cell or "ARGUED" in cell for row in rows for cell in row)
    # the dashboard links the lead to the report
    assert (
        "Progress report: Leeds City Council" in client.get(reverse("dashboard")).content.decode()
    )
    assert client.get(reverse("organisations:mine"))["Location"] == c.council.get_absolute_url()


def test_the_report_follows_filters(client_for, orgs, make_user):
    c = orgs
    client = client_for(c.lead_user)
    assert [r[0] for r in csv_rows(client, c.council, q="idle")[1:]] == ["'=Idle Member"]
    rows = csv_rows(client, c.council, module=c.module.pk)
    assert [r[0] for r in rows[1:]] == ["Ada A-Trainee"]


def test_nobody_else_sees_a_report(client_for, orgs, admin_user, client):
    c = orgs
    report = reverse("organisations:report", args=[c.council.slug])
    report_csv = reverse("organisations:report_csv", args=[c.council.slug])
    for url in (report, report_csv):
        assert client.get(url).status_code == 302  # signed out: sign in
        for who in (c.ada, c.bo, c.tutor_a, c.lead, c.other_lead, c.idle, admin_user):
            assert client_for(who).get(url).status_code == 404, (url, who)
    assert client_for(c.ada).get(reverse("organisations:mine")).status_code == 404
    other = client_for(c.other_lead)
    rows = csv_rows(other, c.trust)
    assert [r[0] for r in rows[1:]] == ["Bo B-Trainee", "Otto OtherLead"]


def test_report_queries_are_fixed(client_for, orgs, django_assert_max_num_queries):
    from modules.services import enrolment_create
    from portal.models import User

    c = orgs
    client = client_for(c.lead_user)
    url = reverse("organisations:report", args=[c.council.slug])
    with django_assert_max_num_queries(
        9
    ) as ctx:  # session, user, org, modules, count, rows, members
        assert client.get(url).status_code == 200
    first = len(ctx.captured_queries)
    for i in range(30):
        user = User.objects.create(email=f"staff{i}@example.org", full_name=f"Staff {i}")
        membership_add(organisation=c.council, user=user)
        if i % 2:
            enrolment_create(user=user, module=c.module, cohort=c.b)
    with django_assert_max_num_queries(first):
        html = client.get(url).content.decode()
    assert "Staff 1" in html
    assert Organisation.objects.led_by(c.lead_user).count() == 1
    assert Reflection.objects.count() == 1
