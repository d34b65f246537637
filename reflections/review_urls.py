from django.urls import path

from . import review_views as views

app_name = "review"

urlpatterns = [
    path("", views.ReviewQueueView.as_view(), name="queue"),
    path("<int:pk>/", views.ReviewDetailView.as_view(), name="detail"),
    path("<int:pk>/claim/", views.ClaimView.as_view(), name="claim"),
    path("<int:pk>/release/", views.ReleaseView.as_view(), name="release"),
    path("cohort/<slug:slug>/", views.CohortView.as_view(), name="cohort"),
    path("cohort/<slug:slug>/csv/", views.CohortCsvView.as_view(), name="cohort_csv"),
]
