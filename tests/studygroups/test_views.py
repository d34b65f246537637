"""The study groups' pages, as a trainee (and a supervisor) uses them."""

import datetime
import re
import zoneinfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from modules.models import Enrolment
from portal.models import User
from reflections.services import reflection_create
from studygroups import services
from studygroups.models import (
    ActionItem,
    Invitation,
    Meeting,
    MeetingResponse,
    Membership,
    OpenMeetingVisit,
    SharedReflection,
    SignOff,
    StudyGroup,
)
from topics.models import Task, TaskCompletion

from .conftest import place, post, supervisor_client

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def url(name, **kwargs) -> str:
    return reverse(f"studygroups:{name}", kwargs=kwargs)


# --- convening and scheduling ----------------------------------------------------------


def test_convening_a_group_leads_to_scheduling_the_meetings(ann, content):
    client = signed_in(ann)
    page = client.get(url("create") + f"?module={content.slug}")
    assert page.status_code == 200 and "Convene a study group" in text(page)
    bad = post(client, url("create") + f"?module={content.slug}", {"name": " ", "kind": "peer"})
    assert bad.status_code == 200 and "Give the group a name." in text(bad)
    response = post(
        client,
        url("create") + f"?module={content.slug}",
        {"name": "Leeds peer group", "kind": "peer", "description": "We *meet* weekly."},
    )
    group = StudyGroup.objects.get()
    assert response["Location"] == url("schedule", pk=group.pk)
    page = client.get(response["Location"])
    html = text(page)
    assert html.count("<fieldset") == 4
    assert "Arrange your meeting times right away" in html
    assert "Topic Four - The place of brief interventions" in html


def test_a_newcomer_confirms_the_prerequisite_when_convening(make_user, content):
    newcomer = make_user()
    client = signed_in(newcomer)
    form = text(client.get(url("create") + f"?module={content.slug}"))
    assert "I have completed Talking to People elsewhere" in form
    refused = post(client, url("create") + f"?module={content.slug}", {"name": "G", "kind": "peer"})
    assert "Please confirm that you have completed Talking to People" in text(refused)
    assert not StudyGroup.objects.exists()
    post(
        client,
        url("create") + f"?module={content.slug}",
        {"name": "G", "kind": "peer", "confirm_prerequisites": "on"},
    )
    assert Enrolment.objects.filter(user=newcomer, module=content).exists()


def _row(number, day, at="18:30", **extra):
    return {
        f"t{number}_date": day.isoformat(),
        f"t{number}_time": at,
        f"t{number}_duration": "60",
        f"t{number}_place": extra.get("place", "Room 2"),
        f"t{number}_video_url": extra.get("video_url", ""),
        f"t{number}_agenda": extra.get("agenda", ""),
    }


def test_scheduling_all_four_meetings_in_one_form(group, ann, bob):
    client = signed_in(ann)
    days = [TOMORROW + datetime.timedelta(weeks=2 * n) for n in range(4)]
    data = {}
    for n, day in enumerate(days, 1):
        data.update(_row(n, day, agenda=f"Topic {n} agenda"))
    response = post(client, url("schedule", pk=group.pk), data)
    assert response.status_code == 302
    meetings = list(Meeting.objects.order_by("topic__number"))
    assert [timezone.localtime(m.starts_at, ann.zone).date() for m in meetings] == days
    assert all(
        timezone.localtime(m.starts_at, ann.zone).time() == datetime.time(18, 30) for m in meetings
    )
    page = text(client.get(response["Location"], follow=True))
    assert "4 meetings scheduled" in page
    # Everything is scheduled: the page now says so instead of offering the form.
    again = client.get(url("schedule", pk=group.pk))
    assert again.status_code == 302


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (_row(2, TOMORROW - datetime.timedelta(days=2)), "Choose a time in the future"),
        (_row(2, TOMORROW, video_url="http://meet.example.org/x"), "must start with https://"),
        (_row(2, TOMORROW, place=""), "Say where you will meet"),
        ({"t2_place": "Room 2", "t2_date": "", "t2_time": ""}, "Give the date, or leave"),
        ({"t2_date": "31/02/2027", "t2_time": "18:30", "t2_place": "X"}, "Enter a date"),
        ({}, "Fill in at least one meeting"),
    ],
)
def test_bad_rows_get_a_message_and_save_nothing(group, ann, row, message):
    good = _row(1, TOMORROW + datetime.timedelta(days=7))
    data = {**(good if row else {}), **row}
    response = post(signed_in(ann), url("schedule", pk=group.pk), data)
    assert response.status_code == 400
    html = text(response)
    assert message in html
    assert not Meeting.objects.exists()
    if row:
        assert 'value="Room 2"' in html  # what was typed is kept


