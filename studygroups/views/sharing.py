"""Reflections shared with a group: sharing and unsharing them, reading one, commenting,
and a supervisor's sign-off."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from portal.ids import parse_id
from portal.once import once
from reflections.models import Reflection
from reflections.privacy import find_identifiers_in_reflection

from .. import selectors, services
from ..access import GroupAccessMixin
from ..forms import CommentForm, ShareForm, SignOffForm
from ..models import GroupComment, Membership, SharedReflection, SignOff, StudyGroup
from .groups import GroupDetailView
from .meetings import _back


def _needs_check(request, reflection) -> bool:
    """Before a reflection goes to a group, the privacy check (reflections.privacy) looks
    for what may identify a person; unless the writer confirmed, they see it first."""
    return request.POST.get("confirmed") != "1" and bool(
        find_identifiers_in_reflection(title=reflection.title, body=reflection.body)
    )


def _check_url(reflection, group, next_url: str = "") -> str:
    query = urlencode({"reflection": reflection.pk, "group": group.pk, "next": next_url})
    return f"{reverse('studygroups:share_check')}?{query}"


class ShareView(GroupDetailView):
    """The group page's "share one of your reflections" form."""

    members_only = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ShareForm(
            request.POST, reflections=selectors.shareable_reflections(request.user, self.group)
        )
        if not form.is_valid():
            return self.page(share_form=form, status=400)
        reflection = form.cleaned_data["reflection"]
        if _needs_check(request, reflection):
            return redirect(_check_url(reflection, self.group))
        share = services.reflection_share(
            reflection=reflection, group=self.group, by=self.viewer.membership
        )
        messages.success(
            request,
            f"“{share.reflection.title}” is shared with “{self.group}”. Members can read it "
            "and comment; you can stop sharing it at any time.",
        )
        return redirect(share)


class ShareFromReflectionView(LoginRequiredMixin, View):
    """The reflection page's "share with a group" form: my reflection, my group."""

    def post(self, request, *args, **kwargs):
        reflection = get_object_or_404(
            Reflection.objects.visible_to(request.user), pk=_int(request.POST.get("reflection"))
        )
        membership = (
            Membership.objects.active()
            .select_related("group", "user")
            .filter(
                group_id=_int(request.POST.get("group")),
                group__archived_at__isnull=True,
                user=request.user,
            )
            .first()
        )
        if membership is None:
            messages.error(request, "Choose one of your study groups to share it with.")
            return redirect(reflection)
        if _needs_check(request, reflection):
            return redirect(_check_url(reflection, membership.group, request.POST.get("next", "")))
        share = services.reflection_share(
            reflection=reflection, group=membership.group, by=membership
        )
        messages.success(
            request,
            f"“{reflection.title}” is shared with “{membership.group}”. Members can read it "
            "and comment; nothing else of your portfolio is shown.",
        )
        return redirect(_back(request, share.get_absolute_url()))


class ShareCheckView(LoginRequiredMixin, View):
    """What in the reflection may identify a person, before it goes to the group, with
    "Share anyway" and "Go back and edit". Reading it changes nothing."""

    def get(self, request, *args, **kwargs):
        reflection = get_object_or_404(
            Reflection.objects.visible_to(request.user), pk=_int(request.GET.get("reflection"))
        )
        group = get_object_or_404(
            StudyGroup.objects.for_member(request.user), pk=_int(request.GET.get("group"))
        )
        return render(
            request,
            "studygroups/share_check.html",
            {
                "reflection": reflection,
                "group": group,
                "findings": find_identifiers_in_reflection(
                    title=reflection.title, body=reflection.body
                ),
                "next": request.GET.get("next", ""),
            },
        )


def _int(value) -> int:
    return parse_id(value) or 0


class SharedMixin(GroupAccessMixin):
    def get_share(self) -> SharedReflection:
        if not hasattr(self, "_share"):
            self._share = get_object_or_404(
                SharedReflection.objects.active().select_related(
                    "reflection__author", "reflection__task__topic", "reflection__template"
                ),
                group=self.group,
                pk=self.kwargs["share"],
            )
            self._share.group = self.group
        return self._share


class SharedReflectionView(SharedMixin, View):
    """One shared reflection as the group reads it, with comments and sign-offs."""

    def get(self, request, *args, **kwargs):
        return self.page()

    def page(self, *, status=200, **forms):
        share, viewer = self.get_share(), self.viewer
        context = {
            "group": self.group,
            "share": share,
            "reflection": share.reflection,
            "viewer": viewer,
            "zone": viewer.zone,
            "comments": list(
                GroupComment.objects.filter(share=share)
                .select_related("author__user")
                .order_by("created_at", "pk")
            ),
            "signoffs": list(SignOff.objects.filter(share=share).order_by("discussed_on", "pk")),
            "comment_form": CommentForm(),
            "signoff_form": SignOffForm(zone=viewer.zone) if viewer.is_supervisor else None,
            "is_author": share.reflection.author_id == viewer.membership.user_id,
        }
        context.update({name: form for name, form in forms.items() if name in context})
        return render(self.request, "studygroups/shared_reflection.html", context, status=status)


class CommentView(SharedReflectionView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        share = self.get_share()
        form = CommentForm(request.POST)
        if not form.is_valid():
            return self.page(comment_form=form, status=400)
        try:
            with once(request, "studygroups:comment", fallback=share.get_absolute_url()) as sent:
                if sent.result:  # the same form sent twice: one comment
                    return redirect(sent.result)
                comment = services.comment_add(
                    share=share, by=self.viewer.membership, body=form.cleaned_data["body"]
                )
                sent.keep(comment.get_absolute_url())
        except services.GroupError as refused:
            form.add_error(None, refused.message)
            return self.page(comment_form=form, status=409)
        messages.success(request, "Your comment is posted.")
        return redirect(comment)


class SignOffView(SharedReflectionView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not self.viewer.is_supervisor:
            raise Http404("Only the supervisor signs off.")
        share = self.get_share()
        form = SignOffForm(request.POST, zone=self.viewer.zone)
        if not form.is_valid():
            return self.page(signoff_form=form, status=400)
        try:
            services.signoff_add(
                share=share,
                by=self.viewer.membership,
                discussed_on=form.cleaned_data["discussed_on"],
                comment=form.cleaned_data["comment"],
            )
        except services.GroupError as refused:
            form.add_error(None, refused.message)
            return self.page(signoff_form=form, status=409)
        messages.success(
            request,
            f"Signed off. It shows in {share.reflection.author.get_full_name()}'s portfolio.",
        )
        return redirect(share.get_absolute_url() + "#signoffs")


class UnshareView(SharedMixin, View):
    members_only = True

    def post(self, request, *args, **kwargs):
        share = self.get_share()
        try:
            services.reflection_unshare(share=share, by=request.user)
        except services.GroupError as refused:
            messages.error(request, refused.message)
            return redirect(share)
        messages.success(
            request, f"“{share.reflection.title}” is no longer shared with “{self.group}”."
        )
        return redirect(_back(request, self.group.get_absolute_url() + "#shared"))
