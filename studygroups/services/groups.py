"""Writes about groups and the people in them: create, invite, join, leave, remove, hand
over, and supervisors who take part by a personal link."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from notifications.services import absolute_url

from .. import notices
from ..models import (
    INVITATION_VALID_FOR,
    Invitation,
    Membership,
    SharedReflection,
    StudyGroup,
    new_join_code,
    new_join_token,
    new_nonce,
)
from ..pages import group_changed
from ..tokens import invitation_token, supervisor_path
from .common import GroupError, cohort_of, enrol, lock_group, require

FULL = {
    StudyGroup.Kind.COLLEAGUE: "This group is for two colleagues and it already has both.",
}


def _full_message(group: StudyGroup) -> str:
    return FULL.get(group.kind, f"This group is full: it holds up to {group.capacity} people.")


def _room_left(group: StudyGroup) -> int:
    return group.capacity - group.memberships.active().count()


def _save_fresh_codes(group: StudyGroup) -> None:
    """New join code and link (unique; a clash, one in billions, is simply drawn again)."""
    for _ in range(5):
        group.join_code, group.join_token = new_join_code(), new_join_token()
        try:
            with transaction.atomic():
                group.save(update_fields=["join_code", "join_token"])
            return
        except IntegrityError:
            continue
    raise GroupError("Could not make a new code just now; please try again.")


@transaction.atomic
def group_create(
    *,
    user,
    module,
    name: str,
    kind: str,
    description: str = "",
    members_can_schedule: bool = False,
    prerequisites_confirmed: bool = False,
    across_cohorts: bool = False,
) -> StudyGroup:
    """Convene a group for a module: the creator is its convenor (and enrolled). The group
    is for the convenor's cohort unless they open it to every cohort."""
    require(kind in StudyGroup.Kind.values, "Choose what kind of group this is.")
    enrol(user=user, module=module, prerequisites_confirmed=prerequisites_confirmed)
    cohort = None if across_cohorts else cohort_of(user=user, module=module)
    for _ in range(5):
        try:
            with transaction.atomic():
                group = StudyGroup.objects.create(
                    module=module,
                    cohort=cohort,
                    name=name.strip(),
                    kind=kind,
                    description=description,
                    members_can_schedule=members_can_schedule,
                    created_by=user,
                )
            break
        except IntegrityError:  # the random join code clashed
            continue
    else:
        raise GroupError("Could not create the group just now; please try again.")
    Membership.objects.create(group=group, user=user, role=Membership.Role.CONVENOR)
    return group


@transaction.atomic
def group_update(
    *, group: StudyGroup, by: Membership, name: str, description: str, members_can_schedule: bool
) -> StudyGroup:
    require(by.is_convenor, "Only the convenor changes the group's settings.")
    group.name, group.description = name.strip(), description
    group.members_can_schedule = members_can_schedule
    group.save(update_fields=["name", "description", "members_can_schedule"])
    return group


@transaction.atomic
def join_code_regenerate(*, group: StudyGroup, by: Membership) -> StudyGroup:
    """A new join code and link; the old ones stop working at once."""
    require(by.is_convenor, "Only the convenor can make a new code.")
    _save_fresh_codes(group)
    return group


@transaction.atomic
def membership_join(
    *, group: StudyGroup, user, prerequisites_confirmed: bool = False, invited: bool = False
) -> Membership:
    """Join by link, code or invitation (idempotent), enrolling in the module. Someone the
    convenor removed comes back only by a new invitation, not by the code they knew."""
    group = lock_group(group)
    require(not group.is_archived, "This group has closed.")
    existing = group.memberships.active().filter(user=user).first()
    if existing is not None:
        return existing
    if not invited:
        last = group.memberships.filter(user=user).order_by("-joined_at", "-pk").first()
        require(
            last is None or last.removed_by_id is None,
            "You were removed from this group: ask its convenor for a new invitation.",
        )
    require(_room_left(group) > 0, _full_message(group))
    if group.cohort_id is not None:
        # A group of one cohort: its trainees only (a newcomer is enrolled into it).
        mine = cohort_of(user=user, module=group.module)
        require(
            mine is None or mine.pk == group.cohort_id,
            f"This group is for the trainees of the cohort “{group.cohort.name}”, and you are "
            f"in “{mine.name if mine else ''}”. Ask its convenor to open it to every cohort.",
        )
    enrol(
        user=user, module=group.module, prerequisites_confirmed=prerequisites_confirmed,
        cohort=group.cohort,
    )  # fmt: skip
    membership = Membership.objects.create(group=group, user=user, role=Membership.Role.MEMBER)
    convenor = group.memberships.active().filter(role=Membership.Role.CONVENOR).first()
    if convenor is not None:
        notices.group_activity(
            group,
            recipients=[convenor.user],
            text=f"{user.get_full_name()} joined your study group “{group}”.",
            url=group.get_absolute_url(),
            actor=user,
        )
    return membership


