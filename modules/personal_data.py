"""What the modules app holds about one person, for "download my data"."""

from .models import Enrolment


def export_for_user(user) -> dict:
    """The user's enrolments (one query)."""
    enrolments = Enrolment.objects.for_user(user).select_related("module").order_by("enrolled_at")
    return {
        "enrolments": [
            {
                "module": e.module.title,
                "module_slug": e.module.slug,
                "enrolled_at": e.enrolled_at.isoformat(),
                "prerequisites_confirmed_at": (
                    e.prerequisites_confirmed_at.isoformat()
                    if e.prerequisites_confirmed_at
                    else None
                ),
                "completed_at": e.completed_at.isoformat() if e.completed_at else None,
            }
            for e in enrolments
        ],
    }
