"""Notifications pages: only my notices, mark read, email choices, unsubscribe signed out."""

import pytest
from django.test import Client
from django.urls import reverse

from notifications import services
from notifications.models import Channel, Kind, Notification

pytestmark = pytest.mark.django_db
LIST = reverse("notifications:list")


def _notice(user, text="Sam replied to your argument.", url="/dashboard/"):
    return services.notify(recipient=user, kind=Kind.DEBATE_REPLY, text=text, url=url)


def test_list_needs_sign_in(client_for):
    response = client_for(None).get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_shows_only_my_notices(client_for, trainee, other_trainee):
    _notice(trainee, "For Tara")
    _notice(other_trainee, "For someone else")
    page = client_for(trainee).get(LIST).content.decode()
    assert "For Tara" in page and "For someone else" not in page


def test_someone_elses_notice_is_404(client_for, trainee, other_trainee):
    notice = _notice(other_trainee)
    response = client_for(trainee).post(reverse("notifications:read", args=[notice.pk]))
    assert response.status_code == 403  # CSRF first: a bare post without a token
    client = client_for(trainee)
    client.get(LIST)
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("notifications:read", args=[notice.pk]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 404
    assert Notification.objects.get(pk=notice.pk).read_at is None


def _post(client, url, data=None):
    client.get(LIST)
    token = client.cookies["csrftoken"].value
    return client.post(url, {"csrfmiddlewaretoken": token, **(data or {})})


def test_open_marks_read_and_follows_the_link(client_for, trainee):
    notice = _notice(trainee, url="/portfolio/")
    url = reverse("notifications:read", args=[notice.pk])
    response = _post(client_for(trainee), url, {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/portfolio/"
    trainee.refresh_from_db()
    assert trainee.unread_notifications == 0


def test_open_never_follows_a_foreign_link(client_for, trainee):
    notice = _notice(trainee, url="//evil.example/")
    url = reverse("notifications:read", args=[notice.pk])
    response = _post(client_for(trainee), url, {"open": "1"})
    assert response["Location"] == LIST


def test_mark_all_read(client_for, trainee):
    for i in range(3):
        _notice(trainee, f"n{i}")
    response = _post(client_for(trainee), reverse("notifications:read_all"))
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.unread_notifications == 0
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_bell_shows_the_unread_count(client_for, trainee):
    for i in range(2):
        _notice(trainee, f"n{i}")
    page = client_for(trainee).get(reverse("dashboard")).content.decode()
    assert 'data-unread="2"' in page and "unread notifications" in page


@pytest.mark.parametrize("count", [1, 45])
def test_list_query_count_is_fixed(client_for, trainee, django_assert_max_num_queries, count):
    for i in range(count):
        _notice(trainee, f"n{i}")
    client = client_for(trainee)
    with django_assert_max_num_queries(5):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(LIST + "?page=2").status_code in (200, 404)


def test_preferences_save_and_validate(client_for, trainee):
    client = client_for(trainee)
    url = reverse("notifications:preferences")
    data = {f"kind_{k}": Channel.IMMEDIATE for k in Kind.values}
    response = _post(client, url, {**data, "time_zone": "Mars/Olympus"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = _post(client, url, {**data, f"kind_{Kind.FEEDBACK}": "sms", "time_zone": "UTC"})
    assert response.status_code == 200
    trainee.refresh_from_db()
    assert trainee.time_zone == "Europe/London"  # nothing saved from an invalid form
    response = _post(client, url, {**data, f"kind_{Kind.DEBATE_REPLY}": Channel.NEVER,
                                   "time_zone": "Asia/Tokyo"})  # fmt: skip
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.time_zone == "Asia/Tokyo"
    assert services.preference_for(trainee, Kind.DEBATE_REPLY) == Channel.NEVER


def test_unsubscribe_works_signed_out_with_one_click_post(trainee):
    url = reverse("notifications:unsubscribe",
                  args=[services.unsubscribe_token(user=trainee, kind=Kind.FEEDBACK)])  # fmt: skip
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    assert services.preference_for(trainee, Kind.FEEDBACK) == Channel.IMMEDIATE  # not on GET
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "no longer receive" in response.content.decode()
    assert services.preference_for(trainee, Kind.FEEDBACK) == Channel.NEVER


def test_a_tampered_unsubscribe_link_changes_nothing(trainee):
    token = services.unsubscribe_token(user=trainee, kind=Kind.FEEDBACK)
    bad = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    client = Client(enforce_csrf_checks=True)
    url = reverse("notifications:unsubscribe", args=[bad])
    assert client.get(url).status_code == 400
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400 and "not valid" in response.content.decode()
    assert services.preference_for(trainee, Kind.FEEDBACK) == Channel.IMMEDIATE


def test_an_expired_unsubscribe_link_says_so(trainee, monkeypatch):
    token = services.unsubscribe_token(user=trainee, kind=Kind.FEEDBACK)
    monkeypatch.setattr(services, "UNSUBSCRIBE_MAX_AGE", -1)
    response = Client().post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert services.preference_for(trainee, Kind.FEEDBACK) == Channel.IMMEDIATE
