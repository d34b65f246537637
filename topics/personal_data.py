"""What the topics app holds about one person, for "download my data"."""

from .models import TaskCompletion


def export_for_user(user) -> dict:
    """The user's task completions (one query)."""
    completions = (
        TaskCompletion.objects.for_user(user)
        .select_related("task__topic__module")
        .order_by("completed_at")
    )
    return {
        "task_completions": [
            {
                "module": c.task.topic.module.title,
                "task": str(c.task),
                "completed_at": c.completed_at.isoformat(),
            }
            for c in completions
        ],
    }
