"""Meetings in calendars: as timetable events (the .ics download and private feed of
topics) and as the iCalendar invitation an email carries (METHOD:REQUEST or CANCEL)."""

from datetime import datetime
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, vCalAddress, vText

from topics.calendar import event_component
from topics.hooks import TimetableEvent


def when(moment: datetime, zone) -> str:
    """A meeting time as people read it, in their own time zone: "Tuesday 3 March 2026,
    19:00 GMT"."""
    local = timezone.localtime(moment, zone)
    return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M} {local.tzname()}"


def meeting_event(meeting) -> TimetableEvent:
    """The meeting as the timetable and every calendar show it (group and topic loaded)."""
    topic = meeting.topic
    lines = [f"{meeting.group.name}: study-group meeting on {topic}."]
    if meeting.video_url:
        lines.append(f"Video call: {meeting.video_url}")
    if meeting.agenda:
        lines += ["", "Agenda:", meeting.agenda]
    return TimetableEvent(
        uid=meeting.ical_uid,
        sequence=meeting.sequence,
        topic_id=meeting.topic_id,
        start=meeting.starts_at,
        end=meeting.ends_at,
        summary=f"Study group: {topic.breadcrumb_label} - {topic.title}",
        description="\n".join(lines),
        location=meeting.where,
        url=meeting.get_absolute_url(),
        cancelled=meeting.is_cancelled,
        updated_at=meeting.updated_at,
        label=meeting.group.name,
    )


def invitation_ics(meeting, *, to_email: str, to_name: str, cancel: bool = False) -> str:
    """An iTIP message for one attendee: METHOD:REQUEST adds or updates the meeting in
    their calendar, METHOD:CANCEL removes it. The UID and SEQUENCE are the feed's."""
    calendar = Calendar()
    calendar.add("prodid", "-//Training portal//Study groups//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = event_component(meeting_event(meeting), base_url=settings.PORTAL_BASE_URL)
    organiser = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organiser.params["cn"] = vText(meeting.group.name)
    event.add("organizer", organiser)
    attendee = vCalAddress(f"mailto:{to_email}")
    attendee.params["cn"] = vText(to_name or to_email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical().decode()


def invitation_attachment(meeting, *, to_email: str, to_name: str, cancel: bool = False) -> dict:
    method = "CANCEL" if cancel else "REQUEST"
    return {
        "filename": "cancelled.ics" if cancel else "invite.ics",
        "content": invitation_ics(meeting, to_email=to_email, to_name=to_name, cancel=cancel),
        "mimetype": f"text/calendar; method={method}",
    }


def meeting_download(meeting) -> bytes:
    """One meeting as a file to open in a calendar (METHOD:PUBLISH)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Training portal//Study groups//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(
        event_component(meeting_event(meeting), base_url=settings.PORTAL_BASE_URL)
    )
    return calendar.to_ical()
