"""The CSV export of a debate: its stance counts, then every argument and reply."""

from collections.abc import Iterable

from .models import Argument
from .selectors import module_shift

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Spreadsheet programs run a cell that starts with = + - @ as a formula: quote it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row(*cells) -> list[str]:
    return [safe_cell(cell) for cell in cells]


ARGUMENT_HEADER = [
    "cohort", "argument id", "reply to", "side", "author", "author email", "posted", "edited",
    "endorsements", "status", "hidden by", "hidden at", "hidden reason", "text",
]  # fmt: skip


def _status(argument: Argument) -> str:
    if argument.is_deleted:
        return "deleted"
    return "hidden" if argument.is_hidden else "visible"


def write_debate_csv(writer, motions: Iterable) -> None:
    """Write one block per motion (a few queries per motion, none per argument)."""
    for motion in motions.select_related("task__topic__module"):
        topic = motion.task.topic
        shift = module_shift(motion)  # every cohort; each argument names its cohort
        writer.writerow(_row("Motion", motion.statement))
        writer.writerow(_row("Module", topic.module.title, "Topic", topic.number, topic.title))
        writer.writerow([])
        writer.writerow(_row("Stance", "Before", "After"))
        for row in shift.rows:
            writer.writerow(_row(row.label, row.before, row.after))
        writer.writerow(_row("Total", shift.before_total, shift.after_total))
        writer.writerow(_row("Recorded both", shift.both_total))
        writer.writerow(_row("Changed their mind", shift.changed))
        writer.writerow([])
        writer.writerow(_row(*ARGUMENT_HEADER))
        arguments = (
            Argument.objects.on(motion)
            .select_related("author", "hidden_by", "cohort")
            .order_by("cohort__name", "created_at", "pk")
        )
        for argument in arguments:
            writer.writerow(
                _row(
                    argument.cohort.name,
                    argument.pk,
                    argument.parent_id or "",
                    argument.side,
                    argument.author.display_name,
                    argument.author.email,
                    argument.created_at.isoformat(timespec="seconds"),
                    argument.edited_at.isoformat(timespec="seconds") if argument.edited_at else "",
                    argument.endorsement_count,
                    _status(argument),
                    argument.hidden_by.display_name if argument.hidden_by else "",
                    argument.hidden_at.isoformat(timespec="seconds") if argument.hidden_at else "",
                    argument.hidden_reason,
                    argument.text,
                )
            )
        writer.writerow([])
