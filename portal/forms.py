import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError

from .models import User

# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: none
# belongs in a name, a title or a place, and each would break a line in an email's subject
# or a calendar entry.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
SINGLE_LINE_MESSAGE = "Use one line of plain text: no line breaks, tabs or control characters."


def refuse_control_characters(value) -> None:
    if isinstance(value, str) and _CONTROL.search(value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="control_characters")


class SingleLineMixin:
    """Every one-line text box of the form (``TextInput``, not a password) refuses control
    characters with a clear message next to the field (fields added in ``__init__``
    included: the check is attached when the form is cleaned)."""

    def full_clean(self):
        for field in self.fields.values():
            widget = field.widget
            if (
                isinstance(field, forms.CharField)
                and isinstance(widget, forms.TextInput)
                and not isinstance(widget, forms.PasswordInput)
                and refuse_control_characters not in field.validators
            ):
                field.validators.append(refuse_control_characters)
        super().full_clean()


class SignupForm(SingleLineMixin, forms.Form):
    """Extra fields for allauth's sign-up form (allauth adds email and password)."""

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        help_text="As it should appear on your portfolio of professional development.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])


class ProfileForm(SingleLineMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name"]
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("full_name"), Submit("save", "Save profile"))

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError("Please enter your name.")
        return name


class DeleteAccountForm(forms.Form):
    """Deleting an account needs the current password, checked against the signed-in user."""

    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("password"),
            Submit("delete", "Delete my account and all my data", css_class="btn-danger"),
        )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your current password.")
        return password