def test_times_are_typed_in_the_persons_own_time_zone(group, ann, bob):
    User.objects.filter(pk=ann.pk).update(time_zone="America/New_York")
    ann.refresh_from_db()
    day = datetime.date(timezone.localdate().year + 1, 1, 15)  # winter: EST and GMT
    post(signed_in(ann), url("schedule", pk=group.pk), _row(1, day))
    meeting = Meeting.objects.get()
    assert meeting.starts_at == datetime.datetime.combine(
        day, datetime.time(23, 30), tzinfo=datetime.UTC
    )
    html = text(signed_in(ann).get(meeting.get_absolute_url()))
    assert f"{day:%A} 15 January {day.year}, 18:30 EST" in html
    html = text(signed_in(bob).get(meeting.get_absolute_url()))
    assert f"{day:%A} 15 January {day.year}, 23:30 GMT" in html  # Bob reads it in London time


def test_a_time_the_clocks_skip_is_refused(group, ann):
    spring = datetime.date(2030, 3, 31)  # Europe/London goes forward at 01:00
    response = post(signed_in(ann), url("schedule", pk=group.pk), _row(1, spring, at="01:30"))
    assert response.status_code == 400
    assert "That time does not exist in Europe/London" in text(response)


def test_one_meeting_moved_and_cancelled_through_its_pages(group, ann, bob, schedule):
    meeting = schedule(group, 2)
    client = signed_in(ann)
    form = text(client.get(url("meeting_edit", pk=group.pk, meeting=meeting.pk)))
    local = timezone.localtime(meeting.starts_at, ann.zone)
    assert f'value="{local:%Y-%m-%d}"' in form
    later = local + datetime.timedelta(days=1)
    data = {
        "date": f"{later:%Y-%m-%d}",
        "time": "19:15",
        "duration": "90",
        "place": "Café",
        "video_url": "meet.example.org/abc",
        "agenda": "1. Go",
    }
    response = post(client, url("meeting_edit", pk=group.pk, meeting=meeting.pk), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.video_url == "https://meet.example.org/abc"
    assert timezone.localtime(meeting.starts_at, ann.zone).time() == datetime.time(19, 15)
    cancel = client.get(url("meeting_cancel", pk=group.pk, meeting=meeting.pk))
    assert "Cancel the Topic Two meeting?" in text(cancel)
    post(client, url("meeting_cancel", pk=group.pk, meeting=meeting.pk))
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    page = text(client.get(group.get_absolute_url()))
    assert "Cancelled meetings (1)" in page
    assert "No meeting yet." in page  # Topic Two may be scheduled again


def test_a_member_may_not_schedule_unless_the_group_allows(group, bob):
    client = signed_in(bob)
    response = client.get(url("schedule", pk=group.pk), follow=True)
    assert "Only the convenor schedules" in text(response)
    StudyGroup.objects.filter(pk=group.pk).update(members_can_schedule=True)
    assert client.get(url("schedule", pk=group.pk)).status_code == 200


# --- joining ---------------------------------------------------------------------------


def test_joining_by_code_is_case_insensitive(group, cat):
    client = signed_in(cat)
    code = group.join_code_display.lower()
    response = post(client, url("join_code"), {"code": f"  {code} "})
    assert response["Location"] == url("join", token=group.join_token)
    page = text(client.get(response["Location"]))
    assert "Join “Leeds peer group”" in page and "convened by Ann Convenor" in page
    post(client, url("join", token=group.join_token), {})
    assert place(group, cat).role == Membership.Role.MEMBER


def test_wrong_codes_are_limited_per_person(group, cat, bob):
    client = signed_in(cat)
    for _ in range(10):
        response = post(client, url("join_code"), {"code": "AAAA-AAAA"})
        assert response.status_code == 400
        assert "No group has that code" in text(response)
    blocked = post(client, url("join_code"), {"code": group.join_code})
    assert blocked.status_code == 429
    assert "Too many wrong codes" in text(blocked)
    # Another person is not held back by Cat's guesses.
    assert post(signed_in(bob), url("join_code"), {"code": group.join_code}).status_code == 302


def test_a_new_code_and_link_void_the_old_ones(group, ann, cat):
    old_code, old_token = group.join_code, group.join_token
    response = post(signed_in(ann), url("regenerate_code", pk=group.pk), follow=True)
    group.refresh_from_db()
    assert group.join_code != old_code and group.join_token != old_token
    assert f"The new join code is {group.join_code_display}" in text(response)
    client = signed_in(cat)
    assert post(client, url("join_code"), {"code": old_code}).status_code == 400
    assert client.get(url("join", token=old_token)).status_code == 404
    assert (
        post(
            signed_in(group.memberships.get(role="member").user),
            url("regenerate_code", pk=group.pk),
        ).status_code
        == 302
    )
    assert StudyGroup.objects.get(pk=group.pk).join_code == group.join_code  # a member cannot


def test_a_full_one_colleague_group_says_so(make_group, ann, bob, cat):
    group = make_group(ann, bob, kind=StudyGroup.Kind.COLLEAGUE)
    response = post(signed_in(cat), url("join", token=group.join_token), {})
    assert response.status_code == 409
    assert "This group is for two colleagues and it already has both." in text(response)
    assert not group.memberships.filter(user=cat).exists()


def test_the_join_page_asks_a_newcomer_to_confirm_the_prerequisite(group, make_user):
    newcomer = make_user()
    client = signed_in(newcomer)
    assert "I have completed Talking to People elsewhere" in text(
        client.get(url("join", token=group.join_token))
    )
    refused = post(client, url("join", token=group.join_token), {})
    assert refused.status_code == 400 and "Please confirm" in text(refused)
    post(client, url("join", token=group.join_token), {"confirm_prerequisites": "on"})
    assert place(group, newcomer)


def test_the_answer_to_an_invitation_never_tells_whether_an_address_has_an_account(group, ann, cat):
    client = signed_in(ann)
    answers = []
    for email in (cat.email, "nobody.here@example.org"):
        response = post(client, url("invite", pk=group.pk), {"email": email}, follow=True)
        messages = [str(m) for m in response.context["messages"]]
        answers.append([m.replace(email, "<address>") for m in messages])
    said = "Invitation sent to <address>. Its link works once, for 14 days."
    assert answers[0] == answers[1] == [said]


def test_a_bad_address_keeps_what_was_typed(group, ann):
    response = post(signed_in(ann), url("invite", pk=group.pk), {"email": "not-an-address"})
    assert response.status_code == 400
    assert "Enter an email address" in text(response) and 'value="not-an-address"' in text(response)
    assert not Invitation.objects.exists()


def _invitation_link(invitation) -> str:
    return services.invitation_path(invitation)


def test_an_invitation_to_a_new_address_offers_sign_up_then_joins(group, ann, run_jobs):
    services.invitation_send(group=group, by=place(group, ann), email="newbie@example.org")
    run_jobs()
    (email,) = [m for m in mail.outbox if m.to == ["newbie@example.org"]]
    path = re.search(r"https?://[^/\s]+(/groups/invite/\S+)", email.body).group(1)
    landing = Client().get(path)
    html = text(landing)
    assert landing.status_code == 200
    assert "Sign in to accept" in html and "Create an account to accept" in html
    assert f"?next={path.replace(':', '%3A')}" in html or "next=" in html
    # The newcomer signs up with that address (verified), then opens the link again.
    newbie = User.objects.create_user(email="newbie@example.org", password="x-long-password-1")
    client = signed_in(newbie)
    page = client.get(path)
    assert page.status_code == 200 and "Accept and join" in text(page)
    invitation = Invitation.objects.get(email="newbie@example.org")
    post(
        client,
        url("invitation", pk=invitation.pk),
        {"action": "accept", "confirm_prerequisites": "on"},
    )
    assert place(group, newbie).role == Membership.Role.MEMBER
    used = client.get(path)
    assert used.status_code == 410 and "each invitation link works once" in text(used)


def test_a_signed_in_invitee_sees_the_invitation_on_the_dashboard(group, ann, cat):
    invitation = services.invitation_send(group=group, by=place(group, ann), email=cat.email)
    client = signed_in(cat)
    html = text(client.get(reverse("dashboard")))
    assert "Ann Convenor invites you to" in html and invitation.get_absolute_url() in html
    post(client, url("invitation", pk=invitation.pk), {"action": "decline"})
    assert Invitation.objects.get(pk=invitation.pk).status == "declined"
    assert "invites you to" not in text(client.get(reverse("dashboard")))


def test_expired_and_replaced_invitation_links_say_so(group, ann, cat, monkeypatch):
    invitation = services.invitation_send(group=group, by=place(group, ann), email=cat.email)
    path = _invitation_link(invitation)
    client = signed_in(cat)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    expired = client.get(path)
    assert expired.status_code == 410 and "This invitation has expired" in text(expired)
    page = client.get(invitation.get_absolute_url())
    assert "This invitation has expired" in text(page)
    refused = post(client, url("invitation", pk=invitation.pk), {"action": "accept"})
    assert refused.status_code == 409 and "expired" in text(refused)
    assert not group.memberships.filter(user=cat).exists()
    # A link older than 14 days fails its signature check, whatever the row says.
    monkeypatch.setattr("studygroups.tokens.INVITATION_VALID_FOR", datetime.timedelta(seconds=-1))
    old = client.get(path)
    assert old.status_code == 410 and "Invitations last 14 days" in text(old)
    monkeypatch.undo()
    renewed = services.invitation_send(group=group, by=place(group, ann), email=cat.email)
    assert renewed.pk == invitation.pk
    replaced = client.get(path)
    assert replaced.status_code == 410 and "has been replaced" in text(replaced)
    assert client.get(_invitation_link(renewed)).status_code == 200


def test_a_forged_invitation_link_is_404(group, cat):
    assert signed_in(cat).get("/groups/invite/not-a-token/").status_code == 404
    assert Client().get("/groups/invite/not-a-token/").status_code == 404


# --- a supervisor by link ----------------------------------------------------------------


def test_a_supervisor_opens_the_group_by_link_and_signs_off(group, bob, supervisor_of, run_jobs):
    person, path = supervisor_of(group)
    run_jobs()
    (email,) = [m for m in mail.outbox if m.to == [person.email]]
    assert path in email.body
    reflection = reflection_create(author=bob, title="What I took from topic one", body="My *text*")
    share = services.reflection_share(reflection=reflection, group=group, by=place(group, bob))
    client = supervisor_client(path)
    page = text(client.get(group.get_absolute_url()))
    assert "as its supervisor, Dr Sam Supervisor" in page
    assert "What I took from topic one" in page
    assert "Invite someone" not in page and "Members&#x27; progress" not in page
    shared = client.get(share.get_absolute_url())
    assert "<em>text</em>" in text(shared) and "Sign it off" in text(shared)
    bad = post(
        client,
        url("signoff", pk=group.pk, share=share.pk),
        {"discussed_on": (TOMORROW + datetime.timedelta(days=3)).isoformat()},
    )
    assert bad.status_code == 409 and "cannot be in the future" in text(bad)
    response = post(
        client,
        url("signoff", pk=group.pk, share=share.pk),
        {"discussed_on": timezone.localdate().isoformat(), "comment": "A *good* start"},
    )
    assert response.status_code == 302
    signoff = SignOff.objects.get()
    assert signoff.discussed_on == timezone.localdate()
    portfolio = text(signed_in(bob).get(reverse("reflections:portfolio")))
    day = timezone.localdate()
    assert f"Discussed in supervision on {day.day} {day:%B %Y}" in portfolio
    assert "signed off by Dr Sam Supervisor (supervisor, Leeds peer group)" in portfolio
    detail = text(signed_in(bob).get(reflection.get_absolute_url()))
    assert "<em>good</em> start" in detail


def test_an_expired_or_replaced_supervisor_link_says_so(group, supervisor_of, monkeypatch):
    _, path = supervisor_of(group)
    monkeypatch.setattr(
        "studygroups.tokens.SUPERVISOR_LINK_VALID_FOR", datetime.timedelta(seconds=-1)
    )
    expired = Client().get(path)
    assert expired.status_code == 410 and "Supervisor links last 90 days" in text(expired)
    monkeypatch.undo()
    supervisor_of(group)  # a new link
    replaced = Client().get(path)
    assert replaced.status_code == 410 and "no longer works" in text(replaced)
    assert Client().get("/groups/supervise/forged/").status_code == 404


def test_the_supervisor_closes_the_group_in_the_browser_and_can_stop(group, supervisor_of):
    person, path = supervisor_of(group)
    client = supervisor_client(path)
    post(client, url("supervisor_signout", pk=group.pk))
    assert client.get(group.get_absolute_url()).status_code == 302
    client = supervisor_client(path)
    post(client, url("leave", pk=group.pk))
    person.refresh_from_db()
    assert person.left_at is not None
    assert Client().get(path).status_code == 410


# --- meetings, notes, action items, the plan ------------------------------------------


def test_answering_from_the_group_page(group, bob, schedule):
    meeting = schedule(group, 1)
    client = signed_in(bob)
    response = post(
        client,
        url("meeting_respond", pk=group.pk, meeting=meeting.pk),
        {"answer": "maybe", "next": group.get_absolute_url()},
    )
    assert response["Location"] == group.get_absolute_url()
    assert MeetingResponse.objects.get().answer == "maybe"
    off_site = post(
        client,
        url("meeting_respond", pk=group.pk, meeting=meeting.pk),
        {"answer": "going", "next": "https://evil.example.com/"},
    )
    assert off_site["Location"] == meeting.get_absolute_url()
    html = text(client.get(group.get_absolute_url()))
    assert 'aria-pressed="true"><i class="bi bi-check-lg" aria-hidden="true"></i> Going' in html


def test_two_members_editing_the_notes_at_once_lose_nothing(group, ann, bob, schedule):
    meeting = schedule(group, 1)
    notes = url("notes", pk=group.pk, meeting=meeting.pk)
    ann_client, bob_client = signed_in(ann), signed_in(bob)
    assert 'name="version" value="0"' in text(ann_client.get(notes))
    assert 'name="version" value="0"' in text(bob_client.get(notes))
    assert post(ann_client, notes, {"body": "Ann's notes", "version": "0"}).status_code == 302
    refused = post(bob_client, notes, {"body": "Bob's **own** notes", "version": "0"})
    assert refused.status_code == 409
    html = text(refused)
    assert "Your changes were not saved" in html and "Ann Convenor saved the notes" in html
    assert "Bob&#x27;s **own** notes</textarea>" in html  # his text, back in the editor
    assert "<p>Ann's notes</p>" in html  # theirs, rendered to compare
    assert 'name="version" value="1"' in html  # saving again keeps his text deliberately
    post(bob_client, notes, {"body": "Bob's own notes", "version": "1"})
    meeting.refresh_from_db()
    assert meeting.notes == "Bob's own notes" and meeting.notes_version == 2
    history = text(ann_client.get(url("notes_history", pk=group.pk, meeting=meeting.pk)))
    assert "Version 2 (current)" in history and "<p>Ann's notes</p>" in history


def test_notes_are_sanitised(group, ann, schedule):
    meeting = schedule(group, 1)
    post(
        signed_in(ann),
        url("notes", pk=group.pk, meeting=meeting.pk),
        {"body": "<script>alert(1)</script>[x](javascript:alert(2))", "version": "0"},
    )
    html = text(signed_in(ann).get(meeting.get_absolute_url()))
    assert "<script>alert" not in html and "javascript:alert" not in html


def test_action_items_tick_with_htmx_and_without(group, ann, bob, schedule):
    meeting = schedule(group, 1)
    client = signed_in(bob)
    add = url("action_add", pk=group.pk, meeting=meeting.pk)
    bob_place = place(group, bob)
    bad = post(client, add, {"owner": bob_place.pk, "text": ""})
    assert bad.status_code == 400 and "Say what is to be done." in text(bad)
    post(client, add, {"owner": bob_place.pk, "text": "Practise an open question"})
    item = ActionItem.objects.get()
    done = url("action_done", pk=group.pk, meeting=meeting.pk, item=item.pk)
    fragment = post(client, done, {"done": "1"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and 'aria-pressed="true"' in text(fragment)
    assert "<html" not in text(fragment)
    plain = post(client, done, {"done": "0"})
    assert plain.status_code == 302 and plain["Location"].endswith(f"#action-{item.pk}")
    item.refresh_from_db()
    assert item.done_at is None
    cat_like = post(signed_in(ann), done, {"done": "1"})  # the convenor may tick it too
    assert cat_like.status_code == 302


def test_the_topic_three_meeting_holds_a_plan_of_open_meetings(group, ann, bob, schedule):
    first, third = schedule(group, 1), schedule(group, 3)
    client = signed_in(bob)
    assert "Open meetings to attend" not in text(client.get(first.get_absolute_url()))
    page = text(client.get(third.get_absolute_url()))
    assert "Open meetings to attend" in page and "Alcoholics Anonymous" in page
    add = url("visit_add", pk=group.pk, meeting=third.pk)
    bad = post(client, add, {"name": "AA", "date": "2000-01-01", "place": "Hall"})
    assert bad.status_code == 400 and "Choose today or a later date." in text(bad)
    post(
        client,
        add,
        {
            "name": "AA open meeting",
            "date": TOMORROW.isoformat(),
            "place": "St Mary's hall",
            "going": "on",
        },
    )
    visit = OpenMeetingVisit.objects.get()
    post(
        signed_in(ann),
        url("visit_going", pk=group.pk, meeting=third.pk, visit=visit.pk),
        {"going": "1"},
    )
    page = text(client.get(third.get_absolute_url()))
    assert "Bob Member, Ann Convenor" in page or "Ann Convenor, Bob Member" in page


# --- sharing -------------------------------------------------------------------------------


def test_sharing_from_the_reflection_page_and_commenting(group, ann, bob):
    reflection = reflection_create(author=bob, title="Open questions", body="Body")
    client = signed_in(bob)
    detail = text(client.get(reflection.get_absolute_url()))
    assert "Share with a study group" in detail and 'name="group"' in detail
    post(
        client,
        url("share_reflection"),
        {"reflection": reflection.pk, "group": group.pk, "next": reflection.get_absolute_url()},
    )
    share = SharedReflection.objects.get()
    assert "Stop sharing" in text(client.get(reflection.get_absolute_url()))
    ann_client = signed_in(ann)
    assert "Open questions" in text(ann_client.get(group.get_absolute_url()))
    comment = url("comment", pk=group.pk, share=share.pk)
    empty = post(ann_client, comment, {"body": "   "})
    assert empty.status_code == 400 and "Write your comment first." in text(empty)
    post(ann_client, comment, {"body": "Try **this**"})
    assert "<strong>this</strong>" in text(ann_client.get(share.get_absolute_url()))
    # Ann sees that one reflection, never Bob's portfolio.
    assert ann_client.get(reflection.get_absolute_url()).status_code == 404
    post(client, url("unshare", pk=group.pk, share=share.pk))
    assert ann_client.get(share.get_absolute_url()).status_code == 404
    assert "Open questions" not in text(ann_client.get(group.get_absolute_url()))


def test_nobody_shares_someone_elses_reflection(group, ann, bob):
    reflection = reflection_create(author=bob, title="Bob's")
    client = signed_in(ann)
    assert (
        post(
            client, url("share_reflection"), {"reflection": reflection.pk, "group": group.pk}
        ).status_code
        == 404
    )
    response = post(client, url("share", pk=group.pk), {"reflection": reflection.pk})
    assert response.status_code == 400
    assert not SharedReflection.objects.exists()


def test_hiding_my_progress(group, ann, bob):
    task = Task.objects.filter(topic__module=group.module).first()
    TaskCompletion.objects.create(user=bob, task=task)
    ann_client = signed_in(ann)
    html = text(ann_client.get(group.get_absolute_url()))
    row = html[html.index(f'id="progress-{place(group, bob).pk}"') :][:900]
    assert "1 of 3" in row
    post(signed_in(bob), url("progress_visibility", pk=group.pk), {"hidden": "1"})
    html = text(ann_client.get(group.get_absolute_url()))
    row = html[html.index(f'id="progress-{place(group, bob).pk}"') :][:900]
    assert "Progress hidden" in row and "1 of 3" not in row
    own = text(signed_in(bob).get(group.get_absolute_url()))
    assert "Show my progress to the group" in own


# --- the convenor's tools -----------------------------------------------------------


def test_leave_hand_over_and_remove_through_the_pages(make_group, ann, bob, cat):
    group = make_group(ann, bob, cat)
    client = signed_in(ann)
    page = text(client.get(url("leave", pk=group.pk)))
    assert "choose who takes over" in page
    post(client, url("leave", pk=group.pk), {"member": place(group, cat).pk})
    assert place(group, cat).is_convenor
    cat_client = signed_in(cat)
    post(cat_client, url("remove_member", pk=group.pk, member=place(group, bob).pk))
    assert not group.memberships.active().filter(user=bob).exists()
    settings = post(
        cat_client,
        url("settings", pk=group.pk),
        {"name": "Renamed", "description": "", "members_can_schedule": "on"},
    )
    assert settings.status_code == 302
    group.refresh_from_db()
    assert group.name == "Renamed" and group.members_can_schedule
    post(cat_client, url("leave", pk=group.pk))
    group.refresh_from_db()
    assert group.is_archived
    assert cat_client.get(group.get_absolute_url()).status_code == 404


# --- the panels on other apps' pages ----------------------------------------------------


def test_the_third_task_page_shows_the_group_meeting_and_next_steps(
    group, ann, cat, schedule, settings
):
    task = Task.objects.select_related("topic__module").get(
        topic__module=group.module, topic__number=2, position=3
    )
    lonely = text(signed_in(cat).get(task.get_absolute_url()))
    assert "Convene a study group" in lonely and "Join one with a code" in lonely
    client = signed_in(ann)
    html = text(client.get(task.get_absolute_url()))
    assert "No meeting for Topic Two yet." in html and "Schedule the meeting" in html
    meeting = schedule(group, 2)
    html = text(client.get(task.get_absolute_url()))
    assert "It is the deadline for this topic." in html
    assert f"{meeting.get_absolute_url()}#agenda" in html
    assert f"{meeting.get_absolute_url()}#notes" in html
    assert task.reflection_prompt in html.replace("&#x27;", "'")
    past = timezone.now() - datetime.timedelta(hours=3)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=past, ends_at=past + datetime.timedelta(hours=1)
    )
    # The update stands in for time passing, which no write announces: kept pages live
    # PAGE_CACHE_SECONDS at most (portal.pagecache); here that minute is over at once.
    settings.PAGE_CACHE_SECONDS = 0
    html = text(client.get(task.get_absolute_url()))
    assert "Your meeting has taken place." in html
    assert "Mark this task as done" in html and f"/portfolio/new/?task={task.pk}" in html
    first_task = Task.objects.get(topic__module=group.module, topic__number=2, position=1)
    assert 'id="study-group"' not in text(client.get(first_task.get_absolute_url()))


def test_module_overview_and_dashboard_list_my_groups(group, bob, cat, schedule, content):
    meeting = schedule(group, 1)
    for page in (content.get_absolute_url(), reverse("dashboard"), url("list")):
        html = text(signed_in(bob).get(page))
        assert "Leeds peer group" in html, page
        assert meeting.get_absolute_url() in html, page
        assert "Leeds peer group" not in text(signed_in(cat).get(page)), page
    assert "Your study groups" not in text(Client().get(content.get_absolute_url()))


def test_the_debate_filter_keeps_my_study_group(group, ann, bob, cat, content):
    from debates.services import argument_create, stance_record
    from topics.models import Motion

    motion = Motion.objects.get(task__topic__module=content, task__topic__number=1)
    for user in (ann, bob, cat):
        stance_record(user=user, motion=motion, phase="before", position="for", confidence=3)
        argument_create(author=user, motion=motion, side="for", text=f"Said by {user.full_name}")
    debate = reverse("debates:detail", kwargs={"module_slug": content.slug, "number": 1})
    html = text(signed_in(ann).get(debate + "?group=mine"))
    assert "Said by Bob Member" in html and "Said by Ann Convenor" in html
    assert "Said by Cat Outsider" not in html


def test_timetable_and_dashboard_use_the_meeting_as_the_deadline(group, bob, schedule, content):
    from topics.services import timetable_set

    meeting = schedule(group, 1, at=timezone.now() + datetime.timedelta(days=3))
    topics = {t.number: t for t in content.topics.all()}
    later = timezone.localdate() + datetime.timedelta(days=20)
    timetable_set(user=bob, module=content, targets={topics[1]: later})
    client = signed_in(bob)
    timetable = text(client.get(reverse("topics:timetable", kwargs={"module_slug": content.slug})))
    day = timezone.localtime(meeting.starts_at).date()
    assert f"Your study group meets on {day.day} {day:%B %Y}: that is your deadline." in timetable
    assert "Study-group meetings" in timetable
    dashboard = text(client.get(reverse("dashboard")))
    assert "study-group meeting " + f"{day:%A} {day.day} {day:%B}" in dashboard
    # An earlier target of the trainee's own wins.
    timetable_set(user=bob, module=content, targets={topics[1]: timezone.localdate()})
    timetable = text(client.get(reverse("topics:timetable", kwargs={"module_slug": content.slug})))
    assert "your own target comes first" in timetable


def test_a_meeting_that_passed_makes_an_unfinished_topic_overdue(group, bob, schedule, content):
    meeting = schedule(group, 1)
    past = timezone.now() - datetime.timedelta(days=2)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=past, ends_at=past + datetime.timedelta(hours=1)
    )
    html = text(signed_in(bob).get(content.get_absolute_url()))
    assert "Overdue:</strong> study-group meeting was" in html


def test_the_meeting_calendar_download(group, bob, schedule):
    meeting = schedule(group, 1, video_url="https://meet.example.org/x")
    response = signed_in(bob).get(url("meeting_ics", pk=group.pk, meeting=meeting.pk))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert f"UID:{meeting.ical_uid}" in body and "METHOD:PUBLISH" in body
    assert "https://meet.example.org/x" in body


def test_account_deletion_hands_the_group_on(group, ann, bob):
    from portal.services import user_delete

    user_delete(user=ann)
    assert place(group, bob).is_convenor


def test_my_data_includes_the_study_groups(group, bob):
    data = signed_in(bob).get(reverse("account_data")).json()
    assert data["study_groups"]["memberships"][0]["group"] == "Leeds peer group"


def test_zone_names_used_in_the_forms_exist():
    assert zoneinfo.ZoneInfo("Europe/London")


def test_a_supervisors_emails_carry_their_own_link_to_the_page(
    group, ann, bob, supervisor_of, schedule, run_jobs
):
    person, _ = supervisor_of(group)
    reflection = reflection_create(author=bob, title="For supervision")
    share = services.reflection_share(reflection=reflection, group=group, by=place(group, bob))
    run_jobs()
    (email,) = [m for m in mail.outbox if m.to == [person.email] and "shared" in m.subject]
    path = re.search(r"https?://[^/\s]+(/groups/supervise/\S+)", email.body).group(1)
    client = Client()
    landing = client.get(path)
    assert landing["Location"] == share.get_absolute_url()
    assert client.get(landing["Location"]).status_code == 200
    # Only pages of that group: anything else lands on the group page.
    token = path.split("?")[0]
    for elsewhere in ("https://evil.example.com/", "/groups/999/", "/portfolio/"):
        response = Client().get(token, {"next": elsewhere})
        assert response["Location"] == group.get_absolute_url()


def test_the_privacy_check_comes_before_sharing(group, ann, bob, cat):
    reflection = reflection_create(
        author=bob, title="A hard session", body="My client Jane Doe, DOB 12/03/1961, was angry."
    )
    client = signed_in(bob)
    response = post(
        client,
        url("share_reflection"),
        {"reflection": reflection.pk, "group": group.pk, "next": reflection.get_absolute_url()},
    )
    assert response.status_code == 302 and "/groups/share/check/" in response["Location"]
    assert not SharedReflection.objects.exists()
    page = text(client.get(response["Location"]))
    assert "This reflection may identify someone" in page
    assert "<mark>Jane Doe</mark>" in page and "<mark>12/03/1961</mark>" in page
    assert "Share anyway" in page and reverse("reflections:edit", args=[reflection.pk]) in page
    assert f"Everyone in “{group.name}” will read it." in page and "or share anyway if" in page
    # Others cannot look at the check of someone else's reflection, or for a group not theirs.
    assert signed_in(ann).get(response["Location"]).status_code == 404
    other = reflection_create(author=cat, title="Cat's")
    assert (
        client.get(url("share_check") + f"?reflection={other.pk}&group={group.pk}").status_code
        == 404
    )
    assert client.get(url("share_check") + "?reflection=x&group=").status_code == 404
    shared = post(
        client,
        url("share_reflection"),
        {
            "reflection": reflection.pk,
            "group": group.pk,
            "confirmed": "1",
            "next": reflection.get_absolute_url(),
        },
    )
    assert shared["Location"] == reflection.get_absolute_url()
    assert SharedReflection.objects.get().is_active


def test_the_group_pages_share_form_is_checked_too(group, bob):
    risky = reflection_create(author=bob, title="Call 0113 496 0000", body="")
    plain = reflection_create(author=bob, title="Nothing to see", body="Open questions.")
    client = signed_in(bob)
    checked = post(client, url("share", pk=group.pk), {"reflection": risky.pk})
    assert "/groups/share/check/" in checked["Location"]
    assert "Phone number" in text(client.get(checked["Location"]))
    direct = post(client, url("share", pk=group.pk), {"reflection": plain.pk})
    assert direct["Location"] == SharedReflection.objects.get(reflection=plain).get_absolute_url()
    assert not SharedReflection.objects.filter(reflection=risky).exists()


def test_a_newcomer_signs_up_from_the_invitation_then_joins(group, ann, run_jobs):
    from tests.conftest import PASSWORD

    services.invitation_send(group=group, by=place(group, ann), email="sam.new@example.org")
    run_jobs()
    path = re.search(
        r"https?://[^/\s]+(/groups/invite/\S+)",
        next(m for m in mail.outbox if m.to == ["sam.new@example.org"]).body,
    ).group(1)
    client = Client()
    landing = text(client.get(path))
    signup = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', landing).group(1)
    response = client.post(
        signup.replace("&amp;", "&"),
        {
            "email": "sam.new@example.org",
            "full_name": "Sam New",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    run_jobs()
    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    client.post(confirm.group(1))
    response = client.post(
        reverse("account_login") + "?next=" + path,
        {"login": "sam.new@example.org", "password": PASSWORD},
    )
    assert response["Location"] == path  # back to the invitation
    page = client.get(path)
    assert "Accept and join" in text(page)
    dashboard = text(client.get(reverse("dashboard")))
    assert "Ann Convenor invites you to" in dashboard  # also found from the dashboard
    invitation = Invitation.objects.get(email="sam.new@example.org")
    client.post(
        url("invitation", pk=invitation.pk),
        {"action": "accept", "confirm_prerequisites": "on"},
    )
    newcomer = User.objects.get(email="sam.new@example.org")
    assert place(group, newcomer).role == Membership.Role.MEMBER
    assert Enrolment.objects.get(user=newcomer).prerequisites_confirmed_at is not None
