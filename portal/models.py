"""People: an email-based user. Roles are a group (tutors) and a flag (staff)."""

import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

TUTOR_GROUP = "Tutors"
DEFAULT_TIME_ZONE = "Europe/London"
HONORIFICS = {"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir", "dame"}


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone we know, e.g. Europe/London.")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        # Email addresses are matched without regard to case.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs up is a trainee; tutors are in the Tutors group; admins are staff."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(
        "full name", max_length=150, blank=True, help_text="As it should appear on your portfolio."
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "staff status", default=False, help_text="Staff can sign in to the admin site."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    time_zone = models.CharField(
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text="Dates and times are shown, and daily emails sent, in this time zone.",
    )
    unread_notifications = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Kept by the notification service on every write, so the bell costs no query.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="one_user_per_email_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_absolute_url(self) -> str:
        return reverse("account")

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        words = [w for w in self.full_name.split() if w.rstrip(".").lower() not in HONORIFICS]
        return (words or self.full_name.split() or [self.email])[0]

    @property
    def display_name(self) -> str:
        return self.get_full_name()

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The user's time zone (the default one if the stored name is unknown)."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)

    @property
    def is_tutor(self) -> bool:
        if not hasattr(self, "_is_tutor"):
            self._is_tutor = self.groups.filter(name=TUTOR_GROUP).exists()
        return self._is_tutor


class WorkerHeartbeat(models.Model):
    """A job worker (``manage.py jobs_worker``) that is alive says so every few seconds.
    A job left RUNNING by a worker whose heartbeat stopped was cut off mid-run (the
    worker or its machine died) and is queued again (``portal.jobs.requeue_orphaned``)."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.hostname or '?'} (seen {self.seen_at:%H:%M:%S})"

    def get_absolute_url(self) -> str:
        return reverse("admin:portal_workerheartbeat_change", args=[self.pk])
