from django.contrib import admin

from portal.admin_tools import MarkdownPreviewMixin

from .models import (
    ExportJob,
    Feedback,
    Reflection,
    ReflectionTemplate,
    ReflectionVersion,
    RenderedPdf,
)


@admin.register(ReflectionTemplate)
class ReflectionTemplateAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "description"]
    markdown_fields = ("guidance", "body")


class ReflectionVersionInline(admin.TabularInline):
    model = ReflectionVersion
    extra = 0
    fields = ["number", "kind", "restored_from", "title", "cpd_minutes", "saved_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class FeedbackInline(admin.StackedInline):
    model = Feedback
    extra = 0
    autocomplete_fields = ["tutor"]


@admin.register(Reflection)
class ReflectionAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["title", "author", "task", "status", "cpd_minutes", "version", "updated_at"]
    list_filter = ["status", "module", "template"]
    search_fields = ["title", "body", "author__email", "author__full_name"]
    list_select_related = ["author", "task", "task__topic", "module"]
    autocomplete_fields = ["author"]
    raw_id_fields = ["task"]
    readonly_fields = ["version", "created_at", "updated_at", "submitted_at"]
    inlines = [ReflectionVersionInline, FeedbackInline]
    markdown_fields = ("body",)


@admin.register(ReflectionVersion)
class ReflectionVersionAdmin(admin.ModelAdmin):
    list_display = ["reflection", "number", "kind", "saved_at"]
    list_filter = ["kind"]
    search_fields = ["title", "body", "reflection__author__email"]
    list_select_related = ["reflection"]
    raw_id_fields = ["reflection"]


@admin.register(Feedback)
class FeedbackAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["reflection", "tutor", "created_at"]
    search_fields = ["text", "reflection__title", "tutor__email"]
    list_select_related = ["reflection", "tutor"]
    raw_id_fields = ["reflection"]
    autocomplete_fields = ["tutor"]
    markdown_fields = ("text",)


@admin.register(RenderedPdf)
class RenderedPdfAdmin(admin.ModelAdmin):
    """Derived data, made again whenever its reflection changes; shown for inspection."""

    list_display = ["reflection", "pages", "rendered_at"]
    fields = ["reflection", "key", "pages", "rendered_at"]
    raw_id_fields = ["reflection"]
    search_fields = ["reflection__title", "reflection__author__email"]
    list_select_related = ["reflection"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj else []


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Large exports made by the workers: read-only, without the file (it is the
    trainee's, and goes only to them)."""

    list_display = ["created_at", "owner", "format", "module", "state", "done", "total", "size",
                    "expires_at"]  # fmt: skip
    list_filter = ["state", "format"]
    search_fields = ["owner__email"]
    list_select_related = ["owner", "module"]
    exclude = ["file"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("file")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
