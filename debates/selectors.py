"""Reads for debates: who may moderate, the argument threads, the shift of opinion.

Other apps read debates through these functions (the reflections app uses
``stance_summary``; the studygroups app registers its member source here).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from modules.models import Cohort, Module
from topics.models import Task

from .models import SHORT_POSITION, Argument, DebateTally, Position, Stance


def can_moderate(user, module: Module) -> bool:
    """Tutors of the module and staff moderate its debates (each in the cohorts they
    tutor: ``can_moderate_cohort``) and argue without recording a stance."""
    return user.is_authenticated and (user.is_staff or module.is_tutor(user))


def can_moderate_cohort(user, cohort: Cohort) -> bool:
    """Staff, the module's lead tutors and the cohort's own tutors moderate a cohort's
    debate (hide and restore its arguments)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Cohort.objects.filter(pk=cohort.pk).tutored_by(user).exists()


# --- "my study group" -------------------------------------------------------------------
# Study groups live in an app above this one, so debates cannot import them. The
# studygroups app registers a source of member ids in its AppConfig.ready():
#     register_group_member_source(lambda user, module: <ids of the user's group-mates>)
# Until one is registered the filter does not exist and the debate page offers no such option.

GroupMemberSource = Callable[[object, Module], Iterable[int] | QuerySet]
_group_member_source: GroupMemberSource | None = None


def register_group_member_source(source: GroupMemberSource | None) -> None:
    """Set (or, with None, clear) the function giving the ids of a user's group-mates
    in a module (the user's own id included or not; the filter adds it)."""
    global _group_member_source
    _group_member_source = source


def study_group_filter_available() -> bool:
    return _group_member_source is not None


def filter_for_group_members(queryset: QuerySet, *, user, module: Module) -> QuerySet:
    """Keep the arguments written by the user or by members of the user's study groups
    in this module."""
    if _group_member_source is None:
        raise ImproperlyConfigured("No study-group member source is registered.")
    members = _group_member_source(user, module)
    return queryset.filter(Q(author_id__in=members) | Q(author_id=user.pk))


# --- argument threads -------------------------------------------------------------------

SORTS = {
    "newest": ("Newest first", ["-created_at", "-pk"]),
    "endorsed": ("Most endorsed", ["-endorsement_count", "-created_at", "-pk"]),
}
THREADS_PER_PAGE = 10


def argument_threads(
    *, motion, cohort, user, moderator: bool, sort: str = "newest", side: str = ""
) -> QuerySet:
    """Top-level arguments of the cohort's debate that this user may see, each with its
    visible replies in the cohort prefetched (as ``visible_replies``), endorsement counts
    and whether the user endorsed each."""
    replies = (
        Argument.objects.in_cohort(cohort)
        .visible_to(user, moderator=moderator)
        .with_endorsements_for(user)
        .select_related("author", "hidden_by")
        .order_by("created_at", "pk")
    )
    threads = (
        Argument.objects.on(motion)
        .in_cohort(cohort)
        .top_level()
        .visible_to(user, moderator=moderator)
        .with_endorsements_for(user)
        .select_related("author", "hidden_by")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="visible_replies"))
    )
    if side in Argument.Side.values:
        threads = threads.filter(side=side, is_deleted=False)
    return threads.order_by(*SORTS.get(sort, SORTS["newest"])[1])


def side_counts(*, motion, cohort, user, moderator: bool) -> dict[str, int]:
    """How many top-level arguments of the cohort's debate (that this user may see) are
    on each side."""
    counts = (
        Argument.objects.on(motion)
        .in_cohort(cohort)
        .top_level()
        .visible_to(user, moderator=moderator)
        .aggregate(
            all=Count("pk"),
            for_=Count("pk", filter=Q(side="for", is_deleted=False)),
            against=Count("pk", filter=Q(side="against", is_deleted=False)),
        )
    )
    return {"all": counts["all"], "for": counts["for_"], "against": counts["against"]}


