"""Getting into a group: by code, by link, by an emailed invitation, and a supervisor's
personal link. Nothing here tells anyone whether an address has an account."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from portal import limits
from portal.once import once

from .. import services
from ..access import GroupAccessMixin, drop_supervisor, grant_supervisor
from ..forms import InviteForm, JoinCodeForm, JoinForm, SupervisorForm
from ..models import Invitation, Membership, StudyGroup
from ..tokens import read_invitation_token, read_supervisor_token
from .groups import GroupDetailView, my_groups_page

# Join codes are short, so guessing is limited: this many wrong codes per person per hour.
WRONG_CODES_ALLOWED = 10
WRONG_CODES_WINDOW = 60 * 60


def _code_attempt(user) -> limits.Attempt:
    return limits.attempt(
        f"studygroups:codes:{user.pk}", limit=WRONG_CODES_ALLOWED, window=WRONG_CODES_WINDOW
    )


class JoinByCodeView(LoginRequiredMixin, View):
    """POST a code; the right one leads to the group's join page."""

    def post(self, request, *args, **kwargs):
        form = JoinCodeForm(request.POST)
        status = 400
        if form.is_valid():
            # Counted before the look-up (codes sent at once cannot share a count); a
            # right code gives its place back.
            attempt = _code_attempt(request.user)
            if not attempt.allowed:
                form.add_error(
                    "code",
                    "Too many wrong codes: please wait an hour before trying again, or ask the "
                    "group for its invitation link.",
                )
                status = 429
            else:
                group = (
                    StudyGroup.objects.active().filter(join_code=form.cleaned_data["code"]).first()
                )
                if group is not None:
                    attempt.release()
                    return redirect("studygroups:join", token=group.join_token)
                form.add_error(
                    "code",
                    "No group has that code. Check it with the person who gave it to you "
                    "(a new code replaces the old one).",
                )
        return my_groups_page(request, code_form=form, status=status)


