from django.apps import AppConfig


class ReflectionsConfig(AppConfig):
    name = "reflections"
    verbose_name = "Reflections and portfolio"

    def ready(self):
        from portal.hooks import register_demo_seeder, register_panel

        from . import panels

        # The review link (with the count of reflections waiting) in the header, for
        # tutors only; demo reflections waiting for the demo tutor.
        register_panel("nav", panels.review_nav)
        register_demo_seeder(panels.seed_demo)
