from django.apps import AppConfig


class ReflectionsConfig(AppConfig):
    name = "reflections"
    verbose_name = "Reflections and portfolio"

    def ready(self) -> None:
        from portal.hooks import register_demo_seeder, register_panel
        from portal.jobs import register_housekeeping

        from . import panels
        from .exports import export_jobs_prune

        def prune() -> str:
            erased, deleted = export_jobs_prune()
            return f"{erased} files erased, {deleted} old rows deleted"

        register_housekeeping("expired portfolio exports", prune)
        # The review link (with the count of reflections waiting) in the header, for
        # tutors only; demo reflections waiting for the demo tutor.
        register_panel("nav", panels.review_nav)
        register_demo_seeder(panels.seed_demo)
