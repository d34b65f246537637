"""The study groups' panels on other apps' pages (registered with portal.hooks)."""

from django.template.loader import render_to_string

from topics.models import Task

from . import selectors
from .forms import JoinCodeForm


def nav(request, _obj=None) -> str:
    """ "Study groups" in the main menu, for people signed in (no query)."""
    if not request.user.is_authenticated:
        return ""
    match = getattr(request, "resolver_match", None)
    current = bool(match and match.namespace == "studygroups")
    return render_to_string("studygroups/panels/nav.html", {"current": current})


def dashboard(request, _obj=None) -> str:
    """ "Your study groups" on the dashboard: groups, next meetings, invitations (2 queries)."""
    user = request.user
    if not user.is_authenticated:
        return ""
    return render_to_string(
        "studygroups/panels/dashboard.html",
        {
            "groups": selectors.my_groups(user),
            "invitations": selectors.pending_invitations(user),
            "code_form": JoinCodeForm(),
            "zone": user.zone,
        },
        request=request,
    )


def module_overview(request, module) -> str:
    """The user's groups in this module, or how to convene or join one (1 query)."""
    user = request.user
    if not user.is_authenticated:
        return ""
    return render_to_string(
        "studygroups/panels/module_overview.html",
        {"groups": selectors.my_groups(user, module=module), "module": module, "zone": user.zone},
        request=request,
    )


def task_detail(request, task) -> str:
    """On a study-group discussion task: the trainee's group, the topic's meeting (or a way
    to schedule it), its agenda and notes and, once it has taken place, the next steps."""
    user = request.user
    if not user.is_authenticated or task.kind != Task.Kind.DISCUSSION:
        return ""
    groups = selectors.task_groups(user, task)
    for group in groups:
        group.may_schedule = group.my_role == "convenor" or (
            group.my_role == "member" and group.members_can_schedule
        )
    return render_to_string(
        "studygroups/panels/task_detail.html",
        {
            "groups": groups,
            "task": task,
            "topic": task.topic,
            "module": task.topic.module,
            "zone": user.zone,
        },
        request=request,
    )


def reflection_detail(request, reflection) -> str:
    """Share the reflection with a group, or stop sharing it (1 query)."""
    user = request.user
    if not user.is_authenticated or reflection.author_id != user.pk:
        return ""
    groups = selectors.reflection_shares(user, reflection)
    return render_to_string(
        "studygroups/panels/reflection_detail.html",
        {
            "groups": groups,
            "shared": [g for g in groups if g.share_id],
            "unshared": [g for g in groups if not g.share_id],
            "reflection": reflection,
        },
        request=request,
    )
