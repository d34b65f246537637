"""My groups, convening a group, the group page and what the convenor manages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from modules.models import Module

from .. import selectors, services
from ..access import GroupAccessMixin, drop_supervisor
from ..forms import (
    GroupForm,
    GroupSettingsForm,
    InviteForm,
    JoinCodeForm,
    MemberChoiceForm,
    ShareForm,
    SupervisorForm,
)
from ..models import Membership


def my_groups_page(request, *, code_form=None, status: int = 200):
    user = request.user
    return render(
        request,
        "studygroups/my_groups.html",
        {
            "groups": selectors.my_groups(user),
            "invitations": selectors.pending_invitations(user),
            "code_form": code_form or JoinCodeForm(),
            "modules": Module.objects.taught_to(user),
            "zone": user.zone,
        },
        status=status,
    )


class MyGroupsView(LoginRequiredMixin, View):
    """Every group I am in, invitations waiting for me, joining by code, convening one."""

    def get(self, request, *args, **kwargs):
        return my_groups_page(request)


class GroupCreateView(LoginRequiredMixin, View):
    """Convene a group for a module (``?module=<slug>``); the next page offers to schedule
    all the topic meetings at once."""

    def get_module(self) -> Module | None:
        slug = self.request.GET.get("module") or self.request.POST.get("module")
        if not slug:
            return None
        return get_object_or_404(Module.objects.taught_to(self.request.user), slug=slug)

    def render(self, module, form=None):
        context = {"module": module}
        if module is None:
            context["modules"] = Module.objects.taught_to(self.request.user)
        else:
            missing = services.prerequisites_missing(user=self.request.user, module=module)
            context["form"] = form or GroupForm(missing=missing)
        return render(self.request, "studygroups/group_create.html", context)

    def get(self, request, *args, **kwargs):
        return self.render(self.get_module())

    def post(self, request, *args, **kwargs):
        module = self.get_module()
        if module is None:
            raise Http404("Choose a module.")
        missing = services.prerequisites_missing(user=request.user, module=module)
        form = GroupForm(request.POST, missing=missing)
        if not form.is_valid():
            return self.render(module, form)
        try:
            group = services.group_create(
                user=request.user,
                module=module,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                members_can_schedule=form.cleaned_data["members_can_schedule"],
                prerequisites_confirmed=form.prerequisites_confirmed,
                across_cohorts=form.cleaned_data["across_cohorts"],
            )
        except services.GroupError as refused:
            form.add_error(None, refused.message)
            return self.render(module, form)
        messages.success(
            request,
            f"Your group “{group}” is ready. Arrange your meeting times right away: they "
            "are the deadlines for each topic.",
        )
        return redirect("studygroups:schedule", pk=group.pk)


class GroupDetailView(GroupAccessMixin, View):
    """The group: its meetings per topic, members' progress, shared reflections, and for
    members the ways to invite. A fixed number of queries (tests pin it)."""

    def get(self, request, *args, **kwargs):
        return self.page()

    def page(self, *, status: int = 200, **forms):
        """The page; a view that refused a form passes it back bound, with its errors."""
        request, viewer, group = self.request, self.viewer, self.group
        members = selectors.group_members(group)
        meetings = selectors.group_meetings(group, viewer_membership=viewer.membership)
        topics = selectors.group_topics(group)
        now = timezone.now()
        scheduled = [m for m in meetings if not m.is_cancelled]
        next_meeting = next((m for m in scheduled if m.ends_at > now), None)
        by_topic = {m.topic_id: m for m in scheduled}
        for topic in topics:
            topic.meeting = by_topic.get(topic.pk)
        context = {
            "group": group,
            "viewer": viewer,
            "me": viewer.membership,
            "zone": viewer.zone,
            "members": members,
            "topics": topics,
            "meetings": meetings,
            "cancelled": [m for m in meetings if m.is_cancelled],
            "next_meeting": next_meeting,
            "unscheduled": [t for t in topics if t.meeting is None],
            "shares": selectors.group_shares(group),
            "now": now,
        }
        if not viewer.is_supervisor:
            context.update(
                progress=selectors.member_progress(
                    group,
                    members=members,
                    topics=topics,
                    next_meeting=next_meeting,
                    viewer=viewer.membership,
                ),  # fmt: skip
                share_form=ShareForm(
                    reflections=selectors.shareable_reflections(request.user, group)
                ),
                invite_form=InviteForm(),
                invitations=list(
                    group.invitations.pending().select_related("invited_by").order_by("email")
                ),
                join_link=request.build_absolute_uri(
                    reverse("studygroups:join", kwargs={"token": group.join_token})
                ),
            )
            if viewer.is_convenor:
                others = [m for m in members if m.user_id and m.pk != viewer.membership.pk]
                context.update(
                    supervisor_form=SupervisorForm(),
                    handover_form=MemberChoiceForm(members=others) if others else None,
                    supervisors=[m for m in members if m.is_supervisor],
                    may_add_supervisor=group.takes_supervisors
                    and not (
                        group.kind == group.Kind.SUPERVISOR
                        and any(m.is_supervisor for m in members)
                    ),
                )
        context.update({name: form for name, form in forms.items() if name in context})
        return render(request, "studygroups/group_detail.html", context, status=status)


class GroupSettingsView(GroupAccessMixin, View):
    members_only = True

    def get(self, request, *args, **kwargs):
        if not self.viewer.is_convenor:
            raise Http404("Only the convenor changes the settings.")
        return self.render(GroupSettingsForm(instance=self.group))

    def render(self, form):
        return render(
            self.request, "studygroups/group_settings.html", {"group": self.group, "form": form}
        )

    def post(self, request, *args, **kwargs):
        if not self.viewer.is_convenor:
            raise Http404("Only the convenor changes the settings.")
        form = GroupSettingsForm(request.POST, instance=self.group)
        if not form.is_valid():
            return self.render(form)
        services.group_update(
            group=self.group,
            by=self.viewer.membership,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            members_can_schedule=form.cleaned_data["members_can_schedule"],
        )
        messages.success(request, "The group's settings are saved.")
        return redirect(self.group)


class RegenerateCodeView(GroupAccessMixin, View):
    members_only = True

    def post(self, request, *args, **kwargs):
        try:
            services.join_code_regenerate(group=self.group, by=self.viewer.membership)
        except services.GroupError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                f"The new join code is {self.group.join_code_display}. The old code and link "
                "no longer work.",
            )
        return redirect(self.group.get_absolute_url() + "#invite")


class LeaveView(GroupAccessMixin, View):
    """GET asks to confirm (a convenor chooses who takes over); POST leaves."""

    def others(self) -> list[Membership]:
        return list(
            self.group.memberships.people()
            .exclude(pk=self.viewer.membership.pk)
            .select_related("user")
        )

    def form(self, data=None):
        others = self.others() if self.viewer.is_convenor else []
        if not others:
            return None
        return MemberChoiceForm(data, members=others, label="Who becomes convenor")

    def get(self, request, *args, **kwargs):
        return render(
            request,
            "studygroups/group_leave.html",
            {"group": self.group, "viewer": self.viewer, "form": self.form()},
        )

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        successor = None
        if form is not None:
            if not form.is_valid():
                return render(
                    request,
                    "studygroups/group_leave.html",
                    {"group": self.group, "viewer": self.viewer, "form": form},
                )
            successor = form.cleaned_data["member"]
        supervisor = self.viewer.is_supervisor
        archived = services.membership_leave(membership=self.viewer.membership, successor=successor)
        if supervisor:
            drop_supervisor(request, self.group.pk)
            messages.success(
                request, f"You no longer supervise “{self.group}”; your link is closed."
            )
            return redirect("home")
        messages.success(
            request,
            f"You have left “{self.group}”."
            + (" You were its last member, so the group is closed." if archived else "")
            + " Your reflections are no longer shared with it.",
        )
        return redirect("studygroups:list")


class RemoveMemberView(GroupAccessMixin, View):
    members_only = True

    def post(self, request, *args, **kwargs):
        member = get_object_or_404(
            Membership.objects.active().select_related("user"),
            group=self.group,
            pk=kwargs["member"],
        )
        try:
            services.membership_remove(membership=member, by=self.viewer.membership)
        except services.GroupError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, f"{member.display_name} is no longer in the group.")
        return redirect(self.group.get_absolute_url() + "#members")


class HandoverView(GroupAccessMixin, View):
    members_only = True

    def post(self, request, *args, **kwargs):
        others = list(
            self.group.memberships.people()
            .exclude(pk=self.viewer.membership.pk)
            .select_related("user")
        )
        form = MemberChoiceForm(request.POST, members=others)
        if not form.is_valid():
            messages.error(request, "Choose a member of the group to hand the role to.")
            return redirect(self.group.get_absolute_url() + "#convenor")
        try:
            services.convenor_handover(
                group=self.group, by=self.viewer.membership, to=form.cleaned_data["member"]
            )
        except services.GroupError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request, f"{form.cleaned_data['member'].display_name} is now the convenor."
            )
        return redirect(self.group)


class ProgressVisibilityView(GroupAccessMixin, View):
    members_only = True

    def post(self, request, *args, **kwargs):
        hidden = request.POST.get("hidden") == "1"
        services.progress_visibility_set(membership=self.viewer.membership, hidden=hidden)
        messages.success(
            request,
            "Your progress is hidden from the group." if hidden
            else "The group can see your progress again.",
        )  # fmt: skip
        return redirect(self.group.get_absolute_url() + "#progress")
