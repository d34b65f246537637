"""Shared fixtures: the real course content, people in each role, signed-in clients."""

import itertools

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client

from portal.services import user_create_verified, user_make_tutor

_counter = itertools.count(1)
PASSWORD = "a-long-test-password-1"


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits and kept pages must not leak from one test into the next.
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def content(db):
    """The Psycho-social interventions module as the fixtures ship it."""
    call_command("load_content", verbosity=0)
    from modules.models import Module

    return Module.objects.get(slug="psycho-social-interventions")


@pytest.fixture
def make_user(db):
    def make(*, email: str | None = None, role: str = "trainee", name: str = "") -> object:
        n = next(_counter)
        email = email or f"{role}{n}@example.org"
        user = user_create_verified(
            email=email,
            password=PASSWORD,
            full_name=name or f"{role.title()} {n}",
            is_staff=role == "admin",
            is_superuser=role == "admin",
        )
        if role == "tutor":
            user_make_tutor(user=user)
        return user

    return make


@pytest.fixture
def trainee(make_user):
    return make_user(role="trainee")


@pytest.fixture
def other_trainee(make_user):
    return make_user(role="trainee")


@pytest.fixture
def tutor(make_user, content):
    """A tutor linked to the module's first Tutor profile."""
    from modules.models import Tutor

    user = make_user(role="tutor")
    Tutor.objects.filter(slug="gillian-tober").update(user=user)
    return user


@pytest.fixture
def admin_user(make_user):
    return make_user(role="admin")


@pytest.fixture
def client_for():
    """A test client signed in as the given user (CSRF checks on)."""

    def make(user) -> Client:
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def run_jobs(db):
    """``run_jobs(until=None)`` runs every queued background job that is due (by ``until``,
    default now) in this process, as ``manage.py db_worker --batch`` would, and returns
    their results. Jobs a run enqueues are run too when they are due."""
    from django.utils import timezone
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    def run(*, until=None) -> list:
        worker = Worker(
            queue_names=["*"], interval=0, batch=True, backend_name="default",
            startup_delay=False, max_tasks=None, worker_id="test-worker",
            excluded_queue_names=[],
        )  # fmt: skip
        results = []
        while True:
            due = (
                DBTaskResult.objects.filter(status="READY").filter(
                    run_after__lte=until or timezone.now()
                )
                | DBTaskResult.objects.ready()
            )
            job = due.order_by("run_after", "enqueued_at").first()
            if job is None:
                return results
            job.claim(worker.worker_id)
            worker.run_task(job)
            job.refresh_from_db()
            results.append(job)

    return run


@pytest.fixture
def worker_process(transactional_db, tmp_path):
    """``worker_process(name, batch=False)`` starts `manage.py db_worker` as a process of
    its own on the test database (console email backend); all are stopped at the end."""
    from tests.jobs import WorkerProcess

    started: list[WorkerProcess] = []

    def start(name: str = "worker-1", **kwargs) -> WorkerProcess:
        worker = WorkerProcess(tmp_path, name, **kwargs)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
