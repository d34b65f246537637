from django.apps import AppConfig


class DebatesConfig(AppConfig):
    name = "debates"
    verbose_name = "Debates"

    def ready(self):
        from portal.hooks import register_before_user_delete

        from .services import stances_forget

        # The counters kept on write leave a deleted person's stances and endorsements out.
        register_before_user_delete(stances_forget)

        from modules.services import register_cohort_move

        from .services import debates_follow_cohort_move

        # A trainee moved to another cohort takes their debate contributions along.
        register_cohort_move(debates_follow_cohort_move)

        from portal.pagecache import register_model

        from . import models

        # Kept pages (portal.pagecache): a debate page shows everyone's arguments, stances
        # and endorsements, so any of them changes every kept debate page.
        def debates(instance):
            return ("debates",), ()

        for model in (models.Stance, models.Argument, models.Endorsement):
            register_model(model, debates)
        for model in (models.ModerationEvent, models.DebateTally):
            register_model(model, debates)
