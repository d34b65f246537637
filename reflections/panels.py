"""What reflections put on the pages of the apps below it (portal.hooks)."""

from django.template.loader import render_to_string

from .review import review_counts


def review_nav(request, _obj=None) -> str:
    """ "Review" in the main menu with the number of reflections waiting, for tutors only:
    no query for anybody else, one for a tutor (see review.review_counts)."""
    if not request.user.is_authenticated:
        return ""
    counts = review_counts(request)
    if counts is None or counts.modules == 0:
        return ""
    match = getattr(request, "resolver_match", None)
    return render_to_string(
        "reflections/review/_nav.html",
        {"counts": counts, "current": bool(match and match.namespace == "review")},
    )


def seed_demo(*, stdout) -> None:
    from .demo import seed_demo_reviews

    seed_demo_reviews(stdout=stdout)
