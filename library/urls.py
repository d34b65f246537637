from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="index"),
    path("samples/", views.ArticleListView.as_view(samples_only=True), name="samples"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
]
