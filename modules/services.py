"""Writes about modules: enrolling, leaving, completion."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Enrolment, Module


@transaction.atomic
def enrolment_create(*, user, module: Module, prerequisites_confirmed: bool = False) -> Enrolment:
    """Enrol the user (idempotent); a confirmation that prerequisites were done elsewhere
    is recorded with its date."""
    try:
        with transaction.atomic():
            enrolment, _ = Enrolment.objects.get_or_create(user=user, module=module)
    except IntegrityError:  # a double click raced us to the row
        enrolment = Enrolment.objects.get(user=user, module=module)
    if prerequisites_confirmed and enrolment.prerequisites_confirmed_at is None:
        enrolment.prerequisites_confirmed_at = timezone.now()
        enrolment.save(update_fields=["prerequisites_confirmed_at"])
    return enrolment


@transaction.atomic
def enrolment_delete(*, user, module: Module) -> None:
    """Leave a module. Reflections and other writing belong to the user and are kept."""
    Enrolment.objects.filter(user=user, module=module).delete()


@transaction.atomic
def enrolment_refresh_completion(
    *, user, module: Module, total_tasks: int, done_tasks: int
) -> None:
    """Mark the enrolment complete (with its date) when every task is done, or reopen it."""
    enrolment = Enrolment.objects.filter(user=user, module=module).first()
    if enrolment is None:
        return
    complete = total_tasks > 0 and done_tasks >= total_tasks
    if complete and enrolment.completed_at is None:
        enrolment.completed_at = timezone.now()
        enrolment.save(update_fields=["completed_at"])
    elif not complete and enrolment.completed_at is not None:
        enrolment.completed_at = None
        enrolment.save(update_fields=["completed_at"])
