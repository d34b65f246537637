"""Who is looking at a group: a member signed in with their account, or a supervisor who
opened their personal link. Everything of a group is looked up through ``viewer_for``;
anybody else gets 404 (or, signed out, the sign-in page), so a removed member loses
access on their next click and a supervisor's link opens their one group only."""

import time
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from .models import SUPERVISOR_LINK_VALID_FOR, Membership
from .services import may_schedule

SESSION_KEY = "studygroups_supervisor"


@dataclass
class Viewer:
    membership: Membership

    @property
    def group(self):
        return self.membership.group

    @property
    def user(self):
        return self.membership.user

    @property
    def is_supervisor(self) -> bool:
        return self.membership.is_supervisor

    @property
    def is_convenor(self) -> bool:
        return self.membership.is_convenor

    @property
    def may_schedule(self) -> bool:
        return may_schedule(self.membership)

    @property
    def zone(self):
        return self.membership.zone


def grant_supervisor(request, membership: Membership, *, issued_at: int) -> None:
    """Remember in this browser's session that its holder opened the supervisor link of
    ``membership`` (its nonce and when the link was made, checked on every request)."""
    grants = dict(request.session.get(SESSION_KEY, {}))
    grants[str(membership.group_id)] = {"m": membership.pk, "n": membership.link_nonce,
                                        "t": issued_at}  # fmt: skip
    request.session[SESSION_KEY] = grants
    request.session.cycle_key()


def drop_supervisor(request, group_id: int) -> None:
    grants = dict(request.session.get(SESSION_KEY, {}))
    if grants.pop(str(group_id), None) is not None:
        request.session[SESSION_KEY] = grants


def supervisor_grant(request, group_id: int) -> dict | None:
    grant = request.session.get(SESSION_KEY, {}).get(str(group_id))
    if not grant or time.time() - grant.get("t", 0) > SUPERVISOR_LINK_VALID_FOR.total_seconds():
        return None
    return grant


def viewer_for(request, group_id: int) -> Viewer | None:
    """The viewer's active place in an active group, or None (one query)."""
    memberships = (
        Membership.objects.active()
        .select_related("group__module", "user")
        .filter(group_id=group_id, group__archived_at__isnull=True)
    )
    if request.user.is_authenticated:
        membership = memberships.filter(user=request.user).first()
        if membership is not None:
            return Viewer(membership)
    grant = supervisor_grant(request, group_id)
    if grant is not None:
        membership = memberships.filter(
            pk=grant["m"], role=Membership.Role.SUPERVISOR, link_nonce=grant["n"]
        ).first()
        if membership is not None:
            return Viewer(membership)
    return None


class GroupAccessMixin:
    """For every view under /groups/<pk>/: sets ``self.viewer`` and ``self.group``.
    ``members_only`` views are for people with an account (not supervisors)."""

    members_only = False

    def dispatch(self, request, *args, **kwargs):
        self.viewer = viewer_for(request, kwargs["pk"])
        if self.viewer is None:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise Http404("No such group.")
        if self.members_only and self.viewer.is_supervisor:
            raise Http404("Not for supervisors.")
        self.group = self.viewer.group
        return super().dispatch(request, *args, **kwargs)
