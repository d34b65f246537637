"""The analytics' link on the dashboard (registered with portal.hooks)."""

from django.template.loader import render_to_string

from modules.models import tutor_profile_of

from .selectors import dashboard_modules


def dashboard(request, _obj=None) -> str:
    """ "Course analytics" for tutors and admins: one query for them, none for trainees."""
    user = request.user
    if not user.is_authenticated or not (user.is_staff or tutor_profile_of(user)):
        return ""
    modules = list(dashboard_modules(user).only("slug", "title"))
    if not modules:
        return ""
    return render_to_string(
        "analytics/panels/dashboard.html", {"modules": modules}, request=request
    )
