from django.apps import AppConfig


class StudyGroupsConfig(AppConfig):
    name = "studygroups"
    verbose_name = "Study groups"

    def ready(self):
        # Nothing imports this app: it puts its parts into the pages of the apps below
        # through the hooks they expose.
        from . import hooks

        hooks.register_all()
