from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms

from .models import Module


class EnrolForm(forms.Form):
    """Enrol in a module; prerequisites not completed on the portal must be confirmed."""

    confirm_prerequisites = forms.BooleanField(required=False)

    def __init__(self, *args, missing: list[Module], **kwargs):
        super().__init__(*args, **kwargs)
        self.missing = missing
        self.helper = FormHelper()
        self.helper.form_id = "enrol-form"
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        if missing:
            titles = " and ".join(module.title for module in missing)
            field = self.fields["confirm_prerequisites"]
            field.required = True
            field.label = f"I have completed {titles} elsewhere"
            field.error_messages["required"] = (
                f"Please confirm that you have completed {titles} before you enrol."
            )
            self.helper.layout = Layout(Field("confirm_prerequisites"), Submit("enrol", "Enrol"))
        else:
            del self.fields["confirm_prerequisites"]
            self.helper.layout = Layout(Submit("enrol", "Enrol"))

    @property
    def prerequisites_confirmed(self) -> bool:
        return bool(self.missing) and self.cleaned_data.get("confirm_prerequisites", False)
