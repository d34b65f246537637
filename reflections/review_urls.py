from django.urls import path

from portal.pagecache import cached_page

from . import review_views as views

app_name = "review"

urlpatterns = [
    path("", cached_page()(views.ReviewQueueView.as_view()), name="queue"),
    path("<id:pk>/", cached_page()(views.ReviewDetailView.as_view()), name="detail"),
    path("<id:pk>/claim/", views.ClaimView.as_view(), name="claim"),
    path("<id:pk>/release/", views.ReleaseView.as_view(), name="release"),
    path(
        "cohort/<slug:slug>/",
        cached_page(lambda request, **kwargs: ["cohort"])(views.CohortView.as_view()),
        name="cohort",
    ),
    path("cohort/<slug:slug>/csv/", views.CohortCsvView.as_view(), name="cohort_csv"),
]
