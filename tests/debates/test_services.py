"""The debate's rules, kept by the services whoever calls them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from debates import selectors, services
from debates.models import Argument, Endorsement, ModerationEvent, Stance
from modules.models import Cohort
from topics.models import Task, TaskCompletion


def stance(user, motion, phase="before", position="undecided", confidence=2, reason=""):
    return services.stance_record(
        user=user, motion=motion, phase=phase, position=position, confidence=confidence,
        reason=reason,
    )  # fmt: skip


def test_stance_before_is_kept_and_after_can_change(trainee_in, motion):
    stance(trainee_in, motion, reason="  not\nsure   yet ")
    with pytest.raises(ValidationError, match="already recorded"):
        stance(trainee_in, motion, position="for")
    assert Stance.objects.get(user=trainee_in, phase="before").reason == "not sure yet"
    stance(trainee_in, motion, phase="after", position="for", confidence=3)
    stance(trainee_in, motion, phase="after", position="against", confidence=4)
    after = Stance.objects.get(user=trainee_in, phase="after")
    assert (after.position, after.confidence) == ("against", 4)


def test_stance_after_needs_before_and_values_are_checked(trainee_in, motion):
    with pytest.raises(ValidationError, match="before the debate first"):
        stance(trainee_in, motion, phase="after")
    for bad in [{"confidence": 0}, {"confidence": 6}, {"position": "maybe"}, {"phase": "later"}]:
        with pytest.raises(ValidationError):
            stance(trainee_in, motion, **bad)
    with pytest.raises(ValidationError, match="200 characters"):
        stance(trainee_in, motion, reason="x" * 201)


def test_database_refuses_bad_stances_too(trainee_in, motion):
    with pytest.raises(IntegrityError):
        Stance.objects.create(user=trainee_in, motion=motion, phase="before", position="for",
                              confidence=9)  # fmt: skip


def test_arguing_needs_a_stance_before_but_tutors_need_none(trainee_in, tutor, motion):
    with pytest.raises(ValidationError, match="stance before"):
        services.argument_create(author=trainee_in, motion=motion, side="for", text="Yes.")
    cohort = Cohort.default_for(motion.task.topic.module)  # the cohort the tutor tutors
    services.argument_create(
        author=tutor, motion=motion, cohort=cohort, side="for", text="A tutor's point."
    )


def test_replies_are_one_level_deep_and_carry_no_side(trainee_in, other_trainee, motion, content):
    from modules.services import enrolment_create

    enrolment_create(user=other_trainee, module=content)
    stance(trainee_in, motion)
    stance(other_trainee, motion)
    top = services.argument_create(author=trainee_in, motion=motion, side="for", text="Top.")
    reply = services.argument_create(
        author=other_trainee, motion=motion, parent=top, side="against", text="Reply."
    )
    assert reply.side == "" and reply.parent == top
    with pytest.raises(ValidationError, match="one level"):
        services.argument_create(author=trainee_in, motion=motion, parent=reply, text="Deeper.")
    with pytest.raises(ValidationError, match="for or against"):
        services.argument_create(author=trainee_in, motion=motion, side="", text="No side.")


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Write your argument"), ("   \n  ", "Write your argument"),
     ("x" * 51_200, "limited to 5,000 characters and this one has 51,200")],
)  # fmt: skip
def test_argument_text_limits(trainee_in, motion, text, message):
    stance(trainee_in, motion)
    with pytest.raises(ValidationError, match=message):
        services.argument_create(author=trainee_in, motion=motion, side="for", text=text)
    services.argument_create(author=trainee_in, motion=motion, side="for", text="y" * 5000)


def test_edit_window_is_fifteen_minutes(trainee_in, other_trainee, motion):
    stance(trainee_in, motion)
    argument = services.argument_create(author=trainee_in, motion=motion, side="for", text="A")
    services.argument_edit(argument=argument, by=trainee_in, text="A, better")
    assert argument.edited_at is not None
    with pytest.raises(ValidationError, match="Only the author"):
        services.argument_edit(argument=argument, by=other_trainee, text="Mine now")
    Argument.objects.filter(pk=argument.pk).update(
        created_at=timezone.now() - timedelta(minutes=16)
    )
    argument.refresh_from_db()
    with pytest.raises(ValidationError, match="15 minutes"):
        services.argument_edit(argument=argument, by=trainee_in, text="Too late")
    assert Argument.objects.get(pk=argument.pk).text == "A, better"


def test_delete_keeps_a_placeholder_only_while_there_are_replies(enrolled, motion):
    ada, bo = enrolled(), enrolled()
    stance(ada, motion)
    stance(bo, motion)
    lonely = services.argument_create(author=ada, motion=motion, side="for", text="Alone")
    services.argument_delete(argument=lonely, by=ada)
    assert not Argument.objects.filter(pk=lonely.pk).exists()

    top = services.argument_create(author=ada, motion=motion, side="for", text="Top")
    reply = services.argument_create(author=bo, motion=motion, parent=top, text="Reply")
    services.endorsement_create(argument=top, user=bo)
    with pytest.raises(ValidationError):
        services.argument_delete(argument=top, by=bo)
    services.argument_delete(argument=top, by=ada)
    top.refresh_from_db()
    assert top.is_deleted and top.text == "" and not top.endorsements.exists()
    # the last reply going takes the deleted argument with it
    services.argument_delete(argument=reply, by=bo)
    assert not Argument.objects.filter(pk=top.pk).exists()


def test_endorsements_once_undoable_not_own(enrolled, motion):
    ada, bo = enrolled(), enrolled()
    stance(ada, motion)
    argument = services.argument_create(author=ada, motion=motion, side="for", text="A")
    with pytest.raises(ValidationError, match="own"):
        services.endorsement_create(argument=argument, user=ada)
    with pytest.raises(ValidationError, match="stance before"):
        services.endorsement_create(argument=argument, user=bo)
    stance(bo, motion)
    services.endorsement_create(argument=argument, user=bo)
    services.endorsement_create(argument=argument, user=bo)
    assert Endorsement.objects.filter(argument=argument).count() == 1
    services.endorsement_delete(argument=argument, user=bo)
    assert not Endorsement.objects.exists()


def test_only_tutors_and_staff_hide_and_it_is_recorded(trainee_in, tutor, admin_user, motion):
    stance(trainee_in, motion)
    argument = services.argument_create(author=trainee_in, motion=motion, side="for", text="A")
    with pytest.raises(ValidationError, match="tutors"):
        services.argument_hide(argument=argument, by=trainee_in, reason="mine")
    with pytest.raises(ValidationError, match="Give a reason"):
        services.argument_hide(argument=argument, by=tutor, reason="  ")
    services.argument_hide(argument=argument, by=tutor, reason="Names a client.\nPlease rewrite.")
    argument.refresh_from_db()
    assert argument.hidden_by == tutor and argument.hidden_at is not None
    assert argument.hidden_reason == "Names a client. Please rewrite."
    with pytest.raises(ValidationError):
        services.endorsement_create(argument=argument, user=tutor)
    services.argument_unhide(argument=argument, by=admin_user)
    argument.refresh_from_db()
    assert not argument.is_hidden and argument.hidden_by is None
    events = list(ModerationEvent.objects.order_by("created_at").values_list("action", "moderator"))
    assert events == [("hide", tutor.pk), ("unhide", admin_user.pk)]


def test_both_stances_and_an_argument_complete_the_task(enrolled, motion):
    ada = enrolled()
    task = motion.task
    stance(ada, motion)
    stance(ada, motion, phase="after", position="for", confidence=4)
    assert not TaskCompletion.objects.filter(user=ada, task=task).exists()
    services.argument_create(author=ada, motion=motion, side="for", text="Done now")
    assert TaskCompletion.objects.filter(user=ada, task=task).exists()

    bo = enrolled()  # the other order: argue first, then the stance after completes it
    stance(bo, motion)
    services.argument_create(author=bo, motion=motion, side="against", text="Mine")
    assert not TaskCompletion.objects.filter(user=bo, task=task).exists()
    stance(bo, motion, phase="after")
    assert TaskCompletion.objects.filter(user=bo, task=task).exists()


def test_cohort_shift_counts_and_changed_minds(enrolled, motion):
    people = [enrolled() for _ in range(4)]
    plan = [("undecided", "against"), ("for", "for"), ("against", None), ("for", "undecided")]
    for user, (first, second) in zip(people, plan, strict=True):
        stance(user, motion, position=first)
        if second:
            stance(user, motion, phase="after", position=second)
    shift = selectors.cohort_shift(motion, Cohort.default_for(motion.task.topic.module))
    table = {row.position: (row.before, row.after) for row in shift.rows}
    assert table == {"for": (2, 1), "against": (1, 1), "undecided": (1, 1)}
    assert (shift.before_total, shift.after_total, shift.both_total, shift.changed) == (4, 3, 3, 2)
    assert [row.before_pct for row in shift.rows] == [50, 25, 25]


def test_personal_shift_sentences(trainee_in, motion):
    before = Stance(position="undecided", confidence=2)
    assert (
        selectors.personal_shift(before, Stance(position="against", confidence=4))
        == "You moved from undecided (2) to against (4)."
    )
    assert "stayed undecided, and became more sure (2 to 3)" in selectors.personal_shift(
        before, Stance(position="undecided", confidence=3)
    )
    assert selectors.personal_shift(before, None) == ""


def test_stance_summary_for_the_reflection_editor(trainee_in, motion, content):
    task = motion.task
    assert selectors.stance_summary(user=trainee_in, task=task) is None
    stance(trainee_in, motion, reason="It depends on the person")
    summary = selectors.stance_summary(user=trainee_in, task=task)
    assert "one-to-one basis" in summary
    assert "Before the debate: undecided (confidence 2 of 5), because: It depends" in summary
    assert "After the debate: not recorded yet" in summary
    stance(trainee_in, motion, phase="after", position="against", confidence=4)
    summary = selectors.stance_summary(user=trainee_in, task=task)
    assert summary.endswith("You moved from undecided (2) to against (4).")
    explore = Task.objects.get(topic=task.topic, position=1)
    assert selectors.stance_summary(user=trainee_in, task=explore) is None


def test_study_group_hook_filters_by_registered_members(enrolled, motion):
    ada, bo, cy = enrolled(), enrolled(), enrolled()
    for user in (ada, bo, cy):
        stance(user, motion)
        services.argument_create(author=user, motion=motion, side="for", text=f"By {user}")
    threads = selectors.argument_threads(
        motion=motion,
        cohort=Cohort.default_for(motion.task.topic.module),
        user=ada,
        moderator=False,
    )
    registered = selectors._group_member_source  # the study groups' own, from ready()
    selectors.register_group_member_source(None)
    try:
        assert not selectors.study_group_filter_available()
        with pytest.raises(ImproperlyConfigured):
            selectors.filter_for_group_members(threads, user=ada, module=motion.task.topic.module)
        selectors.register_group_member_source(lambda user, module: [bo.pk])
        assert selectors.study_group_filter_available()
        kept = selectors.filter_for_group_members(
            threads, user=ada, module=motion.task.topic.module
        )
        assert {a.author_id for a in kept} == {ada.pk, bo.pk}
    finally:
        selectors.register_group_member_source(registered)
