from django.contrib.sitemaps import Sitemap

from .models import Module


class ModuleSitemap(Sitemap):
    """Each published module's overview: the catalogue's public pages."""

    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Module.objects.published().only("slug").order_by("slug")
