"""Writes about sharing: a trainee shares a reflection with a group (and stops sharing
it), members comment, a supervisor signs it off."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import notices
from ..models import GroupComment, Membership, SharedReflection, SignOff, StudyGroup
from ..pages import group_changed
from .common import GroupError, require

COMMENT_MAX_LENGTH = 10_000


@transaction.atomic
def reflection_share(*, reflection, group: StudyGroup, by: Membership) -> SharedReflection:
    """Share one of the author's own reflections with a group they belong to. Members see
    that reflection (its current text) and nothing else of the author's portfolio."""
    require(
        by.user_id is not None and reflection.author_id == by.user_id,
        "You can share only your own reflections.",
    )
    require(by.group_id == group.pk and by.is_active, "You are not in this group.")
    now = timezone.now()
    share, created = SharedReflection.objects.get_or_create(
        group=group, reflection=reflection, defaults={"shared_at": now}
    )
    if not created:
        if share.is_active:
            return share
        share.shared_at, share.revoked_at = now, None
        share.save(update_fields=["shared_at", "revoked_at"])
    others = [
        m.user
        for m in group.memberships.people().exclude(user_id=by.user_id).select_related("user")
    ]
    author = by.user.get_full_name()
    notices.group_activity(
        group,
        recipients=others,
        text=f"{author} shared a reflection with “{group}”: “{reflection.title}”.",
        url=share.get_absolute_url(),
        actor=by.user,
    )
    notices.reflection_shared_with_supervisors(share, by=by.user)
    return share


@transaction.atomic
def reflection_unshare(*, share: SharedReflection, by) -> None:
    """Stop sharing: the group no longer sees the reflection or its comments (kept, and
    back if it is shared again). Sign-offs stay in the author's portfolio."""
    require(share.reflection.author_id == by.pk, "Only the author can stop sharing it.")
    SharedReflection.objects.filter(pk=share.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    group_changed(share.group_id)


@transaction.atomic
def comment_add(*, share: SharedReflection, by: Membership, body: str) -> GroupComment:
    require(share.is_active, "This reflection is no longer shared with the group.")
    require(by.group_id == share.group_id and by.is_active, "You are not in this group.")
    require(bool(body.strip()), "Write your comment first.")
    require(len(body) <= COMMENT_MAX_LENGTH, "Keep a comment under 10,000 characters.")
    comment = GroupComment.objects.create(share=share, author=by, body=body)
    reflection = share.reflection
    recipients = {reflection.author_id: reflection.author}
    for earlier in share.comments.exclude(pk=comment.pk).select_related("author__user"):
        if earlier.author.user_id:
            recipients.setdefault(earlier.author.user_id, earlier.author.user)
    recipients.pop(by.user_id, None)
    in_group = set(share.group.memberships.people().values_list("user_id", flat=True))
    name = by.display_name + (" (supervisor)" if by.is_supervisor else "")
    notices.group_activity(
        share.group,
        recipients=[user for pk, user in recipients.items() if pk in in_group],
        text=f"{name} commented on “{reflection.title}” in “{share.group}”.",
        url=comment.get_absolute_url(),
        actor=by.user,
    )
    return comment


@transaction.atomic
def signoff_add(
    *, share: SharedReflection, by: Membership, discussed_on: date, comment: str = ""
) -> SignOff:
    """A supervisor records that the reflection was discussed in supervision on a date.
    It shows in the trainee's portfolio and in every export of it."""
    require(by.is_supervisor and by.is_active, "Only the group's supervisor signs off.")
    require(by.group_id == share.group_id, "You do not supervise this group.")
    require(share.is_active, "This reflection is no longer shared with the group.")
    reflection = share.reflection
    today = timezone.localdate(timezone.now(), by.zone)
    require(discussed_on <= today, "The discussion cannot be in the future.")
    started = timezone.localdate(reflection.created_at, by.zone)
    require(
        discussed_on >= started,
        f"The reflection was started on {started.day} {started:%B %Y}: choose that day or later.",
    )
    try:
        with transaction.atomic():
            signoff = SignOff.objects.create(
                reflection=reflection,
                share=share,
                supervisor=by,
                supervisor_name=by.display_name,
                group_name=share.group.name,
                discussed_on=discussed_on,
                comment=comment,
                reflection_version=reflection.version,
            )
    except IntegrityError:
        raise GroupError("You have signed this reflection off for that date already.") from None
    notices.group_activity(
        share.group,
        recipients=[reflection.author],
        text=(
            f"{by.display_name} (supervisor) signed off your reflection “{reflection.title}”: "
            f"discussed in supervision on {discussed_on.day} {discussed_on:%B %Y}."
        ),
        url=reflection.get_absolute_url(),
    )
    return signoff