def invitation_path(invitation: Invitation) -> str:
    return reverse("studygroups:invitation_link", kwargs={"token": invitation_token(invitation)})


@transaction.atomic
def invitation_send(*, group: StudyGroup, by: Membership, email: str) -> Invitation:
    """Invite an address to join as a member. The sender is told the same whether or not
    the address has an account; sending again replaces the earlier link."""
    require(not by.is_supervisor, "Supervisors cannot invite members.")
    group = lock_group(group)
    email = email.strip()
    now = timezone.now()
    invitation = group.invitations.open().filter(email__iexact=email).first()
    pending_others = (
        group.invitations.pending(now).exclude(pk=invitation.pk if invitation else None).count()
    )
    if group.kind == StudyGroup.Kind.COLLEAGUE:
        require(_room_left(group) - pending_others > 0, _full_message(group) + (
            " Withdraw the invitation you sent before inviting someone else."
            if pending_others else ""
        ))  # fmt: skip
    else:
        require(_room_left(group) > 0, _full_message(group))
    if invitation is None:
        invitation = Invitation.objects.create(
            group=group, email=email, invited_by=by.user, expires_at=now + INVITATION_VALID_FOR
        )
    else:
        invitation.nonce, invitation.invited_by = new_nonce(), by.user
        invitation.created_at, invitation.expires_at = now, now + INVITATION_VALID_FOR
        invitation.save(update_fields=["nonce", "invited_by", "created_at", "expires_at"])
    account = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    notices.invitation(invitation, account=account, path=invitation_path(invitation), by=by.user)
    return invitation


def _claim(invitation: Invitation, **fields) -> None:
    """Use the invitation once: a conditional UPDATE, so a second click (or a second
    worker) finds it used."""
    claimed = (
        Invitation.objects.open()
        .filter(pk=invitation.pk, expires_at__gt=timezone.now())
        .update(**fields)
    )
    group_changed(invitation.group_id)
    if not claimed:
        fresh = Invitation.objects.get(pk=invitation.pk)
        raise GroupError(
            "This invitation has expired. Ask the group for a new one."
            if fresh.status == "expired"
            else f"This invitation has already been {fresh.status}."
        )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user, prerequisites_confirmed: bool = False):
    _claim(invitation, accepted_at=timezone.now(), accepted_by=user)
    return membership_join(
        group=invitation.group,
        user=user,
        prerequisites_confirmed=prerequisites_confirmed,
        invited=True,
    )


@transaction.atomic
def invitation_decline(*, invitation: Invitation, user) -> None:
    _claim(invitation, declined_at=timezone.now())
    if invitation.invited_by_id:
        notices.group_activity(
            invitation.group,
            recipients=[invitation.invited_by],
            text=f"{user.get_full_name()} declined your invitation to “{invitation.group}”.",
            url=invitation.group.get_absolute_url(),
            actor=user,
        )


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: Membership) -> None:
    require(
        by.is_convenor or invitation.invited_by_id == by.user_id,
        "Only the convenor or the person who sent it can withdraw an invitation.",
    )
    Invitation.objects.open().filter(pk=invitation.pk).update(revoked_at=timezone.now())
    group_changed(invitation.group_id)


def _end(membership: Membership, *, removed_by=None) -> None:
    """End a membership now; the person's reflections stop being shared with the group."""
    now = timezone.now()
    Membership.objects.filter(pk=membership.pk).update(left_at=now, removed_by=removed_by)
    membership.left_at = now
    if membership.user_id:
        SharedReflection.objects.active().filter(
            group_id=membership.group_id, reflection__author_id=membership.user_id
        ).update(revoked_at=now)
    group_changed(membership.group_id, also=[membership.user_id])


def _archive_if_empty(group: StudyGroup) -> bool:
    """With nobody left who has an account, the group is archived (kept, seen by nobody):
    supervisors' links stop working and open invitations are withdrawn."""
    if group.memberships.people().exists():
        return False
    now = timezone.now()
    group.memberships.active().update(left_at=now)
    group.invitations.open().update(revoked_at=now)
    StudyGroup.objects.filter(pk=group.pk).update(archived_at=now)
    group_changed(group.pk)
    group.archived_at = now
    return True


