"""Writes about meetings: schedule (one or all topics at once), move, cancel, answer,
remind; the notes (guarded by a version number, as reflections are), action items and
the plan of open meetings."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from portal.jobs import enqueue

from .. import notices
from ..models import (
    ActionItem,
    Meeting,
    MeetingNotesVersion,
    MeetingResponse,
    Membership,
    OpenMeetingVisit,
    StudyGroup,
    TopicGuide,
)
from ..pages import group_changed
from .common import GroupError, may_schedule, require

REMINDER_BEFORE = timedelta(hours=24)
DURATION_CHOICES = [30, 45, 60, 90, 120, 180]


@dataclass
class MeetingPlan:
    """What a form gives for one meeting."""

    topic: object
    starts_at: datetime
    duration_minutes: int
    place: str = ""
    video_url: str = ""
    agenda: str = ""


def _check_plan(plan: MeetingPlan, *, group: StudyGroup, moving: bool = True) -> None:
    require(plan.topic.module_id == group.module_id, "Choose a topic of the group's module.")
    if moving:
        require(plan.starts_at > timezone.now(), "Choose a time in the future.")
    require(
        15 <= plan.duration_minutes <= 8 * 60, "A meeting lasts between 15 minutes and 8 hours."
    )
    require(
        bool(plan.place.strip() or plan.video_url.strip()),
        "Say where you will meet: a place, a video-call link, or both.",
    )
    if plan.video_url:
        require(
            urlsplit(plan.video_url).scheme == "https",
            "The video-call link must start with https:// (a secure link).",
        )


def _schedule_reminder(meeting: Meeting) -> None:
    """A job for 24 hours before the start; it checks again when it runs, so a moved or
    cancelled meeting sends nothing stale. None when that moment has passed already (the
    notice of the meeting has just gone out)."""
    from ..tasks import send_meeting_reminder

    run_at = meeting.starts_at - REMINDER_BEFORE
    if run_at > timezone.now():
        enqueue(send_meeting_reminder, meeting.pk, meeting.starts_at.isoformat(), run_after=run_at)


@transaction.atomic
def meeting_schedule(*, group: StudyGroup, by: Membership, plan: MeetingPlan) -> Meeting:
    """Schedule the group's meeting on a topic (one per topic): members are told, each with
    a calendar invitation, and a reminder is booked."""
    require(may_schedule(by), "Only the convenor schedules meetings in this group.")
    _check_plan(plan, group=group)
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                group=group,
                topic=plan.topic,
                starts_at=plan.starts_at,
                duration_minutes=plan.duration_minutes,
                ends_at=plan.starts_at + timedelta(minutes=plan.duration_minutes),
                place=plan.place.strip(),
                video_url=plan.video_url.strip(),
                agenda=plan.agenda,
                created_by=by.user,
            )
    except IntegrityError:
        raise GroupError(
            f"The group has a meeting on {plan.topic.breadcrumb_label} already: move that one "
            "instead."
        ) from None
    _schedule_reminder(meeting)
    notices.meeting_changed(meeting, actor=by.user, change="scheduled")
    return meeting


@transaction.atomic
def meetings_schedule_all(
    *, group: StudyGroup, by: Membership, plans: list[MeetingPlan]
) -> list[Meeting]:
    """Schedule several topics' meetings in one go: all of them, or (on any refusal) none."""
    return [meeting_schedule(group=group, by=by, plan=plan) for plan in plans]


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: Membership, plan: MeetingPlan) -> Meeting:
    """Move the meeting or change its details. Every change raises its SEQUENCE; members
    are told (with the updated invitation) and a new reminder is booked for a new time."""
    require(may_schedule(by), "Only the convenor changes meetings in this group.")
    require(not meeting.is_cancelled, "This meeting was cancelled.")
    moved = plan.starts_at != meeting.starts_at
    _check_plan(plan, group=meeting.group, moving=moved)
    fields = {
        "starts_at": plan.starts_at,
        "duration_minutes": plan.duration_minutes,
        "ends_at": plan.starts_at + timedelta(minutes=plan.duration_minutes),
        "place": plan.place.strip(),
        "video_url": plan.video_url.strip(),
        "agenda": plan.agenda,
    }
    if all(getattr(meeting, name) == value for name, value in fields.items()):
        return meeting
    previous_start = meeting.starts_at
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        **fields, sequence=F("sequence") + 1, updated_at=now
    )
    group_changed(meeting.group_id)
    meeting.refresh_from_db()
    if moved:
        _schedule_reminder(meeting)
    notices.meeting_changed(
        meeting,
        actor=by.user,
        change="moved" if moved else "updated",
        previous_start=previous_start if moved else None,
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: Membership) -> Meeting:
    """Cancel: kept (its notes too), shown as cancelled in every calendar."""
    require(may_schedule(by), "Only the convenor cancels meetings in this group.")
    now = timezone.now()
    cancelled = Meeting.objects.filter(pk=meeting.pk, cancelled_at__isnull=True).update(
        cancelled_at=now, cancelled_by=by.user, sequence=F("sequence") + 1, updated_at=now
    )
    require(bool(cancelled), "This meeting was cancelled already.")
    group_changed(meeting.group_id)
    meeting.refresh_from_db()
    notices.meeting_changed(meeting, actor=by.user, change="cancelled")
    return meeting


