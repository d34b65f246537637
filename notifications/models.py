"""Notices to people about what happened to their work, and the emails that carry them.

Every app announces events through ``notifications.services.notify``; what a person is
told, and by which channel, is decided there. A notice is always kept in the portal
(the bell); whether it is also emailed at once, in a daily digest or never is the
recipient's choice per kind.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Kind(models.TextChoices):
    """What a notice is about. Each kind has its own email preference."""

    FEEDBACK = "feedback", "Feedback on your reflections"
    REVISION_REQUESTED = "revision_requested", "Revisions asked for by a tutor"
    INVITATION = "invitation", "Study-group invitations"
    MEETING = "meeting", "Study-group meetings: set, moved, cancelled, reminders"
    GROUP_ACTIVITY = "group_activity", "Comments and sign-offs in your study groups"
    DEBATE_REPLY = "debate_reply", "Replies to your debate arguments"
    MODERATION = "moderation", "Your debate arguments hidden or restored by a tutor"
    EXPORT_READY = "export_ready", "Your portfolio exports ready to download"
    ENROLMENT = "enrolment", "Enrolments made for you (a cohort you were added to)"
    ANNOUNCEMENT = "announcement", "Announcements from your cohort's tutors"


class Channel(models.TextChoices):
    IMMEDIATE = "immediate", "Email me at once"
    DIGEST = "digest", "In a daily digest email"
    NEVER = "never", "No email (only in the portal)"


# What a person gets until they choose otherwise.
DEFAULT_CHANNELS: dict[str, str] = {
    Kind.FEEDBACK: Channel.IMMEDIATE,
    Kind.REVISION_REQUESTED: Channel.IMMEDIATE,
    Kind.INVITATION: Channel.IMMEDIATE,
    Kind.MEETING: Channel.IMMEDIATE,
    Kind.GROUP_ACTIVITY: Channel.DIGEST,
    Kind.DEBATE_REPLY: Channel.DIGEST,
    Kind.MODERATION: Channel.IMMEDIATE,
    # The person is usually watching the progress bar when it is ready.
    Kind.EXPORT_READY: Channel.NEVER,
    Kind.ENROLMENT: Channel.IMMEDIATE,
    Kind.ANNOUNCEMENT: Channel.IMMEDIATE,
}

TEXT_MAX_LENGTH = 300


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing a person is told. ``text`` never holds what the recipient may not see
    (callers write it for this recipient); ``url`` is a path inside the portal."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did it, if a person did.",
    )
    text = models.CharField(max_length=TEXT_MAX_LENGTH)
    url = models.CharField("link", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_channel = models.CharField(
        max_length=10,
        choices=Channel.choices,
        default=Channel.NEVER,
        help_text="How it was to be emailed, by the recipient's choice when it was made.",
    )
    digested_at = models.DateTimeField(
        null=True, blank=True, help_text="When a daily digest took it (sent or skipped as read)."
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_list_idx"),
        ]

    def __str__(self) -> str:
        return f"To {self.recipient}: {self.text}"

    def get_absolute_url(self) -> str:
        return self.url or reverse("notifications:list")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A person's choice of email channel for one kind; no row means the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_user_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} → {self.get_channel_display()}"

    def get_absolute_url(self) -> str:
        return reverse("notifications:preferences")


class DigestRun(models.Model):
    """The daily digest of one person for one local date. The unique (user, date) makes
    it go out once however many workers run and however often the job is retried."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_runs"
    )
    date = models.DateField(help_text="The local date of the morning it goes out.")
    scheduled_for = models.DateTimeField()
    ran_at = models.DateTimeField(null=True, blank=True)
    notice_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-date", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="one_digest_per_user_per_day"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.date}"

    def get_absolute_url(self) -> str:
        return reverse("notifications:list")


class OutboundEmail(models.Model):
    """An email rendered when its event happened and sent by a worker. Kept so a failed
    send is retried with backoff and none is sent twice (``dedupe_key``, and a claim by
    conditional UPDATE before sending)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    to = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The account it was sent to, when it was sent to one.",
    )
    kind = models.CharField(max_length=30, blank=True)
    subject = models.CharField(max_length=250)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(
        default=list, blank=True, help_text="[{filename, content, mimetype}], text content."
    )
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    erase_after_sending = models.BooleanField(
        default=False,
        help_text="The bodies carry a secret (a sign-in code, a reset link): blanked once sent.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outbound email"
        indexes = [models.Index(fields=["status", "claimed_at"], name="outbound_email_status_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("admin:notifications_outboundemail_change", args=[self.pk])
