"""Finding 8: one-line fields (a group's name, a meeting's place, a title...) refuse
control characters with a message beside the field; renaming a group gives its meetings a
new calendar SEQUENCE, so calendars take the new name."""

import pytest
from django.urls import reverse

from studygroups.calendar import meeting_download
from studygroups.models import Meeting, StudyGroup

from .helpers import browser, post

MESSAGE = "Use one line of plain text: no line breaks, tabs or control characters."


@pytest.mark.parametrize(
    "bad", ["Leeds\r\nBcc: x@example.org", "Tab\there", "Bell\x07", "Sep\u2028arated"]
)
def test_a_group_name_with_control_characters_is_refused_beside_the_field(ann, group, bad):
    client = browser(ann)
    response = post(
        client,
        reverse("studygroups:settings", args=[group.pk]),
        {"name": bad, "description": "", "members_can_schedule": "on"},
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    group.refresh_from_db()
    assert group.name == "Leeds peer group"
    created = post(
        client,
        reverse("studygroups:create") + "?module=psycho-social-interventions",
        {"module": "psycho-social-interventions", "name": bad, "kind": "peer"},
    )
    assert MESSAGE in created.content.decode()
    assert StudyGroup.objects.count() == 1


def test_a_meeting_place_with_a_line_break_is_refused(ann, group, content):
    from topics.models import Topic

    topic = Topic.objects.get(module=content, number=1)
    response = post(
        browser(ann),
        reverse("studygroups:meeting_create", args=[group.pk]),
        {"topic": topic.pk, "date": "2099-01-01", "time": "18:00", "duration": "60",
         "place": "Room 2\r\nSUMMARY:spoofed", "video_url": "", "agenda": ""},
    )  # fmt: skip
    assert MESSAGE in response.content.decode()
    assert not Meeting.objects.exists()


def test_names_and_titles_elsewhere_refuse_control_characters(ann, structures):
    client = browser(ann)
    response = post(client, reverse("account"), {"full_name": "Ann\x1bConvenor"})
    assert MESSAGE in response.content.decode()
    response = post(
        client,
        reverse("reflections:new"),
        {"title": "A\x00title", "structure": structures["free"].pk},
    )
    assert MESSAGE in response.content.decode()


def test_plain_text_with_spaces_and_accents_is_fine(ann, group):
    response = post(
        browser(ann),
        reverse("studygroups:settings", args=[group.pk]),
        {"name": "Café group – Leeds", "description": "Line one\nline two",
         "members_can_schedule": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "Café group – Leeds" and group.description == "Line one\nline two"


def test_renaming_a_group_raises_its_meetings_sequence(ann, group, schedule):
    meeting = schedule(group, 1)
    before = meeting.sequence
    response = post(
        browser(ann),
        reverse("studygroups:settings", args=[group.pk]),
        {"name": "Renamed group", "description": "", "members_can_schedule": "on"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.select_related("group", "topic").get(pk=meeting.pk)
    assert meeting.sequence == before + 1
    ics = meeting_download(meeting).decode()
    assert f"SEQUENCE:{before + 1}" in ics and "Renamed group" in ics
    # Saving the settings without a new name leaves calendars alone.
    post(
        browser(ann),
        reverse("studygroups:settings", args=[group.pk]),
        {"name": "Renamed group", "description": "New words", "members_can_schedule": "on"},
    )
    assert Meeting.objects.get(pk=meeting.pk).sequence == before + 1
