import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import FormView, TemplateView, UpdateView

from .forms import DeleteAccountForm, ProfileForm
from .services import user_delete


class HomeView(TemplateView):
    """What the portal is, and the module catalogue."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        from modules.models import Module  # the home page reads the catalogue from above

        context = super().get_context_data(**kwargs)
        context["modules"] = Module.objects.published().annotate(topic_count=Count("topics"))
        return context


class DashboardView(LoginRequiredMixin, TemplateView):
    """A trainee's modules with progress, the next task to do, and targets coming up."""

    template_name = "portal/dashboard.html"

    def get_context_data(self, **kwargs):
        # The dashboard reads the apps from above, through their public selectors.
        from modules.models import Module, tutor_profile_of
        from reflections.certificates import certificate_state, readiness_annotations
        from reflections.review import ReviewCounts, waiting_in_module
        from reflections.selectors import recent_for_user
        from topics.models import Topic
        from topics.selectors import dashboard_progress

        context = super().get_context_data(**kwargs)
        user = self.request.user
        modules = dashboard_progress(user=user, annotations=readiness_annotations(user))
        for progress in modules:
            progress.certificate_state = certificate_state(progress.enrolment)
        recent = recent_for_user(user, limit=5)
        tutored = []
        if tutor_profile_of(user) is not None:  # no query for people who tutor nothing
            tutored = list(
                Module.objects.tutored_by(user)
                .annotate(waiting=waiting_in_module(user))
                .prefetch_related(
                    Prefetch(
                        "topics", queryset=Topic.objects.filter(tasks__kind="debate").distinct()
                    )
                )
            )
            # The header's review count comes from the same rows (reflections.review).
            self.request._review_counts = ReviewCounts(
                modules=len(tutored), waiting=sum(m.waiting for m in tutored)
            )
            tutored = [m for m in tutored if m.is_offered and (m.is_published or user.is_staff)]
        context.update(
            modules=modules,
            recent_reflections=recent,
            new_feedback=[r for r in recent if r.has_new_feedback],
            tutored=tutored,
            certificates_ready=[m for m in modules if m.certificate_state == "ready"],
            overdue=[t for m in modules for t in m.overdue_topics],
            due_soon=sorted(
                (t for m in modules for t in m.due_soon_topics), key=lambda t: t.deadline
            ),
        )
        return context


class AccountView(LoginRequiredMixin, UpdateView):
    template_name = "portal/account.html"
    form_class = ProfileForm
    success_url = reverse_lazy("account")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, "Your profile is saved.")
        return super().form_valid(form)


class MyDataView(LoginRequiredMixin, View):
    """Everything the portal holds about the signed-in person, as one JSON file.

    Each app gathers its own part through its public function; this view only reads."""

    def get(self, request, *args, **kwargs):
        from debates.personal_data import export_for_user as debates_data
        from modules.personal_data import export_for_user as modules_data
        from portal.hooks import personal_data
        from reflections.selectors import export_for_user as reflections_data
        from topics.personal_data import export_for_user as topics_data

        user = request.user
        data = {
            "exported_at": timezone.now().isoformat(),
            "profile": {
                "email": user.email,
                "full_name": user.full_name,
                "date_joined": user.date_joined.isoformat(),
                "last_login": user.last_login.isoformat() if user.last_login else None,
                "email_addresses": [
                    {"email": a.email, "verified": a.verified, "primary": a.primary}
                    for a in user.emailaddress_set.order_by("email")
                ],
            },
            **modules_data(user),
            **topics_data(user),
            **debates_data(user),
            "reflections": reflections_data(user),
            **personal_data(user),
        }
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        filename = f"my-data-{timezone.localdate().isoformat()}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class AccountDeleteView(LoginRequiredMixin, FormView):
    """Delete the account after the current password is given again."""

    template_name = "portal/account_delete.html"
    form_class = DeleteAccountForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = self.request.user
        logout(self.request)
        user_delete(user=user)
        messages.success(
            self.request,
            "Your account and all your data have been deleted. Thank you for learning with us.",
        )
        return redirect("home")


def csrf_failure(request, reason=""):
    """The CSRF failure page in the portal's look (403)."""
    from django.shortcuts import render

    return render(request, "403_csrf.html", status=403)


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request, sitemaps):
    """Search engines may crawl the public pages, the ones in the sitemap, and nothing
    else. Being a list of what is open rather than of what is closed, it keeps out every
    signed-in area, calendar feed, export, search result and the admin, and any such
    area added later."""
    lines = [
        "# Public pages are open to search engines; signed-in areas, calendar feeds,",
        "# exports and search results are not.",
        "User-agent: *",
        "Allow: /static/",
        "Allow: /sitemap.xml$",
    ]
    for sitemap in sitemaps.values():
        sitemap = sitemap() if isinstance(sitemap, type) else sitemap
        lines += [f"Allow: {sitemap.location(item)}$" for item in sitemap.items()]
    lines += ["Disallow: /", "", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
