"""The study groups' forms. Times are typed in the person's own time zone and stored in
UTC; every refusal is said next to its field."""

import datetime
from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils import timezone

from portal.markdown import MARKDOWN_HELP

from .models import NOTES_MAX_LENGTH, MeetingResponse, StudyGroup, normalise_code
from .services import DURATION_CHOICES, MeetingPlan
from .services.sharing import COMMENT_MAX_LENGTH

AGENDA_MAX_LENGTH = 10_000
FURTHEST_AHEAD = datetime.timedelta(days=2 * 365)


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's <form> carries the token
    if fields:
        helper.layout = Layout(*(Field(name) for name in fields))
    return helper


def _duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} minutes"
    text = "1 hour" if hours == 1 else f"{hours} hours"
    return text + (f" {rest} minutes" if rest else "")


DURATIONS = [(m, _duration_label(m)) for m in DURATION_CHOICES]


class PrerequisiteMixin:
    """Adds "I have completed X elsewhere" when joining would enrol the person in a module
    whose prerequisite the portal has no record of them completing."""

    def add_prerequisite_field(self, missing) -> None:
        self.missing = list(missing or [])
        if not self.missing:
            return
        titles = " and ".join(module.title for module in self.missing)
        self.fields["confirm_prerequisites"] = forms.BooleanField(
            label=f"I have completed {titles} elsewhere",
            help_text="Joining enrols you in the group's module, which builds on it.",
            error_messages={
                "required": f"Please confirm that you have completed {titles} before you join."
            },
        )

    @property
    def prerequisites_confirmed(self) -> bool:
        return bool(getattr(self, "missing", None)) and bool(
            self.cleaned_data.get("confirm_prerequisites")
        )


class GroupForm(PrerequisiteMixin, forms.ModelForm):
    across_cohorts = forms.BooleanField(
        required=False,
        label="Open it to trainees of every cohort of the module",
        help_text="Otherwise only the trainees of your own cohort can join.",
    )

    class Meta:
        model = StudyGroup
        fields = ["name", "kind", "description", "members_can_schedule"]
        labels = {"name": "Name of the group", "kind": "Who is in it"}
        help_texts = {
            "name": "For example “Leeds peer group” or “Supervision with Sam”.",
            "description": "Optional. What you want from the group, when you usually meet. "
            + MARKDOWN_HELP,
        }
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"name": {"required": "Give the group a name."}}

    def __init__(self, *args, missing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("peer", "A peer group: colleagues on the module"),
            ("colleague", "Just one colleague: the two of you"),
            ("supervisor", "A trusted supervisor (who needs no account)"),
        ]
        self.add_prerequisite_field(missing)
        self.helper = _helper(*self.fields)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the group a name.")
        return name


class GroupSettingsForm(forms.ModelForm):
    class Meta:
        model = StudyGroup
        fields = ["name", "description", "members_can_schedule"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"description": MARKDOWN_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(*self.fields)


class JoinForm(PrerequisiteMixin, forms.Form):
    def __init__(self, *args, missing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_prerequisite_field(missing)
        self.helper = _helper(*self.fields)


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=20,
        help_text="Eight letters and digits, as the group gave it (capitals or not).",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),  # fmt: skip
        error_messages={"required": "Type the group's join code."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "join_%s")  # unique ids beside other forms
        super().__init__(*args, **kwargs)
        self.helper = _helper("code")

    def clean_code(self) -> str:
        return normalise_code(self.cleaned_data["code"])


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Their email address",
        error_messages={
            "required": "Type the address to send the invitation to.",
            "invalid": "Enter an email address, for example sam@example.org.",
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "invite_%s")  # unique ids beside other forms
        super().__init__(*args, **kwargs)
        self.helper = _helper("email")


class SupervisorForm(forms.Form):
    name = forms.CharField(
        label="Supervisor's name", max_length=150,
        error_messages={"required": "Give the supervisor's name."},
    )  # fmt: skip
    email = forms.EmailField(
        label="Supervisor's email address",
        help_text="They get a personal link to this group, valid for 90 days; no account needed.",
        error_messages={
            "required": "Type the supervisor's email address.",
            "invalid": "Enter an email address, for example sam@example.org.",
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "supervisor_%s")  # unique ids beside other forms
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.helper = _helper("name", "email")


# --- meetings ------------------------------------------------------------------------


def combine_in_zone(day: datetime.date, at: datetime.time, zone) -> datetime.datetime:
    """The moment a local date and time name in ``zone``; ValueError for a time the clocks
    skip (spring forward)."""
    naive = datetime.datetime.combine(day, at)
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValueError("skipped")
    return aware


def _video_url_field() -> forms.URLField:
    return forms.URLField(
        label="Video-call link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Optional; a secure link starting with https://.",
        error_messages={
            "invalid": "Enter a web address, for example https://meet.example.org/abc."
        },
    )


def _check_https(value: str) -> str:
    if value and urlsplit(value).scheme != "https":
        raise forms.ValidationError(
            "The video-call link must start with https:// (a secure link), so the call is "
            "not open to eavesdroppers."
        )
    return value


def _date_field(label="Date", required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": "Enter a date, for example 31/12/2026.",
            "required": "Give the date.",
        },
    )


def _time_field(required=True):
    return forms.TimeField(
        label="Start time",
        required=required,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "invalid": "Enter a time, for example 18:30.",
            "required": "Give the time.",
        },
    )


