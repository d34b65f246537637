from django.urls import path

from . import views

app_name = "organisations"

# Not kept (portal.pagecache): a lead's report reads many people's progress, and is
# opened rarely; it is read fresh each time.
urlpatterns = [
    path("", views.MyOrganisationsView.as_view(), name="mine"),
    path("cohorts/", views.ManagedCohortsView.as_view(), name="cohorts"),
    path("cohorts/<int:pk>/enrol/", views.BulkUploadView.as_view(), name="bulk_upload"),
    path("enrolments/<int:pk>/", views.BulkDetailView.as_view(), name="bulk_detail"),
    path("enrolments/<int:pk>/confirm/", views.BulkConfirmView.as_view(), name="bulk_confirm"),
    path("enrolments/<int:pk>/report/", views.BulkReportView.as_view(), name="bulk_report"),
    path("<slug:slug>/", views.ReportView.as_view(), name="report"),
    path("<slug:slug>/csv/", views.ReportCsvView.as_view(), name="report_csv"),
]
