from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Course analytics"

    def ready(self) -> None:
        # Nothing imports this app: it reads the apps below it, listens to their writes
        # to recount its summaries, and puts its links on their pages through hooks.
        from . import triggers

        triggers.register_all()
