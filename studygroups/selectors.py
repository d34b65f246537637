"""Reads of the study groups, each in a fixed number of queries whatever the number of
members, meetings or shared reflections (tests pin the counts)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from reflections.hooks import SignOff as SignOffNote
from reflections.models import Reflection
from topics.models import TaskCompletion, Topic

from .calendar import meeting_event
from .models import (
    ActionItem,
    Meeting,
    MeetingResponse,
    Membership,
    OpenMeetingVisit,
    SharedReflection,
    SignOff,
    StudyGroup,
)

# --- my groups ---------------------------------------------------------------------


def my_groups(user, *, module=None) -> list[StudyGroup]:
    """The user's groups (of one module, or all), each with ``my_role``, ``people`` and
    its next meeting (``next_meeting_id``, ``next_meeting_at``, ``next_topic``): one query."""
    if not user.is_authenticated:
        return []
    now = timezone.now()
    upcoming = Meeting.objects.upcoming(now).filter(group=OuterRef("pk")).order_by("starts_at")
    groups = (
        StudyGroup.objects.for_member(user)
        .select_related("module")
        .annotate(
            my_role=Subquery(
                Membership.objects.active()
                .filter(group=OuterRef("pk"), user=user)
                .values("role")[:1]
            ),
            people=Subquery(
                Membership.objects.active()
                .filter(group=OuterRef("pk"))
                .order_by()
                .values("group")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            next_meeting_id=Subquery(upcoming.values("pk")[:1]),
            next_meeting_at=Subquery(upcoming.values("starts_at")[:1]),
            next_topic=Subquery(upcoming.values("topic__number")[:1]),
        )
        .order_by("module__position", "module__title", "name", "pk")
    )
    if module is not None:
        groups = groups.filter(module=module)
    return list(groups)


def pending_invitations(user) -> list:
    """Invitations sent to the user's address that are still open (one query)."""
    from .models import Invitation

    return list(
        Invitation.objects.addressed_to(user)
        .pending()
        .filter(group__archived_at__isnull=True)
        .select_related("group__module", "invited_by")
    )


# --- the group page ------------------------------------------------------------------


@dataclass
class MemberProgress:
    membership: Membership
    cells: list[tuple[Topic, int]] = field(default_factory=list)  # (topic, tasks done)
    next_answer: str = ""
    hidden: bool = False

    @property
    def done(self) -> int:
        return sum(n for _, n in self.cells)


def group_topics(group) -> list[Topic]:
    return list(
        Topic.objects.filter(module_id=group.module_id)
        .annotate(task_total=Count("tasks"))
        .order_by("number")
    )


def group_meetings(group, *, viewer_membership) -> list[Meeting]:
    """Every meeting of the group (cancelled ones too), with how many answered each way
    and the viewer's own answer."""
    mine = MeetingResponse.objects.filter(
        meeting=OuterRef("pk"), membership=viewer_membership
    ).values("answer")[:1]
    return list(
        Meeting.objects.filter(group=group)
        .select_related("topic")
        .annotate(
            going=Count("responses", filter=Q(responses__answer="going")),
            maybe=Count("responses", filter=Q(responses__answer="maybe")),
            not_going=Count("responses", filter=Q(responses__answer="not_going")),
            my_answer=Subquery(mine),
        )
        .order_by("starts_at", "pk")
    )


def group_members(group) -> list[Membership]:
    return list(
        Membership.objects.active()
        .filter(group=group)
        .select_related("user")
        .order_by("role", "joined_at", "pk")
    )


def member_progress(
    group, *, members: list[Membership], topics: list[Topic], next_meeting, viewer
) -> list[MemberProgress]:
    """Tasks done per topic for each member with an account, and their answer to the next
    meeting (two queries). A member who hides their progress shows as hidden to others."""
    people = [m for m in members if m.user_id]
    counts: dict[tuple[int, int], int] = {}
    for row in (
        TaskCompletion.objects.filter(
            user_id__in=[m.user_id for m in people], task__topic__module_id=group.module_id
        )
        .values("user_id", "task__topic_id")
        .annotate(n=Count("pk"))
    ):
        counts[(row["user_id"], row["task__topic_id"])] = row["n"]
    answers = {}
    if next_meeting is not None:
        answers = dict(
            MeetingResponse.objects.filter(meeting=next_meeting).values_list(
                "membership_id", "answer"
            )
        )
    labels = dict(MeetingResponse.Answer.choices)
    rows = []
    for member in people:
        hidden = member.progress_hidden and member.pk != viewer.pk
        rows.append(
            MemberProgress(
                membership=member,
                cells=[]
                if hidden
                else [(t, counts.get((member.user_id, t.pk), 0)) for t in topics],
                next_answer=labels.get(answers.get(member.pk), "No answer yet"),
                hidden=hidden,
            )
        )
    return rows


def group_shares(group) -> list[SharedReflection]:
    return list(
        SharedReflection.objects.active()
        .filter(group=group)
        .select_related("reflection__author", "reflection__task__topic")
        .annotate(
            comment_count=Count("comments", distinct=True),
            signoff_count=Count("signoffs", distinct=True),
        )
        .order_by("-shared_at", "-pk")
    )


