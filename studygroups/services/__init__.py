"""Every write of the study groups (HackSoft's ``<noun>_<verb>``, keyword-only, atomic):
what views, the admin, jobs and commands call."""

from .common import GroupError, may_schedule, prerequisites_missing
from .groups import (
    addressed_to,
    convenor_handover,
    group_create,
    group_update,
    groups_leave_all,
    invitation_accept,
    invitation_decline,
    invitation_path,
    invitation_send,
    invitation_withdraw,
    join_code_regenerate,
    membership_join,
    membership_leave,
    membership_remove,
    progress_visibility_set,
    supervisor_invite,
    supervisor_link_path,
)
from .meetings import (
    DURATION_CHOICES,
    REMINDER_BEFORE,
    MeetingPlan,
    NotesConflict,
    action_item_add,
    action_item_delete,
    action_item_set_done,
    meeting_cancel,
    meeting_remind,
    meeting_respond,
    meeting_schedule,
    meeting_update,
    meetings_schedule_all,
    notes_restore,
    notes_save,
    visit_add,
    visit_delete,
    visit_set_going,
)
from .sharing import comment_add, reflection_share, reflection_unshare, signoff_add

__all__ = [
    "DURATION_CHOICES", "REMINDER_BEFORE", "GroupError", "MeetingPlan", "NotesConflict",
    "action_item_add", "action_item_delete", "action_item_set_done", "addressed_to",
    "comment_add", "convenor_handover", "group_create", "group_update", "groups_leave_all",
    "invitation_accept", "invitation_decline", "invitation_path", "invitation_send",
    "invitation_withdraw", "join_code_regenerate", "may_schedule", "meeting_cancel",
    "meeting_remind", "meeting_respond", "meeting_schedule", "meeting_update",
    "meetings_schedule_all", "membership_join", "membership_leave", "membership_remove",
    "notes_restore", "notes_save", "prerequisites_missing", "progress_visibility_set",
    "reflection_share", "reflection_unshare", "signoff_add", "supervisor_invite",
    "supervisor_link_path", "visit_add", "visit_delete", "visit_set_going",
]  # fmt: skip
