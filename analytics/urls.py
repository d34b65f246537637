from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("<slug:slug>/", views.DashboardView.as_view(), name="module"),
    path("<slug:slug>/csv/<slug:table>/", views.TableCsvView.as_view(), name="csv"),
]
