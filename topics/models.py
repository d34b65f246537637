"""Topics of a module, their tasks, the tasks' resources, and debate motions."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from modules.models import Enrolment, Module
from portal.fields import URLField

ORDINAL_WORDS = {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven",
                 8: "Eight", 9: "Nine", 10: "Ten"}  # fmt: skip
TASK_ORDINALS = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth", 6: "Sixth"}


def _user_id(user) -> int | None:
    # AnonymousUser has pk None: filtering on it matches no row.
    return user.pk if user is not None and user.is_authenticated else None


class TopicQuerySet(models.QuerySet):
    def with_progress_for(self, user):
        """Annotate ``task_total``, ``task_done``, the user's ``target_date`` and the start of
        any event that is the topic's deadline, ``meeting_at`` (topics.hooks; one query)."""
        from .hooks import deadline_expression

        done = (
            TaskCompletion.objects.filter(user_id=_user_id(user), task__topic=OuterRef("pk"))
            .order_by()
            .values("task__topic")
            .annotate(n=Count("pk"))
            .values("n")
        )
        target = TimetableTarget.objects.filter(
            user_id=_user_id(user), topic=OuterRef("pk")
        ).values("target_date")[:1]
        # The user's cohort's dates, and the module's number of topics, for the date the
        # cohort suggests (``cohort_date``).
        cohort = Enrolment.objects.filter(user_id=_user_id(user), module=OuterRef("module"))
        topics = (
            Topic.objects.filter(module=OuterRef("module"))
            .order_by()
            .values("module")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            task_total=Count("tasks", distinct=True),
            task_done=Coalesce(Subquery(done, output_field=IntegerField()), Value(0)),
            target_date=Subquery(target),
            meeting_at=deadline_expression(_user_id(user)),
            cohort_starts=Subquery(cohort.values("cohort__starts_on")[:1]),
            cohort_ends=Subquery(cohort.values("cohort__ends_on")[:1]),
            topics_in_module=Subquery(topics, output_field=IntegerField()),
        )


class Topic(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="topics")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="A sentence for the module overview.")
    introduction = models.TextField(blank=True, help_text="Markdown.")
    guiding_questions_intro = models.CharField(
        max_length=200, blank=True, help_text="e.g. “Throughout this topic think about:”"
    )
    guiding_questions = models.TextField(blank=True, help_text="One question per line.")

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["module", "number"]
        constraints = [
            models.UniqueConstraint(fields=["module", "number"], name="one_topic_per_number"),
        ]

    def __str__(self) -> str:
        return f"Topic {self.number_word} - {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "topics:detail", kwargs={"module_slug": self.module.slug, "number": self.number}
        )

    @property
    def breadcrumb_label(self) -> str:
        return f"Topic {self.number_word}"

    @property
    def number_word(self) -> str:
        return ORDINAL_WORDS.get(self.number, str(self.number))

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.guiding_questions.splitlines() if line.strip()]

    # The next ones read the annotations of TopicQuerySet.with_progress_for().
    @property
    def is_complete(self) -> bool:
        return self.task_total > 0 and self.task_done >= self.task_total

    @property
    def meeting_date(self) -> datetime.date | None:
        """The day of the event (a study-group meeting) that is this topic's deadline."""
        at = getattr(self, "meeting_at", None)
        return timezone.localdate(at) if at is not None else None

    @property
    def deadline_is_meeting(self) -> bool:
        """The meeting sets the deadline, unless the trainee's own target is earlier."""
        meeting = self.meeting_date
        target = getattr(self, "target_date", None)
        return meeting is not None and (target is None or meeting < target)

    @property
    def cohort_date(self) -> datetime.date | None:
        """The date the trainee's cohort suggests for this topic: the cohort's dates divided
        evenly among the module's topics (topic n of N is due n/N of the way through)."""
        starts = getattr(self, "cohort_starts", None)
        ends = getattr(self, "cohort_ends", None)
        total = getattr(self, "topics_in_module", None)
        if not (starts and ends and total) or ends < starts:
            return None
        share = min(self.number, total) / total
        return starts + datetime.timedelta(days=round((ends - starts).days * share))

    @property
    def deadline_is_cohort(self) -> bool:
        """The cohort's date is the deadline only when there is no target and no meeting."""
        return (
            getattr(self, "target_date", None) is None
            and self.meeting_date is None
            and self.cohort_date is not None
        )

    @property
    def deadline(self) -> datetime.date | None:
        """The date by which the topic is due: the trainee's target or the group meeting,
        whichever comes first; with neither, the date the cohort suggests."""
        if self.deadline_is_meeting:
            return self.meeting_date
        target = getattr(self, "target_date", None)
        return target if target is not None else self.cohort_date

    @property
    def deadline_label(self) -> str:
        if self.deadline_is_meeting:
            return "study-group meeting"
        return "cohort date" if self.deadline_is_cohort else "target"

    @property
    def is_overdue(self) -> bool:
        """The deadline has passed and the topic's tasks are not all done."""
        return (
            self.deadline is not None
            and self.deadline < timezone.localdate()
            and not self.is_complete
        )

    @property
    def is_due_soon(self) -> bool:
        """Due today or within the next seven days, and not yet complete."""
        if self.deadline is None or self.is_complete:
            return False
        today = timezone.localdate()
        return today <= self.deadline <= today + datetime.timedelta(days=7)


