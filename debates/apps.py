from django.apps import AppConfig


class DebatesConfig(AppConfig):
    name = "debates"
    verbose_name = "Debates"

    def ready(self):
        from portal.hooks import register_before_user_delete

        from .services import stances_forget

        # The counters kept on write leave a deleted person's stances and endorsements out.
        register_before_user_delete(stances_forget)
