from django.template.loader import render_to_string

from .models import Organisation


def lead_reports_panel(request, obj=None) -> str:
    """On the dashboard of an organisation's lead: a link to each report (one query)."""
    user = request.user
    if not user.is_authenticated:
        return ""
    from modules.models import tutor_profile_of

    from .views import manageable_cohorts

    led = list(Organisation.objects.led_by(user))
    # Staff and lead tutors enrol people in bulk (a query only for them).
    manages = (user.is_staff or tutor_profile_of(user) is not None) and manageable_cohorts(
        user
    ).exists()
    if not led and not manages:
        return ""
    return render_to_string(
        "organisations/_panel.html", {"organisations": led, "manages": manages}, request=request
    )
