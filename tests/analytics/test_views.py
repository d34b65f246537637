"""Who may see a course dashboard (the module's tutors and admins), what it shows, its
CSV and its filters, and the queries it runs at two sizes of data."""

import csv
import io

import pytest
from django.urls import reverse

from analytics.services import summaries_refresh
from modules.models import Enrolment
from reflections.models import Reflection
from tests.factories import make_module

from .conftest import W1


def url(module, **query):
    from urllib.parse import urlencode

    base = reverse("analytics:module", kwargs={"slug": module.slug})
    return f"{base}?{urlencode(query)}" if query else base


def csv_url(module, table, **query):
    from urllib.parse import urlencode

    base = reverse("analytics:csv", kwargs={"slug": module.slug, "table": table})
    return f"{base}?{urlencode(query)}" if query else base


@pytest.fixture
def other_tutor(make_user):
    from modules.models import ModuleTutor, Tutor

    module = make_module(slug="other", title="Other module")
    user = make_user(role="tutor")
    profile = Tutor.objects.create(name="Olga Other", slug="olga", role_line="Tutor", user=user)
    ModuleTutor.objects.create(module=module, tutor=profile, position=1)
    return user


@pytest.mark.django_db
def test_access_ladder(content, client_for, trainee, tutor, admin_user, other_tutor):
    Enrolment.objects.create(user=trainee, module=content)
    for address in (url(content), csv_url(content, "funnel")):
        anonymous = client_for(None).get(address)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        assert client_for(trainee).get(address).status_code == 404  # enrolled is not enough
        assert client_for(other_tutor).get(address).status_code == 404  # tutors another module
        assert client_for(tutor).get(address).status_code == 200
        assert client_for(admin_user).get(address).status_code == 200
    assert client_for(tutor).get(csv_url(content, "no-such-table")).status_code == 404
    missing = reverse("analytics:module", kwargs={"slug": "no-such-module"})
    assert client_for(admin_user).get(missing).status_code == 404


@pytest.mark.django_db
def test_dashboard_shows_each_figure_with_reading_table_and_csv(course, client_for, tutor):
    summaries_refresh(module=course)
    html = client_for(tutor).get(url(course)).content.decode()
    for title in (
        "Completion funnel", "Time per topic", "Debates: stance before and after",
        "Reflections", "Review turnaround", "Study groups and attendance",
        "Weekly active trainees",
    ):  # fmt: skip
        assert f">{title}</h2>" in html
    assert "Most trainees stop at topic 2, task 2" in html
    assert html.count('<svg class="chart"') == 7
    assert html.count("<table") == 10
    assert html.count("Download this table as CSV") == 10
    for trainee in course.trainees:
        assert trainee.get_full_name() not in html
    assert "Counted " in html


