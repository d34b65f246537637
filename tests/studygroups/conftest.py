"""People in study groups, and meetings to hold: plain helpers on top of the services."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from modules.services import enrolment_create
from notifications.models import OutboundEmail
from studygroups import services
from studygroups.access import SESSION_KEY
from studygroups.models import Membership, StudyGroup
from studygroups.tokens import read_supervisor_token
from topics.models import Topic

SOON = datetime.timedelta(days=10)


@pytest.fixture
def trainee_maker(make_user, content):
    """Make a trainee enrolled in the module (prerequisite confirmed)."""

    def make(**kwargs):
        user = make_user(role="trainee", **kwargs)
        enrolment_create(user=user, module=content, prerequisites_confirmed=True)
        return user

    return make


@pytest.fixture
def ann(trainee_maker):
    return trainee_maker(name="Ann Convenor")


@pytest.fixture
def bob(trainee_maker):
    return trainee_maker(name="Bob Member")


@pytest.fixture
def cat(trainee_maker):
    return trainee_maker(name="Cat Outsider")


@pytest.fixture
def make_group(content):
    def make(convenor, *members, kind=StudyGroup.Kind.PEER, name="Leeds peer group", **kwargs):
        group = services.group_create(
            user=convenor,
            module=content,
            name=name,
            kind=kind,
            prerequisites_confirmed=True,
            **kwargs,
        )
        for member in members:
            services.membership_join(group=group, user=member, prerequisites_confirmed=True)
        return group

    return make


@pytest.fixture
def group(make_group, ann, bob):
    """Ann convenes; Bob is a member."""
    return make_group(ann, bob)


def place(group, user) -> Membership:
    return Membership.objects.active().select_related("group", "user").get(group=group, user=user)


def topic(module, number: int) -> Topic:
    return Topic.objects.select_related("module").get(module=module, number=number)


def plan(module, number=1, *, at=None, **kwargs) -> services.MeetingPlan:
    return services.MeetingPlan(
        topic=topic(module, number),
        starts_at=at or (timezone.now() + SOON).replace(microsecond=0),
        duration_minutes=kwargs.pop("duration_minutes", 60),
        place=kwargs.pop("place", "Room 2"),
        **kwargs,
    )


@pytest.fixture
def schedule(content):
    """``schedule(group, number=1, at=None, by=None)``: a meeting of the group on a topic."""

    def make(group, number=1, *, at=None, by=None, **kwargs):
        by = by or group.memberships.active().get(role=Membership.Role.CONVENOR)
        return services.meeting_schedule(
            group=group, by=by, plan=plan(content, number, at=at, **kwargs)
        )

    return make


@pytest.fixture
def supervisor_of(ann):
    """``supervisor_of(group)`` invites a supervisor by email and returns (membership, the
    path of the personal link as emailed)."""

    def make(group, *, name="Dr Sam Supervisor", email="sam.supervisor@example.net"):
        by = group.memberships.active().get(role=Membership.Role.CONVENOR)
        person = services.supervisor_invite(group=group, by=by, name=name, email=email)
        # The path as emailed (a fresh one would differ once the clock has ticked a second).
        sent = OutboundEmail.objects.filter(to=email).latest("pk")
        return person, re.search(r"/groups/supervise/[^\s?]+/", sent.text_body).group(0)

    return make


def supervisor_client(path: str) -> Client:
    """A browser (no account) that has opened the supervisor's link."""
    client = Client(enforce_csrf_checks=True)
    response = client.get(path)
    assert response.status_code == 302, response.status_code
    return client


def grant_for(client, group) -> dict:
    return client.session.get(SESSION_KEY, {}).get(str(group.pk))


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def issued(path: str) -> int:
    return read_supervisor_token(token_of(path))["t"]


def post(client, url, data=None, **extra):
    """POST with the CSRF token (clients enforce CSRF checks): fetch one first if needed."""
    if "csrftoken" not in client.cookies:
        client.get("/")
    data = {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    return client.post(url, data, **extra)
