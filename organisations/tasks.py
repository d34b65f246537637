"""Background jobs of the organisations app."""

from django_tasks import task


@task()
def run_bulk_enrolment(bulk_id: int) -> str:
    """Carry out a confirmed bulk enrolment (safe to run twice: done rows are skipped,
    emails have a key)."""
    from .bulk import bulk_run

    return bulk_run(bulk_id=bulk_id)