@pytest.mark.django_db
def test_csv_has_the_table_with_the_same_suppression(course, client_for, tutor):
    summaries_refresh(module=course)
    response = client_for(tutor).get(csv_url(course, "funnel"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert lines[0] == [
        "Step",
        "Trainees",
        "Share of enrolled",
        "Stopped here (first task not done)",
    ]
    assert lines[1] == ["Enrolled", "10", "100 %", "–"]
    filtered = client_for(tutor).get(csv_url(course, "funnel", since=W1.isoformat()))
    assert "Enrolled,fewer than 5" in filtered.content.decode()


@pytest.mark.django_db
def test_date_range_filters_and_bad_dates_get_a_message(course, client_for, tutor):
    summaries_refresh(module=course)
    client = client_for(tutor)
    html = client.get(url(course, since=W1.isoformat())).content.decode()
    assert "Fewer than 5 trainees enrolled in these weeks" in html
    bad = client.get(url(course, since="2026-11-20", until="2026-11-01"))
    assert bad.status_code == 200
    assert "The end of the range must not be before its start." in bad.content.decode()
    assert "Most trainees stop at topic 2, task 2" in bad.content.decode()  # all weeks shown
    nonsense = client.get(url(course, since="not-a-date", until="99999-01-01"))
    assert nonsense.status_code == 200
    assert "Enter a valid date." in nonsense.content.decode()
    assert client.get(csv_url(course, "funnel", since="x")).status_code == 200


@pytest.mark.django_db
def test_before_the_first_count_the_page_says_so(content, client_for, tutor):
    html = client_for(tutor).get(url(content)).content.decode()
    assert "Not counted yet" in html
    assert "No trainees enrolled in these weeks." in html


@pytest.mark.django_db
def test_the_dashboard_links_to_it_for_tutors_and_admins_only(
    content, client_for, trainee, tutor, admin_user
):
    link = url(content)
    assert link in client_for(tutor).get(reverse("dashboard")).content.decode()
    assert link in client_for(admin_user).get(reverse("dashboard")).content.decode()
    assert link not in client_for(trainee).get(reverse("dashboard")).content.decode()


def _grow(course, make_user, n):
    from topics.models import Task, TaskCompletion

    tasks = list(Task.objects.filter(topic__module=course))
    for i in range(n):
        user = make_user()
        Enrolment.objects.create(user=user, module=course)
        TaskCompletion.objects.create(user=user, task=tasks[i % len(tasks)])
        Reflection.objects.create(author=user, module=course, title="R", status="submitted")


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_data(
    course, client_for, tutor, make_user, django_assert_max_num_queries
):
    client = client_for(tutor)
    summaries_refresh(module=course)
    client.get(url(course))  # session and the like, once
    with django_assert_max_num_queries(12):
        assert client.get(url(course)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(csv_url(course, "turnaround-weeks")).status_code == 200
    _grow(course, make_user, 30)
    summaries_refresh(module=course)
    with django_assert_max_num_queries(12):
        assert client.get(url(course)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(csv_url(course, "turnaround-weeks")).status_code == 200


def _enrolled(html: str) -> str:
    import re

    return re.search(r'<th scope="row" class="fw-normal">Enrolled</th><td>([^<]+)</td>', html)[1]


@pytest.mark.django_db
def test_cohorts_filter_and_tutors_see_only_their_cohorts(course, client_for, tutor, admin_user):
    from modules.models import Cohort, ModuleTutor

    first = Cohort.objects.get(module=course)
    second = Cohort.objects.create(module=course, name="Leeds, spring")
    Enrolment.objects.filter(user__in=course.trainees[:5]).update(cohort=second)
    ModuleTutor.objects.filter(module=course, tutor__user=tutor).update(is_lead=False)
    assert list(Cohort.objects.tutored_by(tutor)) == [first]
    summaries_refresh(module=course)
    admin = client_for(admin_user)
    assert _enrolled(admin.get(url(course)).content.decode()) == "10"
    assert _enrolled(admin.get(url(course, cohort=second.pk)).content.decode()) == "5"
    assert _enrolled(admin.get(url(course, cohort=first.pk)).content.decode()) == "5"
    # A tutor named on the first cohort only: its figures, and no way to ask for another's.
    mine = client_for(tutor).get(url(course)).content.decode()
    assert _enrolled(mine) == "5" and "All my cohorts" in mine and "Leeds, spring" not in mine
    refused = client_for(tutor).get(url(course, cohort=second.pk)).content.decode()
    assert "Select a valid choice." in refused and _enrolled(refused) == "5"
    csv_text = client_for(tutor).get(csv_url(course, "funnel", cohort=second.pk)).content
    assert "Enrolled,5," in csv_text.decode()
    # A lead tutor sees every cohort.
    ModuleTutor.objects.filter(module=course, tutor__user=tutor).update(is_lead=True)
    lead = client_for(tutor).get(url(course)).content.decode()
    assert _enrolled(lead) == "10" and "Leeds, spring" in lead
