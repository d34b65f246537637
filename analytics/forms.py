import datetime

from django import forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EARLIEST = datetime.date(2000, 1, 1)


class RangeForm(forms.Form):
    """The weeks a dashboard covers: whole ISO weeks from the one holding ``since`` to the
    one holding ``until``; either may be left empty. And one of the cohorts the person
    may see, or all of them."""

    since = forms.DateField(required=False, label="From", widget=DATE)
    until = forms.DateField(required=False, label="To", widget=DATE)
    cohort = forms.TypedChoiceField(required=False, label="Cohort", coerce=int, empty_value=None)

    def __init__(self, *args, cohorts=(), everyone: str = "All cohorts", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", everyone)] + [(c.pk, c.name) for c in cohorts]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        for name in ("since", "until"):
            value = data.get(name)
            if value and not EARLIEST <= value <= datetime.date(2100, 12, 31):
                self.add_error(name, "Choose a date between 2000 and 2100.")
        if since and until and since > until:
            self.add_error("until", "The end of the range must not be before its start.")
        return data
