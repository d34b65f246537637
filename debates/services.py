"""Writes in a debate: stances, arguments and replies, endorsements, moderation.

Each function keeps the debate's rules itself (views only check that the
person may see the debate at all), so admin actions and commands that call
them cannot break those rules either.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from modules.models import Cohort, Enrolment
from notifications.models import Kind
from notifications.services import notify
from portal.pagecache import pages_changed
from topics.models import Motion
from topics.services import task_mark_done

from .models import (
    EDIT_WINDOW_MINUTES,
    Argument,
    DebateTally,
    Endorsement,
    ModerationEvent,
    Position,
    Stance,
)
from .selectors import can_moderate, can_moderate_cohort
from .validation import clean_argument_text, clean_one_line


def _excerpt(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _complete_if_ready(*, user, motion: Motion) -> bool:
    """Both stances and at least one argument or reply complete the debate task."""
    stances = Stance.objects.filter(user=user, motion=motion).count()
    if stances < 2:
        return False
    if not Argument.objects.filter(motion=motion, author=user, is_deleted=False).exists():
        return False
    task_mark_done(user=user, task=motion.task)
    return True


def cohort_of(*, user, motion: Motion) -> Cohort | None:
    """The cohort in whose debate this person takes part: their enrolment's."""
    enrolment = (
        Enrolment.objects.filter(user=user, module_id=motion.task.topic.module_id)
        .select_related("cohort")
        .first()
    )
    return enrolment.cohort if enrolment else None


def _require_stance_before(*, user, motion: Motion, cohort: Cohort) -> None:
    """Trainees join their cohort's argument once their own first opinion is on record
    there; the cohort's tutors (lead tutors, staff) need not."""
    if can_moderate(user, motion.task.topic.module) and can_moderate_cohort(user, cohort):
        return
    if not Stance.objects.filter(
        user=user, motion=motion, cohort=cohort, phase=Stance.Phase.BEFORE
    ).exists():
        raise ValidationError("Record your stance before the debate first.")


# --- counters kept on write ---------------------------------------------------------------
# The stance chart reads DebateTally and the argument list reads Argument.endorsement_count.
# Every write that changes what they count updates them in its own transaction with
# F() expressions (no lost update between two writers); the rebuild functions recount
# from the rows, for bulk loads and for the admin.


def _tally_add(motion_id: int, cohort_id: int, **deltas: int) -> None:
    changes = {name: F(name) + delta for name, delta in deltas.items() if delta}
    if not changes:
        return
    tally = DebateTally.objects.filter(motion_id=motion_id, cohort_id=cohort_id)
    if not tally.update(**changes):
        DebateTally.objects.get_or_create(motion_id=motion_id, cohort_id=cohort_id)
        tally.update(**changes)


def tally_rebuild(motion_ids=None) -> int:
    """Recount the stance counters of the given motions (all, with None) from the
    stances, per cohort. Returns how many motions were recounted."""
    stances = Stance.objects.all()
    if motion_ids is not None:
        motion_ids = list(motion_ids)
        stances = stances.filter(motion_id__in=motion_ids)
    counts: dict[tuple[int, int], dict[str, int]] = {}
    rows = stances.values("motion_id", "cohort_id", "phase", "position").annotate(n=Count("pk"))
    for row in rows:
        fields = counts.setdefault((row["motion_id"], row["cohort_id"]), {})
        fields[f"{row['phase']}_{row['position']}"] = row["n"]
    before = Stance.objects.filter(
        motion=OuterRef("motion"), user=OuterRef("user"), phase=Stance.Phase.BEFORE
    ).values("position")[:1]
    pairs = (
        stances.filter(phase=Stance.Phase.AFTER)
        .annotate(before_position=Subquery(before))
        .filter(before_position__isnull=False)
        .values("motion_id", "cohort_id")
        .annotate(both=Count("pk"), changed=Count("pk", filter=~Q(position=F("before_position"))))
    )
    for row in pairs:
        fields = counts.setdefault((row["motion_id"], row["cohort_id"]), {})
        fields.update(both=row["both"], changed=row["changed"])
    if motion_ids is None:
        motion_ids = list(Motion.objects.values_list("pk", flat=True))
    zero = {f"{p}_{q}": 0 for p in Stance.Phase.values for q in Position.values}
    zero.update(both=0, changed=0)
    DebateTally.objects.filter(motion_id__in=motion_ids).delete()
    DebateTally.objects.bulk_create(
        DebateTally(motion_id=motion_id, cohort_id=cohort_id, **{**zero, **fields})
        for (motion_id, cohort_id), fields in counts.items()
    )
    return len(motion_ids)


