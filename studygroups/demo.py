"""The demo study group that ``seed_demo`` adds (idempotent): the demo trainee convenes a
peer group with a demo colleague, and its four topic meetings are scheduled."""

import datetime

from django.db import transaction
from django.utils import timezone

from modules.models import Module
from portal.services import user_create_verified
from topics.models import Topic

from . import services
from .models import MeetingResponse, Membership, StudyGroup

DEMO_MODULE = "psycho-social-interventions"
DEMO_GROUP = "Leeds peer group (demo)"
COLLEAGUE = ("colleague@example.com", "colleague-demo-2026", "Cal Colleague")


def _meeting_times(zone) -> list[datetime.datetime]:
    """18:30 on the next four Tuesdays but one, a fortnight apart, in the trainee's zone."""
    today = timezone.localdate(timezone.now(), zone)
    first = today + datetime.timedelta(days=(1 - today.weekday()) % 7 or 7)
    return [
        datetime.datetime.combine(first + datetime.timedelta(weeks=2 * n), datetime.time(18, 30),
                                  tzinfo=zone)
        for n in range(4)
    ]  # fmt: skip


@transaction.atomic
def seed_demo_group(*, stdout) -> StudyGroup | None:
    from portal.models import User

    module = Module.objects.filter(slug=DEMO_MODULE).first()
    trainee = User.objects.filter(email__iexact="trainee@example.com").first()
    if module is None or trainee is None:
        stdout.write("Demo study group skipped: load the course content first.")
        return None
    email, password, name = COLLEAGUE
    colleague = User.objects.filter(email__iexact=email).first() or user_create_verified(
        email=email, password=password, full_name=name
    )
    group = StudyGroup.objects.active().filter(module=module, name=DEMO_GROUP).first()
    if group is None:
        group = services.group_create(
            user=trainee,
            module=module,
            name=DEMO_GROUP,
            kind=StudyGroup.Kind.PEER,
            description="A demo group: the demo trainee convenes it, with a colleague.",
            prerequisites_confirmed=True,
        )
    services.membership_join(group=group, user=trainee, prerequisites_confirmed=True)
    services.membership_join(group=group, user=colleague, prerequisites_confirmed=True)
    convenor = group.memberships.active().get(role=Membership.Role.CONVENOR)
    taken = set(group.meetings.scheduled().values_list("topic_id", flat=True))
    plans = [
        services.MeetingPlan(
            topic=topic,
            starts_at=at,
            duration_minutes=60,
            place="Training room 2, Leeds Addiction Unit",
            video_url="https://meet.example.org/leeds-peer-group",
            agenda=f"1. What each of us took from {topic.title.lower()}\n2. Practise together\n"
            "3. What we will change in our practice",
        )
        for topic, at in zip(
            Topic.objects.filter(module=module).order_by("number"),
            _meeting_times(trainee.zone),
            strict=False,
        )
        if topic.pk not in taken
    ]
    meetings = services.meetings_schedule_all(group=group, by=convenor, plans=plans)
    colleague_place = group.memberships.active().get(user=colleague)
    for meeting in meetings:
        services.meeting_respond(
            meeting=meeting, membership=colleague_place, answer=MeetingResponse.Answer.GOING
        )
    stdout.write(
        f"Demo study group: “{group}” (join code {group.join_code_display}) with the demo "
        f"trainee and {email} (password: {password}); {group.meetings.scheduled().count()} "
        "meetings."
    )
    return group
