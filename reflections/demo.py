"""Demo reflections that ``seed_demo`` adds (idempotent): a few submitted for review and
waiting for the demo tutor (Dr Gillian Tober's profile), one of them past the module's
turnaround target, so the queue, the header count and the cohort table show something."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from modules.models import Module
from modules.services import enrolment_create
from portal.services import user_create_verified
from topics.models import Task
from topics.services import task_mark_done

from . import services
from .models import Reflection, ReflectionVersion

DEMO_MODULE = "psycho-social-interventions"
DEMO_TRAINEES = [
    # (email, full name): accounts that only write demo work (no password to sign in with)
    ("trainee@example.com", None),
    ("riley.demo@example.com", "Riley Reed"),
    ("sam.demo@example.com", "Sam Okafor"),
]
DEMO_TEXT = (
    "## Description\n\nIn a first appointment I tried the *elicit-provide-elicit* pattern "
    "before giving information about drinking guidelines.\n\n## Evaluation\n\nThe client "
    "(Client A) talked more than usual, and offered their own reasons for cutting down.\n\n"
    "## Action plan\n\n- Use more complex reflections\n- Ask my supervisor to listen to a "
    "recording"
)


@transaction.atomic
def seed_demo_reviews(*, stdout) -> None:
    from portal.models import User

    module = Module.objects.filter(slug=DEMO_MODULE).first()
    if module is None:
        stdout.write("Demo reflections skipped: load the course content first.")
        return
    tasks = list(Task.objects.in_module(module).select_related("topic").order_by(
        "topic__number", "position"))  # fmt: skip
    made = 0
    for n, (email, name) in enumerate(DEMO_TRAINEES):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = user_create_verified(email=email, password=None, full_name=name)
        enrolment_create(user=user, module=module, prerequisites_confirmed=True)
        task = tasks[n]
        for done in tasks[: n + 1]:
            task_mark_done(user=user, task=done)
        title = f"Topic {task.topic.number_word}: {task.title} (demo)"
        if Reflection.objects.filter(author=user, title=title).exists():
            continue
        reflection = services.reflection_create(
            author=user, title=title, task=task, body=DEMO_TEXT, cpd_minutes=45 + 15 * n
        )
        services.reflection_submit(reflection=reflection, by=user)
        # Waiting 9, 3 and 1 days: the first is past the 7-day turnaround target.
        when = timezone.now() - timedelta(days=[9, 3, 1][n])
        Reflection.objects.filter(pk=reflection.pk).update(submitted_at=when)
        ReflectionVersion.objects.filter(reflection=reflection).update(submitted_at=when)
        made += 1
    if made:
        stdout.write(f"Demo reflections: {made} submitted, waiting for the demo tutor.")