def debates_follow_cohort_move(*, user, module, old: Cohort, new: Cohort) -> None:
    """A trainee moved cohort: their stances and their arguments (with their own replies
    in those threads) move to the new cohort's debate, and the counts follow. Others'
    replies in a moved thread stay with the old cohort, which no longer shows them: nobody
    reads another cohort's words. The mover's replies in others' threads stay put too."""
    motions = Motion.objects.filter(task__topic__module=module)
    moved_threads = list(
        Argument.objects.filter(
            author=user, motion__in=motions, cohort=old, parent__isnull=True
        ).values_list("pk", flat=True)
    )
    Argument.objects.filter(pk__in=moved_threads).update(cohort=new)
    Argument.objects.filter(author=user, parent_id__in=moved_threads).update(cohort=new)
    moved = Stance.objects.filter(user=user, motion__in=motions, cohort=old)
    motion_ids = set(moved.values_list("motion_id", flat=True))
    moved.update(cohort=new)
    if motion_ids:
        tally_rebuild(motion_ids)
    pages_changed(scopes=["debates"])


def endorsement_counts_rebuild(*, motion_ids=None, argument_ids=None) -> None:
    """Recount Argument.endorsement_count from the endorsements (of the given motions or
    arguments; all with neither)."""
    arguments = Argument.objects.all()
    if motion_ids is not None:
        arguments = arguments.filter(motion_id__in=list(motion_ids))
    if argument_ids is not None:
        arguments = arguments.filter(pk__in=list(argument_ids))
    counted = (
        Endorsement.objects.filter(argument=OuterRef("pk"))
        .values("argument")
        .annotate(n=Count("pk"))
        .values("n")
    )
    arguments.update(endorsement_count=Coalesce(Subquery(counted), 0))


def counters_rebuild() -> None:
    """Every counter kept on write, recounted (after a bulk load: bench/app)."""
    with transaction.atomic():
        tally_rebuild()
        endorsement_counts_rebuild()


@transaction.atomic
def stances_forget(user) -> None:
    """Take a person's stances and endorsements out of the counters (before the account
    is deleted and they go with it)."""
    motions = set(Stance.objects.filter(user=user).values_list("motion_id", flat=True))
    endorsed = list(Endorsement.objects.filter(user=user).values_list("argument_id", flat=True))
    Stance.objects.filter(user=user).delete()
    Endorsement.objects.filter(user=user).delete()
    if endorsed:
        endorsement_counts_rebuild(argument_ids=endorsed)
    if motions:
        tally_rebuild(motions)


