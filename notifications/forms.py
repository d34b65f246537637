import zoneinfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms

from . import services
from .models import Channel, Kind

COMMON_ZONES = ["Europe/London", "Europe/Dublin", "Europe/Paris", "UTC"]


def _zone_choices():
    others = sorted(z for z in zoneinfo.available_timezones() if z not in COMMON_ZONES)
    return [(z, z) for z in COMMON_ZONES] + [("Other time zones", [(z, z) for z in others])]


class PreferencesForm(forms.Form):
    """One choice of email channel per kind of notice, and the time zone."""

    time_zone = forms.ChoiceField(
        label="Your time zone",
        help_text="Meeting times are shown, and the daily digest is sent at 07:00, in it.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        current = services.preferences_for(user)
        self.fields["time_zone"].choices = _zone_choices()
        self.fields["time_zone"].initial = user.time_zone
        for kind in Kind:
            self.fields[f"kind_{kind.value}"] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=current[kind.value],
                widget=forms.RadioSelect,
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *[Field(f"kind_{kind.value}") for kind in Kind],
            Field("time_zone"),
            Submit("save", "Save my choices"),
        )

    def save(self) -> None:
        services.preferences_set(
            user=self.user,
            channels={kind.value: self.cleaned_data[f"kind_{kind.value}"] for kind in Kind},
        )
        if self.user.time_zone != self.cleaned_data["time_zone"]:
            self.user.time_zone = self.cleaned_data["time_zone"]
            self.user.save(update_fields=["time_zone"])
