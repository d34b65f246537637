from django.urls import path

from . import views

app_name = "modules"

urlpatterns = [
    path("<slug:slug>/", views.ModuleDetailView.as_view(), name="detail"),
    path("<slug:slug>/enrol/", views.ModuleEnrolView.as_view(), name="enrol"),
    path("<slug:slug>/leave/", views.ModuleLeaveView.as_view(), name="leave"),
]
