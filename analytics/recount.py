"""Counting a module's summaries from the learners' rows: what the worker runs, never a
page. ``recount(module)`` returns every count of every figure, keyed by
(cohort id, week, figure, key); ``services.summaries_refresh`` stores them.

Figures and their keys (week: the trainee's enrolment week unless said otherwise):

- ``funnel``: ``enrolled``; ``task:<id>`` trainees who did that task; ``stop:<id>`` trainees
  whose first task not done (in the course's order) is that one, ``stop:none`` all done;
  ``certificate``.
- ``topic_time``: ``<topic id>:<bucket>`` trainees who did every task of the topic, by the
  minutes from their first to their last task done (``bucket()``).
- ``stance``: ``<motion>:<phase>:<position>``; ``confidence``: ``<motion>:<phase>`` the
  sum of confidences; ``shift``: ``<motion>:<before>:<after>`` trainees with both.
- ``posts``: ``<motion>:arguments``, ``<motion>:replies``, ``<motion>:trainees`` (took
  part: a stance or a post).
- ``reflections`` (week written): ``written``, ``submitted`` (ever), ``reviewed``,
  ``rounds:<0|1|2|3+>`` revision requests on each reflection ever submitted.
- ``turnaround`` (week of the feedback): ``all:<bucket>`` and ``tutor:<user id>:<bucket>``
  minutes from the submission to the feedback; ``over``, ``over:tutor:<id>`` past the
  module's target. ``waiting`` (week submitted): ``waiting``, ``waiting_over`` now.
- ``groups``: ``in_group`` trainees in one of the module's study groups now.
- ``meetings`` (week of the meeting): ``held`` and the members' answers ``going``,
  ``maybe``, ``not_going``, ``no_answer``.
- ``active`` (week of the activity): ``trainees`` who did anything that week.
"""

import datetime
from collections import Counter, defaultdict

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import TruncWeek
from django.utils import timezone

from debates.models import Argument, Stance
from modules.models import Enrolment, Module
from reflections.models import Certificate, Feedback, Reflection, ReflectionVersion
from studygroups.models import Meeting, MeetingResponse, Membership
from topics.models import ChecklistTick, Motion, Task, TaskCompletion

Key = tuple[int | None, datetime.date, str, str]


def week_of(moment: datetime.datetime | datetime.date) -> datetime.date:
    """The Monday of the ISO week ``moment`` falls in, in the portal's time zone."""
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment).date()
    return moment - datetime.timedelta(days=moment.weekday())


def bucket(minutes: float) -> int:
    """A duration in minutes, rounded down to the step that tells it apart: the minute
    under an hour, five minutes under six hours, the hour under a week, then the day.
    Medians and percentiles are exact to that step."""
    minutes = max(0, int(minutes))
    if minutes < 60:
        return minutes
    if minutes < 6 * 60:
        return minutes - minutes % 5
    if minutes < 7 * 24 * 60:
        return minutes - minutes % 60
    return minutes - minutes % (24 * 60)


