"""Meetings in calendars: each member's timetable download and private feed, and the
invitation an email carries."""

import datetime

from django.core import mail
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from studygroups import services
from topics.services import calendar_feed_token_reset

from .conftest import place, plan


def _events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def _feed(user, module) -> bytes:
    token = calendar_feed_token_reset(user=user).token
    url = reverse("topics:calendar_feed", kwargs={"module_slug": module.slug, "token": token})
    response = Client().get(url)
    assert response.status_code == 200
    return response.content


def test_meetings_are_in_each_members_feed_and_download(group, ann, bob, cat, schedule, content):
    meeting = schedule(group, 2, video_url="https://meet.example.org/x", agenda="1. *Practise*")
    for user in (ann, bob):
        event = _events(_feed(user, content))[meeting.ical_uid]
        assert event["SEQUENCE"] == 0 and str(event["STATUS"]) == "CONFIRMED"
        assert event.decoded("DTSTART") == meeting.starts_at
        assert event.decoded("DTEND") == meeting.ends_at
        assert "Room 2" in str(event["LOCATION"]) and "meet.example.org" in str(event["LOCATION"])
        assert "Agenda:" in str(event["DESCRIPTION"])
        assert str(event["URL"]).endswith(meeting.get_absolute_url())
    assert meeting.ical_uid not in _events(_feed(cat, content))  # not a member
    client = Client()
    client.force_login(bob)
    download = client.get(reverse("topics:timetable_ics", kwargs={"module_slug": content.slug}))
    assert meeting.ical_uid in _events(download.content)


def test_moving_raises_the_sequence_and_cancelling_marks_it_cancelled(
    group, ann, bob, schedule, content
):
    meeting = schedule(group, 2)
    uid = meeting.ical_uid
    later = meeting.starts_at + datetime.timedelta(days=1, hours=2)
    services.meeting_update(meeting=meeting, by=place(group, ann), plan=plan(content, 2, at=later))
    event = _events(_feed(bob, content))[uid]
    assert event["SEQUENCE"] == 1 and event.decoded("DTSTART") == later
    services.meeting_cancel(meeting=meeting, by=place(group, ann))
    event = _events(_feed(bob, content))[uid]
    assert event["SEQUENCE"] == 2 and str(event["STATUS"]) == "CANCELLED"


def test_leaving_the_group_takes_its_meetings_out_of_the_feed(group, bob, schedule, content):
    meeting = schedule(group, 1)
    services.membership_leave(membership=place(group, bob))
    assert meeting.ical_uid not in _events(_feed(bob, content))


def test_the_emailed_invitation_is_an_itip_request_then_a_cancel(
    group, ann, bob, schedule, run_jobs, supervisor_of
):
    person, _ = supervisor_of(group)
    meeting = schedule(group, 1)
    services.meeting_cancel(meeting=meeting, by=place(group, ann))
    run_jobs()
    for address in (bob.email, person.email):
        emails = [m for m in mail.outbox if m.to == [address] and m.attachments]
        assert len(emails) == 2, address
        request, cancel = (Calendar.from_ical(e.attachments[0][1]) for e in emails)
        assert str(request["METHOD"]) == "REQUEST" and str(cancel["METHOD"]) == "CANCEL"
        (first,) = request.walk("VEVENT")
        (second,) = cancel.walk("VEVENT")
        assert str(first["UID"]) == str(second["UID"]) == meeting.ical_uid
        assert first["SEQUENCE"] == 0 and second["SEQUENCE"] == 1
        assert str(second["STATUS"]) == "CANCELLED"
        assert str(first["ATTENDEE"]) == f"mailto:{address}"
        assert emails[0].attachments[0][2].startswith("text/calendar; method=REQUEST")
