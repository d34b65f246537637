"""Forms of the debate page. Limits come from ``validation`` so the messages match the rules.

Textareas carry no ``maxlength``: a browser would silently cut a long paste, where the
form instead keeps every character and says how far over the limit it is.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms

from portal.forms import SingleLineMixin

from .models import REASON_MAX_LENGTH, Argument, Position, Stance
from .validation import clean_argument_text, clean_one_line

CONFIDENCE_CHOICES = [(n, str(n)) for n in range(1, 6)]


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's <form> carries the token
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class StanceForm(SingleLineMixin, forms.Form):
    position = forms.ChoiceField(
        label="Where do you stand on the motion?",
        choices=Position.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose for, against or undecided."},
    )
    confidence = forms.TypedChoiceField(
        label="How sure are you? (1 = not at all sure, 5 = very sure)",
        choices=CONFIDENCE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how sure you are, from 1 to 5."},
    )
    reason = forms.CharField(
        label="Your reason in a line (optional)",
        required=False,
        help_text=f"Up to {REASON_MAX_LENGTH} characters. Only you see it.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, phase: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.phase = phase
        # Rendered by templates/debates/_stance_form.html (plain, not crispy: a busy page).
        self.submit_label = (
            "Record my stance before" if phase == Stance.Phase.BEFORE else "Record my stance after"
        )

    def clean_reason(self) -> str:
        return clean_one_line(self.cleaned_data.get("reason"), required=False)


class ArgumentForm(forms.Form):
    side = forms.ChoiceField(
        label="Your argument is",
        choices=Argument.Side.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you argue for or against the motion."},
    )
    text = forms.CharField(
        label="Your argument",
        required=False,  # clean_text gives the message
        strip=False,
        help_text="Markdown works: *emphasis*, **bold**, lists and links. Up to 5,000 characters.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_argument_%s")
        super().__init__(*args, **kwargs)  # rendered by templates/debates/_argument_form.html

    def clean_text(self) -> str:
        return clean_argument_text(self.cleaned_data.get("text"))


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply",
        required=False,
        strip=False,
        help_text="Markdown works. Up to 5,000 characters.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, parent_pk: int, **kwargs):
        kwargs.setdefault("auto_id", f"id_reply_{parent_pk}_%s")
        super().__init__(*args, **kwargs)
        self.parent_pk = parent_pk  # rendered by templates/debates/_field.html, not crispy

    def clean_text(self) -> str:
        return clean_argument_text(self.cleaned_data.get("text"), what="reply")


class EditArgumentForm(forms.Form):
    text = forms.CharField(
        label="Your argument",
        required=False,
        strip=False,
        help_text="Markdown works. Up to 5,000 characters.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("text", submit="Save changes")

    def clean_text(self) -> str:
        return clean_argument_text(self.cleaned_data.get("text"))


class HideForm(SingleLineMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for hiding (the author sees it)",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, argument_pk: int, **kwargs):
        kwargs.setdefault("auto_id", f"id_hide_{argument_pk}_%s")
        super().__init__(*args, **kwargs)
        self.argument_pk = argument_pk  # rendered by templates/debates/_field.html

    def clean_reason(self) -> str:
        return clean_one_line(
            self.cleaned_data.get("reason"), required=True, what="reason for hiding it"
        )
