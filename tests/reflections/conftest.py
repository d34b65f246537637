import pytest
from django.test import Client

from reflections.models import ReflectionTemplate
from reflections.services import reflection_create
from reflections.structures import seed_structures
from topics.models import Task


@pytest.fixture
def structures(db):
    """The three seeded structures. A transactional (browser) test elsewhere may have
    flushed the migration's rows, so they are made again here."""
    seed_structures(ReflectionTemplate)
    return {t.slug: t for t in ReflectionTemplate.objects.all()}


@pytest.fixture
def task(content):
    return Task.objects.select_related("topic__module").get(
        topic__module=content, topic__number=1, position=1
    )


@pytest.fixture
def make_reflection(structures, task):
    def make(author, *, title="My reflection", body="Some **text**.", with_task=True, **kw):
        return reflection_create(
            author=author,
            title=title,
            body=body,
            task=task if with_task else None,
            template=structures["free"],
            **kw,
        )

    return make


@pytest.fixture
def poster():
    """A client without CSRF enforcement, for posting forms (CSRF has its own test)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
