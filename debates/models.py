"""Debates on a topic's motion: stances before and after, arguments, endorsements.

The Motion itself belongs to topics (it is course content); everything a
trainee writes about it lives here.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from modules.models import Cohort
from topics.models import Motion

ARGUMENT_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 200
EDIT_WINDOW_MINUTES = 15


def debate_url(motion: Motion) -> str:
    """The debate page of a motion (one debate per topic)."""
    task = motion.task
    return reverse(
        "debates:detail",
        kwargs={"module_slug": task.topic.module.slug, "number": task.topic.number},
    )


class Position(models.TextChoices):
    FOR = "for", "For the motion"
    AGAINST = "against", "Against the motion"
    UNDECIDED = "undecided", "Undecided"


SHORT_POSITION = {"for": "for", "against": "against", "undecided": "undecided"}


class StanceQuerySet(models.QuerySet):
    def on(self, motion: Motion):
        return self.filter(motion=motion)

    def in_cohort(self, cohort):
        return self.filter(cohort=cohort)


class Stance(models.Model):
    """Where a trainee stands on a motion before, and after, the debate."""

    class Phase(models.TextChoices):
        BEFORE = "before", "Before the debate"
        AFTER = "after", "After the debate"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="debate_stances"
    )
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="stances")
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.CASCADE,
        related_name="debate_stances",
        help_text="The trainee's cohort: each cohort's shift of opinion is its own.",
    )
    phase = models.CharField(max_length=10, choices=Phase.choices)
    position = models.CharField(max_length=10, choices=Position.choices)
    confidence = models.PositiveSmallIntegerField(help_text="1 (not at all sure) to 5 (very sure).")
    reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StanceQuerySet.as_manager()

    class Meta:
        ordering = ["motion", "user", "-phase"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "motion", "phase"], name="one_stance_per_user_motion_phase"
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=1, confidence__lte=5),
                name="stance_confidence_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(position__in=Position.values), name="stance_position_known"
            ),
            models.CheckConstraint(
                condition=Q(phase__in=["before", "after"]), name="stance_phase_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.phase}: {self.short_position} ({self.confidence})"

    def get_absolute_url(self) -> str:
        return debate_url(self.motion)

    @property
    def short_position(self) -> str:
        return SHORT_POSITION.get(self.position, self.position)


class ArgumentQuerySet(models.QuerySet):
    def on(self, motion: Motion):
        return self.filter(motion=motion)

    def in_cohort(self, cohort):
        return self.filter(cohort=cohort)

    def top_level(self):
        return self.filter(parent__isnull=True)

    def visible_to(self, user, *, moderator: bool = False):
        """Moderators see hidden arguments; anyone else sees them only when they wrote them."""
        if moderator:
            return self.all()
        return self.filter(Q(hidden_at__isnull=True) | Q(author=user))

    def with_endorsements_for(self, user):
        """Annotate ``endorsed_by_me`` (no query per row); the count is kept on the row."""
        return self.annotate(
            endorsed_by_me=Exists(
                Endorsement.objects.filter(argument=OuterRef("pk"), user_id=user.pk)
            ),
        )


class Argument(models.Model):
    """An argument for or against a motion, or a reply to one (one level deep).

    A reply has no side. A deleted argument that has replies keeps its row (text
    erased) so the thread stays in place; a tutor's hiding is kept on the row
    (who, when, why) and every hide/unhide is logged in ``ModerationEvent``.
    """

    class Side(models.TextChoices):
        FOR = "for", "For the motion"
        AGAINST = "against", "Against the motion"

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="arguments")
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.CASCADE,
        related_name="debate_arguments",
        help_text="Each cohort debates the motion among itself.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="debate_arguments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    side = models.CharField(max_length=10, choices=Side.choices, blank=True)
    text = models.TextField(blank=True, help_text="Markdown.")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    endorsement_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Kept by the endorsement services in the same transaction (sorts and shows "
        "without counting).",
    )

    objects = ArgumentQuerySet.as_manager()

    class Meta:
        ordering = ["motion", "-created_at"]
        indexes = [
            models.Index(
                fields=["motion", "cohort", "parent", "-created_at"], name="argument_thread_idx"
            ),
            models.Index(
                fields=["motion", "cohort", "parent", "-endorsement_count", "-created_at"],
                name="argument_endorsed_idx",
            ),
        ]
        constraints = [
            # top-level arguments take a side; replies do not
            models.CheckConstraint(
                condition=(
                    Q(parent__isnull=True, side__in=["for", "against"])
                    | Q(parent__isnull=False, side="")
                ),
                name="argument_side_only_on_top_level",
            ),
            models.CheckConstraint(
                condition=Q(is_deleted=True) | ~Q(text=""), name="argument_text_unless_deleted"
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="argument_hidden_with_reason",
            ),
        ]

    def __str__(self) -> str:
        if self.is_deleted:
            return f"Deleted argument #{self.pk}"
        text = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return f"{self.author}: {text}"

    def get_absolute_url(self) -> str:
        # The debate opened on this argument's thread: pages of threads may not hold it.
        return debate_url(self.motion) + f"?thread={self.parent_id or self.pk}#argument-{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None


class Endorsement(models.Model):
    """One trainee finding someone else's argument convincing."""

    argument = models.ForeignKey(Argument, on_delete=models.CASCADE, related_name="endorsements")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="debate_endorsements"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["argument", "user"], name="one_endorsement_per_user_per_argument"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} endorses #{self.argument_id}"

    def get_absolute_url(self) -> str:
        return self.argument.get_absolute_url()


class ModerationEvent(models.Model):
    """The record of a tutor hiding or restoring an argument (kept after an unhide)."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hidden"
        UNHIDE = "unhide", "Restored"

    argument = models.ForeignKey(
        Argument, on_delete=models.CASCADE, related_name="moderation_events"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.argument_id} by {self.moderator}"

    def get_absolute_url(self) -> str:
        return self.argument.get_absolute_url()


class DebateTally(models.Model):
    """The stance counts of a motion in one cohort, kept on write: every stance recorded
    or changed updates this row in the same transaction (debates.services), so the chart
    reads one row instead of counting every stance (and the module-wide chart one row per
    cohort). ``debates.services.tally_rebuild`` recounts."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="tallies")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="debate_tallies")
    before_for = models.PositiveIntegerField(default=0)
    before_against = models.PositiveIntegerField(default=0)
    before_undecided = models.PositiveIntegerField(default=0)
    after_for = models.PositiveIntegerField(default=0)
    after_against = models.PositiveIntegerField(default=0)
    after_undecided = models.PositiveIntegerField(default=0)
    both = models.PositiveIntegerField(
        default=0, help_text="People with a stance before and after."
    )
    changed = models.PositiveIntegerField(
        default=0, help_text="Of those, how many are on another side after."
    )

    class Meta:
        ordering = ["motion", "cohort"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "cohort"], name="one_tally_per_cohort")
        ]

    def __str__(self) -> str:
        return f"Stance counts on {self.motion} ({self.cohort.name})"

    def get_absolute_url(self) -> str:
        return debate_url(self.motion)

    def count(self, phase: str, position: str) -> int:
        return getattr(self, f"{phase}_{position}")
