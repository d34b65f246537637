"""Findings 4 and 5: invitations and supervisor links are limited per sender and per
address (the portal is no relay for mail), and every limit counts an attempt before it
decides, so attempts sent at once cannot share one count."""

import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from notifications.models import OutboundEmail
from portal import limits
from studygroups.models import Invitation, Membership, StudyGroup
from studygroups.services.common import SENDS_PER_ADDRESS, SENDS_PER_SENDER
from studygroups.views.joining import WRONG_CODES_ALLOWED

from .helpers import browser, post

OUTSIDER = "someone.outside@example.net"


def _mails_to(address: str) -> int:
    return OutboundEmail.objects.filter(to=address).count()


def test_finding_4_resending_an_invitation_to_one_address_stops_at_the_limit(bob, group):
    client = browser(bob)
    answers = [
        post(client, reverse("studygroups:invite", args=[group.pk]), {"email": OUTSIDER})
        for _ in range(20)
    ]
    assert _mails_to(OUTSIDER) == SENDS_PER_ADDRESS
    assert [a.status_code for a in answers].count(302) == SENDS_PER_ADDRESS
    refused = answers[SENDS_PER_ADDRESS]
    assert refused.status_code == 409
    assert "invitations in the last day" in refused.content.decode()
    assert Invitation.objects.filter(email=OUTSIDER).count() == 1


def test_finding_4_resending_says_that_it_resends(bob, group):
    client = browser(bob)
    url = reverse("studygroups:invite", args=[group.pk])
    first = post(client, url, {"email": OUTSIDER}, follow=True).content.decode()
    assert f"Invitation sent to {OUTSIDER}" in first
    again = post(client, url, {"email": OUTSIDER}, follow=True).content.decode()
    assert f"Invitation sent again to {OUTSIDER}" in again and "no longer" in again


def test_finding_4_one_sender_is_limited_across_addresses_and_groups(bob, group, make_group):
    other = make_group(bob, name="Second group")
    client = browser(bob)
    statuses = []
    for n in range(SENDS_PER_SENDER + 5):
        target = group if n % 2 else other
        response = post(
            client,
            reverse("studygroups:invite", args=[target.pk]),
            {"email": f"person{n}@example.net"},
        )
        statuses.append(response.status_code)
    assert statuses.count(302) == SENDS_PER_SENDER
    assert OutboundEmail.objects.filter(to__startswith="person").count() == SENDS_PER_SENDER
    assert "invitations in the last hour" in response.content.decode()


def test_finding_4_supervisor_links_are_limited_too(ann, make_group):
    group = make_group(ann, kind=StudyGroup.Kind.SUPERVISOR, name="Supervision")
    client = browser(ann)
    url = reverse("studygroups:supervisor_invite", args=[group.pk])
    first = post(client, url, {"name": "Dr Sam", "email": OUTSIDER}, follow=True)
    assert "has been sent a personal link" in first.content.decode()
    # Sending to the same address again says that it re-sends.
    again = post(client, url, {"name": "Dr Sam", "email": OUTSIDER}, follow=True)
    assert "A new link has been sent to Dr Sam" in again.content.decode()
    person = Membership.objects.get(group=group, role=Membership.Role.SUPERVISOR)
    resend = reverse("studygroups:supervisor_resend", args=[group.pk, person.pk])
    pages = [post(client, resend, follow=True).content.decode() for _ in range(10)]
    assert _mails_to(OUTSIDER) == SENDS_PER_ADDRESS
    assert "A new link is on its way" in pages[0]
    assert "invitations in the last day" in pages[-1]


def test_a_limit_counts_before_it_decides_and_gives_back_on_release(db):
    first = [limits.attempt("test:key", limit=3, window=60) for _ in range(5)]
    assert [a.allowed for a in first] == [True, True, True, False, False]
    first[0].release()
    assert limits.attempt("test:key", limit=3, window=60).allowed
    assert not limits.attempt("test:key", limit=3, window=60).allowed


def test_a_limit_holds_for_attempts_at_once(db):
    barrier = threading.Barrier(20)
    results = []

    def go():
        barrier.wait()
        results.append(limits.attempt("test:at-once", limit=5, window=60).allowed)

    threads = [threading.Thread(target=go) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 5


@pytest.mark.django_db(transaction=True)
def test_finding_5_wrong_codes_sent_at_once_are_counted_before_the_look_up(
    make_user, content, monkeypatch
):
    person = make_user()
    clients = [browser(person) for _ in range(3 * WRONG_CODES_ALLOWED)]
    for client in clients:
        client.get("/")
    looked_up = []
    active = StudyGroup.objects.active

    def slow_active():
        # Every attempt reaches the look-up before any has finished it.
        looked_up.append(1)
        time.sleep(0.5)
        return active()

    monkeypatch.setattr(StudyGroup.objects, "active", slow_active)
    start = threading.Barrier(len(clients))
    statuses = []

    def attempt(client):
        try:
            start.wait()
            response = client.post(
                reverse("studygroups:join_code"),
                {"code": "WRONG123", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(looked_up) == WRONG_CODES_ALLOWED
    assert statuses.count(400) == WRONG_CODES_ALLOWED
    assert statuses.count(429) == len(clients) - WRONG_CODES_ALLOWED


def test_a_right_code_does_not_count_against_the_limit(ann, group, cat):
    client = browser(cat)
    for _ in range(WRONG_CODES_ALLOWED + 3):
        response = post(client, reverse("studygroups:join_code"), {"code": group.join_code})
        assert response.status_code == 302
