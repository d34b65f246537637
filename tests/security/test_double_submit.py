"""Finding 6: the same form sent twice (a double click, a resend, requests at the same
moment) makes one thing, and the second answer leads to the first one's result. Two
different forms, or the same form with different words, still make two."""

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse

from notifications.models import Notification
from studygroups.models import ActionItem, GroupComment, OpenMeetingVisit, StudyGroup

from .helpers import browser, post

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def token_on(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    found = TOKEN.findall(response.content.decode())
    assert found, f"no form token on {url}"
    return found[-1]


def _create_url():
    return reverse("studygroups:create") + "?module=psycho-social-interventions"


def _group_form(token, name="Leeds peer group 2"):
    return {"module": "psycho-social-interventions", "name": name, "kind": "peer",
            "description": "", "form_token": token}  # fmt: skip


def test_finding_6_convening_twice_makes_one_group(ann, content):
    client = browser(ann)
    token = token_on(client, _create_url())
    answers = [post(client, _create_url(), _group_form(token)) for _ in range(4)]
    assert StudyGroup.objects.count() == 1
    group = StudyGroup.objects.get()
    assert {a.status_code for a in answers} == {302}
    assert {a["Location"] for a in answers} == {
        reverse("studygroups:schedule", kwargs={"pk": group.pk})
    }


def test_two_renders_of_the_form_make_two_groups(ann, content):
    client = browser(ann)
    for name in ("First group", "Second group"):
        post(client, _create_url(), _group_form(token_on(client, _create_url()), name))
    assert StudyGroup.objects.count() == 2


def test_a_refused_form_can_be_sent_again_with_its_token(ann, content):
    client = browser(ann)
    token = token_on(client, _create_url())
    refused = post(client, _create_url(), _group_form(token, name=""))
    assert refused.status_code == 200 and not StudyGroup.objects.exists()
    post(client, _create_url(), _group_form(token))
    assert StudyGroup.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_finding_6_convening_four_times_at_once_makes_one_group(make_user, content):
    from modules.services import enrolment_create

    person = make_user()
    enrolment_create(user=person, module=content, prerequisites_confirmed=True)
    clients = [browser(person) for _ in range(4)]
    token = token_on(clients[0], _create_url())
    for client in clients:
        client.get("/")
    start = threading.Barrier(len(clients))
    answers = []

    def send(client):
        try:
            start.wait()
            answers.append(post(client, _create_url(), _group_form(token)))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert StudyGroup.objects.count() == 1
    assert [a.status_code for a in answers] == [302] * 4
    assert len({a["Location"] for a in answers}) == 1


def test_finding_6_a_comment_sent_five_times_is_one_comment(ann, bob, group, structures):
    from reflections.services import reflection_create
    from studygroups import services

    reflection = reflection_create(author=ann, title="Shared", body="Text.")
    share = services.reflection_share(
        reflection=reflection, group=group, by=group.memberships.get(user=ann)
    )
    client = browser(bob)
    token = token_on(client, share.get_absolute_url())
    url = reverse("studygroups:comment", args=[group.pk, share.pk])
    notices = Notification.objects.count()
    for _ in range(5):
        response = post(client, url, {"body": "Well put.", "form_token": token})
        assert response.status_code == 302
    assert GroupComment.objects.count() == 1
    assert Notification.objects.count() - notices == 1  # Ann is told once
    # Another comment from the same page (other words) is another comment.
    post(client, url, {"body": "And another thing.", "form_token": token})
    assert GroupComment.objects.count() == 2


def test_finding_6_an_action_item_and_a_visit_sent_twice_are_one(ann, group, schedule):
    meeting = schedule(group, 3)
    client = browser(ann)
    page = client.get(meeting.get_absolute_url()).content.decode()
    tokens = TOKEN.findall(page)
    assert len(tokens) >= 2  # the action item's form and the open meetings' form
    me = group.memberships.get(user=ann)
    url = reverse("studygroups:action_add", args=[group.pk, meeting.pk])
    for _ in range(4):
        post(client, url, {"owner": me.pk, "text": "Practise", "form_token": tokens[0]})
    assert ActionItem.objects.count() == 1
    url = reverse("studygroups:visit_add", args=[group.pk, meeting.pk])
    data = {"name": "AA open meeting", "date": "2099-01-01", "place": "St Mary's",
            "going": "on", "form_token": tokens[-1]}  # fmt: skip
    for _ in range(3):
        post(client, url, data)
    assert OpenMeetingVisit.objects.count() == 1


def test_a_post_without_a_token_still_works(ann, content):
    client = browser(ann)
    data = _group_form("")
    del data["form_token"]
    post(client, _create_url(), data)
    post(client, _create_url(), data)
    assert StudyGroup.objects.count() == 2  # an old page: as before
