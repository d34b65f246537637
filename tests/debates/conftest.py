"""People and a debate to argue in: topic 1's motion of the real module."""

import pytest
from django.urls import reverse

from modules.services import enrolment_create
from topics.models import Motion


@pytest.fixture
def motion(content):
    return Motion.objects.select_related("task__topic__module").get(
        task__topic__module=content, task__topic__number=1
    )


@pytest.fixture
def enrolled(content, make_user):
    """Make an enrolled trainee."""

    def make(**kwargs):
        user = make_user(role="trainee", **kwargs)
        enrolment_create(user=user, module=content)
        return user

    return make


@pytest.fixture
def trainee_in(enrolled):
    return enrolled(name="Ada Trainee")


def debate_path(module, number=1, name="detail", **kwargs) -> str:
    return reverse(
        f"debates:{name}", kwargs={"module_slug": module.slug, "number": number, **kwargs}
    )


def post(client, url, data=None, **extra):
    """POST with the CSRF token the debate page set (clients enforce CSRF checks)."""
    if "csrftoken" not in client.cookies:
        client.get(url.split("/debate/")[0] + "/debate/")
    data = {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    return client.post(url, data, **extra)