@transaction.atomic
def meeting_respond(*, meeting: Meeting, membership: Membership, answer: str) -> MeetingResponse:
    require(answer in MeetingResponse.Answer.values, "Choose going, maybe or not going.")
    require(not meeting.is_cancelled, "This meeting was cancelled.")
    response, _ = MeetingResponse.objects.update_or_create(
        meeting=meeting,
        membership=membership,
        defaults={"answer": answer, "updated_at": timezone.now()},
    )
    return response


def meeting_remind(*, meeting_id: int, expected_start: str) -> str:
    """The reminder job: 24 hours before, to those going or undecided. It re-reads the
    meeting and claims the reminder for this start time by a conditional UPDATE, so it
    sends nothing for a meeting that moved or was cancelled, and nothing twice."""
    expected = parse_datetime(expected_start)
    with transaction.atomic():
        claimed = (
            Meeting.objects.filter(
                pk=meeting_id,
                starts_at=expected,
                cancelled_at__isnull=True,
                group__archived_at__isnull=True,
                starts_at__gt=timezone.now(),
            )
            .exclude(reminder_sent_for=expected)
            .update(reminder_sent_for=expected)
        )
        if not claimed:
            return "stale"
        meeting = Meeting.objects.select_related("group", "topic").get(pk=meeting_id)
        not_going = MeetingResponse.objects.filter(
            meeting=meeting, answer=MeetingResponse.Answer.NOT_GOING
        ).values("membership")
        people = list(
            Membership.objects.active()
            .filter(group=meeting.group)
            .exclude(pk__in=not_going)
            .select_related("user")
        )
        return f"sent {notices.meeting_reminder(meeting, people)}"


# --- notes ---------------------------------------------------------------------------


class NotesConflict(GroupError):
    """A save based on an older version of the notes; ``current`` is the meeting now."""

    def __init__(self, message: str, *, current: Meeting):
        super().__init__(message)
        self.current = current