# --- stances and the shift of opinion ---------------------------------------------------


@dataclass
class ShiftRow:
    position: str
    label: str
    before: int
    after: int
    before_pct: int
    after_pct: int


@dataclass
class CohortShift:
    rows: list[ShiftRow] = field(default_factory=list)
    before_total: int = 0
    after_total: int = 0
    both_total: int = 0
    changed: int = 0

    @property
    def has_data(self) -> bool:
        return bool(self.before_total or self.after_total)


def _pct(n: int, total: int) -> int:
    return round(100 * n / total) if total else 0


COUNTED = [f"{phase}_{p}" for phase in ("before", "after") for p in Position.values]


def cohort_shift(motion, cohort) -> CohortShift:
    """The cohort's distribution of stances before and after, and how many changed their
    mind (among those who recorded both): one row, the counters kept on write
    (debates.services), whatever the size of the cohort."""
    tally = DebateTally.objects.filter(motion=motion, cohort=cohort).first() or DebateTally(
        motion=motion
    )
    return _shift(tally)


def module_shift(motion) -> CohortShift:
    """The same counts over every cohort of the module (for tutors and admins): one
    aggregate over the cohorts' counters, never anyone's words."""
    sums = DebateTally.objects.filter(motion=motion).aggregate(
        **{name: Sum(name) for name in [*COUNTED, "both", "changed"]}
    )
    return _shift(DebateTally(motion=motion, **{k: v or 0 for k, v in sums.items()}))


def _shift(tally: DebateTally) -> CohortShift:
    before_total = sum(tally.count("before", value) for value in Position.values)
    after_total = sum(tally.count("after", value) for value in Position.values)
    rows = []
    for value, label in Position.choices:
        before = tally.count("before", value)
        after = tally.count("after", value)
        rows.append(
            ShiftRow(
                position=value,
                label=label,
                before=before,
                after=after,
                before_pct=_pct(before, before_total),
                after_pct=_pct(after, after_total),
            )
        )
    return CohortShift(
        rows=rows,
        before_total=before_total,
        after_total=after_total,
        both_total=tally.both,
        changed=tally.changed,
    )


def personal_shift(before: Stance | None, after: Stance | None) -> str:
    """One sentence: "You moved from undecided (2) to against (4)." (confidence in brackets)."""
    if before is None or after is None:
        return ""
    start = SHORT_POSITION[before.position]
    end = SHORT_POSITION[after.position]
    if before.position != after.position:
        return f"You moved from {start} ({before.confidence}) to {end} ({after.confidence})."
    if after.confidence > before.confidence:
        how = "and became more sure"
    elif after.confidence < before.confidence:
        how = "and became less sure"
    else:
        how = "just as sure as before"
    return f"You stayed {end}, {how} ({before.confidence} to {after.confidence})."


def stance_summary(*, user, task: Task) -> str | None:
    """A short Markdown note of the user's stance before and after the debate of this task,
    for the reflection editor; None when the user recorded no stance (or it is no debate)."""
    if not user.is_authenticated:
        return None
    stances = {
        s.phase: s
        for s in Stance.objects.filter(user=user, motion__task=task).select_related("motion")
    }
    if not stances:
        return None
    motion = next(iter(stances.values())).motion
    lines = [f"On the motion “{motion.statement}”:", ""]
    for phase in (Stance.Phase.BEFORE, Stance.Phase.AFTER):
        stance = stances.get(phase)
        if stance is None:
            lines.append(f"- {phase.label}: not recorded yet")
            continue
        line = f"- {phase.label}: {stance.short_position} (confidence {stance.confidence} of 5)"
        if stance.reason:
            line += f", because: {stance.reason}"
        lines.append(line)
    shift = personal_shift(stances.get("before"), stances.get("after"))
    if shift:
        lines += ["", shift]
    return "\n".join(lines)