class JoinByLinkView(LoginRequiredMixin, View):
    """The group's shareable link (and where a right code leads): confirm and join."""

    def get_group(self) -> StudyGroup:
        return get_object_or_404(
            StudyGroup.objects.active().select_related("module"), join_token=self.kwargs["token"]
        )

    def render(self, group, form=None, status=200):
        user = self.request.user
        return render(
            self.request,
            "studygroups/join.html",
            {
                "group": group,
                "form": form
                or JoinForm(missing=services.prerequisites_missing(user=user, module=group.module)),
                "people": group.memberships.active().count(),
                "convenor": group.memberships.active()
                .filter(role=Membership.Role.CONVENOR)
                .select_related("user")
                .first(),
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        group = self.get_group()
        if group.memberships.active().filter(user=request.user).exists():
            messages.info(request, f"You are a member of “{group}” already.")
            return redirect(group)
        return self.render(group)

    def post(self, request, *args, **kwargs):
        group = self.get_group()
        missing = services.prerequisites_missing(user=request.user, module=group.module)
        form = JoinForm(request.POST, missing=missing)
        if not form.is_valid():
            return self.render(group, form, status=400)
        try:
            services.membership_join(
                group=group, user=request.user, prerequisites_confirmed=form.prerequisites_confirmed
            )
        except services.GroupError as refused:
            form.add_error(None, refused.message)
            return self.render(group, form, status=409)
        messages.success(request, f"Welcome to “{group}”.")
        return redirect(group)


def _gone(request, *, title: str, message: str):
    return render(
        request, "studygroups/link_gone.html", {"title": title, "message": message}, status=410
    )


def _invitation_page(request, invitation, form=None, status=200):
    group = invitation.group
    return render(
        request,
        "studygroups/invitation.html",
        {
            "invitation": invitation,
            "group": group,
            "form": form
            or JoinForm(
                missing=services.prerequisites_missing(user=request.user, module=group.module)
            ),
        },
        status=status,
    )


class InvitationLinkView(View):
    """The link in an invitation email. Signed out, it offers to sign in or to sign up
    (shown the same whether or not the address has an account); signed in as the person
    invited, it shows the invitation. Used, replaced or expired links say so."""

    def get(self, request, token: str, *args, **kwargs):
        try:
            pk, nonce = read_invitation_token(token)
        except signing.SignatureExpired:
            return _gone(
                request,
                title="This invitation has expired",
                message="Invitations last 14 days. Ask the person who invited you to send a "
                "new one.",
            )
        except signing.BadSignature:
            raise Http404("No such invitation.") from None
        invitation = (
            Invitation.objects.select_related("group__module", "invited_by")
            .filter(pk=pk, group__archived_at__isnull=True)
            .first()
        )
        if invitation is None:
            raise Http404("No such invitation.")
        if request.user.is_authenticated and not services.addressed_to(invitation, request.user):
            raise Http404("Not your invitation.")
        if invitation.nonce != nonce:
            return _gone(
                request,
                title="This invitation link has been replaced",
                message="A newer invitation was sent to the same address: use the link in "
                "the latest email.",
            )
        if invitation.status == "expired":
            return _gone(
                request,
                title="This invitation has expired",
                message="Invitations last 14 days. Ask the person who invited you for a new one.",
            )
        if invitation.status != "pending":
            return _gone(
                request,
                title="This invitation has been used",
                message=f"It has been {invitation.status}; each invitation link works once.",
            )
        if not request.user.is_authenticated:
            return render(
                request,
                "studygroups/invitation_welcome.html",
                {"invitation": invitation, "group": invitation.group, "next": request.path},
            )
        return _invitation_page(request, invitation)


class InvitationView(LoginRequiredMixin, View):
    """An invitation to the signed-in person (404 for anyone else), to accept or decline."""

    def get_invitation(self) -> Invitation:
        invitation = get_object_or_404(
            Invitation.objects.select_related("group__module", "invited_by").filter(
                group__archived_at__isnull=True
            ),
            pk=self.kwargs["pk"],
        )
        if not services.addressed_to(invitation, self.request.user):
            raise Http404("Not your invitation.")
        return invitation

    def get(self, request, *args, **kwargs):
        return _invitation_page(request, self.get_invitation())

    def post(self, request, *args, **kwargs):
        invitation = self.get_invitation()
        group = invitation.group
        if request.POST.get("action") == "decline":
            try:
                services.invitation_decline(invitation=invitation, user=request.user)
            except services.GroupError as refused:
                messages.error(request, refused.message)
            else:
                messages.info(request, f"You declined the invitation to “{group}”.")
            return redirect("studygroups:list")
        missing = services.prerequisites_missing(user=request.user, module=group.module)
        form = JoinForm(request.POST, missing=missing)
        if not form.is_valid():
            return _invitation_page(request, invitation, form, status=400)
        try:
            services.invitation_accept(
                invitation=invitation,
                user=request.user,
                prerequisites_confirmed=form.prerequisites_confirmed,
            )
        except services.GroupError as refused:
            form.add_error(None, refused.message)
            invitation.refresh_from_db()
            return _invitation_page(request, invitation, form, status=409)
        messages.success(request, f"Welcome to “{group}”.")
        return redirect(group)


class SuperviseView(View):
    """A supervisor's personal link: opens their one group in this browser, no account
    needed. The link stops working when replaced, when their place ends, or after 90 days."""

    def get(self, request, token: str, *args, **kwargs):
        try:
            data = read_supervisor_token(token)
        except signing.SignatureExpired:
            return _gone(
                request,
                title="This link has expired",
                message="Supervisor links last 90 days. Ask the group's convenor to send you "
                "a new one.",
            )
        except signing.BadSignature:
            raise Http404("No such link.") from None
        membership = (
            Membership.objects.active()
            .select_related("group")
            .filter(
                pk=data["m"],
                role=Membership.Role.SUPERVISOR,
                link_nonce=data["n"],
                group__archived_at__isnull=True,
            )
            .first()
        )
        if membership is None:
            return _gone(
                request,
                title="This link no longer works",
                message="The convenor has sent you a newer link, or your place in the group "
                "has ended. Use the latest email, or ask the convenor.",
            )
        grant_supervisor(request, membership, issued_at=data["t"])  # the page says who they are
        target = request.GET.get("next", "")
        home = membership.group.get_absolute_url()
        if target.startswith(home) and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}
        ):
            return redirect(target)
        return redirect(home)


