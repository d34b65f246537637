from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations"

    def ready(self):
        from portal.hooks import register_demo_seeder, register_panel
        from portal.pagecache import owned_by, register_model

        from .models import Membership, Organisation
        from .panels import lead_reports_panel

        # Leads find their organisation's report from the dashboard.
        register_panel("dashboard", lead_reports_panel)
        from .demo import seed_demo_cohorts

        register_demo_seeder(seed_demo_cohorts)
        register_model(Membership, owned_by("user"))
        register_model(Organisation, lambda instance: (("site",), ()))
