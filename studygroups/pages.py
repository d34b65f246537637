"""The study groups' part in the kept pages (portal.pagecache).

A group's pages show its members' progress and reflections, so they carry the scope
``group:<id>`` and each member's own scope (``user:<id>``): any write by a member makes
them stale. The member list that names those scopes is kept in the cache and written
whenever the group changes, so reading it costs no query.

Members' own pages (the dashboard, the module, the timetable, "My groups") show the
group's meetings and invitations too, so a write to anything of a group changes
``group:<id>`` and every member's scope, past members' included.
"""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from portal.pagecache import pages_changed, register_model, user_scope

from . import models


def group_scope(group_id) -> str:
    return f"group:{group_id}"


def _members_key(group_id) -> str:
    return f"studygroups:members:{group_id}"


def _members(group_id) -> list[int]:
    rows = models.Membership.objects.filter(group_id=group_id, user__isnull=False)
    members = sorted(set(rows.values_list("user_id", flat=True)))
    cache.set(_members_key(group_id), members, timeout=None)
    return members


def group_scopes(group_id) -> list[str]:
    """The scopes of a group's page: the group and everyone who is or was in it."""
    members = cache.get(_members_key(group_id))
    if members is None:  # evicted: read once, kept until the group changes
        members = _members(group_id)
    return [group_scope(group_id), *(user_scope(u) for u in members)]


def group_changed(group_id, *, also=()) -> None:
    """Something of this group changed: its pages and its members' (past members' too,
    ``also``: someone who just left or was removed) are stale."""
    users = set(_members(group_id)) | {u for u in also if u}
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
