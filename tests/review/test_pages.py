"""The queue, the cohort table and its CSV: order, flags, filters, paging, escaping, and
fixed query counts at 1 and 200 trainees."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from modules.models import Module
from reflections import services
from reflections.models import Reflection
from reflections.review import csv_safe
from tests.factories import grow_cohort
from topics.models import Task


def _age(reflection, days):
    Reflection.objects.filter(pk=reflection.pk).update(
        submitted_at=timezone.now() - timedelta(days=days)
    )


# --- the queue ----------------------------------------------------------------------------


def test_queue_oldest_first_with_words_waiting_and_overdue(client_for, tutor, submitted, content):
    new = submitted(title="Newer one", body="three words here")
    old = submitted(title="Older one")
    _age(old, 8)
    _age(new, 2)
    html = client_for(tutor).get(reverse("review:queue")).content.decode()
    assert html.index("Older one") < html.index("Newer one")
    assert "8 days" in html and "2 days" in html
    assert html.count("Overdue<span") == 1  # only the one past the 7-day target
    Module.objects.filter(pk=content.pk).update(turnaround_days=1)
    html = client_for(tutor).get(reverse("review:queue")).content.decode()
    assert html.count("Overdue<span") == 2
    assert ">3</td>" in html  # the word count


def test_queue_filters(client_for, tutor, make_user, submitted, content):
    other_task = Task.objects.get(topic__module=content, topic__number=2, position=1)
    alice = make_user(name="Alice Able")
    submitted(alice, title="Alice on topic one")
    submitted(title="Mine on topic two", on=other_task)
    client = client_for(tutor)
    queue = reverse("review:queue")

    def titles(**params):
        html = client.get(queue, params).content.decode()
        return {t for t in ("Alice on topic one", "Mine on topic two") if t in html}

    assert titles() == {"Alice on topic one", "Mine on topic two"}
    assert titles(trainee="alice") == {"Alice on topic one"}
    assert titles(topic=other_task.topic_id) == {"Mine on topic two"}
    assert titles(task=other_task.pk) == {"Mine on topic two"}
    assert titles(module=content.pk) == {"Alice on topic one", "Mine on topic two"}
    assert titles(state="reviewed") == set()
    # Nonsense in the filters is ignored, never a 500.
    assert client.get(queue, {"module": "x'; drop", "page": "zz", "state": "?"}).status_code == 200


def test_queue_states_resubmitted_and_reviewed(client_for, tutor, trainee, submitted):
    first = submitted(title="Came back")
    done = submitted(title="All done")
    services.feedback_give(
        reflection=first,
        tutor=tutor,
        text="Revise.",
        decision="revision_requested",
        expected_version=first.version,
    )
    services.feedback_give(
        reflection=done, tutor=tutor, text="", decision="reviewed", expected_version=done.version
    )
    services.reflection_submit(reflection=first, by=trainee)
    client = client_for(tutor)
    html = client.get(reverse("review:queue"), {"state": "resubmitted"}).content.decode()
    assert "Came back" in html and "All done" not in html and "Resubmitted" in html
    html = client.get(reverse("review:queue"), {"state": "new"}).content.decode()
    assert "Came back" not in html
    html = client.get(reverse("review:queue"), {"state": "reviewed"}).content.decode()
    assert "All done" in html and "Came back" not in html


def test_queue_is_paginated(client_for, tutor, content):
    grow_cohort(content, trainees=30)
    client = client_for(tutor)
    first = client.get(reverse("review:queue")).content.decode()
    assert "Page 1 of 2" in first and "30</strong> reflections" in first
    second = client.get(reverse("review:queue"), {"page": 2}).content.decode()
    assert second.count('href="/review/') - second.count('href="/review/"') >= 5


# --- the cohort table and CSV ---------------------------------------------------------------


def test_cohort_rows_count_progress_targets_and_reflections(client_for, tutor, content):
    grow_cohort(content, trainees=6)
    html = client_for(tutor).get(reverse("review:cohort", args=[content.slug])).content.decode()
    assert "6 trainees" in html
    assert "Cohort Trainee 00004" in html
    assert "3 of 3" in html and "1 of 3" in html  # tasks done per topic
    assert "overdue" in html  # the first topic's target has passed for those behind
    assert "1 / 1 / 0" in html  # written / submitted / reviewed


def test_cohort_sort_and_filter(client_for, tutor, content):
    grow_cohort(content, trainees=6)
    client = client_for(tutor)
    url = reverse("review:cohort", args=[content.slug])
    html = client.get(url, {"sort": "-progress"}).content.decode()
    assert html.index("Cohort Trainee 00004") < html.index("Cohort Trainee 00000")
    html = client.get(url, {"sort": "name"}).content.decode()
    assert html.index("Cohort Trainee 00000") < html.index("Cohort Trainee 00004")
    html = client.get(url, {"q": "00003"}).content.decode()
    assert "1 trainee." in html and "Cohort Trainee 00003" in html
    html = client.get(url, {"show": "not_started"}).content.decode()
    assert "Cohort Trainee 00000" in html and "Cohort Trainee 00001" not in html
    html = client.get(url, {"show": "overdue"}).content.decode()
    # Topic 1's target was three days ago: those with fewer than its three tasks done.
    assert "Cohort Trainee 00002" in html and "Cohort Trainee 00003" not in html
    assert client.get(url, {"sort": "bogus", "show": "<x>", "page": "-1"}).status_code == 200


def test_cohort_is_paginated_at_fifty(client_for, tutor, content):
    grow_cohort(content, trainees=51)
    client = client_for(tutor)
    url = reverse("review:cohort", args=[content.slug])
    assert "Page 1 of 2" in client.get(url).content.decode()
    assert client.get(url, {"page": 2}).content.decode().count('scope="row"') == 1


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Ann", "Ann"),
        (3, "3"),
        (None, ""),
    ],
)
def test_csv_cells_are_escaped_against_formulas(value, expected):
    assert csv_safe(value) == expected


def test_csv_streams_the_table_with_escaping(client_for, tutor, make_user, content):
    from modules.services import enrolment_create

    evil = make_user(name='=HYPERLINK("http://evil.example","x")')
    enrolment_create(user=evil, module=content)
    grow_cohort(content, trainees=3)
    response = client_for(tutor).get(reverse("review:cohort_csv", args=[content.slug]))
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:5] == ["Trainee", "Email", "Cohort", "Enrolled", "Completed"]
    assert len(rows) == 1 + 4
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","x")' in names
    assert all(not n.startswith(("=", "+", "-", "@")) for n in names)
    assert rows[1][2] == "All trainees"
    assert rows[1][5] in {f"{n} of 3" for n in range(4)}


def test_csv_follows_the_filters(client_for, tutor, content):
    grow_cohort(content, trainees=5)
    response = client_for(tutor).get(
        reverse("review:cohort_csv", args=[content.slug]), {"q": "00001"}
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(body)))) == 2


# --- query counts stay fixed --------------------------------------------------------------

QUEUE_QUERIES = 7  # session, user (+ tutor profile), header count, modules, tasks, count, rows
DETAIL_QUERIES = 8  # + reflection, outcomes (form), feedback, their outcomes, versions
COHORT_QUERIES = 8  # session, user, header count, module, topics, cohorts, count, rows
CSV_QUERIES = 7  # session, user, header count, module, topics, cohorts, rows (streamed)


def _queries(client, url, django_assert_max_num_queries, limit, *, stream=False):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
        if stream:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return response


def test_review_pages_run_fixed_queries_at_1_and_200_trainees(
    client_for, tutor, trainee, submitted, content, django_assert_max_num_queries
):
    from modules.services import enrolment_create

    enrolment_create(user=trainee, module=content)
    reflection = submitted()
    services.feedback_give(
        reflection=reflection,
        tutor=tutor,
        text="Revise **this**.",
        decision="revision_requested",
        expected_version=reflection.version,
    )
    services.reflection_save(
        reflection=reflection,
        by=trainee,
        expected_version=reflection.version,
        title="t",
        body="changed",
        cpd_minutes=1,
    )
    services.reflection_submit(reflection=reflection, by=trainee)
    client = client_for(tutor)
    urls = [
        (reverse("review:queue"), QUEUE_QUERIES, False),
        (reverse("review:queue") + "?state=reviewed&trainee=a", QUEUE_QUERIES, False),
        (reverse("review:detail", args=[reflection.pk]), DETAIL_QUERIES, False),
        (reverse("review:cohort", args=[content.slug]), COHORT_QUERIES, False),
        (reverse("review:cohort", args=[content.slug]) + "?show=overdue&sort=-activity",
         COHORT_QUERIES, False),
        (reverse("review:cohort_csv", args=[content.slug]), CSV_QUERIES, True),
    ]  # fmt: skip
    for url, limit, stream in urls:
        _queries(client, url, django_assert_max_num_queries, limit, stream=stream)
    grow_cohort(content, trainees=200)
    for _ in range(3):  # more rounds on the reflection under review
        reflection.refresh_from_db()
        services.feedback_give(
            reflection=reflection,
            tutor=tutor,
            text="Again.",
            decision="revision_requested",
            expected_version=reflection.version,
        )
        services.reflection_submit(reflection=reflection, by=trainee)
    for url, limit, stream in urls:
        response = _queries(client, url, django_assert_max_num_queries, limit, stream=stream)
        if stream:
            continue
    csv_response = client.get(reverse("review:cohort_csv", args=[content.slug]))
    assert len(b"".join(csv_response.streaming_content).decode().splitlines()) == 1 + 201
    assert "Round 4" in client.get(urls[2][0]).content.decode()
    assert response.status_code == 200
