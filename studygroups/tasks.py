"""The study groups' background job: each takes ids and calls a service that re-reads
the world and is safe to run twice."""

from django_tasks import task

from . import services


@task()
def send_meeting_reminder(meeting_id: int, starts_at: str) -> str:
    """24 hours before a meeting (``starts_at`` is the start it was booked for)."""
    return services.meeting_remind(meeting_id=meeting_id, expected_start=starts_at)
