from django.apps import AppConfig


class TopicsConfig(AppConfig):
    name = "topics"
    verbose_name = "Topics and tasks"

    def ready(self):
        from portal.pagecache import content, owned_by, register_model

        from . import models

        # Kept pages (portal.pagecache): the course is everyone's, progress one person's.
        for model in (models.Topic, models.Task, models.Motion, models.Resource):
            register_model(model, content)
        register_model(models.ChecklistItem, content)
        # Progress and targets also show in the tutors' cohort table.
        for model in (models.TaskCompletion, models.TimetableTarget):
            register_model(model, owned_by("user", "cohort"))
        register_model(models.ChecklistTick, owned_by("user"))
        register_model(models.CalendarFeedToken, owned_by("user"))
