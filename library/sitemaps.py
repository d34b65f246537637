from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article


class LibrarySitemap(Sitemap):
    """The library's index and its sample articles list."""

    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return ["library:index", "library:samples"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(Sitemap):
    """Every published article (its public part is open to everyone)."""

    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Article.objects.published().only("slug").order_by("slug")
