"""A group's meetings (one per topic), the answers to them, their notes and their plans."""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from portal.fields import URLField
from topics.models import Topic

from .groups import Membership, StudyGroup

NOTES_MAX_LENGTH = 50_000


class MeetingQuerySet(models.QuerySet):
    def scheduled(self):
        """Not cancelled."""
        return self.filter(cancelled_at__isnull=True)

    def upcoming(self, now=None):
        return self.scheduled().filter(ends_at__gt=now or timezone.now())


class Meeting(models.Model):
    """A group's meeting about one topic: that topic's deadline for each member.

    ``uid`` names it in every calendar for good; ``sequence`` rises with every change so
    a calendar app replaces the copy it holds."""

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="meetings")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="group_meetings")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    video_url = URLField("video-call link", max_length=500, blank=True)
    agenda = models.TextField(blank=True, help_text="Markdown.")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminder_sent_for = models.DateTimeField(
        null=True, blank=True, help_text="The start time the 24-hour reminder went out for."
    )
    notes = models.TextField(blank=True, help_text="Markdown, written by the members.")
    notes_version = models.PositiveIntegerField(
        default=0, help_text="Raised by every save of the notes; an older one is refused."
    )
    notes_updated_at = models.DateTimeField(null=True, blank=True)
    notes_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "topic"],
                condition=Q(cancelled_at__isnull=True),
                name="one_meeting_per_topic_per_group",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.topic.breadcrumb_label} meeting"

    def get_absolute_url(self) -> str:
        return reverse("studygroups:meeting", kwargs={"pk": self.group_id, "meeting": self.pk})

    @property
    def breadcrumb_label(self) -> str:
        return f"{self.topic.breadcrumb_label} meeting"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def ical_uid(self) -> str:
        host = urlsplit(settings.PORTAL_BASE_URL).hostname or "portal"
        return f"meeting-{self.uid}@{host}"

    @property
    def where(self) -> str:
        """The place and the video link, as one line for a calendar or an email."""
        return " · ".join(part for part in (self.place, self.video_url) if part)


class MeetingResponse(models.Model):
    """A member's answer to "will you come?"."""

    class Answer(models.TextChoices):
        GOING = "going", "Going"
        MAYBE = "maybe", "Maybe"
        NOT_GOING = "not_going", "Not going"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="responses")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="responses")
    answer = models.CharField(max_length=12, choices=Answer.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "membership"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"], name="one_answer_per_member_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.display_name}: {self.get_answer_display()} ({self.meeting})"

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url()


class MeetingNotesVersion(models.Model):
    """One saved state of a meeting's notes; versions are only ever added."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="note_versions")
    number = models.PositiveIntegerField()
    body = models.TextField(blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)
    restored_from = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="one_notes_version_per_number"
            ),
        ]

    def __str__(self) -> str:
        return f"Notes of {self.meeting} (version {self.number})"

    def get_absolute_url(self) -> str:
        url = reverse(
            "studygroups:notes_history",
            kwargs={"pk": self.meeting.group_id, "meeting": self.meeting_id},
        )
        return f"{url}#version-{self.number}"


class ActionItem(models.Model):
    """Something a member means to do after the meeting, ticked when done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(max_length=200)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url() + f"#action-{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class OpenMeetingVisit(models.Model):
    """An open meeting (of a mutual-aid fellowship, say) that members plan to attend."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="visits")
    name = models.CharField(max_length=200)
    date = models.DateField()
    place = models.CharField(max_length=200)
    attendees = models.ManyToManyField(Membership, blank=True, related_name="visits")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "date", "pk"]
        verbose_name = "open meeting to attend"

    def __str__(self) -> str:
        return f"{self.name} on {self.date:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url() + f"#visit-{self.pk}"