class SupervisorSignOutView(GroupAccessMixin, View):
    def post(self, request, *args, **kwargs):
        drop_supervisor(request, self.group.pk)
        messages.info(request, "You have closed the group in this browser. Your link still works.")
        return redirect("home")


class InviteView(GroupDetailView):
    """POST an address to invite. The answer is the same whether or not it has an account."""

    members_only = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = InviteForm(request.POST)
        if not form.is_valid():
            return self.page(invite_form=form, status=400)
        email = form.cleaned_data["email"]
        back = self.group.get_absolute_url() + "#invite"
        try:
            with once(request, "studygroups:invite", fallback=back) as sent:
                if sent.result:  # the same form sent twice: one email
                    return redirect(sent.result)
                invitation = services.invitation_send(
                    group=self.group, by=self.viewer.membership, email=email
                )
                sent.keep(back)
        except services.GroupError as refused:
            form.add_error("email", refused.message)
            return self.page(invite_form=form, status=409)
        if getattr(invitation, "resent", False):
            messages.success(
                request,
                f"Invitation sent again to {email}: the link in the earlier email no longer "
                "works; the new one works once, for 14 days.",
            )
        else:
            messages.success(
                request, f"Invitation sent to {email}. Its link works once, for 14 days."
            )
        return redirect(self.group.get_absolute_url() + "#invite")


class InvitationWithdrawView(GroupAccessMixin, View):
    members_only = True

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(
            Invitation.objects.open(), group=self.group, pk=kwargs["invitation"]
        )
        try:
            services.invitation_withdraw(invitation=invitation, by=self.viewer.membership)
        except services.GroupError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
        return redirect(self.group.get_absolute_url() + "#invite")


class SupervisorInviteView(GroupDetailView):
    members_only = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = SupervisorForm(request.POST)
        if not form.is_valid():
            return self.page(supervisor_form=form, status=400)
        back = self.group.get_absolute_url() + "#supervisor"
        try:
            with once(request, "studygroups:supervisor_invite", fallback=back) as sent:
                if sent.result:  # the same form sent twice: one email
                    return redirect(sent.result)
                person = services.supervisor_invite(
                    group=self.group,
                    by=self.viewer.membership,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                )
                sent.keep(back)
        except services.GroupError as refused:
            form.add_error(None, refused.message)
            return self.page(supervisor_form=form, status=409)
        if getattr(person, "resent", False):
            messages.success(
                request,
                f"A new link has been sent to {person.display_name}, valid for 90 days; the "
                "link in the earlier email no longer works.",
            )
        else:
            messages.success(
                request,
                f"{person.display_name} has been sent a personal link to the group, valid for "
                "90 days.",
            )
        return redirect(self.group.get_absolute_url() + "#supervisor")


class SupervisorResendView(GroupAccessMixin, View):
    members_only = True

    def post(self, request, *args, **kwargs):
        person = get_object_or_404(
            Membership.objects.active(),
            group=self.group,
            pk=kwargs["member"],
            role=Membership.Role.SUPERVISOR,
        )
        try:
            services.supervisor_invite(
                group=self.group, by=self.viewer.membership, name=person.name, email=person.email
            )
        except services.GroupError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                f"A new link is on its way to {person.display_name}; the old one no longer works.",
            )
        return redirect(self.group.get_absolute_url() + "#supervisor")
