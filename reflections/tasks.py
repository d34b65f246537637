"""The reflections' background jobs: laying out a reflection's PDF after a save, and
building a large portfolio export. Each takes ids and re-reads the world when it runs."""

from datetime import timedelta

from django_tasks import task

from . import pdf


@task()
def warm_reflection_pdf(reflection_id: int, unless_newer_than_seconds: int | None = None) -> None:
    """Lay out one reflection's pages ahead of an export (see reflections/pdf.py). A
    reflection deleted since is skipped; one laid out since is not laid out again."""
    throttle = timedelta(seconds=unless_newer_than_seconds) if unless_newer_than_seconds else None
    pdf.warm_reflection(reflection_id, unless_newer_than=throttle)


@task()
def build_export(job_id: int) -> str:
    from .exports import export_job_build

    return export_job_build(job_id=job_id)


@task()
def expire_export(job_id: int) -> bool:
    from .exports import export_job_expire

    return export_job_expire(job_id=job_id)