class MeetingFieldsMixin:
    """Turns a date, a time, a duration, a place and a link into a MeetingPlan."""

    def plan_from(self, prefix: str, topic, *, check_future: bool) -> MeetingPlan | None:
        data = self.cleaned_data
        day, at = data.get(f"{prefix}date"), data.get(f"{prefix}time")
        if day is None or at is None:
            return None
        try:
            starts_at = combine_in_zone(day, at, self.zone)
        except ValueError:
            self.add_error(
                f"{prefix}time",
                f"That time does not exist in {self.zone.key}: the clocks go forward then.",
            )
            return None
        now = timezone.now()
        if check_future and starts_at <= now:
            self.add_error(f"{prefix}date", "Choose a time in the future: that one has passed.")
            return None
        if starts_at > now + FURTHEST_AHEAD:
            self.add_error(f"{prefix}date", "Choose a date within two years.")
            return None
        place, link = data.get(f"{prefix}place", ""), data.get(f"{prefix}video_url", "")
        if not (place.strip() or link):
            self.add_error(
                f"{prefix}place", "Say where you will meet: a place, a video-call link, or both."
            )
            return None
        return MeetingPlan(
            topic=topic,
            starts_at=starts_at,
            duration_minutes=int(data.get(f"{prefix}duration") or 60),
            place=place.strip(),
            video_url=link,
            agenda=data.get(f"{prefix}agenda", ""),
        )


def _meeting_fields(prefix: str = "", *, required: bool = True) -> dict[str, forms.Field]:
    return {
        f"{prefix}date": _date_field(required=required),
        f"{prefix}time": _time_field(required=required),
        f"{prefix}duration": forms.TypedChoiceField(
            label="Length", choices=DURATIONS, coerce=int, initial=60, required=False
        ),
        f"{prefix}place": forms.CharField(
            label="Place",
            required=False,
            max_length=200,
            help_text="Where you meet in person, if you do.",
        ),
        f"{prefix}video_url": _video_url_field(),
        f"{prefix}agenda": forms.CharField(
            label="Agenda",
            required=False,
            max_length=AGENDA_MAX_LENGTH,
            strip=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="Optional. " + MARKDOWN_HELP,
        ),
    }


class MeetingForm(MeetingFieldsMixin, forms.Form):
    """One meeting: schedule it (choosing a topic without one) or change it."""

    def __init__(self, *args, zone, topics=None, meeting=None, **kwargs):
        self.zone, self.meeting = zone, meeting
        initial = kwargs.pop("initial", {}) or {}
        if meeting is not None:
            local = timezone.localtime(meeting.starts_at, zone)
            initial.update(
                date=local.date(), time=local.time().replace(second=0, microsecond=0),
                duration=meeting.duration_minutes, place=meeting.place,
                video_url=meeting.video_url, agenda=meeting.agenda,
            )  # fmt: skip
        super().__init__(*args, initial=initial, **kwargs)
        if meeting is None:
            self.topics = {str(t.pk): t for t in topics or []}
            self.fields["topic"] = forms.ChoiceField(
                label="Topic",
                choices=[(pk, str(t)) for pk, t in self.topics.items()],
                error_messages={"required": "Choose the topic.",
                                "invalid_choice": "Choose one of the topics listed."},
            )  # fmt: skip
        self.fields.update(_meeting_fields())
        self.helper = _helper(*self.fields)

    def clean_video_url(self) -> str:
        return _check_https(self.cleaned_data.get("video_url", ""))

    def clean(self):
        cleaned = super().clean()
        self.plan = None
        topic = self.meeting.topic if self.meeting else self.topics.get(cleaned.get("topic"))
        moved = True
        if self.meeting is not None and cleaned.get("date") and cleaned.get("time"):
            try:
                moved = combine_in_zone(cleaned["date"], cleaned["time"], self.zone) != (
                    self.meeting.starts_at
                )
            except ValueError:
                moved = True
        if topic is not None and not self.errors:
            self.plan = self.plan_from("", topic, check_future=moved)
        return cleaned