def shareable_reflections(user, group) -> list[Reflection]:
    """The user's reflections not shared with the group now, for the "share" form."""
    shared = SharedReflection.objects.active().filter(group=group).values("reflection")
    return list(
        Reflection.objects.visible_to(user)
        .exclude(pk__in=shared)
        .select_related("task__topic")
        .only("pk", "title", "task__position", "task__topic__number")
        .order_by("-updated_at")
    )


# --- the meeting page ----------------------------------------------------------------


def meeting_for(group, meeting_id: int) -> Meeting:
    """A meeting of this group (404 for any other), with its topic and the topic's guide."""
    from django.shortcuts import get_object_or_404

    meeting = get_object_or_404(
        Meeting.objects.select_related("topic__study_guide", "notes_updated_by"),
        group=group,
        pk=meeting_id,
    )
    meeting.group = group
    return meeting


def meeting_details(meeting, *, members: list[Membership], me: Membership) -> dict:
    """Answers, action items and the plan of open meetings (four queries)."""
    answers = dict(
        MeetingResponse.objects.filter(meeting=meeting).values_list("membership_id", "answer")
    )
    by_pk = {m.pk: m for m in members}
    items = list(ActionItem.objects.filter(meeting=meeting).order_by("created_at", "pk"))
    items_by_owner: dict[int, list[ActionItem]] = defaultdict(list)
    for item in items:
        item.owner = by_pk.get(item.owner_id) or item.owner
        items_by_owner[item.owner_id].append(item)
    visits = list(
        OpenMeetingVisit.objects.filter(meeting=meeting)
        .prefetch_related(Prefetch("attendees", queryset=Membership.objects.select_related("user")))
        .order_by("date", "pk")
    )
    for visit in visits:
        visit.i_go = any(person.pk == me.pk for person in visit.attendees.all())
    labels = dict(MeetingResponse.Answer.choices)
    for member in members:
        member.answer = answers.get(member.pk, "")
        member.answer_label = labels.get(member.answer, "No answer yet")
        member.items = items_by_owner.get(member.pk, [])
    return {"visits": visits, "items": items}


# --- what other apps show (registered in hooks.py) ------------------------------------


def group_mates(user, module):
    """For the debates' "my study group" filter: ids of the people in the user's groups
    in the module, as a subquery (no query of its own)."""
    return (
        Membership.objects.active()
        .filter(group__in=StudyGroup.objects.for_member(user).filter(module=module))
        .filter(user__isnull=False)
        .values("user_id")
    )


def meeting_deadline(user_id: int):
    """Per topic (``OuterRef("pk")``), the earliest meeting of the user's groups on it."""
    return Subquery(
        Meeting.objects.scheduled()
        .filter(
            topic=OuterRef("pk"),
            group__archived_at__isnull=True,
            group__memberships__user_id=user_id,
            group__memberships__left_at__isnull=True,
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )


def timetable_events(user, module) -> list:
    """The meetings of the user's groups in the module, cancelled ones too (a calendar
    must be told), as timetable events (one query)."""
    meetings = (
        Meeting.objects.filter(group__in=StudyGroup.objects.for_member(user).filter(module=module))
        .select_related("group", "topic")
        .order_by("starts_at", "pk")
    )
    return [meeting_event(meeting) for meeting in meetings]


def signoffs_for(reflection_ids: list[int]) -> dict[int, list[SignOffNote]]:
    """The sign-offs of the given reflections, as the portfolio shows them (one query)."""
    found: dict[int, list[SignOffNote]] = defaultdict(list)
    for signoff in SignOff.objects.filter(reflection_id__in=reflection_ids).order_by(
        "discussed_on", "created_at", "pk"
    ):
        found[signoff.reflection_id].append(
            SignOffNote(
                signed_by=signoff.supervisor_name,
                role="supervisor",
                context=signoff.group_name,
                discussed_on=signoff.discussed_on,
                comment=signoff.comment,
                signed_at=signoff.created_at,
                version=signoff.reflection_version,
            )
        )
    return dict(found)


def task_groups(user, task) -> list[StudyGroup]:
    """For a discussion task: the user's groups in its module, each with ``topic_meeting``
    (its meeting on the task's topic, or None) and ``my_role`` (two queries)."""
    groups = list(
        StudyGroup.objects.for_member(user)
        .filter(module_id=task.topic.module_id)
        .annotate(
            my_role=Subquery(
                Membership.objects.active()
                .filter(group=OuterRef("pk"), user=user)
                .values("role")[:1]
            )
        )
        .prefetch_related(
            Prefetch(
                "meetings",
                queryset=Meeting.objects.scheduled().filter(topic_id=task.topic_id),
                to_attr="topic_meetings",
            )
        )
        .order_by("name", "pk")
    )
    for group in groups:
        group.topic_meeting = group.topic_meetings[0] if group.topic_meetings else None
        if group.topic_meeting is not None:
            group.topic_meeting.group = group
            group.topic_meeting.topic = task.topic
    return groups


def reflection_shares(user, reflection) -> list[StudyGroup]:
    """The user's groups, each with ``share_id``: the reflection's share with it, if it is
    shared there now (one query)."""
    share = SharedReflection.objects.active().filter(group=OuterRef("pk"), reflection=reflection)
    return list(
        StudyGroup.objects.for_member(user)
        .annotate(share_id=Subquery(share.values("pk")[:1]))
        .order_by("name", "pk")
    )
