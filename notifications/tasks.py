"""The notification jobs. Each takes ids and calls a service that re-reads the world
and is safe to run twice."""

from django_tasks import task

from . import services


@task()
def deliver_email(email_id: int) -> str:
    return services.email_deliver(email_id=email_id)


@task()
def send_digest(run_id: int) -> int:
    return services.digest_send(run_id=run_id)
