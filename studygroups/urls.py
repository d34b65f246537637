from django.urls import path

from portal.pagecache import cached_page

from .pages import group_scopes
from .views import groups, joining, meetings, sharing

# Kept pages (portal.pagecache) of one group.
group_page = cached_page(group_scopes)

app_name = "studygroups"

meeting = "<id:pk>/meetings/<id:meeting>/"
shared = "<id:pk>/reflections/<id:share>/"

urlpatterns = [
    path("", cached_page()(groups.MyGroupsView.as_view()), name="list"),
    path("new/", groups.GroupCreateView.as_view(), name="create"),
    path("join/", joining.JoinByCodeView.as_view(), name="join_code"),
    path("join/<str:token>/", joining.JoinByLinkView.as_view(), name="join"),
    path("invite/<str:token>/", joining.InvitationLinkView.as_view(), name="invitation_link"),
    path("invitations/<id:pk>/", joining.InvitationView.as_view(), name="invitation"),
    path("supervise/<str:token>/", joining.SuperviseView.as_view(), name="supervise"),
    path("share/", sharing.ShareFromReflectionView.as_view(), name="share_reflection"),
    path("share/check/", sharing.ShareCheckView.as_view(), name="share_check"),
    # One group; everything below needs a place in it (or its supervisor's link).
    path("<id:pk>/", group_page(groups.GroupDetailView.as_view()), name="detail"),
    path("<id:pk>/settings/", groups.GroupSettingsView.as_view(), name="settings"),
    path("<id:pk>/code/", groups.RegenerateCodeView.as_view(), name="regenerate_code"),
    path("<id:pk>/leave/", groups.LeaveView.as_view(), name="leave"),
    path("<id:pk>/convenor/", groups.HandoverView.as_view(), name="handover"),
    path("<id:pk>/progress/", groups.ProgressVisibilityView.as_view(), name="progress_visibility"),
    path(
        "<id:pk>/members/<id:member>/remove/",
        groups.RemoveMemberView.as_view(),
        name="remove_member",
    ),
    path("<id:pk>/invite/", joining.InviteView.as_view(), name="invite"),
    path(
        "<id:pk>/invitations/<id:invitation>/withdraw/",
        joining.InvitationWithdrawView.as_view(),
        name="invitation_withdraw",
    ),
    path("<id:pk>/supervisor/", joining.SupervisorInviteView.as_view(), name="supervisor_invite"),
    path(
        "<id:pk>/supervisor/<id:member>/resend/",
        joining.SupervisorResendView.as_view(),
        name="supervisor_resend",
    ),
    path(
        "<id:pk>/supervisor/close/",
        joining.SupervisorSignOutView.as_view(),
        name="supervisor_signout",
    ),
    path("<id:pk>/schedule/", meetings.ScheduleAllView.as_view(), name="schedule"),
    path("<id:pk>/meetings/new/", meetings.MeetingCreateView.as_view(), name="meeting_create"),
    path(meeting, group_page(meetings.MeetingDetailView.as_view()), name="meeting"),
    path(meeting + "edit/", meetings.MeetingEditView.as_view(), name="meeting_edit"),
    path(meeting + "cancel/", meetings.MeetingCancelView.as_view(), name="meeting_cancel"),
    path(meeting + "calendar.ics", meetings.MeetingCalendarView.as_view(), name="meeting_ics"),
    path(meeting + "answer/", meetings.RespondView.as_view(), name="meeting_respond"),
    path(meeting + "notes/", meetings.NotesEditView.as_view(), name="notes"),
    path(meeting + "notes/history/", meetings.NotesHistoryView.as_view(), name="notes_history"),
    path(
        meeting + "notes/history/<id:number>/restore/",
        meetings.NotesRestoreView.as_view(),
        name="notes_restore",
    ),
    path(meeting + "actions/", meetings.ActionAddView.as_view(), name="action_add"),
    path(
        meeting + "actions/<id:item>/done/", meetings.ActionDoneView.as_view(), name="action_done"
    ),
    path(
        meeting + "actions/<id:item>/delete/",
        meetings.ActionDeleteView.as_view(),
        name="action_delete",
    ),
    path(meeting + "plan/", meetings.VisitAddView.as_view(), name="visit_add"),
    path(meeting + "plan/<id:visit>/going/", meetings.VisitGoingView.as_view(), name="visit_going"),
    path(
        meeting + "plan/<id:visit>/delete/",
        meetings.VisitDeleteView.as_view(),
        name="visit_delete",
    ),
    path("<id:pk>/reflections/share/", sharing.ShareView.as_view(), name="share"),
    path(shared, sharing.SharedReflectionView.as_view(), name="shared"),
    path(shared + "comments/", sharing.CommentView.as_view(), name="comment"),
    path(shared + "sign-off/", sharing.SignOffView.as_view(), name="signoff"),
    path(shared + "unshare/", sharing.UnshareView.as_view(), name="unshare"),
]
