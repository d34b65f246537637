from django.urls import path

from portal.pagecache import cached_page

from . import views

app_name = "notifications"

urlpatterns = [
    path("", cached_page()(views.NotificationListView.as_view()), name="list"),
    path("read/", views.MarkReadView.as_view(), name="read_all"),
    path("<id:pk>/read/", views.MarkReadView.as_view(), name="read"),
    path("preferences/", cached_page()(views.PreferencesView.as_view()), name="preferences"),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
