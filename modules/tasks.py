"""Background jobs of the modules app."""

from django_tasks import task


@task()
def deliver_announcement(announcement_id: int) -> int:
    """Tell a cohort's trainees about an announcement (safe to run twice)."""
    from .services import announcement_deliver

    return announcement_deliver(announcement_id=announcement_id)
