from django import template

from ..selectors import format_minutes, reflections_for_task

register = template.Library()


@register.filter
def cpd(minutes) -> str:
    """CPD minutes as hours and minutes: ``{{ 200|cpd }}`` gives "3 h 20 min"."""
    return format_minutes(minutes)


@register.inclusion_tag("reflections/_task_reflections.html", takes_context=True)
def task_reflections(context, task):
    """The lightbulb's links on a task page: write a new reflection, or open one of the
    trainee's own reflections on this task (one query; the topics app stays unaware)."""
    user = context["request"].user
    return {"task": task, "reflections": reflections_for_task(user, task)}


@register.inclusion_tag("reflections/_debate_stance.html", takes_context=True)
def debate_stance(context, task):
    """The trainee's before/after stance on a debate task, carried into the editor."""
    from debates.selectors import stance_summary  # debates sits below reflections

    request = context.get("request")
    summary = None
    if request is not None and task is not None and task.kind == "debate":
        summary = stance_summary(user=request.user, task=task)
    return {"summary": summary, "task": task}


@register.filter
def waiting(hours) -> str:
    """Hours waited, as people say it: "5 hours", "3 days"."""
    from ..review import waiting_label

    return waiting_label(hours)
