"""The study groups' part in the kept pages (portal.pagecache).

A group's pages show its members' progress and reflections, so they carry the scope
``group:<id>`` and each member's own scope (``user:<id>``): any write by a member makes
them stale. The member list that names those scopes is kept in the pages' cache (for a
day at most) and written whenever the group changes, so reading it costs no query. Only a
person in the group gets the group's scopes (and so a kept page): for anyone else, and for
an id no group has, nothing is written to the cache.

Members' own pages (the dashboard, the module, the timetable, "My groups") show the
group's meetings and invitations too, so a write to anything of a group changes
``group:<id>`` and every member's scope, past members' included.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from portal.pagecache import page_cache, pages_changed, register_model, user_scope

from . import models


def group_scope(group_id) -> str:
    return f"group:{group_id}"


def _members_key(group_id) -> str:
    return f"studygroups:members:{group_id}"


MEMBERS_SECONDS = 24 * 60 * 60


def _members(group_id) -> tuple[list[int], list[int]] | None:
    """(everyone who is or was in the group, who is in it now), read and kept; None for
    an id no group has (nothing is kept for it)."""
    rows = list(
        models.Membership.objects.filter(group_id=group_id, user__isnull=False).values_list(
            "user_id", "left_at", "group__archived_at"
        )
    )
    if not rows and not models.StudyGroup.objects.filter(pk=group_id).exists():
        page_cache().delete(_members_key(group_id))
        return None
    everyone = sorted({user for user, _, _ in rows})
    current = sorted({user for user, left, closed in rows if left is None and closed is None})
    page_cache().set(_members_key(group_id), (everyone, current), timeout=MEMBERS_SECONDS)
    return everyone, current


def group_scopes(request, pk, **kwargs) -> list[str] | None:
    """For ``cached_page``: the scopes of a group's page (the group and everyone who is or
    was in it), for a person in the group; None for anyone else."""
    members = page_cache().get(_members_key(pk))
    if members is None:  # not read yet, or lapsed: read once, kept until the group changes
        members = _members(pk)
    if members is None or request.user.pk not in members[1]:
        return None
    return [group_scope(pk), *(user_scope(u) for u in members[0])]


def group_changed(group_id, *, also=()) -> None:
    """Something of this group changed: its pages and its members' (past members' too,
    ``also``: someone who just left or was removed) are stale."""
    everyone = (_members(group_id) or ((), ()))[0]
    users = set(everyone) | {u for u in also if u}
    transaction.on_commit(lambda: _members(group_id))
    pages_changed(scopes=[group_scope(group_id), *(user_scope(u) for u in users)])


def _changed(group_id, users=()):
    group_changed(group_id, also=users)
    return (), ()


def register() -> None:
    register_model(models.StudyGroup, lambda g: _changed(g.pk))
    register_model(models.Membership, lambda m: _changed(m.group_id, (m.user_id,)))
    register_model(models.Invitation, _invitation)
    for model in (models.Meeting, models.SharedReflection):
        register_model(model, lambda row: _changed(row.group_id))
    for model in (models.MeetingResponse, models.MeetingNotesVersion, models.ActionItem):
        register_model(model, lambda row: _changed(row.meeting.group_id))
    register_model(models.OpenMeetingVisit, lambda row: _changed(row.meeting.group_id))
    register_model(models.GroupComment, lambda row: _changed(row.share.group_id))
    register_model(models.SignOff, _signoff)
    register_model(models.TopicGuide, lambda row: (("site",), ()))


def _invitation(invitation):
    # The invited person (if they have an account) sees it on their own pages.
    invited = get_user_model().objects.filter(email__iexact=invitation.email)
    return _changed(invitation.group_id, tuple(invited.values_list("pk", flat=True)))


def _signoff(signoff):
    # The author's portfolio shows the sign-off, whether or not the sharing still exists.
    author = signoff.reflection.author_id
    if signoff.share_id is None:
        return (), (author,)
    return _changed(signoff.share.group_id, (author,))
