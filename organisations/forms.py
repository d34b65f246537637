from django import forms

from modules.models import Module


class ReportFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Name or email")
    module = forms.ModelChoiceField(
        queryset=Module.objects.none(), required=False, empty_label="All modules"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.filter(is_offered=True)

    def clean_q(self) -> str:
        return self.cleaned_data["q"].strip()


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="A header row with “email” and “name” (and optionally “organisation”), "
        "then one person a row; saved from a spreadsheet as “CSV UTF-8”. Fewer than 10,000 "
        "people. Nothing is written until you confirm the preview.",
    )
