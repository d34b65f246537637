"""People and work for the review tests: module A (the course, tutored by ``tutor``) and a
module B with its own tutor, and reflections submitted in each."""

import pytest
from django.test import Client

from modules.models import ModuleTutor, Tutor
from modules.services import enrolment_create
from reflections.models import ReflectionTemplate
from reflections.services import reflection_create, reflection_submit
from reflections.structures import seed_structures
from tests.factories import make_module
from topics.models import Task


@pytest.fixture
def structures(db):
    seed_structures(ReflectionTemplate)
    return {t.slug: t for t in ReflectionTemplate.objects.all()}


@pytest.fixture
def task(content):
    return Task.objects.select_related("topic__module").get(
        topic__module=content, topic__number=1, position=1
    )


@pytest.fixture
def submitted(trainee, task, structures):
    """A factory: a reflection by ``author`` on ``task``, submitted for review."""

    def make(author=None, *, title="My reflection", body="First **draft**.", on=None, **kw):
        author = author or trainee
        reflection = reflection_create(
            author=author, title=title, body=body, task=on or task, template=structures["free"],
            **kw,
        )  # fmt: skip
        return reflection_submit(reflection=reflection, by=author)

    return make


@pytest.fixture
def module_b(content, make_user):
    """Another module with one topic, one task, its own tutor (``module_b.tutor_user``)."""
    from topics.models import Topic

    module = make_module(slug="module-b", title="Module B")
    topic = Topic.objects.create(module=module, number=1, title="B topic")
    Task.objects.create(topic=topic, position=1, kind="explore", title="B task", instructions=".")
    user = make_user(role="tutor", name="Bea Tutor")
    profile = Tutor.objects.create(name="Bea Tutor", slug="bea", role_line="Tutor", user=user)
    ModuleTutor.objects.create(module=module, tutor=profile, position=1)
    module.tutor_user = user
    return module


@pytest.fixture
def b_reflection(module_b, make_user, structures):
    author = make_user(name="Bob B-Trainee")
    enrolment_create(user=author, module=module_b)
    reflection = reflection_create(
        author=author, title="In module B", task=Task.objects.get(topic__module=module_b),
        template=structures["free"],
    )  # fmt: skip
    return reflection_submit(reflection=reflection, by=author)


@pytest.fixture
def poster():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
