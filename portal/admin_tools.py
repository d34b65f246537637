"""Shared admin pieces: a preview of how Markdown fields will read on the site."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from .markdown import render_markdown


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
