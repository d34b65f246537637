from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications and email"

    def ready(self) -> None:
        from portal.jobs import register_housekeeping

        from .services import email_requeue_stale

        register_housekeeping("emails requeued from dead workers", lambda: email_requeue_stale())

        from portal.pagecache import owned_by, register_model

        from .models import Notification, NotificationPreference

        # Kept pages (portal.pagecache): the bell and the list are the recipient's, whoever
        # (a request, a job) wrote the notice.
        register_model(Notification, owned_by("recipient"))
        register_model(NotificationPreference, owned_by("user"))
