"""Writes about reflections. Every save is a conditional UPDATE on the version the
writer last saw, so two tabs cannot overwrite each other (SQLite has no row locks
to take; the WHERE clause does the job on every database)."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from modules.models import Module, tutor_scope
from portal.jobs import enqueue
from portal.pagecache import pages_changed
from topics.models import Task

from .hooks import certificate_made
from .models import (
    CLAIM_LASTS,
    Certificate,
    Feedback,
    Reflection,
    ReflectionTemplate,
    ReflectionVersion,
)
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


def _pages_changed(reflection: Reflection) -> None:
    """Kept pages (portal.pagecache): the author's, their groups' and the tutors' queue.
    The writes here go through QuerySet.update(), which sends no signal."""
    pages_changed(scopes=["review"], users=[reflection.author_id])


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
        and latest.submitted_at is None  # a version a tutor was sent is never rewritten
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
    _pages_changed(reflection)
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
    if reflection.module_id is None:
        raise NotEditableError(
            "Not submitted: tutors review the reflections of a module, and this one is not "
            "about a module. Edit it to choose its module, then submit it.",
            current=reflection,
        )
    now = timezone.now()
    rows = Reflection.objects.filter(
        pk=reflection.pk, author=by, status__in=Reflection.EDITABLE, module__isnull=False
    )
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(
        status=Reflection.Status.SUBMITTED, submitted_at=now, claimed_by=None, claimed_at=None
    ):
        raise _refused(pk=reflection.pk, expected_version=expected_version or reflection.version)
    # The version sent is marked, so rounds and the tutor's diff can name it.
    ReflectionVersion.objects.filter(reflection=reflection, number=F("reflection__version")).update(
        submitted_at=now
    )
    if reflection.status == Reflection.Status.REVISION_REQUESTED:
        # Resubmitting answers the feedback: it has been read.
        Feedback.objects.filter(reflection=reflection, seen_at__isnull=True).update(seen_at=now)
    reflection.status, reflection.submitted_at = Reflection.Status.SUBMITTED, now
    reflection.claimed_by, reflection.claimed_at = None, None
    _prepare_pdf(reflection)
    _pages_changed(reflection)
    return reflection


@transaction.atomic
def reflection_withdraw(*, reflection: Reflection, by) -> Reflection:
    """Take a submitted reflection back to draft before a tutor has reviewed it."""
    _check_author(reflection, by)
    rows = Reflection.objects.filter(
        pk=reflection.pk, author=by, status=Reflection.Status.SUBMITTED
    )
    if not rows.update(
        status=Reflection.Status.DRAFT, submitted_at=None, claimed_by=None, claimed_at=None
    ):
        current = Reflection.objects.get(pk=reflection.pk)
        raise NotEditableError(
            f"This reflection is {current.get_status_display().lower()}; only a reflection "
            "waiting for review can be withdrawn.",
            current=current,
        )
    # Taken back before any tutor answered it: that version was not, in the end, sent.
    ReflectionVersion.objects.filter(reflection=reflection, number=F("reflection__version")).update(
        submitted_at=None
    )
    reflection.status, reflection.submitted_at = Reflection.Status.DRAFT, None
    reflection.claimed_by, reflection.claimed_at = None, None
    _prepare_pdf(reflection)
    _pages_changed(reflection)
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


# --- review by tutors ------------------------------------------------------------------


class ReviewRefused(Exception):
    """A claim or a decision that could not be made; ``current`` is the reflection as it
    now is. The caller shows ``message`` and keeps whatever the tutor wrote."""

    def __init__(self, message: str, *, current: Reflection | None = None):
        super().__init__(message)
        self.message = message
        self.current = current


def _tutor_name(user) -> str:
    return user.get_full_name() if user is not None else "Another tutor"


def _check_reviewer(reflection: Reflection, by) -> None:
    """A tutor of the reflection's module who tutors its author's cohort, or a lead tutor
    (whether it is still submitted is for the conditional UPDATE of each write to find
    out)."""
    tutored = Reflection.objects.filter(pk=reflection.pk).filter(tutor_scope(by))
    if not by.is_authenticated or not tutored.exists():
        raise PermissionDenied("Only a tutor of the reflection's module may review it.")


@transaction.atomic
def review_claim(*, reflection: Reflection, by) -> Reflection:
    """Mark a waiting reflection as being reviewed by ``by`` for 24 hours, unless another
    tutor holds a claim that has not lapsed. Claiming again renews one's own claim."""
    _check_reviewer(reflection, by)
    now = timezone.now()
    claimable = Q(claimed_by__isnull=True) | Q(claimed_by=by) | Q(claimed_at__lte=now - CLAIM_LASTS)
    rows = Reflection.objects.filter(pk=reflection.pk, status=Reflection.Status.SUBMITTED)
    if not rows.filter(claimable).update(claimed_by=by, claimed_at=now):
        current = Reflection.objects.select_related("claimed_by").get(pk=reflection.pk)
        if current.status != Reflection.Status.SUBMITTED:
            raise ReviewRefused(
                f"This reflection is {current.get_status_display().lower()}, not waiting for "
                "review, so it cannot be claimed.",
                current=current,
            )
        raise ReviewRefused(
            f"{_tutor_name(current.claimed_by)} claimed this reflection at "
            f"{timezone.localtime(current.claimed_at):%H:%M on %d %B}; the claim lapses after "
            "24 hours. You can still read it.",
            current=current,
        )
    reflection.claimed_by, reflection.claimed_at = by, now
    _pages_changed(reflection)
    return reflection


