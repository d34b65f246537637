"""The study-group models, re-exported here (one module per part, as Wagtail does)."""

from .groups import (
    CODE_ALPHABET,
    CODE_LENGTH,
    INVITATION_VALID_FOR,
    MAX_MEMBERS,
    SUPERVISOR_LINK_VALID_FOR,
    Invitation,
    Membership,
    StudyGroup,
    TopicGuide,
    new_join_code,
    new_join_token,
    new_nonce,
    normalise_code,
)
from .meetings import (
    NOTES_MAX_LENGTH,
    ActionItem,
    Meeting,
    MeetingNotesVersion,
    MeetingResponse,
    OpenMeetingVisit,
)
from .sharing import GroupComment, SharedReflection, SignOff

__all__ = [
    "CODE_ALPHABET", "CODE_LENGTH", "INVITATION_VALID_FOR", "MAX_MEMBERS", "NOTES_MAX_LENGTH",
    "SUPERVISOR_LINK_VALID_FOR", "ActionItem", "GroupComment", "Invitation", "Meeting",
    "MeetingNotesVersion", "MeetingResponse", "Membership", "OpenMeetingVisit",
    "SharedReflection", "SignOff", "StudyGroup", "TopicGuide", "new_join_code",
    "new_join_token", "new_nonce", "normalise_code",
]  # fmt: skip
