import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone

from portal.admin_tools import MarkdownPreviewMixin
from topics.admin import MotionAdmin
from topics.models import Motion

from .exports import write_debate_csv
from .models import Argument, Endorsement, ModerationEvent, Stance
from .services import endorsement_counts_rebuild, tally_rebuild


class RecountMixin:
    """Stances and endorsements edited here bypass the services: the counters kept on
    write are recounted for what was touched."""

    def recount(self, objs) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        old = type(obj).objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        self.recount([o for o in (old, obj) if o is not None])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.recount([obj])

    def delete_queryset(self, request, queryset):
        objs = list(queryset)
        super().delete_queryset(request, queryset)
        self.recount(objs)


@admin.register(Stance)
class StanceAdmin(RecountMixin, admin.ModelAdmin):
    list_display = ["user", "motion", "cohort", "phase", "position", "confidence", "updated_at"]
    list_filter = ["phase", "position", "motion", "cohort"]
    search_fields = ["user__email", "user__full_name", "reason", "motion__statement"]
    list_select_related = ["user", "motion", "cohort"]
    raw_id_fields = ["user"]

    def recount(self, objs) -> None:
        tally_rebuild({o.motion_id for o in objs})


class ModerationEventInline(admin.TabularInline):
    model = ModerationEvent
    extra = 0
    can_delete = False
    fields = ["action", "moderator", "reason", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Argument)
class ArgumentAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = [
        "__str__", "motion", "cohort", "side", "parent", "created_at", "is_deleted", "hidden_at",
    ]  # fmt: skip
    list_filter = [
        "motion", "cohort", "side", "is_deleted", ("hidden_at", admin.EmptyFieldListFilter),
    ]  # fmt: skip
    search_fields = ["text", "author__email", "author__full_name", "hidden_reason"]
    list_select_related = ["author", "motion", "cohort", "parent", "parent__author"]
    raw_id_fields = ["author", "parent", "hidden_by"]
    readonly_fields = ["created_at", "edited_at"]
    inlines = [ModerationEventInline]
    markdown_fields = ("text",)


@admin.register(Endorsement)
class EndorsementAdmin(RecountMixin, admin.ModelAdmin):
    list_display = ["user", "argument", "created_at"]
    list_filter = ["argument__motion"]
    search_fields = ["user__email", "argument__text"]
    list_select_related = ["user", "argument", "argument__author"]
    raw_id_fields = ["user", "argument"]

    def recount(self, objs) -> None:
        endorsement_counts_rebuild(argument_ids={o.argument_id for o in objs})


@admin.register(ModerationEvent)
class ModerationEventAdmin(admin.ModelAdmin):
    list_display = ["argument", "action", "moderator", "reason", "created_at"]
    list_filter = ["action"]
    search_fields = ["reason", "moderator__email"]
    list_select_related = ["argument", "argument__author", "moderator"]
    raw_id_fields = ["argument", "moderator"]


# The motion is course content (topics); its debate export is added here so that
# topics need not know about debates.
admin.site.unregister(Motion)


@admin.register(Motion)
class DebateMotionAdmin(MotionAdmin):
    actions = ["export_csv"]

    @admin.action(description="Export the debates' arguments and stance counts (CSV)")
    def export_csv(self, request, queryset):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="debates-{stamp}.csv"'
        response.write("\ufeff")  # so spreadsheet programs read the text as UTF-8
        write_debate_csv(csv.writer(response), queryset)
        return response
