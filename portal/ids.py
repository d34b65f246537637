"""Ids that people send: in a URL, a form field or a query string.

Every id is checked before it reaches a query: up to 18 ASCII digits, so it fits a 64-bit
integer column on every database (SQLite raises ``OverflowError`` beyond that, and
``int("²")`` raises ``ValueError`` though ``"²".isdigit()``). Anything else is no id at
all: a 404 for a URL, a form error or a 404 for a field.
"""

import re

from django import forms
from django.urls import register_converter

ID_PATTERN = "[0-9]{1,18}"
_ID = re.compile(rf"\A{ID_PATTERN}\Z")


def parse_id(value) -> int | None:
    """The id in ``value`` (a string from a request), or None when it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _ID.match(value):
        return None
    return int(value)


class IdConverter:
    """``<id:pk>`` in a URL: a whole number the database can hold; anything longer is a
    404 before any view or cache is asked."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")


class IdListMixin:
    """For model (multiple) choice fields: a value that is not an id is refused as an
    invalid choice before the database is asked."""

    def _check_ids(self, values):
        if self.to_field_name not in (None, "pk", "id"):
            return
        for value in values:
            if value in self.empty_values:
                continue
            if parse_id(str(value)) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"]
                    if "invalid_choice" in self.error_messages
                    else "Choose a valid option.",
                    code="invalid_choice",
                    params={"value": value},
                )


class ModelChoiceField(IdListMixin, forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, self.queryset.model):
            self._check_ids([value])
        return super().to_python(value)


class ModelMultipleChoiceField(IdListMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        try:
            values = frozenset(value)
        except TypeError:
            raise forms.ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        self._check_ids(values)
        return super()._check_values(value)
