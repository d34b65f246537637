"""Kept pages (portal.pagecache) of a group and of its members follow what the group
and each member do, at once."""

from datetime import timedelta

from django.urls import reverse

from studygroups import services
from tests.kept_pages import keep
from topics.models import Task
from topics.services import task_mark_done

from .conftest import place, plan


def test_a_moved_meeting_reaches_every_members_kept_pages(client_for, group, ann, bob, schedule,
                                                          content):  # fmt: skip
    meeting = schedule(group, 1, place="Room 2")
    bob_client = client_for(bob)
    dashboard, timetable = (
        reverse("dashboard"),
        reverse("topics:timetable", kwargs={"module_slug": content.slug}),
    )
    assert "Room 2" in keep(bob_client, group.get_absolute_url())
    before = keep(bob_client, timetable)
    keep(bob_client, dashboard)
    moved = plan(content, 1, at=meeting.starts_at + timedelta(days=1), place="The library, room 9")
    services.meeting_update(meeting=meeting, by=place(group, ann), plan=moved)
    assert "The library, room 9" in bob_client.get(group.get_absolute_url()).content.decode()
    assert bob_client.get(timetable).content.decode() != before


def test_joining_and_a_members_progress_reach_the_group_page(client_for, group, ann, bob, cat,
                                                             content):  # fmt: skip
    ann_client = client_for(ann)
    url = group.get_absolute_url()
    page = keep(ann_client, url)
    assert "Cat Outsider" not in page
    services.membership_join(group=group, user=cat, prerequisites_confirmed=True)
    page = keep(ann_client, url)
    assert "Cat Outsider" in page
    task = Task.objects.get(topic__module=content, topic__number=1, position=1)
    task_mark_done(user=bob, task=task)
    assert ann_client.get(url).content.decode() != page


def test_leaving_takes_the_group_off_the_leavers_kept_pages(client_for, group, bob):
    bob_client = client_for(bob)
    mine = reverse("studygroups:list")
    assert group.name in keep(bob_client, mine)
    services.membership_leave(membership=place(group, bob))
    assert group.name not in bob_client.get(mine).content.decode()
    assert bob_client.get(group.get_absolute_url()).status_code == 404
