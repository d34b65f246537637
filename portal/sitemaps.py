from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class PublicPagesSitemap(Sitemap):
    """The portal's own public pages: home (with the catalogue), sign up and sign in."""

    changefreq = "weekly"

    def items(self):
        return ["home", "account_signup", "account_login"]

    def location(self, item):
        return reverse(item)

    def priority(self, item):
        return 1.0 if item == "home" else 0.3
