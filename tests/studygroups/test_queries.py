"""Each study-group page runs a fixed number of queries, whatever the number of members
(2 or 30) and meetings (1 or 20), answers, comments, action items or shared reflections."""

import pytest
from django.test import Client
from django.urls import reverse

from reflections.services import reflection_create
from studygroups import services
from studygroups.models import Membership
from tests.factories import grow_module
from topics.models import Task
from topics.services import calendar_feed_token_reset

from .conftest import place, supervisor_client

# The page's own queries, plus the session and the user (a supervisor has no user).
QUERIES = {
    "group": 11,
    "group_supervisor": 6,
    "meeting": 10,  # + who goes to each open meeting, on a topic that plans them
    "shared": 6,
    "my_groups": 5,
    "dashboard": 9,
    "overview": 10,
    "task": 11,
    "timetable": 7,
    "feed": 4,
}


def build(content, make_group, trainee_maker, schedule, supervisor_of, *, members, meetings):
    if meetings > 4:
        grow_module(content, extra=meetings - 4)
    people = [trainee_maker() for _ in range(members)]
    group = make_group(*people)
    convenor = place(group, people[0])
    _, link = supervisor_of(group)
    meeting_list = [schedule(group, n) for n in range(1, meetings + 1)]
    for person in people:
        me = place(group, person)
        reflection = reflection_create(author=person, title=f"By {person.full_name}")
        share = services.reflection_share(reflection=reflection, group=group, by=me)
        services.comment_add(share=share, by=convenor, body="Comment")
        for meeting in meeting_list[:3]:
            services.meeting_respond(meeting=meeting, membership=me, answer="going")
            services.action_item_add(meeting=meeting, by=me, owner=me, text="Practise")
    third = meeting_list[2] if meetings >= 3 else None
    if third is not None:
        import datetime

        from django.utils import timezone

        day = timezone.localdate() + datetime.timedelta(days=3)
        for person in people:
            services.visit_add(meeting=third, by=place(group, person), name="AA", on=day, place="X")
    return group, people, meeting_list, link


def count(django_assert_max_num_queries, client, url, limit) -> int:
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize(("members", "meetings"), [(2, 1), (30, 1), (2, 20), (30, 20)])
def test_pages_run_a_fixed_number_of_queries(
    content,
    make_group,
    trainee_maker,
    schedule,
    supervisor_of,
    django_assert_max_num_queries,
    members,
    meetings,
):
    group, people, meeting_list, link = build(
        content,
        make_group,
        trainee_maker,
        schedule,
        supervisor_of,
        members=members,
        meetings=meetings,
    )
    member = people[-1]
    client = Client()
    client.force_login(member)
    meeting = meeting_list[min(2, len(meeting_list) - 1)]
    share = group.shares.filter(reflection__author=member).get()
    task = Task.objects.select_related("topic__module").get(
        topic=meeting.topic, kind=Task.Kind.DISCUSSION
    )
    token = calendar_feed_token_reset(user=member).token
    pages = {
        "group": group.get_absolute_url(),
        "meeting": meeting.get_absolute_url(),
        "shared": share.get_absolute_url(),
        "my_groups": reverse("studygroups:list"),
        "dashboard": reverse("dashboard"),
        "overview": content.get_absolute_url(),
        "task": task.get_absolute_url(),
        "timetable": reverse("topics:timetable", kwargs={"module_slug": content.slug}),
    }
    for name, url in pages.items():
        count(django_assert_max_num_queries, client, url, QUERIES[name])
    feed = reverse("topics:calendar_feed", kwargs={"module_slug": content.slug, "token": token})
    count(django_assert_max_num_queries, Client(), feed, QUERIES["feed"])
    supervisor = supervisor_client(link)
    count(
        django_assert_max_num_queries,
        supervisor,
        group.get_absolute_url(),
        QUERIES["group_supervisor"],
    )
    html = supervisor.get(meeting.get_absolute_url()).content.decode()
    assert html.count("<strong>Going</strong>") >= min(members, 3)
    assert Membership.objects.active().filter(group=group).count() == members + 1
