from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import cache_control

from library.sitemaps import ArticleSitemap, LibrarySitemap
from modules.sitemaps import ModuleSitemap
from portal.pagecache import cached_page
from reflections.views import CertificateVerifyView

from . import views
from .sitemaps import PublicPagesSitemap

# The public pages: listed in /sitemap.xml and the only ones /robots.txt opens.
SITEMAPS = {
    "pages": PublicPagesSitemap,
    "modules": ModuleSitemap,
    "library": LibrarySitemap,
    "articles": ArticleSitemap,
}

urlpatterns = [
    path("robots.txt", views.robots_txt, {"sitemaps": SITEMAPS}, name="robots_txt"),
    path(
        "sitemap.xml",
        cache_control(max_age=3600, public=True)(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("", cached_page()(views.HomeView.as_view()), name="home"),
    path("dashboard/", cached_page()(views.DashboardView.as_view()), name="dashboard"),
    path("accounts/profile/", views.AccountView.as_view(), name="account"),
    path("accounts/profile/my-data/", views.MyDataView.as_view(), name="account_data"),
    path("accounts/profile/delete/", views.AccountDeleteView.as_view(), name="account_delete"),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("modules/", include("modules.urls")),
    path("library/", include("library.urls")),
    path("modules/<slug:module_slug>/", include("topics.urls")),
    path("modules/<slug:module_slug>/topics/<id:number>/debate/", include("debates.urls")),
    path("portfolio/", include("reflections.urls")),
    path("review/", include("reflections.review_urls")),
    path("verify/<str:code>/", CertificateVerifyView.as_view(), name="certificate_verify"),
    path("credentials/", include("credentials.urls")),
    path("groups/", include("studygroups.urls")),
    path("organisations/", include("organisations.urls")),
    path("analytics/", include("analytics.urls")),
]
