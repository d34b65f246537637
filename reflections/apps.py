from django.apps import AppConfig


class ReflectionsConfig(AppConfig):
    name = "reflections"
    verbose_name = "Reflections and portfolio"

    def ready(self) -> None:
        from portal.jobs import register_housekeeping

        from .exports import export_jobs_prune

        def prune() -> str:
            erased, deleted = export_jobs_prune()
            return f"{erased} files erased, {deleted} old rows deleted"

        register_housekeeping("expired portfolio exports", prune)
