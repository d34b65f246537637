"""A trainee's reflections, their saved versions, the structures that start them, and feedback."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from modules.models import Module
from topics.models import Task

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 50_000
CPD_MAX_MINUTES = 6_000  # 100 hours: more than any one piece of learning


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

    def with_context(self):
        """Everything a page or an export shows beside a reflection, in the same query."""
        return self.select_related("task__topic__module", "module", "template")


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
        indexes = [models.Index(fields=["author", "task"], name="reflection_author_task")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reflections:detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_free(self) -> bool:
        return self.task_id is None


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
    """A tutor's written feedback on a submitted reflection (the review pages come later)."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="feedback")
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_given",
    )
    text = models.TextField(help_text="Markdown.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reflection", "created_at"]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"Feedback on {self.reflection}"

    def get_absolute_url(self) -> str:
        return self.reflection.get_absolute_url() + "#feedback"


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
