from adminsortable2.admin import SortableAdminBase
from django.contrib import admin

from portal.admin_tools import MarkdownPreviewMixin, OrderedTabularInline

from .models import Enrolment, LearningOutcome, Module, ModuleTutor, Prerequisite, Tutor


class LearningOutcomeInline(OrderedTabularInline):
    model = LearningOutcome
    ordering = ["position"]
    extra = 0


class PrerequisiteInline(OrderedTabularInline):
    model = Prerequisite
    ordering = ["position"]
    fk_name = "module"
    extra = 0
    autocomplete_fields = ["required"]


class ModuleTutorInline(OrderedTabularInline):
    """The module's tutors. A tutor reviews the module's reflections once their Tutor
    profile is linked to a user account (on the tutor's page)."""

    model = ModuleTutor
    ordering = ["position"]
    extra = 0
    autocomplete_fields = ["tutor"]
    fields = ["tutor", "reviews_as"]
    readonly_fields = ["reviews_as"]
    verbose_name_plural = "tutors (they review this module's reflections)"

    @admin.display(description="reviews as (linked account)")
    def reviews_as(self, obj) -> str:
        user = obj.tutor.user if obj and obj.pk and obj.tutor_id else None
        return user.email if user else "not linked: cannot review"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("tutor__user")


def _topic_inline():
    from topics.admin import TopicInline  # topics builds on modules

    return TopicInline


@admin.register(Module)
class ModuleAdmin(MarkdownPreviewMixin, SortableAdminBase, admin.ModelAdmin):
    list_display = [
        "title", "slug", "position", "is_published", "is_offered", "estimated_hours",
        "turnaround_days", "require_reviewed_reflections", "require_outcome_evidence",
    ]  # fmt: skip
    list_editable = ["position", "is_published", "is_offered"]
    list_filter = ["is_published", "is_offered"]
    search_fields = ["title", "summary", "introduction"]
    prepopulated_fields = {"slug": ["title"]}
    markdown_fields = ("introduction", "how_it_works")
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "slug", "summary", "position"]}),
        ("Text", {"fields": ["introduction", "how_it_works", "outcomes_intro"]}),
        ("Companion website", {"fields": ["companion_site_name", "companion_site_url"]}),
        ("Publishing", {"fields": ["is_published", "is_offered", "estimated_hours"]}),
        (
            "Review and certificate",
            {
                "fields": [
                    "turnaround_days",
                    "require_reviewed_reflections",
                    "require_outcome_evidence",
                ],
                "description": "What a trainee's certificate needs besides every task done. "
                "Relaxing a rule changes what new certificates say they attest.",
            },
        ),
        ("Preview", {"fields": ["markdown_preview"]}),
    ]

    def get_inlines(self, request, obj):
        return [PrerequisiteInline, LearningOutcomeInline, ModuleTutorInline, _topic_inline()]


@admin.register(Tutor)
class TutorAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["name", "role_line", "user"]
    search_fields = ["name", "role_line", "user__email"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    markdown_fields = ("biography",)


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "module", "enrolled_at", "prerequisites_confirmed_at", "completed_at"]
    list_filter = ["module", "completed_at"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "module"]
    autocomplete_fields = ["user"]
