from django import forms

from .search import MAX_QUERY_LENGTH, query_terms


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for",
        max_length=MAX_QUERY_LENGTH,
        required=False,  # an empty search gets the message below, without an asterisk
        error_messages={
            "max_length": f"Search for at most {MAX_QUERY_LENGTH} characters: "
            "shorten your search and try again.",
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        if not query:
            raise forms.ValidationError("Type a word or two to search for.")
        if not query_terms(query):
            raise forms.ValidationError(
                "Type at least one word (letters or numbers) to search for."
            )
        return query
