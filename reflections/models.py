"""A trainee's reflections, their saved versions, the structures that start them, and feedback."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from modules.models import LearningOutcome, Module, Tutor, tutor_scope
from topics.models import Task

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 50_000
FEEDBACK_MAX_LENGTH = 20_000
CPD_MAX_MINUTES = 6_000  # 100 hours: more than any one piece of learning
# A tutor's claim ("I'm reviewing this") lapses after this, so nothing stays taken forever.
CLAIM_LASTS = timedelta(hours=24)


class ReflectionTemplate(models.Model):
    """A reflective structure (free text, Gibbs' cycle, ...) whose headings pre-fill a new
    reflection. Editable in the admin, so a new structure needs no code."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(
        max_length=300, blank=True, help_text="One line shown beside the choice."
    )
    guidance = models.TextField(
        blank=True, help_text="Markdown shown beside the editor: what each heading asks."
    )
    body = models.TextField(
        blank=True, help_text="Markdown that a new reflection starts with, e.g. its headings."
    )
    position = models.PositiveSmallIntegerField(default=1)
    is_active = models.BooleanField(default=True, help_text="Offered for new reflections.")

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "reflective structure"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reflections:new") + f"?structure={self.slug}"


class ReflectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A reflection is private to its author (tutor review comes with its own rule)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(author=user)

    def reviewable_by(self, user):
        """What a tutor may read: reflections in modules they tutor, by trainees of the
        cohorts they tutor (every trainee's for the module's lead tutors: see
        ``modules.models.tutor_scope``), that the author submitted for review at some
        point, or shared with tutors. Drafts never submitted stay private."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(tutor_scope(user)).filter(
            ~Q(status=Reflection.Status.DRAFT) | Q(shared_with_tutor=True)
        )

    def with_context(self):
        """Everything a page or an export shows beside a reflection, in the same query."""
        return self.select_related("task__topic__module", "module", "template")

    def with_feedback(self):
        """Prefetch every round of feedback, with its tutor and outcomes (two queries)."""
        return self.prefetch_related(
            models.Prefetch(
                "feedback",
                queryset=Feedback.objects.select_related("tutor")
                .prefetch_related("outcomes")
                .order_by("created_at", "pk"),
            )
        )

    def with_new_feedback(self):
        """Annotate ``has_new_feedback``: a tutor's feedback the author has not yet read."""
        unread = Feedback.objects.filter(reflection=OuterRef("pk"), seen_at__isnull=True)
        return self.annotate(has_new_feedback=Exists(unread))


