"""Review is divided by cohort: a tutor's queue, header count, cohort table and CSV hold
the trainees of the cohorts they tutor; a cohort-A tutor gets 404 on cohort B's
reflections; lead tutors see every cohort; kept pages follow a move."""

import csv
import io

import pytest
from django.urls import reverse

from modules.models import Cohort, Enrolment
from modules.services import enrolment_create, enrolment_move
from reflections.models import ReflectionTemplate
from reflections.services import reflection_create, reflection_submit
from reflections.structures import seed_structures
from tests.kept_pages import keep
from topics.models import Task


@pytest.fixture
def work(two_cohorts, content):
    seed_structures(ReflectionTemplate)
    free = ReflectionTemplate.objects.get(slug="free")
    task = Task.objects.get(topic__module=content, topic__number=1, position=1)
    c = two_cohorts
    for who, title in ((c.ada, "Ada's cohort-A reflection"), (c.bo, "Bo's cohort-B reflection")):
        reflection = reflection_create(author=who, title=title, body="Words.", task=task,
                                       template=free)  # fmt: skip
        reflection_submit(reflection=reflection, by=who)
    c.ada_ref = c.ada.reflections.get()
    c.bo_ref = c.bo.reflections.get()
    return c


def csv_names(client, module) -> list[str]:
    response = client.get(reverse("review:cohort_csv", args=[module.slug]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return [row[0] for row in list(csv.reader(io.StringIO(body)))[1:]]


def test_a_cohort_tutor_sees_only_their_cohort(client_for, work):
    c = work
    tess = client_for(c.tutor_a)
    queue = tess.get(reverse("review:queue")).content.decode()
    assert "Ada&#x27;s cohort-A reflection" in queue and "cohort-B" not in queue
    assert "B-Trainee" not in queue
    assert '1<span class="visually-hidden"> reflection waiting' in queue  # the header count
    assert tess.get(reverse("review:detail", args=[c.ada_ref.pk])).status_code == 200
    assert tess.get(reverse("review:detail", args=[c.bo_ref.pk])).status_code == 404
    tess.get(reverse("review:queue"))
    token = tess.cookies["csrftoken"].value
    for name in ("claim", "release"):
        response = tess.post(reverse(f"review:{name}", args=[c.bo_ref.pk]),
                             {"csrfmiddlewaretoken": token})  # fmt: skip
        assert response.status_code == 404, name
    table = tess.get(reverse("review:cohort", args=[c.module.slug])).content.decode()
    assert "Ada A-Trainee" in table and "Bo B-Trainee" not in table
    assert csv_names(tess, c.module) == ["Ada A-Trainee"]
    dashboard = tess.get(reverse("dashboard")).content.decode()
    assert "Bo B-Trainee" not in dashboard
    tom = client_for(c.tutor_b)
    assert tom.get(reverse("review:detail", args=[c.ada_ref.pk])).status_code == 404
    assert "cohort-B reflection" in tom.get(reverse("review:queue")).content.decode()
    assert csv_names(tom, c.module) == ["Bo B-Trainee"]


def test_a_lead_tutor_sees_every_cohort_with_a_filter(client_for, work):
    c = work
    lee = client_for(c.lead)
    queue = lee.get(reverse("review:queue")).content.decode()
    assert "cohort-A reflection" in queue and "cohort-B reflection" in queue
    for ref in (c.ada_ref, c.bo_ref):
        assert lee.get(reverse("review:detail", args=[ref.pk])).status_code == 200
    url = reverse("review:cohort", args=[c.module.slug])
    table = lee.get(url).content.decode()
    assert "Ada A-Trainee" in table and "Bo B-Trainee" in table and 'id="id_cohort"' in table
    table = lee.get(url, {"cohort": c.b.pk}).content.decode()
    assert "Ada A-Trainee" not in table and "Bo B-Trainee" in table
    assert sorted(csv_names(lee, c.module)) == ["Ada A-Trainee", "Bo B-Trainee"]
    # a cohort tutor cannot ask for another cohort with the filter
    tess = client_for(c.tutor_a)
    table = tess.get(url, {"cohort": c.b.pk}).content.decode()
    assert "Bo B-Trainee" not in table


def test_staff_who_tutor_nothing_still_get_404(client_for, work, admin_user):
    client = client_for(admin_user)
    assert client.get(reverse("review:queue")).status_code == 404
    assert client.get(reverse("review:detail", args=[work.bo_ref.pk])).status_code == 404


def test_kept_review_pages_follow_a_cohort_move(client_for, work):
    c = work
    tess, tom = client_for(c.tutor_a), client_for(c.tutor_b)
    table_url = reverse("review:cohort", args=[c.module.slug])
    assert "cohort-A reflection" in keep(tess, reverse("review:queue"))
    assert "Ada A-Trainee" in keep(tess, table_url)
    assert "cohort-A reflection" not in keep(tom, reverse("review:queue"))
    enrolment_move(enrolment=Enrolment.objects.get(user=c.ada), cohort=c.b)
    assert "cohort-A reflection" not in tess.get(reverse("review:queue")).content.decode()
    assert "Ada A-Trainee" not in tess.get(table_url).content.decode()
    assert tess.get(reverse("review:detail", args=[c.ada_ref.pk])).status_code == 404
    assert "cohort-A reflection" in tom.get(reverse("review:queue")).content.decode()


def test_review_queries_do_not_grow_with_cohorts(client_for, work, django_assert_max_num_queries):
    from portal.models import User
    from tests.review.test_pages import COHORT_QUERIES, QUEUE_QUERIES

    c = work
    lee = client_for(c.lead)
    pages = [
        (reverse("review:queue"), QUEUE_QUERIES),
        (reverse("review:cohort", args=[c.module.slug]), COHORT_QUERIES),
        (reverse("dashboard"), None),
    ]
    counts = {}
    for url, limit in pages:
        with django_assert_max_num_queries(limit or 100) as ctx:
            assert lee.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    for n in range(20):
        cohort = Cohort.objects.create(module=c.module, name=f"Extra {n}")
        for i in range(5):
            user = User.objects.create(email=f"r{n}-{i}@example.org", full_name=f"R {n} {i}")
            enrolment_create(user=user, module=c.module, cohort=cohort)
    for url, _ in pages:
        with django_assert_max_num_queries(counts[url]):
            assert lee.get(url).status_code == 200
