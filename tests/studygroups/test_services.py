"""The study groups' rules, at the service level."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from modules.models import Enrolment
from notifications.models import Kind, Notification, OutboundEmail
from reflections.services import reflection_create
from studygroups import services
from studygroups.calendar import when
from studygroups.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Invitation,
    Meeting,
    MeetingNotesVersion,
    MeetingResponse,
    Membership,
    SharedReflection,
    StudyGroup,
    normalise_code,
)
from tests.factories import make_module

from .conftest import place, plan


def test_creating_a_group_makes_the_creator_convenor_and_enrols_them(make_user, content):
    newcomer = make_user()
    with pytest.raises(services.GroupError, match="confirm that you have completed"):
        services.group_create(user=newcomer, module=content, name="G", kind="peer")
    assert not StudyGroup.objects.exists()
    group = services.group_create(
        user=newcomer,
        module=content,
        name="  Leeds   ",
        kind="colleague",
        prerequisites_confirmed=True,
    )
    assert group.name == "Leeds"
    assert place(group, newcomer).role == Membership.Role.CONVENOR
    assert Enrolment.objects.get(user=newcomer).prerequisites_confirmed_at is not None
    assert len(group.join_code) == CODE_LENGTH and set(group.join_code) <= set(CODE_ALPHABET)
    assert not set("01OILZ25SB8") & set(CODE_ALPHABET)


def test_codes_are_read_without_regard_to_case_spaces_or_dashes():
    assert normalise_code(" hgav-vtpp ") == "HGAVVTPP"
    assert normalise_code("Hgav Vtpp") == "HGAVVTPP"


def test_joining_is_idempotent_and_notifies_the_convenor(group, ann, bob, cat):
    first = services.membership_join(group=group, user=cat)
    again = services.membership_join(group=group, user=cat)
    assert first.pk == again.pk
    assert group.memberships.active().count() == 3
    joined = Notification.objects.filter(recipient=ann, kind=Kind.GROUP_ACTIVITY)
    assert [n.text for n in joined.filter(text__contains="Cat")] == [
        "Cat Outsider joined your study group “Leeds peer group”."
    ]


def test_a_one_colleague_group_holds_two(make_group, ann, bob, cat):
    group = make_group(ann, bob, kind=StudyGroup.Kind.COLLEAGUE)
    with pytest.raises(services.GroupError, match="two colleagues"):
        services.membership_join(group=group, user=cat)
    assert not group.memberships.filter(user=cat).exists()
    with pytest.raises(services.GroupError, match="two colleagues"):
        services.invitation_send(group=group, by=place(group, ann), email="x@example.org")
    with pytest.raises(services.GroupError, match="Create a supervisor group"):
        services.supervisor_invite(group=group, by=place(group, ann), name="S", email="s@ex.org")
    assert not Invitation.objects.exists()


def test_a_one_colleague_group_counts_a_pending_invitation(make_group, ann, cat):
    group = make_group(ann, kind=StudyGroup.Kind.COLLEAGUE)
    services.invitation_send(group=group, by=place(group, ann), email="first@example.org")
    with pytest.raises(services.GroupError, match="Withdraw the invitation"):
        services.invitation_send(group=group, by=place(group, ann), email="second@example.org")
    # The same address again is a resend, not a second person.
    services.invitation_send(group=group, by=place(group, ann), email="FIRST@example.org")
    assert Invitation.objects.open().count() == 1


def test_invitation_to_an_account_is_a_notice_to_an_address_an_email(group, ann, cat, run_jobs):
    services.invitation_send(group=group, by=place(group, ann), email=cat.email.upper())
    services.invitation_send(group=group, by=place(group, ann), email="new.person@example.org")
    notice = Notification.objects.get(recipient=cat, kind=Kind.INVITATION)
    assert notice.url.startswith("/groups/invite/")
    assert "Ann Convenor invited you" in notice.text
    run_jobs()
    to_new = [m for m in mail.outbox if m.to == ["new.person@example.org"]]
    assert len(to_new) == 1
    assert "/groups/invite/" in to_new[0].body
    assert "create one there with this address" in to_new[0].body
    # Cat's email is the notice's own (at once, by default), carrying the same signed link.
    to_cat = [m for m in mail.outbox if m.to == [cat.email]]
    assert len(to_cat) == 1 and notice.url in to_cat[0].body


def test_an_invitation_is_used_once(group, ann, cat):
    invitation = services.invitation_send(group=group, by=place(group, ann), email=cat.email)
    services.invitation_accept(invitation=invitation, user=cat)
    assert place(group, cat).role == Membership.Role.MEMBER
    with pytest.raises(services.GroupError, match="already been accepted"):
        services.invitation_accept(invitation=invitation, user=cat)
    with pytest.raises(services.GroupError, match="already been accepted"):
        services.invitation_decline(invitation=invitation, user=cat)


def test_an_expired_invitation_saves_nothing(group, ann, cat):
    invitation = services.invitation_send(group=group, by=place(group, ann), email=cat.email)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(services.GroupError, match="expired"):
        services.invitation_accept(invitation=invitation, user=cat)
    assert not group.memberships.filter(user=cat).exists()
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_a_refused_join_leaves_the_invitation_unused(make_group, ann, bob, cat):
    group = make_group(ann, kind=StudyGroup.Kind.COLLEAGUE)
    invitation = services.invitation_send(group=group, by=place(group, ann), email=cat.email)
    services.membership_join(group=group, user=bob)  # the last place goes by the code
    with pytest.raises(services.GroupError, match="two colleagues"):
        services.invitation_accept(invitation=invitation, user=cat)
    assert Invitation.objects.get(pk=invitation.pk).status == "pending"


def test_joining_enrols_with_the_prerequisite_confirmation(group, make_user, content):
    newcomer = make_user()
    with pytest.raises(services.GroupError, match="Talking to People"):
        services.membership_join(group=group, user=newcomer)
    assert not Enrolment.objects.filter(user=newcomer).exists()
    services.membership_join(group=group, user=newcomer, prerequisites_confirmed=True)
    assert Enrolment.objects.get(user=newcomer, module=content).prerequisites_confirmed_at


def test_a_module_without_prerequisites_needs_no_confirmation(make_user):
    module = make_module(slug="plain")
    creator, joiner = make_user(), make_user()
    group = services.group_create(user=creator, module=module, name="G", kind="peer")
    services.membership_join(group=group, user=joiner)
    assert Enrolment.objects.get(user=joiner, module=module).prerequisites_confirmed_at is None


def test_leaving_hands_over_and_the_last_one_out_archives(make_group, ann, bob, cat, supervisor_of):
    group = make_group(ann, bob, cat)
    person, _ = supervisor_of(group)
    invitation = services.invitation_send(group=group, by=place(group, ann), email="x@y.org")
    services.membership_leave(membership=place(group, ann), successor=place(group, cat))
    assert place(group, cat).is_convenor
    assert Notification.objects.filter(recipient=cat, text__contains="now the convenor").exists()
    services.membership_leave(membership=place(group, cat))  # hands on to Bob, the only one
    assert place(group, bob).is_convenor
    assert services.membership_leave(membership=place(group, bob)) is True
    group.refresh_from_db()
    assert group.is_archived and StudyGroup.objects.filter(pk=group.pk).exists()
    person.refresh_from_db()
    assert person.left_at is not None  # the supervisor's link closes with the group
    assert Invitation.objects.get(pk=invitation.pk).status == "withdrawn"


def test_leaving_stops_sharing_the_leavers_reflections(group, bob):
    reflection = reflection_create(author=bob, title="Mine")
    share = services.reflection_share(reflection=reflection, group=group, by=place(group, bob))
    services.membership_leave(membership=place(group, bob))
    share.refresh_from_db()
    assert not share.is_active


def test_only_the_convenor_removes_and_hands_over(group, ann, bob, cat):
    services.membership_join(group=group, user=cat)
    with pytest.raises(services.GroupError, match="Only the convenor"):
        services.membership_remove(membership=place(group, cat), by=place(group, bob))
    with pytest.raises(services.GroupError, match="Leave this group"):
        services.membership_remove(membership=place(group, ann), by=place(group, ann))
    services.membership_remove(membership=place(group, cat), by=place(group, ann))
    assert not group.memberships.active().filter(user=cat).exists()
    assert Notification.objects.filter(recipient=cat, text__contains="no longer a member").exists()
    services.convenor_handover(group=group, by=place(group, ann), to=place(group, bob))
    assert place(group, bob).is_convenor and not place(group, ann).is_convenor


def test_one_convenor_per_group_is_a_database_rule(group, bob):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(group=group, user=bob).update(role="convenor")


def test_a_supervisor_group_has_one_supervisor(make_group, ann, supervisor_of, run_jobs):
    group = make_group(ann, kind=StudyGroup.Kind.SUPERVISOR)
    person, path = supervisor_of(group)
    assert person.user is None and person.link_nonce
    with pytest.raises(services.GroupError, match="has its supervisor already"):
        supervisor_of(group, email="other@example.net")
    # The same address again sends a new link; the old one no longer matches.
    old_nonce = person.link_nonce
    again, new_path = supervisor_of(group)
    assert again.pk == person.pk and again.link_nonce != old_nonce and new_path != path
    run_jobs()
    links = [m for m in mail.outbox if m.to == ["sam.supervisor@example.net"]]
    assert len(links) == 2 and "/groups/supervise/" in links[0].body


# --- meetings -------------------------------------------------------------------------


def test_bad_meetings_save_nothing(group, ann, content):
    by = place(group, ann)
    past = timezone.now() - datetime.timedelta(minutes=5)
    cases = [
        (plan(content, at=past), "in the future"),
        (plan(content, video_url="http://meet.example.org/x"), "https://"),
        (plan(content, place="", video_url=""), "Say where"),
        (plan(content, duration_minutes=5), "between 15 minutes"),
    ]
    for bad, message in cases:
        with pytest.raises(services.GroupError, match=message):
            services.meeting_schedule(group=group, by=by, plan=bad)
    assert not Meeting.objects.exists()
    assert not Notification.objects.filter(kind=Kind.MEETING).exists()


def test_one_meeting_per_topic_and_only_schedulers_schedule(group, ann, bob, content, schedule):
    schedule(group, 1)
    with pytest.raises(services.GroupError, match="has a meeting on Topic One already"):
        schedule(group, 1)
    with pytest.raises(services.GroupError, match="Only the convenor"):
        services.meeting_schedule(group=group, by=place(group, bob), plan=plan(content, 2))
    StudyGroup.objects.filter(pk=group.pk).update(members_can_schedule=True)
    services.meeting_schedule(group=group, by=place(group, bob), plan=plan(content, 2))
    assert group.meetings.count() == 2


def test_scheduling_all_is_all_or_nothing(group, ann, content):
    plans = [plan(content, 1), plan(content, 2, video_url="http://insecure.example.org")]
    with pytest.raises(services.GroupError):
        services.meetings_schedule_all(group=group, by=place(group, ann), plans=plans)
    assert not Meeting.objects.exists()


def test_scheduling_tells_members_with_a_calendar_invitation(group, ann, bob, schedule, run_jobs):
    meeting = schedule(group, 2)
    notice = Notification.objects.get(recipient=bob, kind=Kind.MEETING)
    assert "Ann Convenor scheduled the Leeds peer group meeting on Topic Two" in notice.text
    assert not Notification.objects.filter(recipient=ann, kind=Kind.MEETING).exists()
    run_jobs()
    (email,) = [m for m in mail.outbox if m.to == [bob.email]]
    (name, content, mimetype) = email.attachments[0]
    assert mimetype.startswith("text/calendar")
    assert "METHOD:REQUEST" in content and f"UID:{meeting.ical_uid}" in content
    assert "SEQUENCE:0" in content


def test_moving_raises_the_sequence_and_tells_members(group, bob, ann, schedule, content):
    meeting = schedule(group, 2)
    later = meeting.starts_at + datetime.timedelta(days=2)
    moved = services.meeting_update(
        meeting=meeting, by=place(group, ann), plan=plan(content, 2, at=later)
    )
    assert moved.sequence == 1 and moved.starts_at == later
    assert moved.ends_at == later + datetime.timedelta(hours=1)
    assert Notification.objects.filter(recipient=bob, text__contains="moved").count() == 1
    same = services.meeting_update(
        meeting=moved, by=place(group, ann), plan=plan(content, 2, at=later)
    )
    assert same.sequence == 1  # nothing changed, nothing raised
    services.meeting_update(
        meeting=moved, by=place(group, ann), plan=plan(content, 2, at=later, agenda="New")
    )
    moved.refresh_from_db()
    assert moved.sequence == 2
    services.meeting_cancel(meeting=moved, by=place(group, ann))
    moved.refresh_from_db()
    assert moved.is_cancelled and moved.sequence == 3
    with pytest.raises(services.GroupError, match="cancelled already"):
        services.meeting_cancel(meeting=moved, by=place(group, ann))


def test_a_past_meeting_keeps_its_time_when_its_agenda_changes(group, ann, schedule, content):
    meeting = schedule(group, 1)
    past = timezone.now() - datetime.timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=past, ends_at=past + datetime.timedelta(hours=1)
    )
    meeting.refresh_from_db()
    services.meeting_update(
        meeting=meeting, by=place(group, ann), plan=plan(content, 1, at=past, agenda="Notes")
    )
    meeting.refresh_from_db()
    assert meeting.agenda == "Notes"


def _reminders():
    return Notification.objects.filter(kind=Kind.MEETING, text__startswith="Reminder")


def test_the_reminder_goes_24_hours_before_to_those_going_or_undecided(
    make_group, ann, bob, cat, trainee_maker, schedule, run_jobs, supervisor_of
):
    dan = trainee_maker(name="Dan NotGoing")
    group = make_group(ann, bob, cat, dan)
    supervisor, _ = supervisor_of(group)
    meeting = schedule(group, 1)
    services.meeting_respond(meeting=meeting, membership=place(group, bob), answer="going")
    services.meeting_respond(meeting=meeting, membership=place(group, cat), answer="maybe")
    services.meeting_respond(meeting=meeting, membership=place(group, dan), answer="not_going")
    run_jobs()
    assert not _reminders().exists()
    run_jobs(until=meeting.starts_at - datetime.timedelta(hours=23))
    told = set(_reminders().values_list("recipient__full_name", flat=True))
    assert told == {"Ann Convenor", "Bob Member", "Cat Outsider"}
    to_supervisor = [m.subject for m in mail.outbox if m.to == [supervisor.email]]
    assert any(
        "Reminder: the Leeds peer group meeting on Topic One is tomorrow" in subject
        for subject in to_supervisor
    ), to_supervisor
    # Running the job again (a retry, a second worker) sends nothing twice.
    assert (
        services.meeting_remind(meeting_id=meeting.pk, expected_start=meeting.starts_at.isoformat())
        == "stale"
    )
    assert _reminders().count() == 3


def test_a_moved_or_cancelled_meeting_sends_no_stale_reminder(
    group, ann, bob, schedule, run_jobs, content
):
    meeting = schedule(group, 1)
    first_start = meeting.starts_at
    later = first_start + datetime.timedelta(days=3)
    services.meeting_update(meeting=meeting, by=place(group, ann), plan=plan(content, 1, at=later))
    results = run_jobs(until=first_start - datetime.timedelta(hours=23))
    assert "stale" in [r.return_value for r in results]
    assert not _reminders().exists()
    results = run_jobs(until=later - datetime.timedelta(hours=23))
    assert _reminders().count() == 2  # Ann and Bob, for the new time
    assert when(later, bob.zone) in _reminders().get(recipient=bob).text

    other = schedule(group, 2)
    services.meeting_cancel(meeting=other, by=place(group, ann))
    run_jobs(until=other.starts_at)
    assert not _reminders().filter(text__contains="Topic Two").exists()


def test_no_reminder_job_when_the_meeting_is_within_a_day(group, schedule):
    from django_tasks_db.models import DBTaskResult

    schedule(group, 1, at=timezone.now() + datetime.timedelta(hours=5))
    assert not DBTaskResult.objects.filter(task_path__contains="send_meeting_reminder").exists()


def test_notes_keep_every_version_and_refuse_a_stale_save(group, ann, bob, schedule):
    meeting = schedule(group, 1)
    services.notes_save(meeting=meeting, by=place(group, ann), expected_version=0, body="A")
    with pytest.raises(services.NotesConflict) as refused:
        services.notes_save(meeting=meeting, by=place(group, bob), expected_version=0, body="B")
    assert refused.value.current.notes == "A" and refused.value.current.notes_version == 1
    assert "Ann Convenor saved the notes" in refused.value.message
    services.notes_save(meeting=meeting, by=place(group, bob), expected_version=1, body="A+B")
    services.notes_restore(meeting=meeting, by=place(group, ann), number=1, expected_version=2)
    meeting.refresh_from_db()
    assert meeting.notes == "A" and meeting.notes_version == 3
    versions = list(MeetingNotesVersion.objects.filter(meeting=meeting).order_by("number"))
    assert [(v.number, v.body, v.restored_from) for v in versions] == [
        (1, "A", None),
        (2, "A+B", None),
        (3, "A", 1),
    ]


def test_supervisors_read_notes_but_do_not_write_them(group, schedule, supervisor_of):
    meeting = schedule(group, 1)
    person, _ = supervisor_of(group)
    with pytest.raises(services.GroupError, match="supervisors read them"):
        services.notes_save(meeting=meeting, by=person, expected_version=0, body="x")


def test_action_items_belong_to_members(group, ann, bob, cat, schedule):
    meeting = schedule(group, 1)
    item = services.action_item_add(
        meeting=meeting,
        by=place(group, ann),
        owner=place(group, bob),
        text="  Practise  an open question ",
    )
    assert item.text == "Practise an open question"
    with pytest.raises(services.GroupError, match="Only its owner"):
        services.action_item_set_done(
            item=item, by=services.membership_join(group=group, user=cat), done=True
        )
    services.action_item_set_done(item=item, by=place(group, bob), done=True)
    item.refresh_from_db()
    assert item.is_done


def test_the_open_meeting_plan_is_for_topics_that_ask_for_one(group, ann, bob, schedule):
    first, third = schedule(group, 1), schedule(group, 3)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(services.GroupError, match="no plan"):
        services.visit_add(meeting=first, by=place(group, ann), name="AA", on=tomorrow, place="X")
    visit = services.visit_add(
        meeting=third, by=place(group, ann), name="AA", on=tomorrow, place="X"
    )
    services.visit_set_going(visit=visit, membership=place(group, bob), going=True)
    assert set(visit.attendees.values_list("user__full_name", flat=True)) == {
        "Ann Convenor",
        "Bob Member",
    }
    with pytest.raises(services.GroupError, match="today or a later date"):
        services.visit_add(
            meeting=third,
            by=place(group, ann),
            name="AA",
            place="X",
            on=timezone.localdate() - datetime.timedelta(days=2),
        )


# --- sharing ---------------------------------------------------------------------------


def test_sharing_is_the_authors_and_revocable(group, ann, bob):
    reflection = reflection_create(author=bob, title="On open questions")
    with pytest.raises(services.GroupError, match="only your own"):
        services.reflection_share(reflection=reflection, group=group, by=place(group, ann))
    share = services.reflection_share(reflection=reflection, group=group, by=place(group, bob))
    assert Notification.objects.filter(recipient=ann, text__contains="shared a reflection").exists()
    with pytest.raises(services.GroupError, match="Only the author"):
        services.reflection_unshare(share=share, by=ann)
    services.reflection_unshare(share=share, by=bob)
    share.refresh_from_db()
    assert not share.is_active
    again = services.reflection_share(reflection=reflection, group=group, by=place(group, bob))
    assert again.pk == share.pk and again.is_active
    assert SharedReflection.objects.count() == 1


def test_comments_tell_the_author_and_earlier_commenters(group, ann, bob, cat):
    services.membership_join(group=group, user=cat)
    reflection = reflection_create(author=bob, title="Mine")
    share = services.reflection_share(reflection=reflection, group=group, by=place(group, bob))
    services.comment_add(share=share, by=place(group, ann), body="**Good** point")
    services.comment_add(share=share, by=place(group, cat), body="Agreed")
    to_bob = Notification.objects.filter(recipient=bob, text__contains="commented")
    to_ann = Notification.objects.filter(recipient=ann, text__contains="commented")
    assert to_bob.count() == 2 and to_ann.count() == 1
    assert not Notification.objects.filter(recipient=cat, text__contains="commented").exists()
    with pytest.raises(services.GroupError, match="Write your comment"):
        services.comment_add(share=share, by=place(group, ann), body="   ")


def test_a_supervisor_signs_off_a_shared_reflection(group, bob, ann, supervisor_of):
    person, _ = supervisor_of(group)
    reflection = reflection_create(author=bob, title="Mine")
    share = services.reflection_share(reflection=reflection, group=group, by=place(group, bob))
    today = timezone.localdate()
    with pytest.raises(services.GroupError, match="Only the group's supervisor"):
        services.signoff_add(share=share, by=place(group, ann), discussed_on=today)
    with pytest.raises(services.GroupError, match="future"):
        services.signoff_add(share=share, by=person, discussed_on=today + datetime.timedelta(2))
    with pytest.raises(services.GroupError, match="choose that day or later"):
        services.signoff_add(share=share, by=person, discussed_on=today - datetime.timedelta(9))
    signoff = services.signoff_add(share=share, by=person, discussed_on=today, comment="Well done")
    assert signoff.supervisor_name == "Dr Sam Supervisor" and signoff.reflection_version == 1
    with pytest.raises(services.GroupError, match="already"):
        services.signoff_add(share=share, by=person, discussed_on=today)
    notice = Notification.objects.get(recipient=bob, text__contains="signed off")
    assert "discussed in supervision on" in notice.text
    assert notice.url == reflection.get_absolute_url()


def test_answers_are_one_per_member(group, bob, schedule):
    meeting = schedule(group, 1)
    services.meeting_respond(meeting=meeting, membership=place(group, bob), answer="maybe")
    services.meeting_respond(meeting=meeting, membership=place(group, bob), answer="going")
    assert MeetingResponse.objects.get().answer == "going"
    with pytest.raises(services.GroupError):
        services.meeting_respond(meeting=meeting, membership=place(group, bob), answer="perhaps")


def test_outbound_invitation_email_is_sent_once(group, ann, run_jobs):
    services.invitation_send(group=group, by=place(group, ann), email="once@example.org")
    run_jobs()
    run_jobs()
    assert OutboundEmail.objects.filter(to="once@example.org").count() == 1
    assert len([m for m in mail.outbox if m.to == ["once@example.org"]]) == 1


def test_a_removed_member_comes_back_by_invitation_only(group, ann, bob):
    services.membership_remove(membership=place(group, bob), by=place(group, ann))
    with pytest.raises(services.GroupError, match="ask its convenor for a new invitation"):
        services.membership_join(group=group, user=bob)
    invitation = services.invitation_send(group=group, by=place(group, ann), email=bob.email)
    services.invitation_accept(invitation=invitation, user=bob)
    assert place(group, bob).role == Membership.Role.MEMBER


def test_someone_who_left_may_rejoin_by_code(group, bob):
    services.membership_leave(membership=place(group, bob))
    services.membership_join(group=group, user=bob)
    assert place(group, bob)