@transaction.atomic
def stance_record(
    *,
    user,
    motion: Motion,
    phase: str,
    position: str,
    confidence: int,
    reason: str = "",
) -> Stance:
    """Record a stance. The stance before is kept as first given, so the shift is honest;
    the stance after needs one before and may be changed."""
    if phase not in Stance.Phase.values:
        raise ValidationError("Unknown phase.")
    if position not in Position.values:
        raise ValidationError("Choose for, against or undecided.")
    if not isinstance(confidence, int) or not 1 <= confidence <= 5:
        raise ValidationError("Confidence is a number from 1 to 5.")
    reason = clean_one_line(reason, required=False, what="reason")
    cohort = cohort_of(user=user, motion=motion)
    if cohort is None:
        raise ValidationError("Enrol in the module to take part in its debates.")
    values = {"position": position, "confidence": confidence, "reason": reason, "cohort": cohort}
    if phase == Stance.Phase.BEFORE:
        try:
            with transaction.atomic():
                stance = Stance.objects.create(user=user, motion=motion, phase=phase, **values)
        except IntegrityError:
            raise ValidationError(
                "Your stance before the debate is already recorded and is kept as it was."
            ) from None
        _tally_add(motion.pk, cohort.pk, **{f"before_{position}": 1})
    else:
        before = Stance.objects.filter(user=user, motion=motion, phase="before").first()
        if before is None:
            raise ValidationError("Record your stance before the debate first.")
        # Locked (on PostgreSQL) so two changes at once count the old side once.
        old = (
            Stance.objects.select_for_update()
            .filter(user=user, motion=motion, phase=phase)
            .values_list("position", flat=True)
            .first()
        )
        stance, _ = Stance.objects.update_or_create(
            user=user, motion=motion, phase=phase, defaults=values
        )
        deltas = {f"after_{position}": 1, "changed": int(position != before.position)}
        if old is None:
            deltas["both"] = 1
        else:
            deltas[f"after_{old}"] = deltas.get(f"after_{old}", 0) - 1
            deltas["changed"] -= int(old != before.position)
        _tally_add(motion.pk, cohort.pk, **deltas)
    _complete_if_ready(user=user, motion=motion)
    return stance


@transaction.atomic
def argument_create(
    *,
    author,
    motion: Motion,
    text: str,
    side: str = "",
    parent: Argument | None = None,
    cohort: Cohort | None = None,
) -> Argument:
    """Post an argument (with a side) or a reply to a top-level argument (without one),
    in a cohort's debate: a reply in its thread's, otherwise ``cohort`` or the author's.

    Trainees argue in their own cohort once they have recorded their stance before;
    the cohort's tutors may post without one."""
    text = clean_argument_text(text)
    if parent is not None:
        cohort = parent.cohort
    elif cohort is None:
        cohort = cohort_of(user=author, motion=motion)
    if cohort is None or cohort.module_id != motion.task.topic.module_id:
        raise ValidationError("Enrol in the module to take part in its debates.")
    _require_stance_before(user=author, motion=motion, cohort=cohort)
    if parent is not None:
        if parent.motion_id != motion.pk or parent.parent_id is not None:
            raise ValidationError("Replies go under an argument, one level deep.")
        if parent.is_deleted or (parent.is_hidden and parent.author_id != author.pk):
            raise ValidationError("That argument is no longer open for replies.")
        side = ""
    elif side not in Argument.Side.values:
        raise ValidationError("Choose whether you argue for or against the motion.")
    argument = Argument.objects.create(
        motion=motion, cohort=cohort, author=author, parent=parent, side=side, text=text
    )
    _complete_if_ready(user=author, motion=motion)
    if parent is not None:
        # The parent's author sees every visible reply on the debate page, and the
        # excerpt quoted is their own argument.
        notify(
            recipient=parent.author,
            kind=Kind.DEBATE_REPLY,
            actor=author,
            text=(
                f"{author.display_name} replied to your argument “{_excerpt(parent.text)}” "
                f"in the debate “{motion.statement}”."
            ),
            url=argument.get_absolute_url(),
            subject=f"{author.display_name} replied to your argument",
        )
    return argument


def can_edit(argument: Argument, user, *, now=None) -> bool:
    """Authors may edit for 15 minutes after posting, unless it was deleted or hidden."""
    now = now or timezone.now()
    return (
        argument.author_id == user.pk
        and not argument.is_deleted
        and not argument.is_hidden
        and now - argument.created_at <= timedelta(minutes=EDIT_WINDOW_MINUTES)
    )


@transaction.atomic
def argument_edit(*, argument: Argument, by, text: str) -> Argument:
    if argument.author_id != by.pk:
        raise ValidationError("Only the author can edit an argument.")
    if argument.hidden_at is not None:
        raise ValidationError("A tutor has hidden this argument, so it can no longer be edited.")
    if not can_edit(argument, by):
        raise ValidationError(
            f"Arguments can be edited for {EDIT_WINDOW_MINUTES} minutes after posting; "
            "post a reply to add to it."
        )
    argument.text = clean_argument_text(text)
    argument.edited_at = timezone.now()
    argument.save(update_fields=["text", "edited_at"])
    return argument


