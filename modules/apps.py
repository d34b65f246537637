from django.apps import AppConfig


class ModulesConfig(AppConfig):
    name = "modules"
    verbose_name = "Modules"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .content import content_changed
        from .models import LearningOutcome, Module, ModuleTutor, Prerequisite, Tutor

        # Cache invalidation, not domain logic: every write to the content structure,
        # from the admin, loaddata or a shell, gives the cached structure a new version.
        for model in (Module, Prerequisite, LearningOutcome, Tutor, ModuleTutor):
            post_save.connect(
                content_changed, sender=model, dispatch_uid=f"content-{model.__name__}"
            )
            post_delete.connect(
                content_changed, sender=model, dispatch_uid=f"content-del-{model.__name__}"
            )
        for through in (Module.prerequisites.through, Module.tutors.through):
            m2m_changed.connect(
                content_changed, sender=through, dispatch_uid=f"content-m2m-{through.__name__}"
            )

        from portal.hooks import register_user_related

        # Whether the signed-in person tutors anything is asked on every page (the
        # review link in the header): their tutor profile comes with them.
        register_user_related("tutor_profile")

        from portal.pagecache import content, owned_by, register_model

        from .models import Cohort, Enrolment

        # Kept pages (portal.pagecache): content is everyone's; an enrolment is one person's.
        for model in (Module, Prerequisite, LearningOutcome, Tutor, ModuleTutor):
            register_model(model, content)
        register_model(Enrolment, owned_by("user", "cohort"))  # the tutors' cohort table too
        # A cohort's tutors, dates or openness change who sees whom: queue, tables, debates.
        register_model(Cohort, lambda instance: (("site", "review", "cohort", "debates"), ()))
