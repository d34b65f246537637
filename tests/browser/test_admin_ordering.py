"""Putting a task's resources in order in the admin by keyboard (the move buttons beside
django-admin-sortable2's drag handle); the save keeps the order set."""

from django.urls import reverse

from tests.browser.conftest import follow
from tests.conftest import PASSWORD
from topics.models import Task


def _resources(task) -> list[str]:
    return list(task.resources.order_by("position").values_list("title", flat=True))


def test_resources_reordered_by_keyboard(live_server, page, sign_in, admin_user, content):
    task = next(t for t in Task.objects.all() if t.resources.count() >= 3)
    first, second, third = _resources(task)[:3]
    sign_in(page, admin_user.email, PASSWORD)
    page.goto(live_server.url + reverse("admin:topics_task_change", args=[task.pk]))

    down = page.get_by_role("button", name=f"Move {first} down")
    down.focus()
    page.keyboard.press("Enter")
    # Focus stays on the button, so Enter again moves it one further.
    page.keyboard.press("Enter")
    assert page.get_by_role("status").first.text_content().startswith(f"{first} moved to place 3")
    follow(page.get_by_role("button", name="Save and continue editing"))
    assert _resources(task)[:3] == [second, third, first]
    positions = list(task.resources.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))
