"""Where the study groups plug into the apps below them (called from ``ready()``)."""

from debates.selectors import register_group_member_source
from portal.hooks import (
    register_before_user_delete,
    register_demo_seeder,
    register_panel,
    register_personal_data,
)
from reflections.hooks import register_signoff_source
from topics.hooks import register_deadline_source, register_event_source

from . import pages, panels, selectors


def register_all() -> None:
    register_group_member_source(selectors.group_mates)
    register_deadline_source(selectors.meeting_deadline)
    register_event_source(selectors.timetable_events)
    register_signoff_source(selectors.signoffs_for)
    register_panel("nav", panels.nav)
    register_panel("dashboard", panels.dashboard)
    register_panel("module.overview", panels.module_overview)
    register_panel("task.detail", panels.task_detail)
    register_panel("reflection.detail", panels.reflection_detail)
    register_personal_data("study_groups", _personal_data)
    register_before_user_delete(_before_user_delete)
    register_demo_seeder(_seed_demo)
    pages.register()


def _personal_data(user):
    from .personal_data import export_for_user

    return export_for_user(user)


def _before_user_delete(user) -> None:
    from .services import groups_leave_all

    groups_leave_all(user)


def _seed_demo(*, stdout) -> None:
    from .demo import seed_demo_group

    seed_demo_group(stdout=stdout)
