from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("issuer/", views.IssuerView.as_view(), name="issuer"),
    path("jwks.json", views.JwksView.as_view(), name="jwks"),
    path("keys/<str:key_id>/", views.KeyView.as_view(), name="key"),
    path("achievements/<slug:slug>/", views.AchievementView.as_view(), name="achievement"),
    path("status/<str:number>/", views.StatusListView.as_view(), name="status_list"),
    path("badge/<uuid:uuid>/", views.PublicCredentialView.as_view(), name="credential"),
    path(
        "mine/<slug:module_slug>/badge.<str:fmt>",
        views.MyBadgeDownloadView.as_view(),
        name="download",
    ),
    path("mine/<slug:module_slug>/issue/", views.IssueBadgeView.as_view(), name="issue"),
]
