"""Shared admin pieces: a preview of how Markdown fields will read on the site, ordered
inlines, and the autocomplete widgets made safe against values that are not keys."""

from adminsortable2.admin import SortableStackedInline, SortableTabularInline
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html, format_html_join

from .ids import parse_id
from .markdown import render_markdown
from .ordering import OrderedInlineForm, OrderedInlineFormSet


class MarkdownPreviewMixin:
    """Shows the saved Markdown fields rendered through the site's sanitiser.

    List the fields in ``markdown_fields``; the preview appears read-only at the
    foot of the change form after each save.
    """

    markdown_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "markdown_preview"]

    @admin.display(description="Preview of the rendered text")
    def markdown_preview(self, obj):
        if obj is None or obj.pk is None:
            return "Save to see a preview."
        parts = [
            (
                obj._meta.get_field(name).verbose_name.capitalize(),
                render_markdown(getattr(obj, name)),
            )
            for name in self.markdown_fields
            if getattr(obj, name)
        ]
        if not parts:
            return "Nothing to preview yet."
        return format_html(
            '<div class="markdown-preview">{}</div>',
            format_html_join("", "<h3>{}</h3><div>{}</div>", parts),
        )


class _OrderedInlineMixin:
    """An inline whose rows are put in order by dragging (django-admin-sortable2's handle)
    or with the keyboard ("Move up"/"Move down", static/js/admin-ordering.js); the portal
    numbers them on save (portal.ordering), so a position is never typed."""

    formset = OrderedInlineFormSet
    form = OrderedInlineForm

    @property
    def media(self):
        return super().media + forms.Media(
            js=["js/admin-ordering.js"], css={"all": ["css/admin-ordering.css"]}
        )


class OrderedTabularInline(_OrderedInlineMixin, SortableTabularInline):
    pass


class OrderedStackedInline(_OrderedInlineMixin, SortableStackedInline):
    pass


class PositionedAdminMixin:
    """The change page of a row that sits in order under a parent (a topic's task...): its
    position is shown, not typed (the parent's page orders them); a new row goes last."""

    parent_field: str = ""
    position_field: str = "position"

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        return exclude if obj is not None else [*exclude, self.position_field]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, self.position_field] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        if not change:
            siblings = self.model._default_manager.filter(
                **{self.parent_field: getattr(obj, self.parent_field)}
            )
            last = siblings.aggregate(last=models.Max(self.position_field))["last"] or 0
            setattr(obj, self.position_field, last + 1)
        super().save_model(request, obj, form, change)


class ReadOnlyAdminMixin:
    """A record the portal writes (a saved version, a job's result): looked at, never
    added or edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _is_key(field, value) -> bool:
    """Whether ``value`` (from a form) can be a value of ``field`` in a query."""
    try:
        prepared = field.get_prep_value(field.to_python(value))
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    # An integer beyond what the database holds raises OverflowError on SQLite.
    return not isinstance(prepared, int) or parse_id(str(prepared)) is not None


def refuse_bad_admin_keys() -> None:
    """The admin passes some submitted keys to a query as they came: an autocomplete
    field shown back after a refused form (``tutor=[]``), the rows ticked for an action
    (``_selected_action=abc``); each was a 500. Values that are not a valid key are dropped
    first (the form says "Select a valid choice", the action "Items must be selected").
    Wrapped once, at start-up, so every ModelAdmin, present and future, is safe."""
    from django.contrib.admin import helpers
    from django.contrib.admin.options import ModelAdmin
    from django.contrib.admin.widgets import AutocompleteMixin

    if getattr(AutocompleteMixin.optgroups, "portal_safe", False):
        return
    optgroups_as_django = AutocompleteMixin.optgroups
    response_action_as_django = ModelAdmin.response_action

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        kept = [item for item in value if _is_key(target, item)]
        return optgroups_as_django(self, name, kept, attr)

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        kept = [item for item in selected if _is_key(self.model._meta.pk, item)]
        if len(kept) != len(selected):
            post = request.POST.copy()
            post.setlist(helpers.ACTION_CHECKBOX_NAME, kept)
            request.POST = post
        return response_action_as_django(self, request, queryset)

    from django.forms.models import ModelMultipleChoiceField

    check_values_as_django = ModelMultipleChoiceField._check_values

    def check_values(self, value):
        # A key too large for the database (OverflowError on SQLite) is no valid choice.
        meta = self.queryset.model._meta
        key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        for item in value:
            if not _is_key(key, item):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return check_values_as_django(self, value)

    ModelMultipleChoiceField._check_values = check_values
    optgroups.portal_safe = True
    AutocompleteMixin.optgroups = optgroups
    ModelAdmin.response_action = response_action
