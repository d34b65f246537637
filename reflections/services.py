"""Writes about reflections. Every save is a conditional UPDATE on the version the
writer last saw, so two tabs cannot overwrite each other (SQLite has no row locks
to take; the WHERE clause does the job on every database)."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from modules.models import Module
from portal.jobs import enqueue
from topics.models import Task

from .models import Reflection, ReflectionTemplate, ReflectionVersion
from .tasks import warm_reflection_pdf

# A run of autosaves closer together than this is kept as one version in the history.
AUTOSAVE_COALESCE = timedelta(minutes=10)


class ReflectionSaveError(Exception):
    """A save that was refused; ``current`` is the reflection as it now is."""

    def __init__(self, message: str, *, current: Reflection):
        super().__init__(message)
        self.message = message
        self.current = current


class StaleVersionError(ReflectionSaveError):
    pass


class NotEditableError(ReflectionSaveError):
    pass


# Autosaves lay out the PDF at most this often; explicit saves always do.
AUTOSAVE_PDF_EVERY = timedelta(minutes=2)


def _prepare_pdf(reflection: Reflection, *, autosave: bool = False) -> None:
    """Queue a job that lays out the reflection's PDF, so that exporting a large
    portfolio later lays out almost nothing (see reflections/pdf.py). It is enqueued in
    the save's transaction, so it runs after the save commits or not at all, and the
    request never waits for the layout."""
    throttle = int(AUTOSAVE_PDF_EVERY.total_seconds()) if autosave else None
    enqueue(warm_reflection_pdf, reflection.pk, throttle)


def _check_author(reflection: Reflection, by) -> None:
    if reflection.author_id != by.pk:
        raise PermissionDenied("Only the author may change a reflection.")


def _refused(*, pk: int, expected_version: int) -> ReflectionSaveError:
    current = Reflection.objects.with_context().get(pk=pk)
    if not current.is_editable:
        return NotEditableError(
            f"This reflection is {current.get_status_display().lower()} and can no longer "
            "be changed.",
            current=current,
        )
    return StaleVersionError(
        f"Not saved: this reflection was changed in another tab or window since you "
        f"opened it (you were editing version {expected_version}, it is now version "
        f"{current.version}).",
        current=current,
    )


@transaction.atomic
def reflection_create(
    *,
    author,
    title: str,
    template: ReflectionTemplate | None = None,
    task: Task | None = None,
    module: Module | None = None,
    body: str | None = None,
    cpd_minutes: int = 0,
) -> Reflection:
    """Start a draft. A task's reflection belongs to the task's module; the structure's
    headings are the first text unless a body is given."""
    if task is not None:
        module = task.topic.module
    now = timezone.now()
    reflection = Reflection.objects.create(
        author=author,
        task=task,
        module=module,
        template=template,
        title=title,
        body=body if body is not None else (template.body if template else ""),
        cpd_minutes=cpd_minutes,
        created_at=now,
        updated_at=now,
    )
    ReflectionVersion.objects.create(
        reflection=reflection,
        number=reflection.version,
        kind=ReflectionVersion.Kind.CREATED,
        title=reflection.title,
        body=reflection.body,
        cpd_minutes=reflection.cpd_minutes,
        saved_at=now,
    )
    return reflection


@transaction.atomic
def reflection_save(
    *,
    reflection: Reflection,
    by,
    expected_version: int,
    title: str,
    body: str,
    cpd_minutes: int,
    autosave: bool = False,
    kind: str = ReflectionVersion.Kind.SAVED,
    restored_from: int | None = None,
) -> Reflection:
    """Save new text as the next version, only if nobody saved since ``expected_version``.

    Raises StaleVersionError when another save came first and NotEditableError once the
    reflection is submitted; nothing is written in either case.
    """
    _check_author(reflection, by)
    now = timezone.now()
    updated = Reflection.objects.filter(
        pk=reflection.pk,
        author=by,
        version=expected_version,
        status__in=Reflection.EDITABLE,
    ).update(
        title=title,
        body=body,
        cpd_minutes=cpd_minutes,
        updated_at=now,
        version=F("version") + 1,
    )
    if not updated:
        raise _refused(pk=reflection.pk, expected_version=expected_version)
    number = expected_version + 1
    if autosave:
        kind = ReflectionVersion.Kind.AUTOSAVED
    latest = reflection.versions.order_by("-number").first()
    if (
        autosave
        and latest is not None
        and latest.kind == ReflectionVersion.Kind.AUTOSAVED
        and latest.saved_at >= now - AUTOSAVE_COALESCE
    ):
        # Typing pauses every few seconds; keep the run as one version, not hundreds.
        latest.number, latest.title, latest.body = number, title, body
        latest.cpd_minutes, latest.saved_at = cpd_minutes, now
        latest.save(update_fields=["number", "title", "body", "cpd_minutes", "saved_at"])
    else:
        ReflectionVersion.objects.create(
            reflection=reflection,
            number=number,
            kind=kind,
            restored_from=restored_from,
            title=title,
            body=body,
            cpd_minutes=cpd_minutes,
            saved_at=now,
        )
    reflection.title, reflection.body, reflection.cpd_minutes = title, body, cpd_minutes
    reflection.updated_at, reflection.version = now, number
    _prepare_pdf(reflection, autosave=autosave)
    return reflection


@transaction.atomic
def reflection_restore(
    *, reflection: Reflection, by, number: int, expected_version: int
) -> Reflection:
    """Bring back an older version as a new version; the history itself is never rewritten."""
    _check_author(reflection, by)
    old = reflection.versions.get(number=number)
    return reflection_save(
        reflection=reflection,
        by=by,
        expected_version=expected_version,
        title=old.title,
        body=old.body,
        cpd_minutes=old.cpd_minutes,
        kind=ReflectionVersion.Kind.RESTORED,
        restored_from=number,
    )


@transaction.atomic
def reflection_submit(
    *, reflection: Reflection, by, expected_version: int | None = None
) -> Reflection:
    """Send a draft (or a reflection a tutor asked to revise) for tutor review.

    With ``expected_version`` the submission is refused if the text changed since the
    author last saw it, so nobody submits words they have not read.
    """
    _check_author(reflection, by)
    now = timezone.now()
    rows = Reflection.objects.filter(pk=reflection.pk, author=by, status__in=Reflection.EDITABLE)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(status=Reflection.Status.SUBMITTED, submitted_at=now):
        raise _refused(pk=reflection.pk, expected_version=expected_version or reflection.version)
    reflection.status, reflection.submitted_at = Reflection.Status.SUBMITTED, now
    _prepare_pdf(reflection)
    return reflection


@transaction.atomic
def reflection_withdraw(*, reflection: Reflection, by) -> Reflection:
    """Take a submitted reflection back to draft before a tutor has reviewed it."""
    _check_author(reflection, by)
    rows = Reflection.objects.filter(
        pk=reflection.pk, author=by, status=Reflection.Status.SUBMITTED
    )
    if not rows.update(status=Reflection.Status.DRAFT, submitted_at=None):
        current = Reflection.objects.get(pk=reflection.pk)
        raise NotEditableError(
            f"This reflection is {current.get_status_display().lower()}; only a reflection "
            "waiting for review can be withdrawn.",
            current=current,
        )
    reflection.status, reflection.submitted_at = Reflection.Status.DRAFT, None
    _prepare_pdf(reflection)
    return reflection


@transaction.atomic
def reflection_delete(*, reflection: Reflection, by) -> None:
    """Delete a draft and its history. Submitted work stays for the tutor to review."""
    _check_author(reflection, by)
    deleted, _ = Reflection.objects.filter(
        pk=reflection.pk, author=by, status=Reflection.Status.DRAFT
    ).delete()
    if not deleted:
        current = Reflection.objects.get(pk=reflection.pk)
        raise NotEditableError("Only a draft can be deleted.", current=current)
