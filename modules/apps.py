from django.apps import AppConfig


class ModulesConfig(AppConfig):
    name = "modules"
    verbose_name = "Modules"

    def ready(self):
        from portal.hooks import register_user_related

        # Whether the signed-in person tutors anything is asked on every page (the
        # review link in the header): their tutor profile comes with them.
        register_user_related("tutor_profile")
