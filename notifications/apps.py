from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications and email"

    def ready(self) -> None:
        from portal.jobs import register_housekeeping

        from .services import email_requeue_stale

        register_housekeeping("emails requeued from dead workers", lambda: email_requeue_stale())
