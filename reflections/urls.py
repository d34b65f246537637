from django.urls import path

from portal.pagecache import cached_page

from . import views

app_name = "reflections"

urlpatterns = [
    path("", cached_page()(views.PortfolioView.as_view()), name="portfolio"),
    path("new/", views.ReflectionCreateView.as_view(), name="new"),
    path("preview/", views.PreviewView.as_view(), name="preview"),
    path("export/<slug:fmt>/", views.PortfolioExportView.as_view(), name="export"),
    path("exports/<int:pk>/", views.ExportJobView.as_view(), name="export_job"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export_download"),
    path("<int:pk>/", cached_page()(views.ReflectionDetailView.as_view()), name="detail"),
    path("<int:pk>/edit/", views.ReflectionEditView.as_view(), name="edit"),
    path("<int:pk>/autosave/", views.AutosaveView.as_view(), name="autosave"),
    path("<int:pk>/history/", views.ReflectionHistoryView.as_view(), name="history"),
    path(
        "<int:pk>/history/<int:number>/restore/",
        views.ReflectionRestoreView.as_view(),
        name="restore",
    ),
    path("<int:pk>/submit/", views.ReflectionSubmitView.as_view(), name="submit"),
    path("<int:pk>/submit/check/", views.ReflectionSubmitCheckView.as_view(), name="submit_check"),
    path("<int:pk>/withdraw/", views.ReflectionWithdrawView.as_view(), name="withdraw"),
    path("<int:pk>/delete/", views.ReflectionDeleteView.as_view(), name="delete"),
    path("<int:pk>/feedback/read/", views.FeedbackSeenView.as_view(), name="feedback_seen"),
    path("certificate/<slug:module_slug>/", views.CertificateView.as_view(), name="certificate"),
    path(
        "certificate/<slug:module_slug>/pdf/",
        views.CertificatePdfView.as_view(),
        name="certificate_pdf",
    ),
    path(
        "certificate/<slug:module_slug>/verification/",
        views.CertificatePublicView.as_view(),
        name="certificate_public",
    ),
]
