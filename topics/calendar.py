"""A trainee's timetable as iCalendar: one all-day event per topic target date."""

import datetime

from django.utils import timezone
from icalendar import Calendar, Event

from modules.models import Module

from .models import TimetableTarget


def timetable_calendar(
    *, module: Module, targets: list[TimetableTarget], base_url: str, host: str
) -> bytes:
    """The iCalendar text for the given targets of one module.

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
    return calendar.to_ical()
