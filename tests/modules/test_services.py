from modules.models import Enrolment
from modules.services import enrolment_create, enrolment_delete
from topics.models import Task, TaskCompletion
from topics.services import task_mark_done, task_mark_undone


def test_enrol_is_idempotent_and_records_confirmation(trainee, content):
    first = enrolment_create(user=trainee, module=content)
    assert first.prerequisites_confirmed_at is None
    again = enrolment_create(user=trainee, module=content, prerequisites_confirmed=True)
    assert again.pk == first.pk
    assert again.prerequisites_confirmed_at is not None
    assert Enrolment.objects.filter(user=trainee).count() == 1


def test_module_completes_with_its_last_task_and_reopens(trainee, content):
    enrolment_create(user=trainee, module=content)
    tasks = list(Task.objects.in_module(content))
    for task in tasks[:-1]:
        task_mark_done(user=trainee, task=task)
    assert Enrolment.objects.get(user=trainee).completed_at is None
    task_mark_done(user=trainee, task=tasks[-1])
    task_mark_done(user=trainee, task=tasks[-1])  # idempotent
    assert Enrolment.objects.get(user=trainee).completed_at is not None
    assert TaskCompletion.objects.filter(user=trainee).count() == len(tasks) == 12
    task_mark_undone(user=trainee, task=tasks[0])
    assert Enrolment.objects.get(user=trainee).completed_at is None


def test_leaving_keeps_completions(trainee, content):
    enrolment_create(user=trainee, module=content)
    task_mark_done(user=trainee, task=Task.objects.in_module(content).first())
    enrolment_delete(user=trainee, module=content)
    assert not Enrolment.objects.filter(user=trainee).exists()
    assert TaskCompletion.objects.filter(user=trainee).count() == 1


def test_participants(trainee, other_trainee, tutor, admin_user, content):
    enrolment_create(user=trainee, module=content)
    assert content.is_participant(trainee)
    assert not content.is_participant(other_trainee)
    assert content.is_participant(tutor)
    assert content.is_tutor(tutor) and not content.is_tutor(trainee)
    assert content.is_participant(admin_user)