class Reflection(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for review"
        REVIEWED = "reviewed", "Reviewed"
        REVISION_REQUESTED = "revision_requested", "Revision requested"

    EDITABLE = (Status.DRAFT, Status.REVISION_REQUESTED)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    task = models.ForeignKey(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="reflections"
    )
    module = models.ForeignKey(
        Module,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections",
        help_text="The task's module, or the module a free reflection is about.",
        # The review-queue index (module, status, submitted_at) starts with the module:
        # a second index on it alone only lures the planner into scanning every
        # reflection of the module for the few that wait.
        db_index=False,
    )
    template = models.ForeignKey(
        ReflectionTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections",
        verbose_name="structure",
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    body = models.TextField(blank=True, help_text="Markdown.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    shared_with_tutor = models.BooleanField(default=False)
    cpd_minutes = models.PositiveIntegerField(
        "CPD minutes", default=0, validators=[MaxValueValidator(CPD_MAX_MINUTES)]
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every save; a save based on an older number is refused."
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The tutor reviewing it now; a claim lapses after 24 hours.",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="reflection_version_from_one"
            ),
            models.CheckConstraint(
                condition=models.Q(cpd_minutes__lte=CPD_MAX_MINUTES),
                name="reflection_cpd_minutes_at_most_100_hours",
            ),
        ]
        indexes = [
            models.Index(fields=["author", "task"], name="reflection_author_task"),
            models.Index(
                fields=["module", "status", "submitted_at"], name="reflection_review_queue"
            ),
            # The cohort table counts each trainee's reflections in a module.
            models.Index(fields=["author", "module", "status"], name="reflection_author_module"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reflections:detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def can_be_submitted(self) -> bool:
        """Tutors review a module's reflections: one about no module has no reviewer."""
        return self.is_editable and self.module_id is not None

    @property
    def is_free(self) -> bool:
        return self.task_id is None

    @property
    def claim_is_active(self) -> bool:
        return (
            self.claimed_by_id is not None
            and self.claimed_at is not None
            and self.claimed_at > timezone.now() - CLAIM_LASTS
        )

    @property
    def claim_lapses_at(self):
        return self.claimed_at + CLAIM_LASTS if self.claimed_at else None


class ReflectionVersion(models.Model):
    """One saved state of a reflection. Versions are only ever added, never rewritten,
    except that a run of autosaves within a few minutes is kept as one version."""

    class Kind(models.TextChoices):
        CREATED = "created", "Started"
        SAVED = "saved", "Saved"
        AUTOSAVED = "autosaved", "Saved automatically"
        RESTORED = "restored", "Restored"

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SAVED)
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    body = models.TextField(blank=True)
    cpd_minutes = models.PositiveIntegerField("CPD minutes", default=0)
    saved_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="When this version was submitted for review."
    )

    class Meta:
        ordering = ["reflection", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["reflection", "number"], name="one_reflection_version_per_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reflection} (version {self.number})"

    def get_absolute_url(self) -> str:
        url = reverse("reflections:history", kwargs={"pk": self.reflection_id})
        return f"{url}#version-{self.number}"

    @property
    def label(self) -> str:
        if self.kind == self.Kind.RESTORED and self.restored_from:
            return f"Restored from version {self.restored_from}"
        return self.get_kind_display()


class Feedback(models.Model):
    """One round of review: a tutor's written feedback on the version submitted, the
    outcomes it evidences, and the decision (reviewed, or revision requested)."""

    class Decision(models.TextChoices):
        REVIEWED = "reviewed", "Reviewed"
        REVISION_REQUESTED = "revision_requested", "Revision requested"

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="feedback")
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_given",
    )
    text = models.TextField(blank=True, help_text="Markdown.")
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.REVIEWED)
    version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version of the reflection this round reviewed."
    )
    outcomes = models.ManyToManyField(
        LearningOutcome,
        blank=True,
        related_name="evidence",
        help_text="Learning outcomes of the module that the reflection evidences.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(
        null=True, blank=True, help_text="When the author marked it read."
    )

    class Meta:
        ordering = ["reflection", "created_at", "pk"]
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="revision_requested") | ~Q(text=""),
                name="feedback_revision_request_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.reflection}"

    def get_absolute_url(self) -> str:
        return self.reflection.get_absolute_url() + f"#round-{self.pk}"


def new_verification_code() -> str:
    return secrets.token_urlsafe(18)


class CertificateQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()

    def verifiable(self):
        return self.filter(is_public=True)


class CertificateRule(models.TextChoices):
    """What a certificate attests, fixed when it is made from the module's rule then. The
    label is printed on the certificate and its verification page."""

    EVIDENCE = (
        "evidence",
        (
            "every task completed; every task's reflection reviewed by a tutor; every learning "
            "outcome evidenced by a reviewed reflection"
        ),
    )
    REVIEWED = (
        "reviewed",
        (
            "every task completed; every task's reflection reviewed by a tutor; learning outcomes "
            "not each evidenced"
        ),
    )
    OUTCOMES = (
        "outcomes",
        (
            "every task completed; every learning outcome evidenced by a reviewed reflection; "
            "reflections not all reviewed"
        ),
    )
    TASKS = "tasks", "tasks completed; reflections not reviewed"
    OLD = (
        "old",
        (
            "issued under the old rule: tasks completed; reflections and learning outcomes were "
            "not checked"
        ),
    )

    @classmethod
    def for_module(cls, module) -> "CertificateRule":
        reviews, outcomes = module.require_reviewed_reflections, module.require_outcome_evidence
        if reviews and outcomes:
            return cls.EVIDENCE
        if reviews:
            return cls.REVIEWED
        return cls.OUTCOMES if outcomes else cls.TASKS


