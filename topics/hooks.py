"""How apps above topics add dated events to a trainee's timetable.

Study groups live above this app, so topics cannot import them. The studygroups app
registers two things in its ``AppConfig.ready()``:

- an event source, ``source(user, module) -> list[TimetableEvent]``: the events shown on
  the timetable page and put into its .ics download and private feed;
- a deadline source, ``source(user_id) -> expression``: a subquery giving, per topic
  (``OuterRef("pk")``), the start of the event that is the topic's deadline. Topics are
  annotated with it (``meeting_at``) in the same query that counts their progress, so a
  deadline costs no query on any page.

With nothing registered the timetable holds the trainee's own targets only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import DateTimeField, Expression, Value


@dataclass(frozen=True)
class TimetableEvent:
    """A dated event of one topic, as the timetable and its calendars show it."""

    uid: str  # stable across every change, and globally unique
    sequence: int  # raised on every change (iCalendar SEQUENCE)
    topic_id: int
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""  # a path inside the portal
    cancelled: bool = False
    updated_at: datetime | None = None
    label: str = ""  # who or what it belongs to, e.g. the study group's name


EventSource = Callable[[object, object], list[TimetableEvent]]
DeadlineSource = Callable[[int | None], Expression]

_event_sources: list[EventSource] = []
_deadline_source: DeadlineSource | None = None


def register_event_source(source: EventSource) -> None:
    if source not in _event_sources:
        _event_sources.append(source)


def unregister_event_source(source: EventSource) -> None:
    if source in _event_sources:
        _event_sources.remove(source)


def timetable_events(user, module) -> list[TimetableEvent]:
    """Every registered source's events for the user in the module, by start time."""
    if not getattr(user, "is_authenticated", False):
        return []
    events = [event for source in _event_sources for event in source(user, module)]
    return sorted(events, key=lambda event: (event.start, event.uid))


def register_deadline_source(source: DeadlineSource | None) -> None:
    """Set (or, with None, clear) the subquery that gives each topic's event deadline."""
    global _deadline_source
    _deadline_source = source


def deadline_source() -> DeadlineSource | None:
    return _deadline_source


def deadline_expression(user_id: int | None) -> Expression:
    """Per topic, the start of the event that is its deadline for this user, or NULL."""
    if _deadline_source is None or user_id is None:
        return Value(None, output_field=DateTimeField())
    return _deadline_source(user_id)