@transaction.atomic
def membership_leave(*, membership: Membership, successor: Membership | None = None) -> bool:
    """Leave the group. A leaving convenor hands the role to ``successor`` (or to the
    member who joined first). Returns True when the group was archived."""
    group = lock_group(membership.group)
    was_convenor = membership.is_convenor
    _end(membership)
    if _archive_if_empty(group):
        return True
    if was_convenor:
        people = group.memberships.people().select_related("user")
        heir = people.filter(pk=successor.pk).first() if successor else None
        heir = heir or people.order_by("joined_at", "pk").first()
        Membership.objects.filter(pk=heir.pk).update(role=Membership.Role.CONVENOR)
        group_changed(group.pk)
        notices.group_activity(
            group,
            recipients=[heir.user],
            text=f"You are now the convenor of the study group “{group}”.",
            url=group.get_absolute_url(),
        )
    return False


@transaction.atomic
def membership_remove(*, membership: Membership, by: Membership) -> None:
    """The convenor removes a member or a supervisor; their access ends at once."""
    require(by.is_convenor, "Only the convenor can remove people from the group.")
    require(membership.pk != by.pk, "To leave the group yourself, use “Leave this group”.")
    require(
        membership.group_id == by.group_id and membership.is_active, "They are not in the group."
    )
    group = lock_group(membership.group)
    _end(membership, removed_by=by.user)
    if membership.user_id:
        notices.group_activity(
            group,
            recipients=[membership.user],
            text=f"You are no longer a member of the study group “{group}”.",
            url="",
            actor=by.user,
        )
    _archive_if_empty(group)


@transaction.atomic
def convenor_handover(*, group: StudyGroup, by: Membership, to: Membership) -> None:
    require(by.is_convenor, "Only the convenor can hand the role over.")
    require(
        to.group_id == group.pk and to.is_active and to.user_id and not to.is_supervisor,
        "Choose a member of the group.",
    )
    require(to.pk != by.pk, "You are the convenor already.")
    lock_group(group)
    Membership.objects.filter(pk=by.pk).update(role=Membership.Role.MEMBER)
    Membership.objects.filter(pk=to.pk).update(role=Membership.Role.CONVENOR)
    group_changed(group.pk)
    notices.group_activity(
        group,
        recipients=[to.user],
        text=f"{by.user.get_full_name()} made you the convenor of the study group “{group}”.",
        url=group.get_absolute_url(),
        actor=by.user,
    )


@transaction.atomic
def progress_visibility_set(*, membership: Membership, hidden: bool) -> None:
    Membership.objects.filter(pk=membership.pk).update(progress_hidden=hidden)
    group_changed(membership.group_id)
    membership.progress_hidden = hidden


def supervisor_link_path(membership: Membership) -> str:
    return supervisor_path(membership)


@transaction.atomic
def supervisor_invite(*, group: StudyGroup, by: Membership, name: str, email: str) -> Membership:
    """Ask a supervisor to take part by a personal link (no account needed), emailed to
    them. Asking the same address again sends a new link and voids the old one."""
    require(by.is_convenor, "Only the convenor invites a supervisor.")
    group = lock_group(group)
    require(
        group.takes_supervisors,
        "A one-colleague group is for two colleagues. Create a supervisor group to meet "
        "with a supervisor.",
    )
    email = email.strip()
    person = (
        group.memberships.active()
        .filter(role=Membership.Role.SUPERVISOR, email__iexact=email)
        .first()
    )
    if person is None:
        if group.kind == StudyGroup.Kind.SUPERVISOR:
            require(
                not group.memberships.active().filter(role=Membership.Role.SUPERVISOR).exists(),
                "This group has its supervisor already. Remove them first to invite another.",
            )
        require(_room_left(group) > 0, _full_message(group))
        person = Membership.objects.create(
            group=group,
            role=Membership.Role.SUPERVISOR,
            name=name.strip(),
            email=email,
            time_zone=by.user.time_zone,
        )
    person.link_nonce, person.link_sent_at = new_nonce(), timezone.now()
    if name.strip():
        person.name = name.strip()
    person.save(update_fields=["link_nonce", "link_sent_at", "name"])
    notices.supervisor_link(person, link=absolute_url(supervisor_link_path(person)), by=by.user)
    return person


def groups_leave_all(user) -> None:
    """Before an account is deleted: leave every group properly (the convenor's role is
    handed on, an emptied group archived)."""
    for membership in Membership.objects.active().filter(user=user).select_related("group"):
        membership_leave(membership=membership)


def addressed_to(invitation: Invitation, user) -> bool:
    """Whether the invitation was sent to one of the user's own (verified) addresses."""
    if not user.is_authenticated:
        return False
    if invitation.email.lower() == user.email.lower():
        return True
    return EmailAddress.objects.filter(
        Q(user=user, verified=True) & Q(email__iexact=invitation.email)
    ).exists()
