"""The analytics' links on the dashboard (registered with portal.hooks)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from .selectors import dashboard_modules


def tutored_module(request, module) -> str:
    """ "Course analytics" in the card of each module a tutor tutors (no query)."""
    if module is None:
        return ""
    return format_html(
        ' <a href="{}"><i class="bi bi-bar-chart" aria-hidden="true"></i> Course analytics'
        '<span class="visually-hidden"> of {}</span></a>',
        reverse("analytics:module", kwargs={"slug": module.slug}),
        module.title,
    )


def dashboard(request, _obj=None) -> str:
    """ "Course analytics" of every module for admins (staff): one query for them, none
    for anybody else (tutors find the link in the card of each module they tutor)."""
    user = request.user
    if not user.is_authenticated or not user.is_staff:
        return ""
    modules = list(dashboard_modules(user).only("slug", "title"))
    if not modules:
        return ""
    return render_to_string(
        "analytics/panels/dashboard.html", {"modules": modules}, request=request
    )
