"""What the study groups hold about one person, for "download my data"."""

from .models import (
    ActionItem,
    GroupComment,
    MeetingNotesVersion,
    MeetingResponse,
    Membership,
    SharedReflection,
    SignOff,
)


def _iso(value):
    return value.isoformat() if value else None


def export_for_user(user) -> dict:
    """The person's groups, answers, comments, action items, notes they saved, the
    reflections they shared, and the sign-offs of their reflections."""
    memberships = Membership.objects.filter(user=user).select_related("group__module")
    return {
        "memberships": [
            {
                "group": m.group.name,
                "module": m.group.module.title,
                "role": m.role,
                "joined_at": _iso(m.joined_at),
                "left_at": _iso(m.left_at),
                "progress_hidden": m.progress_hidden,
            }
            for m in memberships.order_by("joined_at", "pk")
        ],
        "meeting_answers": [
            {"meeting": str(r.meeting), "answer": r.answer, "updated_at": _iso(r.updated_at)}
            for r in MeetingResponse.objects.filter(membership__user=user)
            .select_related("meeting__group", "meeting__topic")
            .order_by("updated_at", "pk")
        ],
        "action_items": [
            {"meeting": str(i.meeting), "text": i.text, "done_at": _iso(i.done_at)}
            for i in ActionItem.objects.filter(owner__user=user)
            .select_related("meeting__group", "meeting__topic")
            .order_by("created_at", "pk")
        ],
        "comments": [
            {
                "group": c.share.group.name,
                "reflection": c.share.reflection.title,
                "body_markdown": c.body,
                "created_at": _iso(c.created_at),
            }
            for c in GroupComment.objects.filter(author__user=user)
            .select_related("share__group", "share__reflection")
            .order_by("created_at", "pk")
        ],
        "meeting_notes_saved": [
            {
                "meeting": str(v.meeting),
                "version": v.number,
                "body_markdown": v.body,
                "saved_at": _iso(v.saved_at),
            }  # fmt: skip
            for v in MeetingNotesVersion.objects.filter(saved_by=user)
            .select_related("meeting__group", "meeting__topic")
            .order_by("saved_at", "pk")
        ],
        "shared_reflections": [
            {
                "reflection": s.reflection.title,
                "group": s.group.name,
                "shared_at": _iso(s.shared_at),
                "revoked_at": _iso(s.revoked_at),
            }  # fmt: skip
            for s in SharedReflection.objects.filter(reflection__author=user)
            .select_related("reflection", "group")
            .order_by("shared_at", "pk")
        ],
        "signoffs": [
            {
                "reflection": s.reflection.title,
                "supervisor": s.supervisor_name,
                "group": s.group_name,
                "discussed_on": _iso(s.discussed_on),
                "comment_markdown": s.comment,
                "signed_at": _iso(s.created_at),
            }  # fmt: skip
            for s in SignOff.objects.filter(reflection__author=user)
            .select_related("reflection")
            .order_by("discussed_on", "pk")
        ],
    }
