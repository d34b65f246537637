from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("accounts/profile/", views.AccountView.as_view(), name="account"),
    path("accounts/profile/my-data/", views.MyDataView.as_view(), name="account_data"),
    path("accounts/profile/delete/", views.AccountDeleteView.as_view(), name="account_delete"),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("modules/", include("modules.urls")),
    path("library/", include("library.urls")),
    path("modules/<slug:module_slug>/", include("topics.urls")),
    path("modules/<slug:module_slug>/topics/<int:number>/debate/", include("debates.urls")),
    path("portfolio/", include("reflections.urls")),
    path("groups/", include("studygroups.urls")),
]
