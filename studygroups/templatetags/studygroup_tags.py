from django import template
from django.utils import timezone

from ..calendar import when as _when

register = template.Library()


@register.filter
def when(moment, zone) -> str:
    """A meeting time in the reader's zone: "Tuesday 3 March 2026, 19:00 GMT"."""
    if moment is None:
        return ""
    return _when(moment, zone)


@register.filter
def short_when(moment, zone) -> str:
    """ "Tue 3 Mar, 19:00" in the reader's zone."""
    if moment is None:
        return ""
    local = timezone.localtime(moment, zone)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


@register.filter
def local_time(moment, zone) -> str:
    """ "19:00 GMT" in the reader's zone."""
    if moment is None:
        return ""
    local = timezone.localtime(moment, zone)
    return f"{local:%H:%M} {local.tzname()}"


@register.inclusion_tag("includes/breadcrumb.html", takes_context=True)
def groups_breadcrumb(context, *objects, current: str = ""):
    """Home › Study groups › the group › … ; a supervisor (no account) has no "Study groups"."""
    from django.urls import reverse

    viewer = context.get("viewer")
    crumbs = []
    if viewer is None or not viewer.is_supervisor:
        crumbs.append(("Study groups", reverse("studygroups:list")))
    crumbs += [(getattr(o, "breadcrumb_label", str(o)), o.get_absolute_url()) for o in objects]
    if current:
        crumbs.append((current, None))
    elif crumbs:
        crumbs[-1] = (crumbs[-1][0], None)
    return {"crumbs": crumbs}


@register.filter
def topic_word(number) -> str:
    """3 -> "Three", as topics are named in the course ("Topic Three")."""
    from topics.models import ORDINAL_WORDS

    return ORDINAL_WORDS.get(number, str(number))


@register.simple_tag
def answer_choices():
    from ..models import MeetingResponse

    return MeetingResponse.Answer.choices
