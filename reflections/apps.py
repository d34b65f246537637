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

        from portal.pagecache import content, owned_by, register_model

        from . import models

        # Kept pages (portal.pagecache): a reflection is its author's and, once submitted,
        # the tutors' queue; feedback too. Writes by QuerySet.update() are in services.
        register_model(models.ReflectionTemplate, content)
        register_model(models.Reflection, lambda r: (("review",), (r.author_id,)))
        register_model(models.Feedback, lambda f: (("review",), (f.reflection.author_id,)))
        register_model(models.Certificate, owned_by("user"))
        register_model(models.ExportJob, owned_by("owner"))
