"""Reflections a trainee shares with a group, the members' comments, supervisors' sign-offs."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from reflections.models import Reflection

from .groups import Membership, StudyGroup


class SharedReflectionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class SharedReflection(models.Model):
    """A reflection its author shares with one group. Revoking hides it (and its comments)
    from the group at once; sharing it again brings the comments back."""

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="shares")
    reflection = models.ForeignKey(
        Reflection, on_delete=models.CASCADE, related_name="group_shares"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = SharedReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["-shared_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "reflection"], name="one_share_per_reflection_per_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reflection} shared with {self.group}"

    def get_absolute_url(self) -> str:
        return reverse("studygroups:shared", kwargs={"pk": self.group_id, "share": self.pk})

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class GroupComment(models.Model):
    """A member's comment (Markdown) on a reflection shared with the group."""

    share = models.ForeignKey(SharedReflection, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField(help_text="Markdown.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["share", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author.display_name} on {self.share.reflection}"

    def get_absolute_url(self) -> str:
        return self.share.get_absolute_url() + f"#comment-{self.pk}"


class SignOff(models.Model):
    """A supervisor's record that a shared reflection was discussed in supervision. It is
    the trainee's to keep: it stays in the portfolio if the sharing or the supervisor's
    place in the group ends (names are kept as they were)."""

    reflection = models.ForeignKey(
        Reflection, on_delete=models.CASCADE, related_name="supervisor_signoffs"
    )
    share = models.ForeignKey(
        SharedReflection, on_delete=models.SET_NULL, null=True, blank=True, related_name="signoffs"
    )
    supervisor = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="signoffs"
    )
    supervisor_name = models.CharField(max_length=150)
    group_name = models.CharField(max_length=120)
    discussed_on = models.DateField()
    comment = models.TextField(blank=True, help_text="Markdown.")
    reflection_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reflection", "discussed_on", "created_at", "pk"]
        verbose_name = "sign-off"
        constraints = [
            models.UniqueConstraint(
                fields=["reflection", "supervisor", "discussed_on"],
                condition=Q(supervisor__isnull=False),
                name="one_signoff_per_supervisor_per_reflection_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reflection} signed off by {self.supervisor_name} on {self.discussed_on}"

    def get_absolute_url(self) -> str:
        if self.share_id:
            return self.share.get_absolute_url() + f"#signoff-{self.pk}"
        return self.reflection.get_absolute_url()
