"""Study groups, the people in them, and invitations to join."""

import secrets
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from modules.models import Module
from portal.models import DEFAULT_TIME_ZONE
from topics.models import Topic

# Join codes avoid characters that look alike in print or handwriting (0/O, 1/I/L, 2/Z,
# 5/S, 8/B), so a code read aloud or copied from a slide is typed right first time.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8
INVITATION_VALID_FOR = timedelta(days=14)
SUPERVISOR_LINK_VALID_FOR = timedelta(days=90)
MAX_MEMBERS = 50  # people with an account, in a peer group


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_join_token() -> str:
    return secrets.token_urlsafe(18)


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


def normalise_code(value: str) -> str:
    """What a person typed, as a code: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


class StudyGroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def for_member(self, user):
        """The groups in which the user is a member now (archived ones excluded)."""
        if not user.is_authenticated:
            return self.none()
        return self.active().filter(memberships__user=user, memberships__left_at__isnull=True)


class StudyGroup(models.Model):
    """A peer group, one colleague or a supervisor, meeting over one module's topics."""

    class Kind(models.TextChoices):
        PEER = "peer", "Peer group"
        COLLEAGUE = "colleague", "Just one colleague"
        SUPERVISOR = "supervisor", "A trusted supervisor"

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="study_groups")
    cohort = models.ForeignKey(
        "modules.Cohort",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="study_groups",
        help_text="Only this cohort's trainees may join; empty: open to every cohort of the "
        "module (the convenor's deliberate choice).",
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PEER)
    description = models.TextField(blank=True, help_text="Markdown.")
    members_can_schedule = models.BooleanField(
        "any member may schedule meetings",
        default=False,
        help_text="Otherwise only the convenor schedules, moves and cancels meetings.",
    )
    join_code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_join_code)
    join_token = models.CharField(max_length=40, unique=True, default=new_join_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the last member left; nobody sees it then."
    )

    objects = StudyGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "study group"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("studygroups:detail", kwargs={"pk": self.pk})

    @property
    def breadcrumb_label(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def capacity(self) -> int:
        """How many people (supervisors included) the group holds."""
        return 2 if self.kind == self.Kind.COLLEAGUE else MAX_MEMBERS

    @property
    def takes_supervisors(self) -> bool:
        return self.kind != self.Kind.COLLEAGUE

    @property
    def join_code_display(self) -> str:
        half = CODE_LENGTH // 2
        return f"{self.join_code[:half]}-{self.join_code[half:]}"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(left_at__isnull=True)

    def people(self):
        """Members with an account (convenor and members), not supervisors by link."""
        return self.active().filter(user__isnull=False)


class Membership(models.Model):
    """A person in a group. Trainees take part with their account; a supervisor takes part
    without one, through a personal link (``link_nonce``: replacing it revokes the link)."""

    class Role(models.TextChoices):
        CONVENOR = "convenor", "Convenor"
        MEMBER = "member", "Member"
        SUPERVISOR = "supervisor", "Supervisor"

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="study_memberships",
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    name = models.CharField(max_length=150, blank=True, help_text="A supervisor's name.")
    email = models.EmailField(blank=True, help_text="A supervisor's address for the link.")
    time_zone = models.CharField(
        max_length=64, default=DEFAULT_TIME_ZONE, help_text="A supervisor's time zone."
    )
    progress_hidden = models.BooleanField(
        default=False, help_text="The member's progress is not shown to the group."
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    link_nonce = models.CharField(max_length=40, blank=True)
    link_sent_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group", "joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(left_at__isnull=True, user__isnull=False),
                name="one_membership_per_user_per_group",
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(left_at__isnull=True, role="convenor"),
                name="one_convenor_per_group",
            ),
            models.UniqueConstraint(
                Lower("email"),
                F("group"),
                condition=Q(left_at__isnull=True, role="supervisor"),
                name="one_supervisor_membership_per_email_per_group",
            ),
            models.CheckConstraint(
                condition=(Q(role="supervisor", user__isnull=True) & ~Q(email=""))
                | (~Q(role="supervisor") & Q(user__isnull=False)),
                name="supervisors_by_link_others_by_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} in {self.group} ({self.get_role_display().lower()})"

    def get_absolute_url(self) -> str:
        return self.group.get_absolute_url() + f"#member-{self.pk}"

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name()
        return self.name or self.email

    @property
    def is_active(self) -> bool:
        return self.left_at is None

    @property
    def is_convenor(self) -> bool:
        return self.role == self.Role.CONVENOR

    @property
    def is_supervisor(self) -> bool:
        return self.role == self.Role.SUPERVISOR

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        if self.user_id:
            return self.user.zone
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Neither used nor withdrawn (it may have expired)."""
        return self.filter(
            accepted_at__isnull=True, declined_at__isnull=True, revoked_at__isnull=True
        )

    def pending(self, now=None):
        return self.open().filter(expires_at__gt=now or timezone.now())

    def addressed_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(email__iexact=user.email)


class Invitation(models.Model):
    """An invitation by email to join as a member. Its link is signed, single use and
    valid for 14 days; sending it again replaces the link (``nonce``)."""

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    nonce = models.CharField(max_length=40, default=new_nonce)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                F("group"),
                condition=Q(
                    accepted_at__isnull=True, declined_at__isnull=True, revoked_at__isnull=True
                ),
                name="one_open_invitation_per_email_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.email} for {self.group}"

    def get_absolute_url(self) -> str:
        return reverse("studygroups:invitation", kwargs={"pk": self.pk})

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.declined_at:
            return "declined"
        if self.revoked_at:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"


class TopicGuide(models.Model):
    """What a topic's study-group meeting holds besides notes: content, edited in the admin."""

    topic = models.OneToOneField(Topic, on_delete=models.CASCADE, related_name="study_guide")
    open_meeting_plan = models.BooleanField(
        "plan of open meetings",
        default=False,
        help_text="The meeting page holds a plan of open meetings to attend (name, date, "
        "place, who goes).",
    )
    plan_intro = models.TextField(
        blank=True, help_text="Markdown shown above the plan of open meetings."
    )
    action_suggestions = models.TextField(
        blank=True, help_text="Suggested action items, one per line."
    )

    class Meta:
        ordering = ["topic"]
        verbose_name = "study-group guide for a topic"

    def __str__(self) -> str:
        return f"Study-group guide: {self.topic}"

    def get_absolute_url(self) -> str:
        return self.topic.get_absolute_url()

    @property
    def suggestions(self) -> list[str]:
        return [line.strip() for line in self.action_suggestions.splitlines() if line.strip()]