class Certificate(models.Model):
    """A trainee's record of completing a module (a CPD record). Name, module and date are
    kept as printed, so the public verification page shows what the PDF says; the trainee
    may withdraw that page. ``rule`` says what it attests."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="certificates")
    code = models.CharField(max_length=40, unique=True, default=new_verification_code)
    holder_name = models.CharField(max_length=150)
    module_title = models.CharField(max_length=200)
    completed_on = models.DateField()
    issued_at = models.DateTimeField(default=timezone.now)
    is_public = models.BooleanField(
        "public verification", default=True, help_text="Anyone with the link may verify it."
    )
    rule = models.CharField(
        "attests",
        max_length=10,
        choices=CertificateRule.choices,
        help_text="What the certificate attests, fixed by the module's rule when it was made.",
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module"], name="one_certificate_per_user_per_module"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name}: {self.module_title}"

    def get_absolute_url(self) -> str:
        return reverse("reflections:certificate", kwargs={"module_slug": self.module.slug})

    def get_verification_path(self) -> str:
        return reverse("certificate_verify", kwargs={"code": self.code})

    @property
    def is_old_rule(self) -> bool:
        return self.rule == CertificateRule.OLD


class RenderedPdf(models.Model):
    """A reflection laid out as PDF pages, kept so that a portfolio export only joins
    pages (see reflections/pdf.py). ``key`` is a hash of the HTML it was made from:
    when anything it shows changes, the key no longer matches and it is made again."""

    reflection = models.OneToOneField(
        Reflection, on_delete=models.CASCADE, related_name="rendered_pdf"
    )
    key = models.CharField(max_length=64)
    pages = models.PositiveSmallIntegerField()
    pdf = models.BinaryField()
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reflection"]
        verbose_name = "rendered PDF"

    def __str__(self) -> str:
        return f"PDF of {self.reflection} ({self.pages} pages)"

    def get_absolute_url(self) -> str:
        return self.reflection.get_absolute_url()


class TutorActivity(Tutor):
    """Tutors seen from their review work, for the admin (a proxy of modules.Tutor)."""

    class Meta:
        proxy = True
        verbose_name = "tutor review activity"
        verbose_name_plural = "tutor review activity"


class ExportJobQuerySet(models.QuerySet):
    def owned_by(self, user):
        """An export is private to the person who asked for it."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def in_progress(self):
        return self.filter(state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING])

    def without_file(self):
        return self.defer("file")


class ExportJob(models.Model):
    """A portfolio export too large to make inside a request, made by a worker.

    The worker counts the reflections it has laid out (``done`` of ``total``) so the
    page can show progress; the finished file is kept in the database (so any app
    server can hand it out) until ``expires_at``, a day later, when it is erased."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Being laid out"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    format = models.CharField(max_length=10, default="pdf")
    module = models.ForeignKey(
        Module,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Only this module's part of the portfolio; empty for all of it.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.BinaryField(null=True, blank=True, editable=False)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "portfolio export"
        indexes = [models.Index(fields=["owner", "-created_at"], name="export_job_owner_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")),
                name="export_job_done_at_most_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.format.upper()} export for {self.owner} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("reflections:export_job", kwargs={"pk": self.pk})

    @property
    def is_expired(self) -> bool:
        return self.state == self.State.EXPIRED or (
            self.expires_at is not None and self.expires_at <= timezone.now()
        )

    @property
    def is_finished(self) -> bool:
        return self.state not in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
