"""A person's notices, their email choices, and unsubscribing from an email link.

Every lookup is scoped to the signed-in person, so someone else's notice is a 404.
Unsubscribing needs no sign-in: the signed token in the link is the permission.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, ListView

from . import services
from .forms import PreferencesForm
from .models import Kind, Notification

PAGE_SIZE = 20


class NotificationListView(LoginRequiredMixin, ListView):
    """My notices, newest first, with mark-one and mark-all read."""

    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return (
            Notification.objects.for_user(self.request.user)
            .select_related("actor")
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread"] = services.unread_count(self.request.user)
        return context


class MarkReadView(LoginRequiredMixin, View):
    """POST: mark one notice read (then follow its link if asked), or all of them."""

    def post(self, request, pk: int | None = None):
        if pk is not None:
            notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
            services.mark_read(user=request.user, notification_id=notification.pk)
            if request.POST.get("open") and notification.url:
                return redirect(_safe_path(request, notification.url))
        else:
            changed = services.mark_read(user=request.user)
            messages.success(
                request,
                f"{changed} notice{'s' if changed != 1 else ''} marked as read."
                if changed
                else "There was nothing unread.",
            )
        if request.htmx:
            request.user.refresh_from_db(fields=["unread_notifications"])
            return render(request, "notifications/_bell.html")
        return redirect(_safe_path(request, request.POST.get("next") or "notifications:list"))


def _safe_path(request, target: str) -> str:
    """Only our own paths; anything else goes to the notifications page."""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "notifications:list"


class PreferencesView(LoginRequiredMixin, FormView):
    """How each kind of notice is emailed, and the time zone of the daily digest."""

    template_name = "notifications/preferences.html"
    form_class = PreferencesForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "Your email choices are saved.")
        return redirect("notifications:preferences")


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """One-click unsubscribe (RFC 8058). GET shows what the link will do and a button;
    POST does it — from that button, or straight from a mail program, which posts
    ``List-Unsubscribe=One-Click`` without cookies. The signed token is the only
    credential, so CSRF protection has nothing to protect here."""

    template_name = "notifications/unsubscribe.html"

    def _read(self, token: str):
        try:
            user_id, kind = services.unsubscribe_read(token)
        except signing.SignatureExpired:
            return None, None, "expired"
        except signing.BadSignature:
            return None, None, "invalid"
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            return None, None, "invalid"
        return user, kind, ""

    def _label(self, kind: str) -> str:
        if kind == services.DIGEST:
            return "the daily digest email"
        return f"emails about “{Kind(kind).label.lower()}”"

    def get(self, request, token: str):
        user, kind, problem = self._read(token)
        context = {"problem": problem}
        if not problem:
            context.update(what=self._label(kind), token=token)
        return render(request, self.template_name, context, status=400 if problem else 200)

    def post(self, request, token: str):
        user, kind, problem = self._read(token)
        if problem:
            return render(request, self.template_name, {"problem": problem}, status=400)
        services.unsubscribe(user=user, kind=kind)
        return render(
            request,
            self.template_name,
            {"done": True, "what": self._label(kind)},
        )