def percentile(histogram: dict[int, int], share: float) -> int | None:
    """The nearest-rank percentile of a histogram {bucket: count}: the smallest bucket
    with at least ``share`` of the values at or below it (the median is share 0.5)."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, -(-int(share * total * 1000) // 1000))  # ceil without float noise
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None  # pragma: no cover - the loop always reaches the total


def _has_cohorts() -> bool:
    return any(f.name == "cohort" for f in Enrolment._meta.get_fields())


class _Counts:
    def __init__(self) -> None:
        self.values: Counter[Key] = Counter()

    def add(self, cohort, week, figure: str, key: str, n: int = 1) -> None:
        if n:
            self.values[(cohort, week, figure, key)] += n


def recount(module: Module, *, now: datetime.datetime | None = None) -> dict[Key, int]:
    """Every summary count of ``module`` from its learners' rows (a handful of queries,
    whatever the size; rows are read with iterators, not kept)."""
    now = now or timezone.now()
    counts = _Counts()
    fields = ["user_id", "enrolled_at"] + (["cohort_id"] if _has_cohorts() else [])
    trainee_week: dict[int, datetime.date] = {}
    trainee_cohort: dict[int, int | None] = {}
    for row in Enrolment.objects.filter(module=module).values_list(*fields).iterator(5000):
        trainee_week[row[0]] = week_of(row[1])
        trainee_cohort[row[0]] = row[2] if len(row) > 2 else None

    def of(user_id):
        return trainee_cohort.get(user_id), trainee_week.get(user_id)

    _funnel_and_time(module, counts, trainee_week, trainee_cohort)
    _debates(module, counts, of)
    _reflections(module, counts, trainee_cohort, now=now)
    _groups(module, counts, of, now=now)
    _activity(module, counts, trainee_cohort)
    return dict(counts.values)


def _funnel_and_time(module, counts: _Counts, trainee_week, trainee_cohort) -> None:
    tasks = list(
        Task.objects.filter(topic__module=module)
        .order_by("topic__number", "position")
        .values_list("id", "topic_id")
    )
    by_topic: dict[int, list[int]] = defaultdict(list)
    for task_id, topic_id in tasks:
        by_topic[topic_id].append(task_id)
    done: dict[int, dict[int, datetime.datetime]] = defaultdict(dict)
    for user_id, task_id, at in (
        TaskCompletion.objects.filter(task__topic__module=module)
        .values_list("user_id", "task_id", "completed_at")
        .iterator(5000)
    ):
        if user_id in trainee_week:
            done[user_id][task_id] = at
    certified = set(Certificate.objects.filter(module=module).values_list("user_id", flat=True))
    for user_id, week in trainee_week.items():
        cohort = trainee_cohort[user_id]
        mine = done.get(user_id, {})
        counts.add(cohort, week, "funnel", "enrolled")
        for task_id, _topic in tasks:
            if task_id in mine:
                counts.add(cohort, week, "funnel", f"task:{task_id}")
        stop = next((f"stop:{t}" for t, _ in tasks if t not in mine), "stop:none")
        counts.add(cohort, week, "funnel", stop)
        if user_id in certified:
            counts.add(cohort, week, "funnel", "certificate")
        for topic_id, topic_tasks in by_topic.items():
            times = [mine[t] for t in topic_tasks if t in mine]
            if times and len(times) == len(topic_tasks):
                minutes = (max(times) - min(times)).total_seconds() / 60
                counts.add(cohort, week, "topic_time", f"{topic_id}:{bucket(minutes)}")


def _debates(module, counts: _Counts, of) -> None:
    motions = Motion.objects.filter(task__topic__module=module).values_list("id", flat=True)
    motion_ids = list(motions)
    stances: dict[tuple[int, int], dict[str, str]] = defaultdict(dict)
    took_part: set[tuple[int, int]] = set()
    for user_id, motion_id, phase, position, confidence in (
        Stance.objects.filter(motion_id__in=motion_ids)
        .values_list("user_id", "motion_id", "phase", "position", "confidence")
        .iterator(5000)
    ):
        cohort, week = of(user_id)
        if week is None:
            continue  # a tutor or someone who has left: not a trainee of the module
        counts.add(cohort, week, "stance", f"{motion_id}:{phase}:{position}")
        counts.add(cohort, week, "confidence", f"{motion_id}:{phase}", confidence)
        stances[(user_id, motion_id)][phase] = position
        took_part.add((user_id, motion_id))
    for (user_id, motion_id), phases in stances.items():
        if "before" in phases and "after" in phases:
            cohort, week = of(user_id)
            counts.add(cohort, week, "shift", f"{motion_id}:{phases['before']}:{phases['after']}")
    for user_id, motion_id, is_reply in (
        Argument.objects.filter(motion_id__in=motion_ids, is_deleted=False)
        .values_list("author_id", "motion_id", "parent_id")
        .iterator(5000)
    ):
        cohort, week = of(user_id)
        if week is None:
            continue
        kind = "replies" if is_reply else "arguments"
        counts.add(cohort, week, "posts", f"{motion_id}:{kind}")
        took_part.add((user_id, motion_id))
    for user_id, motion_id in took_part:
        cohort, week = of(user_id)
        counts.add(cohort, week, "posts", f"{motion_id}:trainees")


def _week(value) -> datetime.date:
    """A week the database truncated (TruncWeek, in the portal's time zone) as a date:
    an aware datetime through the ORM; through a raw cursor, PostgreSQL's local timestamp
    or SQLite's text."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        return value.date()
    return week_of(value)


def _cohort_of(module, user_field: str):
    """The cohort of the person in ``user_field`` in this module, as an expression; null
    until cohorts exist (issue 21)."""
    if not _has_cohorts():
        return Value(None, output_field=IntegerField())
    return Subquery(
        Enrolment.objects.filter(module=module, user_id=OuterRef(user_field)).values("cohort_id")[
            :1
        ]
    )


def _reflections(module, counts: _Counts, trainee_cohort, *, now) -> None:
    """Counted by the database, grouped by author, week, status and revision requests:
    a row per group, not per reflection."""
    revised = dict(
        Feedback.objects.filter(
            reflection__module=module, decision=Feedback.Decision.REVISION_REQUESTED
        )
        .order_by()
        .values("reflection_id")
        .annotate(n=Count("id"))
        .values_list("reflection_id", "n")
    )
    groups = (
        Reflection.objects.filter(module=module)
        .annotate(week=TruncWeek("created_at"), cohort=_cohort_of(module, "author_id"))
        .order_by()
        .values_list("cohort", "week", "status")
        .annotate(n=Count("id"))
    )
    for cohort, week, status, n in groups:
        week = _week(week)
        counts.add(cohort, week, "reflections", "written", n)
        if status != Reflection.Status.DRAFT:
            counts.add(cohort, week, "reflections", "submitted", n)
            counts.add(cohort, week, "reflections", "rounds:0", n)
        if status == Reflection.Status.REVIEWED:
            counts.add(cohort, week, "reflections", "reviewed", n)
    # The few reflections asked for a revision move from "rounds:0" to their number.
    for pk, author_id, created_at, status in Reflection.objects.filter(
        pk__in=list(revised)
    ).values_list("id", "author_id", "created_at", "status"):
        if status == Reflection.Status.DRAFT:
            continue
        cohort, week, rounds = trainee_cohort.get(author_id), week_of(created_at), revised[pk]
        counts.add(cohort, week, "reflections", "rounds:0", -1)
        counts.add(cohort, week, "reflections", f"rounds:{min(rounds, 3)}{'+' * (rounds >= 3)}")
    target = datetime.timedelta(days=module.turnaround_days)
    for author_id, submitted_at in (
        Reflection.objects.filter(
            module=module, status=Reflection.Status.SUBMITTED, submitted_at__isnull=False
        )
        .values_list("author_id", "submitted_at")
        .iterator(5000)
    ):
        cohort = trainee_cohort.get(author_id)
        waiting_week = week_of(submitted_at)
        counts.add(cohort, waiting_week, "waiting", "waiting")
        if now - submitted_at > target:
            counts.add(cohort, waiting_week, "waiting", "waiting_over")
    versions = {
        (reflection_id, number): at
        for reflection_id, number, at in ReflectionVersion.objects.filter(
            reflection__module=module,
            reflection__feedback__isnull=False,
            submitted_at__isnull=False,
        )
        .distinct()
        .values_list("reflection_id", "number", "submitted_at")
        .iterator(5000)
    }
    for reflection_id, tutor_id, at, version, submitted_at, author_id in (
        Feedback.objects.filter(reflection__module=module)
        .values_list(
            "reflection_id", "tutor_id", "created_at", "version", "reflection__submitted_at",
            "reflection__author_id",
        )
        .iterator(5000)
    ):  # fmt: skip
        # The round began when the version it reviewed was submitted; without versions
        # (rows loaded in bulk), when the reflection was last submitted, if before.
        began = versions.get((reflection_id, version)) or submitted_at
        if began is None or began > at:
            continue
        cohort = trainee_cohort.get(author_id)
        week = week_of(at)
        minutes = bucket((at - began).total_seconds() / 60)
        counts.add(cohort, week, "turnaround", f"all:{minutes}")
        if tutor_id:
            counts.add(cohort, week, "turnaround", f"tutor:{tutor_id}:{minutes}")
        if at - began > target:
            counts.add(cohort, week, "turnaround", "over")
            if tutor_id:
                counts.add(cohort, week, "turnaround", f"over:tutor:{tutor_id}")


def _groups(module, counts: _Counts, of, *, now) -> None:
    people = Membership.objects.active().filter(
        group__module=module, role__in=[Membership.Role.CONVENOR, Membership.Role.MEMBER]
    )
    for user_id in set(people.values_list("user_id", flat=True)):
        cohort, week = of(user_id)
        if week is not None:
            counts.add(cohort, week, "groups", "in_group")
    members = Counter(people.values_list("group_id", flat=True))
    held = dict(
        Meeting.objects.scheduled()
        .filter(group__module=module, starts_at__lt=now)
        .values_list("id", "group_id")
    )
    starts = dict(Meeting.objects.filter(id__in=list(held)).values_list("id", "starts_at"))
    answers: dict[int, Counter] = defaultdict(Counter)
    for meeting_id, answer in MeetingResponse.objects.filter(
        meeting_id__in=list(held), membership__left_at__isnull=True
    ).values_list("meeting_id", "answer"):
        answers[meeting_id][answer] += 1
    for meeting_id, group_id in held.items():
        week = week_of(starts[meeting_id])
        counts.add(None, week, "meetings", "held")
        given = answers[meeting_id]
        for answer in MeetingResponse.Answer.values:
            counts.add(None, week, "meetings", answer, given[answer])
        counts.add(None, week, "meetings", "no_answer", max(0, members[group_id] - given.total()))


def _activity(module, counts: _Counts, trainee_cohort) -> None:
    """A trainee is active in a week when they did a task, ticked a checklist item, wrote
    or submitted a reflection, took a stance, posted in a debate or answered a meeting.
    The database unites each source's (person, week) pairs, distinct, and counts them by
    week: a row per week comes back, whatever the number of trainees."""
    enrolled = Enrolment.objects.filter(module=module).values("user_id")
    sources = (
        (TaskCompletion.objects.filter(task__topic__module=module), "user_id", "completed_at"),
        (
            ChecklistTick.objects.filter(item__resource__task__topic__module=module),
            "user_id",
            "ticked_at",
        ),
        (Reflection.objects.filter(module=module), "author_id", "created_at"),
        (Reflection.objects.filter(module=module), "author_id", "updated_at"),
        (
            ReflectionVersion.objects.filter(reflection__module=module),
            "reflection__author_id",
            "saved_at",
        ),
        (Stance.objects.filter(motion__task__topic__module=module), "user_id", "updated_at"),
        (Argument.objects.filter(motion__task__topic__module=module), "author_id", "created_at"),
        (
            MeetingResponse.objects.filter(meeting__group__module=module),
            "membership__user_id",
            "updated_at",
        ),
    )
    pairs = [
        rows.filter(**{f"{moment}__isnull": False, f"{person}__in": enrolled})
        .annotate(uid=F(person), week=TruncWeek(moment))
        .order_by()
        .values_list("uid", "week")
        for rows, person, moment in sources
    ]
    union = pairs[0].union(*pairs[1:])  # UNION: distinct (person, week) pairs
    sql, params = union.query.sql_with_params()
    if _has_cohorts():
        outer = (
            f"SELECT e.cohort_id, u.week, COUNT(*) FROM ({sql}) u "  # noqa: S608 - ORM SQL
            "JOIN modules_enrolment e ON e.user_id = u.uid AND e.module_id = %s "
            "GROUP BY e.cohort_id, u.week"
        )
        params = (*params, module.pk)
    else:
        outer = f"SELECT NULL, u.week, COUNT(*) FROM ({sql}) u GROUP BY u.week"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        for cohort, week, n in cursor.fetchall():
            counts.add(cohort, _week(week), "active", "trainees", n)
