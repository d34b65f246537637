import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.utils import timezone

from .models import Topic

TARGET_RANGE = datetime.timedelta(days=5 * 365)


class TimetableForm(forms.Form):
    """One optional target date per topic; leaving a date empty clears that target."""

    def __init__(self, *args, topics: list[Topic], **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = {self.field_name(topic): topic for topic in topics}
        for name, topic in self.topics.items():
            self.fields[name] = forms.DateField(
                label=str(topic),
                required=False,
                initial=topic.target_date,
                help_text=self._status(topic),
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={"invalid": "Enter a date, for example 31/12/2026."},
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            *(Field(name) for name in self.topics), Submit("save", "Save my timetable")
        )

    @staticmethod
    def field_name(topic: Topic) -> str:
        return f"topic_{topic.number}"

    @staticmethod
    def _status(topic: Topic) -> str:
        done = f"{topic.task_done} of {topic.task_total} tasks done"
        meeting = ""
        if topic.meeting_date:
            day = f"{topic.meeting_date.day} {topic.meeting_date:%B %Y}"
            meeting = (
                f" Your study group meets on {day}: that is your deadline."
                if topic.deadline_is_meeting
                else f" Your study group meets on {day}; your own target comes first."
            )
        suggested = ""
        if topic.cohort_date and topic.target_date is None and not topic.meeting_date:
            day = f"{topic.cohort_date.day} {topic.cohort_date:%B %Y}"
            suggested = f" Your cohort's dates suggest {day}; set your own to change it."
        if topic.is_overdue:
            return (
                f"Overdue: the {topic.deadline_label.removesuffix(' date')} date has passed. "
                f"{done}.{meeting}"
                f"{suggested}"
            )
        return f"{done}.{meeting}{suggested}"

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for name in self.topics:
            day = cleaned.get(name)
            if day is not None and abs(day - today) > TARGET_RANGE:
                self.add_error(name, "Choose a date within five years of today.")
        return cleaned

    @property
    def targets(self) -> dict[Topic, datetime.date | None]:
        return {topic: self.cleaned_data.get(name) for name, topic in self.topics.items()}

    def past_targets(self) -> list[tuple[Topic, datetime.date]]:
        """Dates already gone for topics not yet complete: allowed, but worth a word."""
        today = timezone.localdate()
        return [
            (topic, day)
            for topic, day in self.targets.items()
            if day is not None and day < today and not topic.is_complete
        ]
