"""Writes about modules: enrolling, leaving, completion, cohorts."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from portal.pagecache import pages_changed

from .models import Cohort, Enrolment, Module

# Apps above this one keep work per cohort (debates); when a trainee moves cohort they
# move it along: fn(user=..., module=..., old=Cohort, new=Cohort), in the same transaction.
CohortMoveHook = Callable[..., None]
_cohort_move_hooks: list[CohortMoveHook] = []


def register_cohort_move(fn: CohortMoveHook) -> None:
    if fn not in _cohort_move_hooks:
        _cohort_move_hooks.append(fn)


def cohort_is_full(cohort: Cohort, *, adding: int = 1) -> bool:
    if cohort.capacity is None:
        return False
    return Enrolment.objects.filter(cohort=cohort).count() + adding > cohort.capacity


@transaction.atomic
def enrolment_create(
    *,
    user,
    module: Module,
    prerequisites_confirmed: bool = False,
    cohort: Cohort | None = None,
    check_capacity: bool = False,
) -> Enrolment:
    """Enrol the user (idempotent) in ``cohort``, or the module's default cohort; a
    confirmation that prerequisites were done elsewhere is recorded with its date. With
    ``check_capacity`` a full cohort refuses (ValidationError); an admin may overfill."""
    if cohort is None:
        cohort = Cohort.default_for(module)
    elif cohort.module_id != module.pk:
        raise ValidationError("That cohort belongs to another module.")
    existing = Enrolment.objects.filter(user=user, module=module).first()
    if existing is None and check_capacity:
        # Lock the cohort's row (PostgreSQL) so two people cannot take its last place.
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
        if cohort_is_full(cohort):
            raise ValidationError(f"The cohort “{cohort.name}” is full.")
    try:
        with transaction.atomic():
            enrolment, _ = Enrolment.objects.get_or_create(
                user=user, module=module, defaults={"cohort": cohort}
            )
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


@transaction.atomic
def enrolment_move(*, enrolment: Enrolment, cohort: Cohort) -> Enrolment:
    """Move a trainee into another cohort of the same module. What they wrote in the old
    cohort's debates moves with them (the apps that keep work per cohort are told)."""
    if cohort.module_id != enrolment.module_id:
        raise ValidationError("A trainee can only move to a cohort of the same module.")
    old = enrolment.cohort
    if old.pk == cohort.pk:
        return enrolment
    enrolment.cohort = cohort
    enrolment.save(update_fields=["cohort"])
    for hook in _cohort_move_hooks:
        hook(user=enrolment.user, module=enrolment.module, old=old, new=cohort)
    # The tutors' queue, cohort tables and debates of both cohorts show other people now.
    pages_changed(scopes=["review", "cohort", "debates"], users=[enrolment.user_id])
    return enrolment


@transaction.atomic
def cohort_enrol_by_code(*, user, code: str) -> Enrolment:
    """Self-enrolment with a cohort's code (or link): the cohort must be open and have
    room. Someone already enrolled in the module stays in their cohort (an admin moves
    people)."""
    code = "".join(code.split()).upper()
    cohort = Cohort.objects.select_related("module").filter(enrolment_code=code).first()
    if cohort is None or not cohort.is_open or not cohort.module.is_offered:
        raise ValidationError("No open cohort has that code. Check it with whoever gave it to you.")
    module = cohort.module
    existing = Enrolment.objects.filter(user=user, module=module).select_related("cohort").first()
    if existing is not None:
        if existing.cohort_id == cohort.pk:
            return existing
        raise ValidationError(
            f"You are already enrolled in {module.title}, in the cohort “{existing.cohort.name}”. "
            "Ask an administrator to move you."
        )
    return enrolment_create(user=user, module=module, cohort=cohort, check_capacity=True)


def may_announce(user, cohort: Cohort) -> bool:
    """Staff, the module's lead tutors and the cohort's tutors write to its trainees."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or Cohort.objects.filter(pk=cohort.pk).tutored_by(user).exists()


@transaction.atomic
def announcement_create(*, cohort: Cohort, by, subject: str, text: str):
    """Keep the announcement and queue its delivery (a worker tells each trainee)."""
    from portal.jobs import enqueue

    from .models import CohortAnnouncement
    from .tasks import deliver_announcement

    if not may_announce(by, cohort):
        raise ValidationError("Only the cohort's tutors can write to its trainees.")
    subject, text = " ".join(subject.split()), text.strip()
    if not subject or not text:
        raise ValidationError("Write a subject and a message.")
    announcement = CohortAnnouncement.objects.create(
        cohort=cohort, author=by, subject=subject[:150], text=text
    )
    enqueue(deliver_announcement, announcement.pk)
    return announcement


def announcement_deliver(*, announcement_id: int) -> int:
    """Tell each trainee enrolled in the cohort now, once: those told already (a second
    run) are skipped. Returns how many were told this time."""
    from notifications.models import Kind, Notification
    from notifications.services import notify

    from .models import CohortAnnouncement

    announcement = (
        CohortAnnouncement.objects.select_related("cohort__module", "author")
        .filter(pk=announcement_id)
        .first()
    )
    if announcement is None:
        return 0
    url = announcement.get_absolute_url()
    told = set(
        Notification.objects.filter(kind=Kind.ANNOUNCEMENT, url=url).values_list(
            "recipient_id", flat=True
        )
    )
    cohort = announcement.cohort
    author = announcement.author
    who = author.get_full_name() if author else "Your tutor"
    sent = 0
    for enrolment in Enrolment.objects.filter(cohort=cohort).select_related("user"):
        if enrolment.user_id in told:
            continue
        with transaction.atomic():
            notify(
                recipient=enrolment.user,
                kind=Kind.ANNOUNCEMENT,
                actor=author,
                text=f"{who} to {cohort.name} ({cohort.module.title}): {announcement.subject}",
                url=url,
                subject=f"{cohort.module.title}: {announcement.subject}",
            )
        sent += 1
    CohortAnnouncement.objects.filter(pk=announcement.pk).update(
        sent_count=models.F("sent_count") + sent
    )
    return sent
