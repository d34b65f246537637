from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms

from modules.models import LearningOutcome, Module
from portal.markdown import MARKDOWN_HELP

from .models import (
    BODY_MAX_LENGTH,
    CPD_MAX_MINUTES,
    FEEDBACK_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Feedback,
    Reflection,
    ReflectionTemplate,
)
from .review import CohortShow, CohortSort, QueueState


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


NEW_FEEDBACK = "new_feedback"


class PortfolioFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "All reflections"),
            (NEW_FEEDBACK, "With new feedback"),
            *Reflection.Status.choices,
        ],
        label="Show",
    )


class QueueFilterForm(forms.Form):
    """The review queue's filters. Choices come from the modules the tutor tutors, already
    loaded, so checking a choice costs no query; ``clean`` gives the objects back."""

    module = forms.ChoiceField(required=False)
    topic = forms.ChoiceField(required=False)
    task = forms.ChoiceField(required=False)
    state = forms.ChoiceField(required=False, choices=QueueState.CHOICES, label="Show")
    trainee = forms.CharField(required=False, max_length=100, label="Trainee name or email")

    def __init__(self, *args, modules, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = {str(m.pk): m for m in modules}
        self.tasks = {str(t.pk): t for t in tasks}
        self.topics = {str(t.topic_id): t.topic for t in tasks}
        many = len(self.modules) > 1
        self.fields["module"].choices = [("", "All my modules")] + [
            (pk, m.title) for pk, m in self.modules.items()
        ]
        self.fields["topic"].choices = [("", "All topics")] + [
            (pk, f"{t.module.title}: {t}" if many else str(t)) for pk, t in self.topics.items()
        ]
        self.fields["task"].choices = [("", "All tasks")] + [
            (pk, f"Topic {t.topic.number}, {t.ordinal_word.lower()} task: {t.title}")
            for pk, t in self.tasks.items()
        ]

    def clean(self):
        data = super().clean()
        data["module"] = self.modules.get(data.get("module") or "")
        data["topic"] = self.topics.get(data.get("topic") or "")
        data["task"] = self.tasks.get(data.get("task") or "")
        data["trainee"] = (data.get("trainee") or "").strip()
        return data


class OutcomeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: LearningOutcome) -> str:
        return f"{obj.position}. {obj.text}"


class FeedbackForm(forms.Form):
    """One round of review: feedback (Markdown), the outcomes evidenced, and a decision."""

    text = forms.CharField(
        label="Your feedback",
        required=False,
        strip=False,
        max_length=FEEDBACK_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace"}),
        help_text=MARKDOWN_HELP + " Required when you ask for a revision.",
        error_messages={"max_length": "Feedback can hold up to %(limit_value)d characters."},
    )
    outcomes = OutcomeChoiceField(
        queryset=LearningOutcome.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Learning outcomes this reflection evidences (optional)",
    )
    decision = forms.ChoiceField(
        choices=Feedback.Decision.choices,
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={"required": "Choose a decision: reviewed, or revision requested."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, module: Module | None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["outcomes"]
        if module is None:
            del self.fields["outcomes"]
        else:
            field.queryset = LearningOutcome.objects.filter(module=module)
            # The boxes are drawn from one list (one query); checking a posted choice asks
            # the queryset, so an outcome of another module is refused.
            self.outcome_list = list(field.queryset.order_by("position"))
            field.widget.choices = [(o.pk, field.label_from_instance(o)) for o in self.outcome_list]
            if not self.outcome_list:
                del self.fields["outcomes"]
        self.fields["decision"].choices = [
            (Feedback.Decision.REVIEWED, "Reviewed: the reflection is complete"),
            (
                Feedback.Decision.REVISION_REQUESTED,
                "Revision requested: return it to the trainee to revise and resubmit",
            ),
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def enable_live_preview(self, url: str) -> None:
        self.fields["text"].widget.attrs.update(
            {
                "hx-post": url,
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#feedback-preview",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == Feedback.Decision.REVISION_REQUESTED
            and not (data.get("text") or "").strip()
        ):
            self.add_error(
                "text",
                "Say what to revise: a revision request needs feedback for the trainee.",
            )
        return data


class CohortFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Trainee name or email")
    cohort = forms.TypedChoiceField(required=False, label="Cohort")
    show = forms.ChoiceField(required=False, choices=CohortShow.CHOICES, label="Show")
    sort = forms.ChoiceField(required=False, choices=CohortSort.CHOICES, label="Sort by")

    def __init__(self, *args, cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cohorts = {c.pk: c for c in cohorts}
        field = self.fields["cohort"]
        field.choices = [("", "All my cohorts"), *((c.pk, c.name) for c in cohorts)]

    def clean_cohort(self):
        value = self.cleaned_data.get("cohort")
        return self.cohorts.get(int(value)) if value else None

    def clean_q(self) -> str:
        return self.cleaned_data["q"].strip()
