from datetime import timedelta

from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone

from portal.admin_tools import MarkdownPreviewMixin

from .models import (
    Certificate,
    ExportJob,
    Feedback,
    Reflection,
    ReflectionTemplate,
    ReflectionVersion,
    RenderedPdf,
    TutorActivity,
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
    filter_horizontal = ["outcomes"]


@admin.register(Reflection)
class ReflectionAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = [
        "title", "author", "task", "status", "cpd_minutes", "version", "submitted_at",
        "claimed_by", "updated_at",
    ]  # fmt: skip
    list_filter = ["status", "module", "template"]
    search_fields = ["title", "body", "author__email", "author__full_name"]
    list_select_related = ["author", "task", "task__topic", "module"]
    autocomplete_fields = ["author"]
    raw_id_fields = ["task"]
    readonly_fields = ["version", "created_at", "updated_at", "submitted_at", "claimed_at"]
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
    """Review activity: every round of feedback, by tutor, module, decision and date."""

    list_display = ["reflection", "trainee", "module", "tutor", "decision", "created_at", "seen_at"]
    list_filter = ["decision", "reflection__module", "tutor", "created_at"]
    date_hierarchy = "created_at"
    search_fields = ["text", "reflection__title", "tutor__email", "reflection__author__email"]
    list_select_related = ["reflection__author", "reflection__module", "tutor"]
    raw_id_fields = ["reflection"]
    autocomplete_fields = ["tutor"]
    filter_horizontal = ["outcomes"]
    markdown_fields = ("text",)

    @admin.display(ordering="reflection__author__full_name")
    def trainee(self, obj):
        return obj.reflection.author

    @admin.display(ordering="reflection__module__title")
    def module(self, obj):
        return obj.reflection.module


@admin.register(TutorActivity)
class TutorActivityAdmin(admin.ModelAdmin):
    """How much each tutor reviews: rounds in the last 30 days, reviewed and revision
    requests in all, and what waits in their modules now (one query for the list)."""

    list_display = [
        "name", "user", "rounds_last_30_days", "reviewed", "revisions_requested",
        "waiting_in_their_modules",
    ]  # fmt: skip
    search_fields = ["name", "user__email"]
    list_select_related = ["user"]

    def get_queryset(self, request):
        since = timezone.now() - timedelta(days=30)
        return (
            super()
            .get_queryset(request)
            .annotate(
                recent=Count(
                    "user__feedback_given",
                    filter=Q(user__feedback_given__created_at__gte=since),
                    distinct=True,
                ),
                reviewed_n=Count(
                    "user__feedback_given",
                    filter=Q(user__feedback_given__decision=Feedback.Decision.REVIEWED),
                    distinct=True,
                ),
                revision_n=Count(
                    "user__feedback_given",
                    filter=Q(user__feedback_given__decision=Feedback.Decision.REVISION_REQUESTED),
                    distinct=True,
                ),
                waiting_n=Count(
                    "modules__reflections",
                    filter=Q(modules__reflections__status=Reflection.Status.SUBMITTED),
                    distinct=True,
                ),
            )
        )

    @admin.display(description="rounds (30 days)", ordering="recent")
    def rounds_last_30_days(self, obj):
        return obj.recent

    @admin.display(ordering="reviewed_n")
    def reviewed(self, obj):
        return obj.reviewed_n

    @admin.display(ordering="revision_n")
    def revisions_requested(self, obj):
        return obj.revision_n

    @admin.display(ordering="waiting_n")
    def waiting_in_their_modules(self, obj):
        return obj.waiting_n

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["holder_name", "module_title", "completed_on", "issued_at", "is_public"]
    list_filter = ["module", "is_public"]
    search_fields = ["holder_name", "user__email", "code"]
    list_select_related = ["user", "module"]
    raw_id_fields = ["user"]
    readonly_fields = ["code", "issued_at"]


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
