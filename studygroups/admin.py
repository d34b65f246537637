from django.contrib import admin

from portal.admin_tools import MarkdownPreviewMixin, ReadOnlyAdminMixin

from .models import (
    ActionItem,
    GroupComment,
    Invitation,
    Meeting,
    MeetingNotesVersion,
    MeetingResponse,
    Membership,
    OpenMeetingVisit,
    SharedReflection,
    SignOff,
    StudyGroup,
    TopicGuide,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "name", "email", "progress_hidden", "joined_at", "left_at"]
    raw_id_fields = ["user"]
    show_change_link = True


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    fields = ["email", "invited_by", "created_at", "expires_at", "accepted_at", "declined_at",
              "revoked_at"]  # fmt: skip
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # invitations are sent from the group page, which emails them


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0
    fields = ["topic", "starts_at", "duration_minutes", "place", "cancelled_at", "sequence"]
    readonly_fields = ["sequence"]
    show_change_link = True


@admin.register(StudyGroup)
class StudyGroupAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["name", "module", "kind", "created_at", "archived_at"]
    list_filter = ["module", "kind", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "join_code", "memberships__user__email", "memberships__email"]
    list_select_related = ["module"]
    readonly_fields = ["join_code", "join_token", "created_at"]
    raw_id_fields = ["created_by"]
    inlines = [MembershipInline, InvitationInline, MeetingInline]
    markdown_fields = ("description",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["__str__", "group", "role", "joined_at", "left_at"]
    list_filter = ["role", ("left_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__full_name", "email", "name", "group__name"]
    list_select_related = ["group", "user"]
    raw_id_fields = ["user", "group", "removed_by"]
    readonly_fields = ["link_nonce", "link_sent_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "group", "invited_by", "created_at", "expires_at", "status"]
    list_filter = [("accepted_at", admin.EmptyFieldListFilter),
                   ("declined_at", admin.EmptyFieldListFilter)]  # fmt: skip
    search_fields = ["email", "group__name"]
    list_select_related = ["group", "invited_by"]
    raw_id_fields = ["group", "invited_by", "accepted_by"]
    readonly_fields = ["nonce", "created_at"]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ["owner", "text", "done_at"]
    raw_id_fields = ["owner"]


class OpenMeetingVisitInline(admin.TabularInline):
    model = OpenMeetingVisit
    extra = 0
    fields = ["name", "date", "place"]


class MeetingResponseInline(admin.TabularInline):
    model = MeetingResponse
    extra = 0
    fields = ["membership", "answer", "updated_at"]
    raw_id_fields = ["membership"]


@admin.register(Meeting)
class MeetingAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["__str__", "topic", "starts_at", "duration_minutes", "cancelled_at", "sequence"]
    list_filter = ["topic__module", "topic", ("cancelled_at", admin.EmptyFieldListFilter)]
    search_fields = ["group__name", "place", "agenda", "notes"]
    list_select_related = ["group", "topic"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["group", "created_by", "cancelled_by", "notes_updated_by"]
    readonly_fields = ["uid", "sequence", "created_at", "updated_at", "reminder_sent_for",
                       "notes_version", "notes_updated_at"]  # fmt: skip
    inlines = [MeetingResponseInline, ActionItemInline, OpenMeetingVisitInline]
    markdown_fields = ("agenda", "notes")


@admin.register(MeetingNotesVersion)
class MeetingNotesVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Saved versions of a meeting's notes: written by the portal on every save."""

    list_display = ["meeting", "number", "saved_by", "saved_at"]
    list_select_related = ["meeting__group", "meeting__topic", "saved_by"]
    readonly_fields = ["meeting", "number", "body", "saved_by", "saved_at", "restored_from"]


@admin.register(SharedReflection)
class SharedReflectionAdmin(admin.ModelAdmin):
    list_display = ["reflection", "group", "shared_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["reflection__title", "group__name", "reflection__author__email"]
    list_select_related = ["reflection", "group"]
    raw_id_fields = ["reflection", "group"]


@admin.register(GroupComment)
class GroupCommentAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["__str__", "created_at"]
    search_fields = ["body"]
    list_select_related = ["share__reflection", "author__user"]
    raw_id_fields = ["share", "author"]
    markdown_fields = ("body",)


@admin.register(SignOff)
class SignOffAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["reflection", "supervisor_name", "group_name", "discussed_on", "created_at"]
    search_fields = ["supervisor_name", "group_name", "reflection__title"]
    list_select_related = ["reflection"]
    raw_id_fields = ["reflection", "share", "supervisor"]
    markdown_fields = ("comment",)


@admin.register(TopicGuide)
class TopicGuideAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["topic", "open_meeting_plan"]
    list_select_related = ["topic__module"]
    markdown_fields = ("plan_intro",)
