from django.urls import path, re_path

from portal.pagecache import cached_page

from . import views

app_name = "modules"

urlpatterns = [
    path("join/", views.CohortCodeView.as_view(), name="join_code"),
    path("cohorts/<int:pk>/announce/", views.AnnounceView.as_view(), name="announce"),
    path("announcements/<int:pk>/", views.AnnouncementView.as_view(), name="announcement"),
    # Codes are capitals and digits only, so no module's lower-case slug is taken for one.
    re_path(r"^join/(?P<code>[A-Z2-9]{6,16})/$", views.CohortJoinView.as_view(), name="join"),
    path("<slug:slug>/", cached_page()(views.ModuleDetailView.as_view()), name="detail"),
    path("<slug:slug>/enrol/", views.ModuleEnrolView.as_view(), name="enrol"),
    path("<slug:slug>/leave/", views.ModuleLeaveView.as_view(), name="leave"),
]
