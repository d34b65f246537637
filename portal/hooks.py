"""Hooks for apps higher up the import chain.

Imports run one way (portal <- modules <- ... <- studygroups), so a page of a lower app
cannot ask a higher one for its part. Instead the higher app registers a function here in
its ``AppConfig.ready()``, and the lower page calls whatever is registered:

- panels: a piece of HTML on a page of a lower app ("My groups" on the dashboard),
  placed by ``{% panels "slot" obj %}`` (portal_tags);
- personal data: a part of "download my data";
- before a user is deleted: let an app hand over what the person held for others;
- demo data: ``seed_demo`` adds each app's demo content;
- user relations: one-to-one relations loaded with the signed-in user (no extra query).

With nothing registered every hook does nothing, so each app works on its own.
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

# A panel renders for (request, the page's object or None) and returns HTML, or "" for
# nothing. Slots in use: "dashboard", "dashboard.tutored" (a module the user tutors, in
# its card), "module.overview" (module), "task.detail" (task), "reflection.detail"
# (reflection).
Panel = Callable[[Any, Any], str]
_panels: dict[str, list[Panel]] = defaultdict(list)

_personal_data: dict[str, Callable[[Any], Any]] = {}
_before_user_delete: list[Callable[[Any], None]] = []
_demo_seeders: list[Callable[..., None]] = []
_user_related: list[str] = []


def _add(items: list, fn) -> None:
    if fn not in items:  # ready() may run more than once in tests
        items.append(fn)


def register_panel(slot: str, render: Panel) -> None:
    _add(_panels[slot], render)


def unregister_panel(slot: str, render: Panel) -> None:
    if render in _panels[slot]:
        _panels[slot].remove(render)


def render_panels(slot: str, request, obj=None) -> SafeString:
    """The HTML of every panel registered for ``slot``, in registration order."""
    parts = [render(request, obj) for render in _panels.get(slot, [])]
    return format_html_join("", "{}", ((mark_safe(p),) for p in parts if p))  # noqa: S308 - rendered templates


def register_personal_data(key: str, export: Callable[[Any], Any]) -> None:
    """``export(user)`` gives the JSON-able part of "download my data" stored under ``key``."""
    _personal_data[key] = export


def personal_data(user) -> dict[str, Any]:
    return {key: export(user) for key, export in _personal_data.items()}


def register_before_user_delete(fn: Callable[[Any], None]) -> None:
    _add(_before_user_delete, fn)


def before_user_delete(user) -> None:
    for fn in _before_user_delete:
        fn(user)


def register_demo_seeder(fn: Callable[..., None]) -> None:
    """``fn(stdout=...)`` adds an app's demo content once the demo accounts exist."""
    _add(_demo_seeders, fn)


def seed_demo_content(*, stdout) -> None:
    for fn in _demo_seeders:
        fn(stdout=stdout)


def register_user_related(name: str) -> None:
    """Load the user's one-to-one relation ``name`` with the signed-in user (a join)."""
    _add(_user_related, name)


def user_related() -> list[str]:
    return list(_user_related)
