"""Who may see which module's dashboard, and the summaries a dashboard reads."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum

from modules.models import Cohort, Module, ModuleTutor, tutor_profile_of

from .models import Summary, SummaryState


def dashboard_modules(user):
    """The modules whose course dashboard ``user`` may see: the modules they tutor, every
    module taught here for admins (staff); nothing for anybody else."""
    if not user.is_authenticated:
        return Module.objects.none()
    modules = Module.objects.filter(is_offered=True)
    if user.is_staff:
        return modules
    if tutor_profile_of(user) is None:
        return Module.objects.none()
    return modules.tutored_by(user)


def visible_cohorts(user, module) -> tuple[list[Cohort], bool]:
    """The cohorts of ``module`` whose figures ``user`` may see, and whether that is the
    whole module: admins and the module's lead tutors see every cohort (and what belongs
    to none), other tutors the cohorts they are named on (two queries at most)."""
    cohorts = list(Cohort.objects.filter(module=module).order_by("starts_on", "name"))
    if (
        user.is_staff
        or ModuleTutor.objects.filter(module=module, tutor__user=user, is_lead=True).exists()
    ):
        return cohorts, True
    mine = set(Cohort.objects.filter(module=module).tutored_by(user).values_list("pk", flat=True))
    return [c for c in cohorts if c.pk in mine], False


@dataclass
class Counts:
    """A module's summaries over a range of weeks, summed over cohorts: ``total[figure]
    [key]`` over every week, and ``weekly[figure][week][key]`` for figures drawn by week."""

    total: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    weekly: dict[str, dict[datetime.date, dict[str, int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict))
    )
    state: SummaryState | None = None

    def get(self, figure: str, key: str) -> int:
        return self.total.get(figure, {}).get(key, 0)


BY_WEEK = {"active", "turnaround", "meetings"}


def module_counts(
    module: Module,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    cohort_ids: list[int] | None = None,
) -> Counts:
    """The summed summaries of ``module`` for the weeks from ``since``'s to ``until``'s,
    of the cohorts ``cohort_ids`` (None: every row, the module's trainees in no cohort and
    the study groups' meetings included) (two queries, whatever the number of trainees)."""
    rows = Summary.objects.filter(module=module)
    if since:
        rows = rows.filter(week__gte=since - datetime.timedelta(days=since.weekday()))
    if until:
        rows = rows.filter(week__lte=until)
    if cohort_ids is not None:
        rows = rows.filter(cohort_id__in=cohort_ids)
    counts = Counts(state=SummaryState.objects.filter(module=module).first())
    for figure, week, key, value in (
        rows.values_list("figure", "week", "key").annotate(value=Sum("value")).order_by()
    ):
        counts.total[figure][key] = counts.total[figure].get(key, 0) + value
        if figure in BY_WEEK:
            counts.weekly[figure][week][key] = value
    return counts
