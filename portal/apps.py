from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal and people"

    def ready(self):
        # The <id:...> path converter, before any app's URLs are read.
        from . import ids  # noqa: F401
        from .admin_tools import refuse_bad_admin_keys

        refuse_bad_admin_keys()