class TaskQuerySet(models.QuerySet):
    def in_module(self, module):
        return self.filter(topic__module=module)

    def with_progress_for(self, user):
        """Annotate ``done_at``: when the user marked the task done, or None."""
        done_at = TaskCompletion.objects.filter(user_id=_user_id(user), task=OuterRef("pk")).values(
            "completed_at"
        )[:1]
        return self.annotate(done_at=Subquery(done_at))


class Task(models.Model):
    class Kind(models.TextChoices):
        EXPLORE = "explore", "Explore the resources"
        DEBATE = "debate", "Debate"
        DISCUSSION = "discussion", "Study-group discussion"

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    instructions = models.TextField(help_text="Markdown.")
    estimated_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    reflection_prompt = models.TextField(
        blank=True, help_text="Shown beside the reflection editor (Markdown)."
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "position"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "position"], name="one_task_per_position"),
        ]

    def __str__(self) -> str:
        return f"{self.topic}: {self.ordinal_word} task - {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "topics:task",
            kwargs={
                "module_slug": self.topic.module.slug,
                "number": self.topic.number,
                "position": self.position,
            },
        )

    @property
    def breadcrumb_label(self) -> str:
        return self.title

    @property
    def ordinal_word(self) -> str:
        return TASK_ORDINALS.get(self.position, f"Task {self.position}")


class Motion(models.Model):
    """The statement a debate task asks trainees to argue over."""

    task = models.OneToOneField(
        Task,
        on_delete=models.CASCADE,
        related_name="motion",
        limit_choices_to={"kind": Task.Kind.DEBATE},
    )
    statement = models.CharField(max_length=300)

    class Meta:
        ordering = ["task"]

    def __str__(self) -> str:
        return self.statement

    def get_absolute_url(self) -> str:
        return self.task.get_absolute_url()


class Resource(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", "Video"
        ARTICLE = "article", "Article"
        CHECKLIST = "checklist", "Checklist"
        WEB_PAGE = "webpage", "Web page"
        DOCUMENT = "document", "Document"
        BOOK = "book", "Book"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="resources")
    position = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    url = URLField("URL", max_length=500, blank=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    citation = models.TextField(blank=True, help_text="Kept exactly as the source gives it.")
    doi = models.CharField("DOI", max_length=200, blank=True)
    isbn = models.CharField("ISBN", max_length=40, blank=True)
    length = models.CharField(
        max_length=100, blank=True, help_text="Duration or length, e.g. “12 minutes”, “24 pages”."
    )
    article = models.ForeignKey(
        "library.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        help_text="A library article this resource opens (instead of an outside URL).",
    )

    class Meta:
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "position"], name="one_resource_per_position"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.task.get_absolute_url() + f"#resource-{self.pk}"

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def link(self) -> str:
        return self.url or self.doi_url

    @property
    def icon(self) -> str:
        return {
            "video": "play-circle", "article": "file-earmark-text", "checklist": "list-check",
            "webpage": "globe", "document": "file-earmark", "book": "book",
        }.get(self.kind, "link-45deg")  # fmt: skip


class ChecklistItemQuerySet(models.QuerySet):
    def with_ticks_for(self, user):
        """Annotate ``is_ticked`` for the user."""
        ticks = ChecklistTick.objects.filter(user_id=_user_id(user), item=OuterRef("pk"))
        return self.annotate(is_ticked=Exists(ticks))


class ChecklistItem(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=500)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        ordering = ["resource", "position"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "position"], name="one_item_per_position"),
        ]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return self.resource.get_absolute_url()


class TaskCompletionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()


class TaskCompletion(models.Model):
    """A task marked done by a trainee; progress is derived from these rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_completions"
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    objects = TaskCompletionQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "task"], name="one_completion_per_user_per_task"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} finished {self.task}"

    def get_absolute_url(self) -> str:
        return self.task.get_absolute_url()


class ChecklistTick(models.Model):
    """A trainee's tick against one item of a checklist resource."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checklist_ticks"
    )
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="ticks")
    ticked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item"]
        constraints = [
            models.UniqueConstraint(fields=["user", "item"], name="one_tick_per_user_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ticked {self.item}"

    def get_absolute_url(self) -> str:
        return self.item.get_absolute_url()


class TimetableTargetQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()


class TimetableTarget(models.Model):
    """The date by which a trainee plans to finish a topic."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="timetable_targets"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="targets")
    target_date = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = TimetableTargetQuerySet.as_manager()

    class Meta:
        ordering = ["target_date", "topic"]
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="one_target_per_user_per_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} by {self.target_date:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("topics:timetable", kwargs={"module_slug": self.topic.module.slug})


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in a trainee's private calendar-feed address; replacing it revokes the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("dashboard")
