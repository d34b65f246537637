from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms

from modules.models import Module

from .models import (
    BODY_MAX_LENGTH,
    CPD_MAX_MINUTES,
    TITLE_MAX_LENGTH,
    Reflection,
    ReflectionTemplate,
)


class StructureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReflectionTemplate) -> str:
        return f"{obj.name} – {obj.description}" if obj.description else obj.name


def _clean_title(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise forms.ValidationError("Please give your reflection a title.")
    return value


class NewReflectionForm(forms.Form):
    """Step one: a title and a structure whose headings the editor starts with."""

    title = forms.CharField(
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "required": "Please give your reflection a title.",
            "max_length": "Keep the title under %(limit_value)d characters.",
        },
    )
    structure = StructureChoiceField(
        queryset=ReflectionTemplate.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Structure",
        error_messages={"required": "Choose a structure to start from."},
        help_text="The structure's headings are put into your reflection; you can change them.",
    )
    module = forms.ModelChoiceField(
        queryset=Module.objects.none(),
        required=False,
        label="Module (optional)",
        empty_label="Not about a particular module",
        help_text="For a free reflection, not tied to a task.",
    )

    def __init__(self, *args, task=None, modules=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        structures = ReflectionTemplate.objects.filter(is_active=True)
        fields = [Field("title")]
        if structures.exists():
            self.fields["structure"].queryset = structures
            fields.append(Field("structure"))
        else:  # an admin switched every structure off: start with free text
            del self.fields["structure"]
        if task is None:
            self.fields["module"].queryset = (
                modules if modules is not None else Module.objects.none()
            )
            fields.append(Field("module"))
        else:
            del self.fields["module"]
        self.helper = FormHelper()
        self.helper.layout = Layout(*fields, Submit("start", "Start writing"))

    def clean_title(self) -> str:
        return _clean_title(self.cleaned_data["title"])


class ReflectionForm(forms.Form):
    """The editor. ``version`` is the version the text was based on (lost-update check)."""

    title = forms.CharField(
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "required": "Please give your reflection a title.",
            "max_length": "Keep the title under %(limit_value)d characters.",
        },
    )
    body = forms.CharField(
        label="Your reflection",
        required=False,
        strip=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 18, "class": "reflection-body font-monospace"}),
        help_text=(
            "Markdown: <code>## Heading</code>, <code>**bold**</code>, <code>*italic*</code>, "
            "<code>- item</code> for a list, a blank line between paragraphs."
        ),
        error_messages={
            "max_length": (
                "A reflection can hold up to %(limit_value)d characters (this one has "
                "%(show_value)d). Split it into two reflections."
            )
        },
    )
    cpd_minutes = forms.IntegerField(
        label="CPD time (minutes)",
        min_value=0,
        max_value=CPD_MAX_MINUTES,
        help_text="Time spent on this learning, for your record of continuing professional "
        "development.",
        error_messages={
            "max_value": "Up to %(limit_value)d minutes (100 hours) for one reflection.",
            "min_value": "Minutes cannot be negative.",
            "invalid": "Enter a whole number of minutes, e.g. 90.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_title(self) -> str:
        return _clean_title(self.cleaned_data["title"])

    def enable_live_preview(self, url: str) -> None:
        """htmx sends the text to ``url`` as the writer pauses and shows the rendering."""
        self.fields["body"].widget.attrs.update(
            {
                "hx-post": url,
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#reflection-preview",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )

    @classmethod
    def for_reflection(cls, reflection: Reflection, **kwargs) -> "ReflectionForm":
        return cls(
            initial={
                "title": reflection.title,
                "body": reflection.body,
                "cpd_minutes": reflection.cpd_minutes,
                "version": reflection.version,
            },
            **kwargs,
        )


class PortfolioFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[("", "All reflections"), *Reflection.Status.choices],
        label="Show",
    )
