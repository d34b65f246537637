"""Organisations (employers) whose staff train on the portal, and their leads.

A lead sees a report of the organisation's members' progress: counts and states, never
the text of a reflection or a debate argument."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class OrganisationQuerySet(models.QuerySet):
    def led_by(self, user):
        """The organisations this user leads (none for anybody signed out)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(memberships__user=user, memberships__is_lead=True)


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:report", kwargs={"slug": self.slug})


class Membership(models.Model):
    """A person on the organisation's staff; a lead also sees the organisation's report."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    is_lead = models.BooleanField(
        "lead", default=False, help_text="Sees the progress report of the organisation's staff."
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_membership_per_user_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organisation}{' (lead)' if self.is_lead else ''}"

    def get_absolute_url(self) -> str:
        return self.organisation.get_absolute_url()


class BulkEnrolment(models.Model):
    """A CSV of people enrolled into a cohort in one go. The upload is checked row by row
    and kept here as a preview (``rows``); nothing happens to anyone's account until it is
    confirmed, when a worker creates the new accounts, enrols everyone, adds them to their
    organisation and sends the emails, counting ``done`` of ``total`` as it goes. Each row
    records its outcome, so a run cut off and run again does each row once."""

    class State(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Enrolling"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    cohort = models.ForeignKey(
        "modules.Cohort", on_delete=models.CASCADE, related_name="bulk_enrolments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=200, blank=True)
    rows = models.JSONField(
        default=list,
        help_text="Each row: line, email, name, organisation, status (new / existing / error), "
        "message, and once run its outcome.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEW)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename or 'CSV'} into {self.cohort}"

    def get_absolute_url(self) -> str:
        return reverse("organisations:bulk_detail", kwargs={"pk": self.pk})

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.CANCELLED)

    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "existing": 0, "error": 0}
        for row in self.rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        return counts
