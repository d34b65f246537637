from django.urls import path

from portal.pagecache import cached_page

from . import views

app_name = "reflections"

urlpatterns = [
    path("", cached_page()(views.PortfolioView.as_view()), name="portfolio"),
    path("new/", views.ReflectionCreateView.as_view(), name="new"),
    path("preview/", views.PreviewView.as_view(), name="preview"),
    path("export/<slug:fmt>/", views.PortfolioExportView.as_view(), name="export"),
    path("exports/<id:pk>/", views.ExportJobView.as_view(), name="export_job"),
    path("exports/<id:pk>/download/", views.ExportDownloadView.as_view(), name="export_download"),
    path("<id:pk>/", cached_page()(views.ReflectionDetailView.as_view()), name="detail"),
    path("<id:pk>/edit/", views.ReflectionEditView.as_view(), name="edit"),
    path("<id:pk>/autosave/", views.AutosaveView.as_view(), name="autosave"),
    path("<id:pk>/history/", views.ReflectionHistoryView.as_view(), name="history"),
    path(
        "<id:pk>/history/<id:number>/restore/",
        views.ReflectionRestoreView.as_view(),
        name="restore",
    ),
    path("<id:pk>/submit/", views.ReflectionSubmitView.as_view(), name="submit"),
    path("<id:pk>/submit/check/", views.ReflectionSubmitCheckView.as_view(), name="submit_check"),
    path("<id:pk>/withdraw/", views.ReflectionWithdrawView.as_view(), name="withdraw"),
    path("<id:pk>/delete/", views.ReflectionDeleteView.as_view(), name="delete"),
    path("<id:pk>/feedback/read/", views.FeedbackSeenView.as_view(), name="feedback_seen"),
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
