"""A small course whose every figure is worked out by hand (the numbers in the tests).

Weeks (Mondays): W0 = 26 Oct 2026, W1 = 2 Nov, W2 = 9 Nov. Ten trainees: seven enrolled
in W0, three in W1.

- Tasks: all ten did topic 1 task 1; eight did task 2; six did task 3 and topic 2 task 1.
  So two stop at T1.2, two at T1.3, six at T2.2. The six who did all of topic 1 took
  10, 20, 30, 40, 50 and 90 minutes from the first task to the last (median 30, middle
  half 20 to 50); topic 1's tasks are estimated at 15 + 20 + 25 = 60 minutes.
- Topic 1's debate: before, five against and five undecided (confidence 2); after, five
  for and five against (confidence 4): five of ten changed (undecided -> for). Six
  trainees wrote one argument each, five replies between them; a tutor's argument does
  not count.
- Reflections, all written in W1: three drafts, seven submitted; five reviewed (two of
  them after one revision request), two waiting since 5 Nov (past the 7-day target).
  Waits: revisions 1 h and 2 h; reviews 1, 2, 3, 8 and 10 days. Seven rounds: median
  2 days, 90th percentile 10 days, two past the target.
- One study group of the six posters (a convenor and five members). Two meetings held in
  W2: answers going 4 + 4, maybe 1 + 1, not going 1 + 0, so one no-answer (12 places).
  One cancelled meeting and one to come do not count.
- Active: W1 all ten (tasks, stances, reflections); W2 the six (posts, answers).
"""

import datetime

import pytest
from django.utils import timezone

from debates.models import Argument, Stance
from modules.models import Enrolment
from reflections.models import Feedback, Reflection, ReflectionVersion
from studygroups.models import Meeting, MeetingResponse, Membership, StudyGroup
from topics.models import Motion, Task, TaskCompletion

TZ = datetime.UTC
W0 = datetime.date(2026, 10, 26)
W1 = datetime.date(2026, 11, 2)
W2 = datetime.date(2026, 11, 9)


def at(day: int, hour: int = 10, minute: int = 0, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def course(content, make_user, tutor):
    module = content
    tasks = list(
        Task.objects.filter(topic__module=module)
        .select_related("topic")
        .order_by("topic__number", "position")
    )
    for task, minutes in zip(tasks[:3], (15, 20, 25), strict=True):
        task.estimated_minutes = minutes
        task.save(update_fields=["estimated_minutes"])
    trainees = [make_user(name=f"Trainee {i}") for i in range(10)]
    for i, user in enumerate(trainees):
        enrolment = Enrolment.objects.create(user=user, module=module)
        when = at(27, month=10) if i < 7 else at(2)
        Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=when)

    def done(user, task, when):
        row = TaskCompletion.objects.create(user=user, task=task)
        TaskCompletion.objects.filter(pk=row.pk).update(completed_at=when)

    spans = [10, 20, 30, 40, 50, 90]
    for i, user in enumerate(trainees):
        done(user, tasks[0], at(3))
        if i < 8:
            done(user, tasks[1], at(3, 10, 5))
        if i < 6:
            done(user, tasks[2], at(3) + datetime.timedelta(minutes=spans[i]))
            done(user, tasks[3], at(4))

    motion = Motion.objects.get(task__topic__module=module, task__topic__number=1)
    from modules.models import Cohort

    cohort = Cohort.default_for(module)
    for i, user in enumerate(trainees):
        before = "against" if i < 5 else "undecided"
        after = "against" if i < 5 else "for"
        for phase, position, confidence in (("before", before, 2), ("after", after, 4)):
            Stance.objects.create(
                user=user,
                motion=motion,
                phase=phase,
                position=position,
                confidence=confidence,
                cohort=cohort,
            )
    Stance.objects.update(recorded_at=at(5), updated_at=at(5))
    posters = trainees[:6]
    tops = [
        Argument.objects.create(motion=motion, cohort=cohort, author=u, side="for", text="Because.")
        for u in posters
    ]
    for i in range(5):
        Argument.objects.create(
            motion=motion, cohort=cohort, author=posters[i + 1], parent=tops[0], text="Yes."
        )
    Argument.objects.create(
        motion=motion, cohort=cohort, author=tutor, side="against", text="Tutor's view."
    )
    Argument.objects.update(created_at=at(10))

    statuses = ["draft"] * 3 + ["reviewed"] * 5 + ["submitted"] * 2
    review_waits = [1, 2, 3, 8, 10]  # days
    for i, (user, status) in enumerate(zip(trainees, statuses, strict=True)):
        reflection = Reflection.objects.create(
            author=user, module=module, task=tasks[0], title=f"Reflection {i}", body="Text.",
            status=status, created_at=at(4, 9), updated_at=at(4, 9),
        )  # fmt: skip
        if status == "submitted":
            Reflection.objects.filter(pk=reflection.pk).update(submitted_at=at(5))
            ReflectionVersion.objects.create(
                reflection=reflection, number=1, title="R", saved_at=at(5), submitted_at=at(5)
            )
        if status == "reviewed":
            n = i - 3  # 0..4
            first = at(4, 9)
            number = 1
            if n < 2:  # asked for a revision first, answered after 1 h and 2 h
                ReflectionVersion.objects.create(
                    reflection=reflection, number=1, title="R", saved_at=first, submitted_at=first
                )
                Feedback.objects.create(
                    reflection=reflection, tutor=tutor, text="Please add more.", version=1,
                    decision="revision_requested",
                    created_at=first + datetime.timedelta(hours=n + 1),
                )  # fmt: skip
                number = 2
            submitted = at(4, 12)
            ReflectionVersion.objects.create(
                reflection=reflection, number=number, title="R", saved_at=submitted,
                submitted_at=submitted,
            )  # fmt: skip
            Feedback.objects.create(
                reflection=reflection, tutor=tutor, text="Good.", version=number,
                decision="reviewed",
                created_at=submitted + datetime.timedelta(days=review_waits[n]),
            )  # fmt: skip
            Reflection.objects.filter(pk=reflection.pk).update(
                submitted_at=submitted, updated_at=submitted
            )

    group = StudyGroup.objects.create(module=module, name="Peer group", created_by=posters[0])
    members = [
        Membership.objects.create(group=group, user=u, role="convenor" if i == 0 else "member")
        for i, u in enumerate(posters)
    ]
    topics = [tasks[i].topic for i in (0, 3, 6, 9)]  # one meeting per topic
    held = [
        Meeting.objects.create(group=group, topic=t, starts_at=at(d, 18), ends_at=at(d, 19))
        for t, d in ((topics[0], 11), (topics[1], 12))
    ]
    Meeting.objects.create(
        group=group, topic=topics[2], starts_at=at(13, 18), ends_at=at(13, 19), cancelled_at=at(1)
    )
    future = timezone.now() + datetime.timedelta(days=30)
    Meeting.objects.create(
        group=group, topic=topics[3], starts_at=future,
        ends_at=future + datetime.timedelta(hours=1),
    )  # fmt: skip
    answers = [
        ["going", "going", "going", "going", "maybe", "not_going"],
        ["going", "going", "going", "going", "maybe", None],
    ]
    for meeting, row in zip(held, answers, strict=True):
        for member, answer in zip(members, row, strict=True):
            if answer:
                MeetingResponse.objects.create(
                    meeting=meeting, membership=member, answer=answer, updated_at=at(10)
                )
    module.trainees = trainees
    return module