@transaction.atomic
def review_release(*, reflection: Reflection, by) -> Reflection:
    """Give up one's own claim (someone else's is left alone)."""
    Reflection.objects.filter(pk=reflection.pk, claimed_by=by).update(
        claimed_by=None, claimed_at=None
    )
    reflection.claimed_by, reflection.claimed_at = None, None
    _pages_changed(reflection)
    return reflection


def _decision_refused(*, pk: int, expected_version: int) -> ReviewRefused:
    current = Reflection.objects.select_related("claimed_by").get(pk=pk)
    if current.status == Reflection.Status.DRAFT:
        return ReviewRefused(
            "Not sent: the trainee withdrew this reflection while you were writing, to work "
            "on it again. Your feedback is kept below; you can send it when they resubmit.",
            current=current,
        )
    if current.version != expected_version:
        return ReviewRefused(
            f"Not sent: the trainee changed this reflection since you opened it (you read "
            f"version {expected_version}; it is now version {current.version}). Your feedback "
            "is kept below: read the new version, then send it.",
            current=current,
        )
    last = current.feedback.select_related("tutor").order_by("-created_at", "-pk").first()
    who = _tutor_name(last.tutor) if last else "Another tutor"
    when = f" at {timezone.localtime(last.created_at):%H:%M}" if last else ""
    return ReviewRefused(
        f"Not sent: {who} sent feedback{when} while you were writing and marked it "
        f"“{current.get_status_display().lower()}”. Their feedback is shown on this page; "
        "yours is kept below, not lost.",
        current=current,
    )


@transaction.atomic
def feedback_give(
    *,
    reflection: Reflection,
    tutor,
    text: str,
    decision: str,
    expected_version: int,
    outcomes=(),
) -> Feedback:
    """One round of review, in one transaction: the feedback, the outcomes it links and the
    decision, then a notice to the author.

    Only a reflection still waiting at the version the tutor read is decided (a
    conditional UPDATE): if the author withdrew or changed it, or another tutor decided
    first, ReviewRefused is raised and nothing is written. A revision request needs text.
    """
    from notifications.models import Kind
    from notifications.services import notify

    text = (text or "").strip()
    if decision not in Feedback.Decision.values:
        raise ValueError(f"Unknown decision: {decision}")
    if decision == Feedback.Decision.REVISION_REQUESTED and not text:
        raise ValueError("A revision request needs feedback that says what to revise.")
    _check_reviewer(reflection, tutor)
    outcomes = list(outcomes)
    if any(outcome.module_id != reflection.module_id for outcome in outcomes):
        raise ValueError("Only the reflection's own module's outcomes can be linked.")
    now = timezone.now()
    decided = Reflection.objects.filter(
        pk=reflection.pk, status=Reflection.Status.SUBMITTED, version=expected_version
    ).update(status=decision, claimed_by=None, claimed_at=None)
    if not decided:
        raise _decision_refused(pk=reflection.pk, expected_version=expected_version)
    feedback = Feedback.objects.create(
        reflection=reflection,
        tutor=tutor,
        text=text,
        decision=decision,
        version=expected_version,
        created_at=now,
    )
    if outcomes:
        feedback.outcomes.set(outcomes)
    reflection.status, reflection.claimed_by, reflection.claimed_at = decision, None, None
    revise = decision == Feedback.Decision.REVISION_REQUESTED
    notify(
        recipient=reflection.author,
        kind=Kind.REVISION_REQUESTED if revise else Kind.FEEDBACK,
        text=(
            f"{_tutor_name(tutor)} asked you to revise “{reflection.title}”."
            if revise
            else f"{_tutor_name(tutor)} reviewed “{reflection.title}” and left feedback."
        ),
        url=feedback.get_absolute_url(),
        actor=tutor,
    )
    _prepare_pdf(reflection)
    _pages_changed(reflection)
    return feedback


@transaction.atomic
def feedback_mark_seen(*, reflection: Reflection, by) -> int:
    """The author has read the feedback on their reflection; returns how many rounds."""
    _check_author(reflection, by)
    seen = Feedback.objects.filter(reflection=reflection, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )
    _pages_changed(reflection)
    return seen


# --- certificates --------------------------------------------------------------------------


class CertificateNotReady(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__(" ".join(reasons))
        self.reasons = reasons


@transaction.atomic
def certificate_issue(*, user, module: Module) -> Certificate:
    """The user's record of completing the module, made once (later calls return it).
    Refused, with the reasons, until every task is done and, unless the module relaxes
    it, every task has a reviewed reflection and every learning outcome a reviewed
    reflection a tutor linked to it. The certificate keeps the rule it was made under."""
    from .certificates import certificate_record

    record = certificate_record(user=user, module=module)
    if record.certificate is not None:
        return record.certificate
    if not record.is_ready:
        raise CertificateNotReady(record.reasons)
    certificate, made = Certificate.objects.get_or_create(
        user=user,
        module=module,
        defaults={
            "holder_name": user.get_full_name(),
            "module_title": module.title,
            "completed_on": timezone.localdate(record.enrolment.completed_at),
            "rule": record.rule,
        },
    )
    if made:
        certificate_made(certificate)  # the Open Badge (credentials), in this transaction
    pages_changed(users=[user.pk])
    return certificate


@transaction.atomic
def certificate_set_public(*, certificate: Certificate, by, public: bool) -> Certificate:
    """Withdraw (or restore) the public verification page; only the holder may."""
    if certificate.user_id != by.pk:
        raise PermissionDenied("Only the holder may change a certificate.")
    Certificate.objects.filter(pk=certificate.pk).update(is_public=public)
    pages_changed(users=[certificate.user_id])
    certificate.is_public = public
    return certificate
