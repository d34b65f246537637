"""Telling a group's people what happened. Members with an account are told through
``notify`` (the bell, and email by their own choice); a supervisor, who has no account,
gets an email at their address. Every text is written for its reader: times in the
reader's time zone, and nothing they may not see."""

from django.urls import reverse

from notifications.models import Kind
from notifications.services import absolute_url, email_send, notify

from .calendar import invitation_attachment, when
from .models import Meeting, Membership
from .tokens import supervisor_path


def _personal_link(person: Membership, path: str) -> str:
    """A supervisor's own link (they have no account to sign in with), landing on ``path``."""
    return absolute_url(supervisor_path(person, to=path))


def _people(group, *, exclude_user=None):
    members = Membership.objects.active().filter(group=group).select_related("user")
    if exclude_user is not None:
        members = members.exclude(user=exclude_user)
    return list(members)


def meeting_changed(meeting: Meeting, *, actor, change: str, previous_start=None) -> None:
    """``change`` is "scheduled", "moved", "updated" or "cancelled". Each person gets the
    meeting as a calendar invitation (METHOD:REQUEST, or CANCEL) with the notice."""
    group = meeting.group
    topic = meeting.topic.breadcrumb_label
    cancel = change == "cancelled"
    actor_name = actor.get_full_name() if actor else "Someone"
    for person in _people(group):
        zone = person.zone
        at = when(meeting.starts_at, zone)
        text = {
            "scheduled": f"{actor_name} scheduled the {group} meeting on {topic}: {at}.",
            "moved": f"{actor_name} moved the {group} meeting on {topic} to {at}"
            + (f" (it was {when(previous_start, zone)})." if previous_start else "."),
            "updated": f"{actor_name} changed the details of the {group} meeting on {topic} "
            f"({at}).",
            "cancelled": f"{actor_name} cancelled the {group} meeting on {topic} ({at}).",
        }[change]
        if person.user_id is None:
            _email_supervisor(person, meeting, text=text, cancel=cancel, key=change)
            continue
        notify(
            recipient=person.user,
            kind=Kind.MEETING,
            text=text,
            url=meeting.get_absolute_url() if not cancel else group.get_absolute_url(),
            actor=actor,
            attachments=[
                invitation_attachment(
                    meeting,
                    to_email=person.user.email,
                    to_name=person.display_name,
                    cancel=cancel,
                )
            ],
        )


def _email_supervisor(person: Membership, meeting: Meeting, *, text: str, cancel: bool, key: str):
    email_send(
        to=person.email,
        subject=text,
        template="studygroups/email/supervisor_meeting",
        context={
            "person": person,
            "meeting": meeting,
            "text": text,
            "link": _personal_link(person, meeting.get_absolute_url()),
        },  # fmt: skip
        attachments=[
            invitation_attachment(
                meeting, to_email=person.email, to_name=person.display_name, cancel=cancel
            )
        ],
        dedupe_key=f"meeting:{meeting.pk}:{meeting.sequence}:{key}:{person.pk}",
    )


def meeting_reminder(meeting: Meeting, people: list[Membership]) -> int:
    group = meeting.group
    topic = meeting.topic.breadcrumb_label
    sent = 0
    for person in people:
        at = when(meeting.starts_at, person.zone)
        where = f" ({meeting.where})" if meeting.where else ""
        text = f"Reminder: the {group} meeting on {topic} is tomorrow, {at}{where}."
        if person.user_id is None:
            email_send(
                to=person.email,
                subject=text,
                template="studygroups/email/supervisor_meeting",
                context={
                    "person": person,
                    "meeting": meeting,
                    "text": text,
                    "link": _personal_link(person, meeting.get_absolute_url()),
                },
                dedupe_key=f"reminder:{meeting.pk}:{meeting.starts_at.isoformat()}:{person.pk}",
            )
        else:
            notify(
                recipient=person.user, kind=Kind.MEETING, text=text,
                url=meeting.get_absolute_url(),
            )  # fmt: skip
        sent += 1
    return sent


def group_activity(group, *, recipients, text: str, url: str, actor=None) -> None:
    """A comment, a share, a sign-off: told to members with an account."""
    for user in recipients:
        notify(recipient=user, kind=Kind.GROUP_ACTIVITY, text=text, url=url, actor=actor)


def invitation(invitation, *, account, path: str, by) -> None:
    """An invitation to an address: a notice if it is an account's (its email carries the
    link), otherwise an email offering to sign up. The sender is told the same either way."""
    group = invitation.group
    text = (
        f"{by.get_full_name()} invited you to join the study group “{group}” for "
        f"{group.module.title}."
    )
    if account is not None:
        notify(recipient=account, kind=Kind.INVITATION, text=text, url=path, actor=by)
        return
    email_send(
        to=invitation.email,
        subject=f"You are invited to the study group “{group}”",
        template="studygroups/email/invitation",
        context={
            "invitation": invitation,
            "group": group,
            "by": by,
            "link": absolute_url(path),
            "signup_url": absolute_url(reverse("account_signup")),
        },  # fmt: skip
        dedupe_key=f"invitation:{invitation.pk}:{invitation.nonce}",
    )


def supervisor_link(person: Membership, *, link: str, by) -> None:
    group = person.group
    email_send(
        to=person.email,
        subject=f"{by.get_full_name()} asks you to supervise the study group “{group}”",
        template="studygroups/email/supervisor_link",
        context={"person": person, "group": group, "by": by, "link": link},
        dedupe_key=f"supervisor-link:{person.pk}:{person.link_nonce}",
    )


def reflection_shared_with_supervisors(share, *, by) -> None:
    group = share.group
    for person in Membership.objects.active().filter(group=group, role="supervisor"):
        link = _personal_link(person, share.get_absolute_url())
        email_send(
            to=person.email,
            subject=f"{by.get_full_name()} shared a reflection with “{group}”",
            template="studygroups/email/supervisor_shared",
            context={"person": person, "group": group, "by": by, "share": share, "link": link},
            dedupe_key=f"shared:{share.pk}:{share.shared_at.isoformat()}:{person.pk}",
        )
