from django.urls import path

from portal.pagecache import cached_page

from . import views

app_name = "library"

urlpatterns = [
    path("", cached_page()(views.ArticleListView.as_view()), name="index"),
    path(
        "samples/",
        cached_page()(views.ArticleListView.as_view(samples_only=True)),
        name="samples",
    ),
    path("search/", cached_page()(views.SearchView.as_view()), name="search"),
    path("<slug:slug>/", cached_page()(views.ArticleDetailView.as_view()), name="article"),
]
