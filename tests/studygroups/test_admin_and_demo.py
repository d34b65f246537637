"""The admin for groups, memberships, invitations and meetings; the demo group; the
topic guides loaded with the content."""

import io

from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from portal.models import User
from reflections.services import reflection_create
from studygroups import services
from studygroups.models import Meeting, StudyGroup, TopicGuide

from .conftest import place


def test_every_study_group_model_opens_in_the_admin(
    client_for, admin_user, group, ann, bob, schedule, supervisor_of
):
    meeting = schedule(group, 3)
    supervisor, _ = supervisor_of(group)
    services.invitation_send(group=group, by=place(group, ann), email="x@example.org")
    services.meeting_respond(meeting=meeting, membership=place(group, bob), answer="going")
    services.notes_save(meeting=meeting, by=place(group, bob), expected_version=0, body="Notes")
    services.action_item_add(
        meeting=meeting,
        by=place(group, bob),
        owner=place(group, bob),
        text="Go to an open AA meeting",
    )
    share = services.reflection_share(
        reflection=reflection_create(author=bob, title="Mine"), group=group, by=place(group, bob)
    )
    services.comment_add(share=share, by=place(group, ann), body="Good")
    from django.utils import timezone

    services.signoff_add(share=share, by=supervisor, discussed_on=timezone.localdate())
    services.visit_add(
        meeting=meeting, by=place(group, bob), name="AA", place="Hall", on=timezone.localdate()
    )
    client = client_for(admin_user)
    models = [
        m for m in apps.get_app_config("studygroups").get_models() if m in admin.site._registry
    ]
    assert {m.__name__ for m in models} >= {
        "StudyGroup",
        "Membership",
        "Invitation",
        "Meeting",
        "TopicGuide",
        "SharedReflection",
        "GroupComment",
        "SignOff",
        "MeetingNotesVersion",
    }
    for model in models:
        info = (model._meta.app_label, model._meta.model_name)
        obj = model.objects.first()
        assert obj is not None, info
        change = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        assert change.status_code == 200, info
        listing = client.get(reverse("admin:{}_{}_changelist".format(*info)) + "?q=leeds")
        assert listing.status_code == 200, info
    group_page = client.get(reverse("admin:studygroups_studygroup_change", args=[group.pk]))
    html = group_page.content.decode()
    assert "x@example.org" in html and "Dr Sam Supervisor" in html


def test_seed_demo_adds_the_demo_group_once(content):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    group = StudyGroup.objects.get()
    trainee = User.objects.get(email="trainee@example.com")
    assert place(group, trainee).is_convenor
    assert group.memberships.active().count() == 2
    assert Meeting.objects.filter(group=group).count() == 4
    assert "Demo study group" in out.getvalue()
    assert "colleague@example.com" in out.getvalue()


def test_seed_demo_without_content_skips_the_group(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo study group skipped" in out.getvalue()
    assert not StudyGroup.objects.exists()


def test_topic_three_plans_open_meetings(content):
    guide = TopicGuide.objects.get(topic__module=content, topic__number=3)
    assert guide.open_meeting_plan and "Go to an open AA meeting" in guide.suggestions
    assert not TopicGuide.objects.filter(open_meeting_plan=True).exclude(pk=guide.pk).exists()


def test_a_database_loaded_before_study_groups_gets_the_guides(content):
    import importlib

    name = "studygroups.migrations.0002_topic_guides_for_loaded_content"
    migration = importlib.import_module(name)
    TopicGuide.objects.all().delete()
    migration.add_guides(apps, None)
    assert TopicGuide.objects.filter(topic__module=content).count() == 4
    migration.add_guides(apps, None)  # once only
    assert TopicGuide.objects.count() == 4
