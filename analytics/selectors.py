"""Who may see which module's dashboard, and the summaries a dashboard reads."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum

from modules.models import Module, tutor_profile_of

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
    cohort_id: int | None = None,
) -> Counts:
    """The summed summaries of ``module`` for the weeks from ``since``'s to ``until``'s
    (two queries, whatever the number of trainees)."""
    rows = Summary.objects.filter(module=module)
    if since:
        rows = rows.filter(week__gte=since - datetime.timedelta(days=since.weekday()))
    if until:
        rows = rows.filter(week__lte=until)
    if cohort_id is not None:
        rows = rows.filter(cohort_id=cohort_id)
    counts = Counts(state=SummaryState.objects.filter(module=module).first())
    for figure, week, key, value in (
        rows.values_list("figure", "week", "key").annotate(value=Sum("value")).order_by()
    ):
        counts.total[figure][key] = counts.total[figure].get(key, 0) + value
        if figure in BY_WEEK:
            counts.weekly[figure][week][key] = value
    return counts
