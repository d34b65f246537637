"""The summaries the course dashboard reads: counts kept by the worker, never a learner's
row. Each row is one count of one figure for one module, cohort and ISO week."""

from django.db import models
from django.urls import reverse

from modules.models import Module


class Summary(models.Model):
    """One count: ``value`` of ``key`` in ``figure`` for the module's trainees of ``cohort``
    in ``week``. Per-trainee figures (funnel, time per topic, debates, study groups) are
    filed under the week the trainee enrolled; events (reflections written, reviews,
    meetings, activity) under the week they happened. A recount replaces a module's rows."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    # The cohort's id once cohorts exist (issue 21); null is "no cohort".
    cohort_id = models.PositiveIntegerField(null=True, blank=True)
    week = models.DateField(help_text="The Monday of the ISO week.")
    figure = models.CharField(max_length=20)
    key = models.CharField(max_length=80)
    value = models.BigIntegerField()

    class Meta:
        ordering = ["module", "figure", "week", "key"]
        verbose_name_plural = "summaries"
        indexes = [models.Index(fields=["module", "week"], name="summary_module_week")]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "cohort_id", "week", "figure", "key"],
                name="one_summary_count_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module_id} {self.figure} {self.week} {self.key} = {self.value}"

    def get_absolute_url(self) -> str:
        return reverse("analytics:module", kwargs={"slug": self.module.slug})


class SummaryState(models.Model):
    """When a module's summaries were last recounted, and how long that took."""

    module = models.OneToOneField(Module, on_delete=models.CASCADE, related_name="+")
    refreshed_at = models.DateTimeField()
    took_ms = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["module"]

    def __str__(self) -> str:
        return f"{self.module_id} recounted {self.refreshed_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("analytics:module", kwargs={"slug": self.module.slug})
