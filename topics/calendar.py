"""A trainee's timetable as iCalendar: one all-day event per topic target date, and the
events other apps add to the timetable (study-group meetings, see topics.hooks)."""

import datetime

from django.utils import timezone
from icalendar import Calendar, Event

from modules.models import Module

from .hooks import TimetableEvent
from .models import TimetableTarget


def event_component(event: TimetableEvent, *, base_url: str) -> Event:
    """One timed event. Its UID never changes and its SEQUENCE rises with every change,
    so a calendar app updates (or, once cancelled, removes) the event it already holds."""
    component = Event()
    component.add("uid", event.uid)
    component.add("sequence", event.sequence)
    component.add("dtstamp", event.updated_at or timezone.now())
    if event.updated_at:
        component.add("last-modified", event.updated_at)
    component.add("dtstart", event.start)
    component.add("dtend", event.end)
    component.add("summary", event.summary)
    if event.description:
        component.add("description", event.description)
    if event.location:
        component.add("location", event.location)
    if event.url:
        component.add("url", base_url + event.url)
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    return component


def timetable_calendar(
    *,
    module: Module,
    targets: list[TimetableTarget],
    base_url: str,
    host: str,
    events: list[TimetableEvent] = (),
) -> bytes:
    """The iCalendar text for the given targets (and events) of one module.

    ``base_url`` (scheme and host) makes the topic links absolute; ``host`` makes each
    event's UID globally unique, so a calendar app updates an event rather than duplicating it.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Training portal//Timetable//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{module.title}: my timetable")
    calendar.add("x-published-ttl", "PT6H")
    for target in targets:
        topic = target.topic
        topic.module = module
        event = Event()
        event.add("uid", f"timetable-target-{target.pk}@{host}")
        event.add("dtstamp", target.updated_at or timezone.now())
        event.add("dtstart", target.target_date)
        event.add("dtend", target.target_date + datetime.timedelta(days=1))
        event.add("summary", f"Target: {topic} ({module.title})")
        event.add(
            "description",
            f"Your target date for finishing {topic}."
            + (f"\n\n{topic.summary}" if topic.summary else ""),
        )
        event.add("url", base_url + topic.get_absolute_url())
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    for event in events:
        calendar.add_component(event_component(event, base_url=base_url))
    return calendar.to_ical()
