import pytest
from django.core.exceptions import PermissionDenied

from reflections import services
from reflections.models import Reflection, ReflectionVersion


def test_create_from_task_takes_module_and_structure_headings(trainee, structures, task):
    reflection = services.reflection_create(
        author=trainee, title="On MI", template=structures["gibbs"], task=task
    )
    assert reflection.module == task.topic.module
    assert reflection.version == 1
    for heading in ["Description", "Feelings", "Evaluation", "Analysis", "Conclusion"]:
        assert f"## {heading}" in reflection.body
    assert "## Action plan" in reflection.body
    first = reflection.versions.get()
    assert (first.number, first.kind, first.body) == (1, "created", reflection.body)


def test_what_so_what_now_what_headings(trainee, structures):
    reflection = services.reflection_create(
        author=trainee, title="Free", template=structures["what-so-what-now-what"]
    )
    assert reflection.body.index("## What?") < reflection.body.index("## So what?")
    assert reflection.body.index("## So what?") < reflection.body.index("## Now what?")
    assert reflection.task is None and reflection.module is None


def _save(reflection, by, version, body, **kw):
    return services.reflection_save(
        reflection=reflection,
        by=by,
        expected_version=version,
        title=reflection.title,
        body=body,
        cpd_minutes=30,
        **kw,
    )


def test_save_with_an_old_version_is_refused_and_writes_nothing(trainee, make_reflection):
    reflection = make_reflection(trainee)
    first_tab = Reflection.objects.get(pk=reflection.pk)
    second_tab = Reflection.objects.get(pk=reflection.pk)
    _save(first_tab, trainee, 1, "From the first tab")
    with pytest.raises(services.StaleVersionError) as refused:
        _save(second_tab, trainee, 1, "From the second tab")
    assert refused.value.current.version == 2
    assert "another tab" in refused.value.message
    reflection.refresh_from_db()
    assert reflection.body == "From the first tab"
    assert reflection.version == 2
    assert list(reflection.versions.values_list("number", flat=True)) == [2, 1]


def test_every_save_keeps_a_version_and_autosaves_run_together(trainee, make_reflection):
    reflection = make_reflection(trainee)
    _save(reflection, trainee, 1, "one", autosave=True)
    _save(reflection, trainee, 2, "two", autosave=True)
    _save(reflection, trainee, 3, "three")
    _save(reflection, trainee, 4, "four", autosave=True)
    versions = list(reflection.versions.values_list("number", "kind", "body"))
    assert versions == [
        (5, "autosaved", "four"),
        (4, "saved", "three"),
        (3, "autosaved", "two"),  # the run of autosaves 2-3 is one entry in the history
        (1, "created", "Some **text**."),
    ]


def test_restore_adds_a_new_version_and_keeps_the_history(trainee, make_reflection):
    reflection = make_reflection(trainee, body="original")
    _save(reflection, trainee, 1, "second thoughts")
    services.reflection_restore(reflection=reflection, by=trainee, number=1, expected_version=2)
    reflection.refresh_from_db()
    assert reflection.body == "original"
    assert reflection.version == 3
    latest = reflection.versions.first()
    assert (latest.number, latest.kind, latest.restored_from) == (3, "restored", 1)
    assert latest.label == "Restored from version 1"
    assert reflection.versions.count() == 3
    assert reflection.versions.get(number=2).body == "second thoughts"


def test_restore_on_a_stale_page_is_refused(trainee, make_reflection):
    reflection = make_reflection(trainee)
    _save(reflection, trainee, 1, "newer")
    with pytest.raises(services.StaleVersionError):
        services.reflection_restore(reflection=reflection, by=trainee, number=1, expected_version=1)


def test_submit_makes_it_read_only_and_withdraw_reopens(trainee, make_reflection):
    reflection = make_reflection(trainee)
    services.reflection_submit(reflection=reflection, by=trainee, expected_version=1)
    reflection.refresh_from_db()
    assert reflection.status == Reflection.Status.SUBMITTED
    assert reflection.submitted_at is not None
    with pytest.raises(services.NotEditableError):
        _save(reflection, trainee, 1, "too late")
    with pytest.raises(services.NotEditableError):
        services.reflection_submit(reflection=reflection, by=trainee)
    with pytest.raises(services.NotEditableError):
        services.reflection_delete(reflection=reflection, by=trainee)
    services.reflection_withdraw(reflection=reflection, by=trainee)
    reflection.refresh_from_db()
    assert reflection.status == Reflection.Status.DRAFT
    assert reflection.submitted_at is None
    _save(reflection, trainee, 1, "editable again")


def test_submit_refused_when_text_changed_since_the_page_was_read(trainee, make_reflection):
    reflection = make_reflection(trainee)
    _save(reflection, trainee, 1, "changed in another tab")
    with pytest.raises(services.StaleVersionError):
        services.reflection_submit(reflection=reflection, by=trainee, expected_version=1)
    assert Reflection.objects.get(pk=reflection.pk).status == Reflection.Status.DRAFT


def test_only_the_author_may_write(trainee, other_trainee, make_reflection):
    reflection = make_reflection(trainee)
    with pytest.raises(PermissionDenied):
        _save(reflection, other_trainee, 1, "not mine")
    with pytest.raises(PermissionDenied):
        services.reflection_submit(reflection=reflection, by=other_trainee)
    with pytest.raises(PermissionDenied):
        services.reflection_delete(reflection=reflection, by=other_trainee)
    assert Reflection.objects.get(pk=reflection.pk).body == "Some **text**."


def test_delete_draft_removes_its_versions(trainee, make_reflection):
    reflection = make_reflection(trainee)
    _save(reflection, trainee, 1, "x")
    services.reflection_delete(reflection=reflection, by=trainee)
    assert not Reflection.objects.filter(pk=reflection.pk).exists()
    assert not ReflectionVersion.objects.filter(reflection_id=reflection.pk).exists()
