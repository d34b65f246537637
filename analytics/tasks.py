"""The analytics job: recount the summaries. It takes no ids and re-reads everything, so
running it twice, or after another run, is harmless."""

from django_tasks import task


@task()
def refresh_summaries() -> int:
    from .services import summaries_refresh_all

    return len(summaries_refresh_all())