@transaction.atomic
def argument_delete(*, argument: Argument, by) -> None:
    """The author deletes. With replies, the argument keeps its place as "deleted" (its
    text erased); without, it goes. The last reply under a deleted argument takes it along."""
    if argument.author_id != by.pk or argument.is_deleted:
        raise ValidationError("Only the author can delete an argument.")
    parent_id = argument.parent_id
    if argument.replies.exists():
        argument.is_deleted = True
        argument.text = ""
        argument.edited_at = timezone.now()
        argument.endorsement_count = 0
        argument.save(update_fields=["is_deleted", "text", "edited_at", "endorsement_count"])
        argument.endorsements.all().delete()
        return
    argument.delete()
    if parent_id is not None:
        Argument.objects.filter(pk=parent_id, is_deleted=True, replies__isnull=True).delete()


@transaction.atomic
def endorsement_create(*, argument: Argument, user) -> Endorsement:
    """Endorse someone else's visible argument, once (idempotent)."""
    if argument.author_id == user.pk:
        raise ValidationError("You cannot endorse your own argument.")
    if argument.is_deleted or argument.is_hidden:
        raise ValidationError("That argument can no longer be endorsed.")
    _require_stance_before(user=user, motion=argument.motion, cohort=argument.cohort)
    try:
        with transaction.atomic():
            endorsement = Endorsement.objects.create(argument=argument, user=user)
    except IntegrityError:  # endorsed already (a double click): nothing changes
        return Endorsement.objects.get(argument=argument, user=user)
    Argument.objects.filter(pk=argument.pk).update(endorsement_count=F("endorsement_count") + 1)
    return endorsement


@transaction.atomic
def endorsement_delete(*, argument: Argument, user) -> None:
    deleted, _ = Endorsement.objects.filter(argument=argument, user=user).delete()
    if deleted:
        Argument.objects.filter(pk=argument.pk, endorsement_count__gt=0).update(
            endorsement_count=F("endorsement_count") - deleted
        )


@transaction.atomic
def argument_hide(*, argument: Argument, by, reason: str) -> Argument:
    """A tutor of the module (or staff) hides an argument, giving a reason its author sees."""
    if not can_moderate_cohort(by, argument.cohort):
        raise ValidationError("Only the cohort's tutors can hide arguments.")
    reason = clean_one_line(reason, required=True, what="reason for hiding it")
    argument.hidden_by = by
    argument.hidden_at = timezone.now()
    argument.hidden_reason = reason
    argument.save(update_fields=["hidden_by", "hidden_at", "hidden_reason"])
    ModerationEvent.objects.create(
        argument=argument, moderator=by, action=ModerationEvent.Action.HIDE, reason=reason
    )
    # Only the author is told, and only they may read the hidden text quoted here.
    notify(
        recipient=argument.author,
        kind=Kind.MODERATION,
        actor=by,
        text=(
            f"A tutor hid your {'reply' if argument.is_reply else 'argument'} "
            f"“{_excerpt(argument.text)}” in the debate “{argument.motion.statement}”. "
            f"Reason: {reason}"
        ),
        url=argument.get_absolute_url(),
        subject="A tutor hid your debate argument",
    )
    return argument


@transaction.atomic
def argument_unhide(*, argument: Argument, by) -> Argument:
    if not can_moderate_cohort(by, argument.cohort):
        raise ValidationError("Only the cohort's tutors can restore arguments.")
    if not argument.is_hidden:
        return argument
    argument.hidden_by = None
    argument.hidden_at = None
    argument.hidden_reason = ""
    argument.save(update_fields=["hidden_by", "hidden_at", "hidden_reason"])
    ModerationEvent.objects.create(
        argument=argument, moderator=by, action=ModerationEvent.Action.UNHIDE
    )
    notify(
        recipient=argument.author,
        kind=Kind.MODERATION,
        actor=by,
        text=(
            f"A tutor showed your {'reply' if argument.is_reply else 'argument'} "
            f"“{_excerpt(argument.text)}” again in the debate “{argument.motion.statement}”."
        ),
        url=argument.get_absolute_url(),
        subject="Your debate argument is shown again",
    )
    return argument
