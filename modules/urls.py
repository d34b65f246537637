from django.urls import path

from portal.pagecache import cached_page

from . import views

app_name = "modules"

urlpatterns = [
    path("<slug:slug>/", cached_page()(views.ModuleDetailView.as_view()), name="detail"),
    path("<slug:slug>/enrol/", views.ModuleEnrolView.as_view(), name="enrol"),
    path("<slug:slug>/leave/", views.ModuleLeaveView.as_view(), name="leave"),
]