@transaction.atomic
def notes_save(
    *,
    meeting: Meeting,
    by: Membership,
    expected_version: int,
    body: str,
    restored_from: int | None = None,
) -> Meeting:
    """Save the notes as the next version, only if nobody saved since ``expected_version``
    (a conditional UPDATE: no row lock needed, on SQLite or PostgreSQL)."""
    require(not by.is_supervisor, "Members write the notes; supervisors read them.")
    now = timezone.now()
    updated = Meeting.objects.filter(pk=meeting.pk, notes_version=expected_version).update(
        notes=body, notes_version=F("notes_version") + 1, notes_updated_at=now,
        notes_updated_by=by.user,
    )  # fmt: skip
    group_changed(meeting.group_id)
    if not updated:
        current = Meeting.objects.select_related("notes_updated_by").get(pk=meeting.pk)
        who = current.notes_updated_by.get_full_name() if current.notes_updated_by else "someone"
        raise NotesConflict(
            f"Not saved: {who} saved the notes while you were writing (you started from "
            f"version {expected_version}, they are now at version {current.notes_version}).",
            current=current,
        )
    MeetingNotesVersion.objects.create(
        meeting=meeting, number=expected_version + 1, body=body, saved_by=by.user, saved_at=now,
        restored_from=restored_from,
    )  # fmt: skip
    meeting.notes, meeting.notes_version = body, expected_version + 1
    meeting.notes_updated_at, meeting.notes_updated_by = now, by.user
    return meeting


@transaction.atomic
def notes_restore(
    *, meeting: Meeting, by: Membership, number: int, expected_version: int
) -> Meeting:
    """Bring back an older version as a new one; the history is never rewritten."""
    old = meeting.note_versions.get(number=number)
    return notes_save(
        meeting=meeting, by=by, expected_version=expected_version, body=old.body,
        restored_from=number,
    )  # fmt: skip


# --- action items and the plan of open meetings ---------------------------------------


@transaction.atomic
def action_item_add(*, meeting: Meeting, by: Membership, owner: Membership, text: str):
    require(not by.is_supervisor, "Members keep the action items.")
    require(
        owner.group_id == meeting.group_id and owner.is_active and owner.user_id is not None,
        "Choose a member of the group.",
    )
    text = " ".join(text.split())
    require(bool(text), "Say what is to be done.")
    return ActionItem.objects.create(meeting=meeting, owner=owner, text=text, created_by=by.user)


@transaction.atomic
def action_item_set_done(*, item: ActionItem, by: Membership, done: bool) -> ActionItem:
    require(
        item.owner_id == by.pk or by.is_convenor,
        "Only its owner (or the convenor) ticks an action item.",
    )
    item.done_at = timezone.now() if done else None
    ActionItem.objects.filter(pk=item.pk).update(done_at=item.done_at)
    group_changed(item.meeting.group_id)
    return item


@transaction.atomic
def action_item_delete(*, item: ActionItem, by: Membership) -> None:
    require(
        by.is_convenor or item.owner_id == by.pk or item.created_by_id == by.user_id,
        "Only its owner, whoever added it, or the convenor removes an action item.",
    )
    item.delete()


def _plan_allowed(meeting: Meeting) -> bool:
    return TopicGuide.objects.filter(topic_id=meeting.topic_id, open_meeting_plan=True).exists()


@transaction.atomic
def visit_add(
    *, meeting: Meeting, by: Membership, name: str, on: date, place: str, going: bool = True
) -> OpenMeetingVisit:
    require(not by.is_supervisor, "Members plan the open meetings they go to.")
    require(_plan_allowed(meeting), "This meeting has no plan of open meetings.")
    require(on >= timezone.localdate(timezone.now(), by.zone), "Choose today or a later date.")
    visit = OpenMeetingVisit.objects.create(
        meeting=meeting, name=name.strip(), date=on, place=place.strip(), created_by=by.user
    )
    if going:
        visit.attendees.add(by)
    return visit


@transaction.atomic
def visit_set_going(*, visit: OpenMeetingVisit, membership: Membership, going: bool) -> None:
    require(not membership.is_supervisor, "Members plan the open meetings they go to.")
    if going:
        visit.attendees.add(membership)
    else:
        visit.attendees.remove(membership)


@transaction.atomic
def visit_delete(*, visit: OpenMeetingVisit, by: Membership) -> None:
    require(
        by.is_convenor or visit.created_by_id == by.user_id,
        "Only whoever added it, or the convenor, removes an open meeting from the plan.",
    )
    visit.delete()
