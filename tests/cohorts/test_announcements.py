"""A cohort's tutor writes to its trainees: each gets a notice (and an email by their
choice), once, and nobody of another cohort does; the page and the announcement are
404 for everyone else."""

from django.urls import reverse

from modules.models import CohortAnnouncement
from notifications.models import Notification
from tests.debates.conftest import post


def test_a_tutor_announces_to_their_cohort_only(client_for, two_cohorts, run_jobs):
    c = two_cohorts
    tess = client_for(c.tutor_a)
    url = reverse("modules:announce", args=[c.a.pk])
    assert tess.get(url).status_code == 200
    response = post(tess, url, {"subject": "", "text": ""})
    assert response.status_code == 200 and not CohortAnnouncement.objects.exists()
    response = post(tess, url, {"subject": "Session moved", "text": "Now on **Tuesday**."})
    assert response.status_code == 302
    run_jobs()
    run_jobs()
    notices = Notification.objects.filter(kind="announcement")
    assert list(notices.values_list("recipient", flat=True)) == [c.ada.pk]
    announcement = CohortAnnouncement.objects.get()
    assert announcement.sent_count == 1
    from modules.services import announcement_deliver

    assert announcement_deliver(announcement_id=announcement.pk) == 0  # told once only
    page = client_for(c.ada).get(announcement.get_absolute_url()).content.decode()
    assert "<strong>Tuesday</strong>" in page and "Session moved" in page
    assert "Session moved" in tess.get(url).content.decode()  # listed as sent
    # the cohort table links the page
    table = tess.get(reverse("review:cohort", args=[c.module.slug])).content.decode()
    assert url in table


def test_nobody_else_announces_or_reads(client_for, two_cohorts, admin_user, client, run_jobs):
    c = two_cohorts
    url = reverse("modules:announce", args=[c.a.pk])
    for who in (c.ada, c.bo, c.tutor_b):
        assert client_for(who).get(url).status_code == 404
    for who in (c.lead, admin_user):
        assert client_for(who).get(url).status_code == 200
    post(client_for(c.lead), url, {"subject": "From the lead", "text": "Hello."})
    announcement = CohortAnnouncement.objects.get()
    assert client.get(announcement.get_absolute_url()).status_code == 302  # sign in first
    for who in (c.bo, c.tutor_b):
        assert client_for(who).get(announcement.get_absolute_url()).status_code == 404
    for who in (c.ada, c.tutor_a, c.lead, admin_user):
        assert client_for(who).get(announcement.get_absolute_url()).status_code == 200


def test_announce_page_queries_are_fixed(client_for, two_cohorts, django_assert_max_num_queries):
    from modules.services import announcement_create

    c = two_cohorts
    tess = client_for(c.tutor_a)
    url = reverse("modules:announce", args=[c.a.pk])
    with django_assert_max_num_queries(8) as ctx:
        assert tess.get(url).status_code == 200
    first = len(ctx.captured_queries)
    for i in range(10):
        announcement_create(cohort=c.a, by=c.tutor_a, subject=f"S{i}", text="T")
    with django_assert_max_num_queries(first):
        assert tess.get(url).status_code == 200