class ScheduleAllForm(MeetingFieldsMixin, forms.Form):
    """A meeting for each topic that has none yet, in one form: rows left empty are
    skipped; a refusal in any row saves none."""

    def __init__(self, *args, zone, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone, self.topics = zone, topics
        for topic in topics:
            fields = _meeting_fields(self.prefix_for(topic), required=False)
            self.fields.update(fields)
        self.helper = _helper()

    @staticmethod
    def prefix_for(topic) -> str:
        return f"t{topic.number}_"

    def rows(self):
        """(topic, [bound fields]) per topic, for the template."""
        for topic in self.topics:
            prefix = self.prefix_for(topic)
            yield topic, [self[f"{prefix}{name}"] for name in
                          ("date", "time", "duration", "place", "video_url", "agenda")]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        self.plans = []
        for topic in self.topics:
            prefix = self.prefix_for(topic)
            if f"{prefix}video_url" in cleaned:
                try:
                    _check_https(cleaned[f"{prefix}video_url"])
                except forms.ValidationError as error:
                    self.add_error(f"{prefix}video_url", error)
                    continue
            started = any(
                cleaned.get(f"{prefix}{name}") for name in ("date", "time", "place", "video_url")
            ) or bool((cleaned.get(f"{prefix}agenda") or "").strip())
            if not started:
                continue
            if cleaned.get(f"{prefix}date") is None and f"{prefix}date" not in self.errors:
                self.add_error(f"{prefix}date", "Give the date, or leave this topic's row empty.")
            if cleaned.get(f"{prefix}time") is None and f"{prefix}time" not in self.errors:
                self.add_error(f"{prefix}time", "Give the time, or leave this topic's row empty.")
            plan = self.plan_from(prefix, topic, check_future=True)
            if plan is not None:
                self.plans.append(plan)
        if not self.errors and not self.plans:
            raise forms.ValidationError(
                "Fill in at least one meeting, or choose “Not now” to schedule them later."
            )
        return cleaned


class ResponseForm(forms.Form):
    answer = forms.ChoiceField(choices=MeetingResponse.Answer.choices)


class NotesForm(forms.Form):
    body = forms.CharField(
        label="Notes",
        required=False,
        strip=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16, "class": "font-monospace"}),
        help_text=MARKDOWN_HELP,
        error_messages={
            "max_length": "Notes can hold up to %(limit_value)d characters (these have "
            "%(show_value)d)."
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("body")


class ActionItemForm(forms.Form):
    owner = forms.ChoiceField(label="Who")
    text = forms.CharField(
        label="What",
        max_length=200,
        help_text="For example “Practise an open question with a colleague”.",
        error_messages={
            "required": "Say what is to be done.",
            "max_length": "Keep it under %(limit_value)d characters.",
        },
    )

    def __init__(self, *args, members, me, suggestions=(), **kwargs):
        kwargs.setdefault("auto_id", "action_%s")  # unique ids beside other forms
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members if m.user_id}
        self.fields["owner"].choices = [
            (pk, "Me" if m.pk == me.pk else m.display_name) for pk, m in self.members.items()
        ]
        self.fields["owner"].initial = str(me.pk)
        if suggestions:
            self.fields["text"].widget.attrs["list"] = "action-suggestions"
        self.suggestions = list(suggestions)
        self.helper = _helper("owner", "text")

    def clean_owner(self):
        return self.members[self.cleaned_data["owner"]]


class VisitForm(forms.Form):
    name = forms.CharField(
        label="Open meeting", max_length=200,
        help_text="For example “AA open meeting, St Mary's”.",
        error_messages={"required": "Name the open meeting."},
    )  # fmt: skip
    date = _date_field()
    place = forms.CharField(
        label="Place", max_length=200, error_messages={"required": "Say where it is."}
    )
    going = forms.BooleanField(label="I will go", required=False, initial=True)

    def __init__(self, *args, zone, **kwargs):
        kwargs.setdefault("auto_id", "visit_%s")  # unique ids beside other forms
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.helper = _helper("name", "date", "place", "going")

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day < timezone.localdate(timezone.now(), self.zone):
            raise forms.ValidationError("Choose today or a later date.")
        return day


class ShareForm(forms.Form):
    """Share one of my reflections with a group (the group page's form)."""

    reflection = forms.ChoiceField(
        label="Your reflection", error_messages={"required": "Choose a reflection to share."}
    )

    def __init__(self, *args, reflections, **kwargs):
        kwargs.setdefault("auto_id", "share_%s")  # unique ids beside other forms
        super().__init__(*args, **kwargs)
        self.reflections = {str(r.pk): r for r in reflections}
        self.fields["reflection"].choices = [("", "Choose a reflection…")] + [
            (pk, r.title) for pk, r in self.reflections.items()
        ]
        self.helper = _helper("reflection")

    def clean_reflection(self):
        return self.reflections[self.cleaned_data["reflection"]]


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        max_length=COMMENT_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
        error_messages={
            "required": "Write your comment first.",
            "max_length": "Keep a comment under %(limit_value)d characters.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("body")

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError("Write your comment first.")
        return body


class SignOffForm(forms.Form):
    discussed_on = _date_field(label="Discussed in supervision on")
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown with the sign-off in the trainee's portfolio. " + MARKDOWN_HELP,
    )

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discussed_on"].initial = timezone.localdate(timezone.now(), zone)
        self.helper = _helper("discussed_on", "comment")


class MemberChoiceForm(forms.Form):
    """Choose one of the group's members (handing over the convenor's role)."""

    member = forms.ChoiceField(label="New convenor")

    def __init__(self, *args, members, label="New convenor", **kwargs):
        kwargs.setdefault("auto_id", "member_%s")  # unique ids beside other forms
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        self.fields["member"].choices = [(pk, m.display_name) for pk, m in self.members.items()]
        self.fields["member"].label = label
        self.helper = _helper("member")

    def clean_member(self):
        return self.members[self.cleaned_data["member"]]
