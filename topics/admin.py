from adminsortable2.admin import SortableAdminBase
from django.contrib import admin

from portal.admin_tools import (
    MarkdownPreviewMixin,
    OrderedStackedInline,
    OrderedTabularInline,
    PositionedAdminMixin,
)

from .models import (
    CalendarFeedToken,
    ChecklistItem,
    ChecklistTick,
    Motion,
    Resource,
    Task,
    TaskCompletion,
    TimetableTarget,
    Topic,
)


class TopicInline(OrderedTabularInline):
    """A module's topics, in order; the order gives each its number (Topic One...)."""

    model = Topic
    ordering = ["number"]
    extra = 0
    fields = ["title", "summary"]
    show_change_link = True


class TaskInline(OrderedTabularInline):
    model = Task
    ordering = ["position"]
    extra = 0
    fields = ["kind", "title", "estimated_minutes"]
    show_change_link = True


class ResourceInline(OrderedStackedInline):
    model = Resource
    ordering = ["position"]
    extra = 0
    fields = [
        "kind",
        "title",
        "url",
        "article",
        "description",
        "citation",
        ("doi", "isbn", "length"),
    ]
    show_change_link = True


class MotionInline(admin.StackedInline):
    model = Motion
    extra = 0
    max_num = 1


class ChecklistItemInline(OrderedTabularInline):
    model = ChecklistItem
    ordering = ["position"]
    extra = 1


@admin.register(Topic)
class TopicAdmin(PositionedAdminMixin, MarkdownPreviewMixin, SortableAdminBase, admin.ModelAdmin):
    position_field = "number"
    parent_field = "module"
    list_display = ["__str__", "module", "number"]
    list_filter = ["module"]
    search_fields = ["title", "introduction", "summary"]
    inlines = [TaskInline]
    markdown_fields = ("introduction",)


@admin.register(Task)
class TaskAdmin(PositionedAdminMixin, MarkdownPreviewMixin, SortableAdminBase, admin.ModelAdmin):
    parent_field = "topic"
    list_display = ["title", "topic", "position", "kind", "estimated_minutes"]
    list_filter = ["kind", "topic__module", "topic"]
    search_fields = ["title", "instructions", "reflection_prompt"]
    list_select_related = ["topic", "topic__module"]
    inlines = [MotionInline, ResourceInline]
    markdown_fields = ("instructions", "reflection_prompt")


@admin.register(Resource)
class ResourceAdmin(
    PositionedAdminMixin, MarkdownPreviewMixin, SortableAdminBase, admin.ModelAdmin
):
    parent_field = "task"
    list_display = ["title", "kind", "task", "position"]
    list_filter = ["kind", "task__topic__module", "task__topic"]
    search_fields = ["title", "citation", "description", "doi", "url"]
    list_select_related = ["task", "task__topic", "task__topic__module"]
    inlines = [ChecklistItemInline]
    markdown_fields = ("description",)


@admin.register(Motion)
class MotionAdmin(admin.ModelAdmin):
    list_display = ["statement", "task"]
    search_fields = ["statement"]
    list_select_related = ["task", "task__topic", "task__topic__module"]


@admin.register(TaskCompletion)
class TaskCompletionAdmin(admin.ModelAdmin):
    list_display = ["user", "task", "completed_at"]
    list_filter = ["task__topic__module"]
    search_fields = ["user__email", "task__title"]
    list_select_related = ["user", "task", "task__topic"]


@admin.register(ChecklistTick)
class ChecklistTickAdmin(admin.ModelAdmin):
    list_display = ["user", "item", "ticked_at"]
    list_filter = ["item__resource__task__topic__module"]
    search_fields = ["user__email", "item__text"]
    list_select_related = ["user", "item"]


@admin.register(TimetableTarget)
class TimetableTargetAdmin(admin.ModelAdmin):
    list_display = ["user", "topic", "target_date", "updated_at"]
    list_filter = ["topic__module"]
    search_fields = ["user__email", "topic__title"]
    list_select_related = ["user", "topic", "topic__module"]
    date_hierarchy = "target_date"


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    """Tokens are secrets: the admin lists whose they are, never the token itself."""

    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = ["user", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "created_at"] if obj else ["created_at"]
