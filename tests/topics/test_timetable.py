"""The timetable: target dates per topic, the .ics download and the private feed."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from modules.services import enrolment_create, enrolment_delete
from tests.factories import grow_module
from topics.models import CalendarFeedToken, TimetableTarget, Topic
from topics.services import calendar_feed_token_reset, timetable_set

TODAY = timezone.localdate()


def plain(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(module, name="timetable", **kwargs):
    return reverse(f"topics:{name}", kwargs={"module_slug": module.slug, **kwargs})


@pytest.fixture
def enrolled(trainee, content):
    enrolment_create(user=trainee, module=content, prerequisites_confirmed=True)
    return trainee


def form_data(**dates):
    data = {f"topic_{n}": "" for n in range(1, 5)}
    data.update({f"topic_{n}": str(day) for n, day in dates.items()})
    return data


def test_ladder(client, trainee, enrolled, content):
    anonymous = client.get(url(content))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert client.get(url(content, "timetable_ics")).status_code == 302
    assert plain(enrolled).get(url(content)).status_code == 200
    assert plain(enrolled).get("/modules/nope/timetable/").status_code == 404
    assert plain(enrolled).get("/modules/talking-to-people/timetable/").status_code == 404


def test_not_enrolled_may_look_but_not_save(other_trainee, enrolled, content):
    client = plain(other_trainee)
    html = client.get(url(content)).content.decode()
    assert "to track your progress" in html
    assert 'name="topic_1"' not in html
    in_a_week = TODAY + datetime.timedelta(days=7)
    assert client.post(url(content), form_data(**{"1": in_a_week})).status_code == 404
    assert client.get(url(content, "timetable_ics")).status_code == 404
    assert client.post(url(content, "calendar_feed_reset")).status_code == 404
    assert not TimetableTarget.objects.exists() and not CalendarFeedToken.objects.exists()


def test_setting_changing_and_clearing_targets(enrolled, content):
    client = plain(enrolled)
    first, second = TODAY + datetime.timedelta(days=10), TODAY + datetime.timedelta(days=40)
    response = client.post(url(content), form_data(**{"1": first, "2": second}), follow=True)
    assert "Your timetable is saved." in response.content.decode()
    assert dict(
        TimetableTarget.objects.filter(user=enrolled).values_list("topic__number", "target_date")
    ) == {1: first, 2: second}
    client.post(url(content), form_data(**{"2": first}))
    assert dict(
        TimetableTarget.objects.filter(user=enrolled).values_list("topic__number", "target_date")
    ) == {2: first}
    html = client.get(url(content)).content.decode()
    assert f'value="{first.isoformat()}"' in html


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2026", "Enter a date, for example 31/12/2026."),
        ("not a date", "Enter a date, for example 31/12/2026."),
        (
            str(TODAY + datetime.timedelta(days=6 * 365)),
            "Choose a date within five years of today.",
        ),
        ("1999-01-01", "Choose a date within five years of today."),
    ],
)
def test_bad_dates_get_an_error_by_their_field(enrolled, content, value, message):
    response = plain(enrolled).post(url(content), {**form_data(), "topic_3": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    error_at = html.index(message)
    assert html.rindex('name="topic_3"', 0, error_at) > html.rindex('name="topic_2"', 0, error_at)
    assert not TimetableTarget.objects.exists()


def test_past_dates_are_allowed_but_flagged(enrolled, content):
    past = TODAY - datetime.timedelta(days=3)
    response = plain(enrolled).post(url(content), form_data(**{"1": past}), follow=True)
    html = response.content.decode()
    assert "has already passed" in html
    assert "Overdue:" in html
    assert TimetableTarget.objects.get(user=enrolled).target_date == past
    for page in [content.get_absolute_url(), Topic.objects.get(number=1, module=content)
                 .get_absolute_url(), reverse("dashboard")]:  # fmt: skip
        assert "Overdue" in plain(enrolled).get(page).content.decode(), page


def test_timetable_refuses_a_post_without_csrf(client_for, enrolled, content):
    response = client_for(enrolled).post(url(content), form_data(**{"1": TODAY}))
    assert response.status_code == 403
    assert not TimetableTarget.objects.exists()


def test_service_refuses_topics_of_another_module(enrolled, content):
    other = grow_and_get_topic()
    with pytest.raises(ValueError):
        timetable_set(user=enrolled, module=content, targets={other: TODAY})
    assert not TimetableTarget.objects.exists()


def grow_and_get_topic():
    from tests.factories import make_module

    module = make_module(slug="elsewhere")
    grow_module(module, extra=1)
    return Topic.objects.get(module=module)


def _parse(response) -> list:
    calendar = Calendar.from_ical(response.content)
    return sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))


def test_ics_download_holds_the_trainees_targets_only(enrolled, other_trainee, content):
    topics = list(Topic.objects.filter(module=content))
    day1, day2 = TODAY + datetime.timedelta(days=5), TODAY + datetime.timedelta(days=20)
    timetable_set(user=enrolled, module=content, targets={topics[0]: day1, topics[2]: day2})
    enrolment_create(user=other_trainee, module=content)
    timetable_set(user=other_trainee, module=content, targets={topics[1]: day1})
    response = plain(enrolled).get(url(content, "timetable_ics"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert (
        'attachment; filename="psycho-social-interventions-timetable.ics"'
        == (response["Content-Disposition"])
    )
    events = _parse(response)
    assert [e.decoded("dtstart") for e in events] == [day1, day2]
    assert [e.decoded("dtend") for e in events] == [
        day1 + datetime.timedelta(days=1),
        day2 + datetime.timedelta(days=1),
    ]
    assert str(events[0]["summary"]) == (
        "Target: Topic One - Motivational interviewing (Psycho-social interventions)"
    )
    assert str(events[1]["url"]).endswith(topics[2].get_absolute_url())
    assert len({str(e["uid"]) for e in events}) == 2
    assert "Topic Two" not in response.content.decode()


def test_feed_is_created_by_post_only_and_works_without_sign_in(enrolled, content, client):
    page = plain(enrolled).get(url(content)).content.decode()
    assert "Create a private feed address" in page
    assert not CalendarFeedToken.objects.exists()  # the GET made no token
    plain(enrolled).post(url(content, "calendar_feed_reset"))
    token = CalendarFeedToken.objects.get(user=enrolled).token
    assert len(token) >= 40 and str(enrolled.pk) != token
    page = plain(enrolled).get(url(content)).content.decode()
    feed = url(content, "calendar_feed", token=token)
    assert feed in page
    topic = Topic.objects.get(module=content, number=4)
    timetable_set(user=enrolled, module=content, targets={topic: TODAY})
    response = client.get(feed)  # a calendar app: no session
    assert response.status_code == 200
    assert [e.decoded("dtstart") for e in _parse(response)] == [TODAY]
    assert "Content-Disposition" not in response


def test_reset_revokes_the_old_feed_address(enrolled, content, client):
    old = calendar_feed_token_reset(user=enrolled).token
    assert client.get(url(content, "calendar_feed", token=old)).status_code == 200
    response = plain(enrolled).post(url(content, "calendar_feed_reset"), follow=True)
    assert "the old one no longer works" in response.content.decode()
    new = CalendarFeedToken.objects.get(user=enrolled).token
    assert new != old
    assert client.get(url(content, "calendar_feed", token=old)).status_code == 404
    assert client.get(url(content, "calendar_feed", token=new)).status_code == 200


def test_feed_of_a_left_module_or_a_guessed_token_is_404(enrolled, content, client):
    token = calendar_feed_token_reset(user=enrolled).token
    assert client.get(url(content, "calendar_feed", token="x" * 43)).status_code == 404
    assert client.get(f"/modules/{content.slug}/timetable/feed/.ics").status_code == 404
    assert client.get(f"/modules/nope/timetable/feed/{token}.ics").status_code == 404
    enrolment_delete(user=enrolled, module=content)
    assert client.get(url(content, "calendar_feed", token=token)).status_code == 404


def test_feed_reset_refuses_get_and_a_post_without_csrf(client_for, enrolled, content):
    assert plain(enrolled).get(url(content, "calendar_feed_reset")).status_code == 405
    assert client_for(enrolled).post(url(content, "calendar_feed_reset")).status_code == 403
    assert not CalendarFeedToken.objects.exists()


TIMETABLE_QUERIES = 7  # + study-group meetings (topics.hooks)
ICS_QUERIES = 5
FEED_QUERIES = 4


@pytest.mark.parametrize("extra", [0, 13])
def test_timetable_query_counts_fixed(enrolled, content, django_assert_max_num_queries, extra):
    grow_module(content, extra=extra)
    topics = list(Topic.objects.filter(module=content))
    timetable_set(
        user=enrolled,
        module=content,
        targets={t: TODAY + datetime.timedelta(days=i) for i, t in enumerate(topics)},
    )
    token = calendar_feed_token_reset(user=enrolled).token
    client = plain(enrolled)
    with django_assert_max_num_queries(TIMETABLE_QUERIES):
        html = client.get(url(content)).content.decode()
    assert html.count('type="date"') == len(topics)
    with django_assert_max_num_queries(ICS_QUERIES):
        response = client.get(url(content, "timetable_ics"))
    assert len(_parse(response)) == len(topics)
    with django_assert_max_num_queries(FEED_QUERIES):
        assert Client().get(url(content, "calendar_feed", token=token)).status_code == 200
