from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms

from .models import Cohort, Module


class EnrolForm(forms.Form):
    """Enrol in a module; prerequisites not completed on the portal must be confirmed.
    Where several cohorts are open, the trainee picks one."""

    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(),
        required=False,
        empty_label=None,
        help_text="The intake you are part of: you debate with its trainees and its tutors "
        "review your work.",
    )
    confirm_prerequisites = forms.BooleanField(required=False)

    def __init__(self, *args, missing: list[Module], cohorts: list[Cohort] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.missing = missing
        cohorts = cohorts or []
        if len(cohorts) > 1:
            field = self.fields["cohort"]
            field.queryset = Cohort.objects.filter(pk__in=[c.pk for c in cohorts])
            field.required = True
            field.label_from_instance = cohort_label
        else:
            del self.fields["cohort"]
        self.only_cohort = cohorts[0] if len(cohorts) == 1 else None
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
            fields = [Field("confirm_prerequisites")]
        else:
            del self.fields["confirm_prerequisites"]
            fields = []
        if "cohort" in self.fields:
            fields.insert(0, Field("cohort"))
        self.helper.layout = Layout(*fields, Submit("enrol", "Enrol"))

    @property
    def chosen_cohort(self) -> Cohort | None:
        return self.cleaned_data.get("cohort") or self.only_cohort

    @property
    def prerequisites_confirmed(self) -> bool:
        return bool(self.missing) and self.cleaned_data.get("confirm_prerequisites", False)


def cohort_label(cohort: Cohort) -> str:
    dates = ""
    if cohort.starts_on:
        dates = f" (from {cohort.starts_on:%-d %B %Y})"
    return f"{cohort.name}{dates}"


class CohortCodeForm(forms.Form):
    """Join a cohort with the code a training provider or employer gave."""

    code = forms.CharField(
        label="Enrolment code",
        max_length=32,
        help_text="Eight letters and digits, as you were given them.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()


class AnnouncementForm(forms.Form):
    subject = forms.CharField(max_length=150)
    text = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        help_text="Markdown. Each trainee of the cohort gets a notice in the portal, and an "
        "email if they chose so for announcements.",
    )
