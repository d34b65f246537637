"""Text limits shared by the forms (errors beside the field) and the services (the rule)."""

from django.core.exceptions import ValidationError

from .models import ARGUMENT_MAX_LENGTH, REASON_MAX_LENGTH


def clean_argument_text(text: str | None, *, what: str = "argument") -> str:
    """An argument or reply: 1 to 5,000 characters once surrounding space is trimmed."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"Write your {what} before posting it.", code="required")
    if len(text) > ARGUMENT_MAX_LENGTH:
        raise ValidationError(
            f"A {what} is limited to {ARGUMENT_MAX_LENGTH:,} characters and this one has "
            f"{len(text):,}. Shorten it, or make your main point here and add the rest as a "
            "reply.",
            code="max_length",
        )
    return text


def clean_one_line(text: str | None, *, required: bool, what: str = "reason") -> str:
    """A one-line reason of at most 200 characters; newlines and runs of spaces collapse."""
    line = " ".join((text or "").split())
    if required and not line:
        raise ValidationError(f"Give a {what}.", code="required")
    if len(line) > REASON_MAX_LENGTH:
        raise ValidationError(
            f"Keep the {what} to {REASON_MAX_LENGTH} characters; this one has {len(line):,}.",
            code="max_length",
        )
    return line
