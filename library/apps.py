from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = "Library"

    def ready(self):
        from portal.pagecache import content, register_model

        from .models import Article, ArticleReference, ArticleSection

        # Kept pages (portal.pagecache): the library is everyone's.
        for model in (Article, ArticleSection, ArticleReference):
            register_model(model, content)
