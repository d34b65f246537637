"""What the debates app holds about one person, for "download my data"."""

from .models import Argument, Endorsement, Stance


def export_for_user(user) -> dict:
    """The user's stances, arguments (with any moderation of them) and endorsements."""
    stances = Stance.objects.filter(user=user).select_related("motion").order_by("recorded_at")
    arguments = Argument.objects.filter(author=user).select_related("motion").order_by("created_at")
    endorsements = (
        Endorsement.objects.filter(user=user)
        .select_related("argument__motion")
        .order_by("created_at")
    )
    return {
        "debate_stances": [
            {
                "motion": s.motion.statement,
                "phase": s.phase,
                "position": s.position,
                "confidence": s.confidence,
                "reason": s.reason,
                "recorded_at": s.recorded_at.isoformat(),
                "updated_at": s.updated_at.isoformat(),
            }
            for s in stances
        ],
        "debate_arguments": [
            {
                "motion": a.motion.statement,
                "reply_to": a.parent_id,
                "id": a.pk,
                "side": a.side,
                "text": a.text,
                "created_at": a.created_at.isoformat(),
                "edited_at": a.edited_at.isoformat() if a.edited_at else None,
                "deleted": a.is_deleted,
                "hidden_reason": a.hidden_reason if a.hidden_at else "",
            }
            for a in arguments
        ],
        "debate_endorsements": [
            {
                "argument": e.argument_id,
                "motion": e.argument.motion.statement,
                "created_at": e.created_at.isoformat(),
            }
            for e in endorsements
        ],
    }
